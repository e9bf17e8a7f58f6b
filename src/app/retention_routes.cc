// The school admin's retention page (/admin/bewaartermijnen): every period of
// the catalogue (domain/retention.h) with its unit, default and bounds, the
// school's value in a form, what each period covers in plain words, and what
// the next run of the retention job removes (retention::Runner::Preview, the
// run itself rolled back). Saving is audited as "retention.set".
#include <set>

#include "app/app.h"
#include "domain/retention.h"
#include "retention/settings.h"

namespace app {

namespace {

using common::Status;

// The tables a period covers: its own rules and, transitively, the rules
// that go with their parent.
std::vector<std::string_view> TablesOf(std::string_view period) {
  std::vector<std::string_view> out;
  std::set<std::string_view> seen;
  for (const domain::RetentionRule& r : domain::RetentionRules()) {
    if (r.period == period && seen.insert(r.table).second) out.push_back(r.table);
  }
  for (size_t i = 0; i < out.size(); ++i) {
    for (const domain::RetentionRule& r : domain::RetentionRules()) {
      if (r.start == domain::RetentionStart::kWithParent && r.parent == out[i] &&
          seen.insert(r.table).second) {
        out.push_back(r.table);
      }
    }
  }
  return out;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::string Unit(const Ctx& ctx, domain::RetentionUnit unit) {
  return ctx.T("ret_unit_" + std::string(domain::RetentionUnitName(unit)));
}

// `typed`: the values as the admin typed them (after a refused save), else
// the school's values.
web::Response RetentionPage(Ctx& ctx, const std::map<std::string, std::string>& typed,
                            const std::vector<views::FieldError>& errors, std::string flash,
                            int status = 200) {
  const std::string& school = ctx.user().school_id;
  retention::Periods periods;
  Status s = ctx.app.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(periods, retention::LoadPeriods(c, school));
    return Status::Ok();
  });
  if (!s.ok()) return ctx.ErrorPage(503);
  views::Page page = ctx.MakePage(ctx.T("ret_title"));
  page.errors = errors;
  page.flash = std::move(flash);
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  views::Data list{views::Data::type::list};
  for (const domain::RetentionPeriod& p : domain::RetentionPeriods()) {
    const std::string key(p.key);
    auto it = typed.find(key);
    std::string value = it != typed.end() ? it->second : std::to_string(periods.Value(key));
    std::string unit = Unit(ctx, p.unit);
    std::string hint = ctx.T("ret_hint_default") + " " + std::to_string(p.default_value) + " " +
                       unit + ". " + ctx.T("ret_hint_between") + " " + std::to_string(p.min_value) +
                       " " + ctx.T("ret_and") + " " + std::to_string(p.max_value) + ".";
    std::vector<std::string> covers;
    for (std::string_view t : TablesOf(p.key))
      covers.push_back(ctx.T("ret_table_" + std::string(t)));
    views::Data row;
    std::string label = ctx.T("ret_period_" + key);
    label += " (" + unit + ")";
    row.set("input", views::InputField("period_" + key, label, value, "number",
                                       views::ErrorFor(errors, "period_" + key), hint));
    row.set("covers", Join(covers));
    std::vector<std::string_view> tables = TablesOf(p.key);
    if (!tables.empty()) {
      row.set("start", ctx.T("ret_start_" + std::string(domain::RetentionStartName(
                                                domain::FindRetentionRule(tables[0])->start))));
    }
    list.push_back(row);
  }
  body.set("periods", list);
  // What the next run removes at this school (the run rolled back).
  auto preview = ctx.app.RetentionRunner().Preview(school);
  body.set("has_preview", preview.ok());
  views::Data rows{views::Data::type::list};
  if (preview.ok()) {
    for (const auto& [table, n] : preview->removed) {
      if (n == 0) continue;
      views::Data r;
      r.set("what", ctx.T("ret_table_" + table));
      r.set("count", std::to_string(n));
      rows.push_back(r);
    }
    for (const auto& [table, n] : preview->erased) {
      if (n == 0) continue;
      views::Data r;
      r.set("what", ctx.T("ret_erased_" + table));
      r.set("count", std::to_string(n));
      rows.push_back(r);
    }
    body.set("preview_empty", preview->Total() == 0);
  }
  body.set("preview", rows);
  return ctx.Render("retention_settings", page, body, status);
}

web::Response ShowRetention(Ctx& ctx) {
  return RetentionPage(ctx, {}, {},
                       ctx.req.QueryParam("ok").value_or("") == "1" ? ctx.T("flash_saved") : "");
}

// Every field is checked first; nothing is stored unless all are valid, and
// a refused form comes back with what was typed.
web::Response SaveRetention(Ctx& ctx) {
  std::map<std::string, std::string> typed;
  std::map<std::string, int> values;
  std::vector<views::FieldError> errors;
  for (const domain::RetentionPeriod& p : domain::RetentionPeriods()) {
    const std::string key(p.key);
    std::string v = ctx.form.Get("period_" + key);
    typed[key] = v;
    bool digits =
        !v.empty() && v.size() <= 4 && v.find_first_not_of("0123456789") == std::string::npos;
    int n = digits ? std::stoi(v) : -1;  // at most 4 digits, checked
    if (!digits || !domain::RetentionValueAllowed(p, n)) {
      errors.push_back(
          {"period_" + key, ctx.T("ret_period_" + key) + ": " + ctx.T("ret_error_between") + " " +
                                std::to_string(p.min_value) + " " + ctx.T("ret_and") + " " +
                                std::to_string(p.max_value) + " " + Unit(ctx, p.unit) + "."});
      continue;
    }
    values[key] = n;
  }
  if (!errors.empty()) return RetentionPage(ctx, typed, errors, "", 400);
  const std::string& school = ctx.user().school_id;
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(retention::Periods current, retention::LoadPeriods(c, school));
    for (const auto& [key, value] : values) {
      if (current.IsChosen(key) && current.Value(key) == value) continue;
      if (!current.IsChosen(key) && current.Value(key) == value) continue;
      SP_RETURN_IF_ERROR(
          retention::SetPeriod(c, school, key, value, ctx.user().id, ctx.app.clock().NowMillis()));
      // Closed cases carry their shredding date; a new period moves it.
      if (key == "cases") {
        SP_RETURN_IF_ERROR(meldpunt::Meldpunt::RescheduleRetention(c, school).status());
      }
    }
    return ctx.app.audit().Append(c, AuditEntry(ctx, "retention.set", "school", school));
  });
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  return web::Response::Redirect("/admin/bewaartermijnen?ok=1");
}

}  // namespace

void RegisterRetentionRoutes(App& app) {
  Access admin = Access::Need(domain::Permission::kManageSchoolUsers);
  app.Route(web::Method::kGet, "/admin/bewaartermijnen", admin, ShowRetention);
  app.Route(web::Method::kPost, "/admin/bewaartermijnen", admin, SaveRetention);
}

}  // namespace app
