// The rights of a student or company contact (AVG art. 15-21), on their own
// account: /account/privacy shows a summary of what is stored about them,
// the download (JSON and a readable page, built from the retention
// catalogue by privacy/export.h), and the forms to ask for a correction, an
// erasure, or to object, with their requests' state, deadline and answer.
//
// Only students and company contacts (privacy::HasAccountRights): staff use
// their rights with the school as their employer, and a reporter reaches a
// report with its code, since reports are not linked to accounts. Other
// logged-in roles get 403. Downloads and requests are audited with ids only.
#include <map>

#include "app/app.h"
#include "app/rights_ui.h"
#include "privacy/export.h"
#include "privacy/requests.h"

namespace app {

namespace {

using common::Status;
using privacy::RequestKind;

bool MayUse(const Ctx& ctx) { return privacy::HasAccountRights(ctx.user().role); }

// The heading of a table's rows: "rights_table_<table>" when the catalogue
// has it, else the table's own name (a new table shows up all the same).
std::string TableHeading(const Ctx& ctx, std::string_view table) {
  std::string key = "rights_table_" + std::string(table);
  const std::string& text = ctx.T(key);
  return text == key ? std::string(table) : text;
}

std::string ColumnLabel(const Ctx& ctx, const std::string& column) {
  std::string key = "rights_col_" + column;
  const std::string& text = ctx.T(key);
  return text == key ? column : text;
}

// A value as a person reads it: times (`*_at` columns) as dates, days as
// dates, nothing as a dash, secrets as "withheld".
std::string Readable(const Ctx& ctx, const std::string& column, const db::Value& v, bool withheld) {
  if (withheld) return ctx.T("rights_withheld_value");
  if (std::holds_alternative<std::monostate>(v)) return "—";
  if (const auto* i = std::get_if<int64_t>(&v)) {
    bool time =
        column == "at" || (column.size() > 3 && column.compare(column.size() - 3, 3, "_at") == 0);
    return time && *i > 0 ? rightsui::LongTime(ctx, *i) : std::to_string(*i);
  }
  if (const auto* d = std::get_if<double>(&v)) return std::to_string(*d);
  const std::string& s = std::get<std::string>(v);
  if (s.empty()) return "—";
  bool day = column.size() > 3 && (column.compare(column.size() - 3, 3, "_on") == 0);
  if (day && domain::ParseDate(s)) return rightsui::LongDate(ctx, s);
  return s;
}

// Reads everything about the caller and audits it as a download.
Status CollectAudited(Ctx& ctx, privacy::Person* person, std::vector<privacy::TableRows>* data) {
  return ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(*person, privacy::FindPerson(c, ctx.user().school_id, ctx.user().id));
    SP_ASSIGN_OR_RETURN(*data, privacy::Collect(c, *person));
    return ctx.app.audit().Append(c, AuditEntry(ctx, "privacy.download", "user", ctx.user().id));
  });
}

web::Response DownloadJson(Ctx& ctx) {
  if (!MayUse(ctx)) return ctx.ErrorPage(403);
  privacy::Person person;
  std::vector<privacy::TableRows> data;
  Status s = CollectAudited(ctx, &person, &data);
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  nlohmann::json j = privacy::ToJson(person, data, ctx.app.clock().NowMillis());
  web::Response res = web::Response::Json(200, j.dump(2));
  res.SetHeader("Content-Disposition", "attachment; filename=\"stagepunt-mijn-gegevens.json\"");
  return res;
}

// Areas (purposes) in catalogue order, each with its tables' rows.
views::Data AreasData(const Ctx& ctx, const std::vector<privacy::TableRows>& data) {
  std::vector<std::string> order;
  std::map<std::string, views::Data> tables_of;
  for (const privacy::TableRows& t : data) {
    if (t.rows.empty()) continue;
    std::string purpose(domain::PurposeName(t.rule->purpose));
    if (!tables_of.count(purpose)) {
      order.push_back(purpose);
      tables_of[purpose] = views::Data{views::Data::type::list};
    }
    views::Data rows{views::Data::type::list};
    for (size_t r = 0; r < t.rows.size(); ++r) {
      views::Data fields{views::Data::type::list};
      for (size_t i = 0; i < t.columns.size(); ++i) {
        views::Data f;
        f.set("label", ColumnLabel(ctx, t.columns[i]));
        f.set("value", Readable(ctx, t.columns[i], t.rows[r][i], t.withheld[r][i]));
        fields.push_back(f);
      }
      views::Data row;
      row.set("fields", fields);
      rows.push_back(row);
    }
    views::Data table;
    table.set("heading", TableHeading(ctx, t.rule->table));
    table.set("rows", rows);
    tables_of[purpose].push_back(table);
  }
  views::Data areas{views::Data::type::list};
  for (const std::string& purpose : order) {
    views::Data a;
    a.set("id", "area-" + purpose);
    a.set("heading", ctx.T("rights_area_" + purpose));
    a.set("tables", tables_of[purpose]);
    areas.push_back(a);
  }
  return areas;
}

views::Data WithheldData(const Ctx& ctx) {
  views::Data list{views::Data::type::list};
  for (const privacy::Withheld& w : privacy::WithheldColumns()) {
    if (w.table == "*") continue;
    views::Data d;
    d.set("what", TableHeading(ctx, w.table) + ": " + ColumnLabel(ctx, std::string(w.column)));
    d.set("why", ctx.T("rights_withheld_" + std::string(w.reason_key)));
    list.push_back(d);
  }
  return list;
}

web::Response ShowData(Ctx& ctx) {
  if (!MayUse(ctx)) return ctx.ErrorPage(403);
  privacy::Person person;
  std::vector<privacy::TableRows> data;
  Status s = CollectAudited(ctx, &person, &data);
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  views::Page page = ctx.MakePage(ctx.T("rights_data_title"));
  views::Data body;
  body.set("generated", rightsui::LongTime(ctx, ctx.app.clock().NowMillis()));
  body.set("areas", AreasData(ctx, data));
  body.set("withheld", WithheldData(ctx));
  return ctx.Render("rights_data", page, body);
}

// What the form of one kind shows again after an error: the typed text.
struct Typed {
  RequestKind kind = RequestKind::kCorrection;
  std::string text;
  std::string error;
};

views::Data RequestsData(const Ctx& ctx, const std::vector<privacy::Request>& requests) {
  views::Data list{views::Data::type::list};
  for (const privacy::Request& r : requests) {
    views::Data d;
    d.set("kind", rightsui::KindLabel(ctx, r.kind));
    d.set("created", rightsui::LongDate(ctx, domain::DateFromMillis(r.created_at)));
    d.set("due", rightsui::LongDate(ctx, r.due_on));
    d.set("state", rightsui::StateLabel(ctx, r.state));
    views::SetIfPresent(d, "text", r.text);
    views::SetIfPresent(d, "answer", r.reason);
    if (r.answered_at > 0) {
      d.set("answered", rightsui::LongDate(ctx, domain::DateFromMillis(r.answered_at)));
    }
    list.push_back(d);
  }
  return list;
}

web::Response RightsPage(Ctx& ctx, const std::optional<Typed>& typed, int status) {
  privacy::Person person;
  std::vector<privacy::TableRows> data;
  std::vector<privacy::Request> requests;
  Status s = ctx.app.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(person, privacy::FindPerson(c, ctx.user().school_id, ctx.user().id));
    SP_ASSIGN_OR_RETURN(data, privacy::Collect(c, person));
    SP_ASSIGN_OR_RETURN(requests, privacy::ForUser(c, ctx.user().school_id, ctx.user().id));
    return Status::Ok();
  });
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  std::map<std::string, int64_t> per_area;
  std::vector<std::string> order;
  for (const privacy::TableRows& t : data) {
    if (t.rows.empty()) continue;
    std::string purpose(domain::PurposeName(t.rule->purpose));
    if (!per_area.count(purpose)) order.push_back(purpose);
    per_area[purpose] += static_cast<int64_t>(t.rows.size());
  }
  views::Page page = ctx.MakePage(ctx.T("rights_title"));
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  views::Data summary{views::Data::type::list};
  for (const std::string& purpose : order) {
    views::Data d;
    d.set("area", ctx.T("rights_area_" + purpose));
    d.set("count", std::to_string(per_area[purpose]));
    summary.push_back(d);
  }
  body.set("summary", summary);
  body.set("sent", ctx.req.QueryParam("verzonden").has_value());
  for (RequestKind kind :
       {RequestKind::kCorrection, RequestKind::kErasure, RequestKind::kObjection}) {
    std::string name(privacy::RequestKindName(kind));
    if (typed && typed->kind == kind) {
      body.set(name + "_text", typed->text);
      views::SetIfPresent(body, name + "_error", typed->error);
      if (!typed->error.empty()) page.errors.push_back({"text_" + name, typed->error});
    }
  }
  body.set("has_requests", !requests.empty());
  body.set("requests", RequestsData(ctx, requests));
  return ctx.Render("rights_home", page, body, status);
}

web::Response ShowRights(Ctx& ctx) {
  if (!MayUse(ctx)) return ctx.ErrorPage(403);
  return RightsPage(ctx, std::nullopt, 200);
}

// The school's admins hear of a new request on their dashboard and by mail
// (unless they turned it off); both name the deadline or a link, never the
// request's text.
Status NotifyAdmins(Ctx& ctx, db::Connection& c, const privacy::Request& r,
                    common::UnixMillis now) {
  SP_ASSIGN_OR_RETURN(db::Rows admins,
                      c.Query("SELECT id FROM users WHERE school_id = $1 AND role = $2 AND "
                              "disabled = 0",
                              {r.school_id, domain::RoleName(domain::Role::kSchoolAdmin)}));
  const std::string link = "/admin/privacy/verzoeken/" + r.id;
  mail::Params params;
  params.link = link;
  for (const db::Row& a : admins.rows) {
    SP_RETURN_IF_ERROR(notify::Add(c,
                                   {.school_id = r.school_id,
                                    .user_id = a.Text(0),
                                    .kind = "privacy_request",
                                    .subject = r.due_on,
                                    .link = link,
                                    .object_id = r.id},
                                   now)
                           .status());
    SP_RETURN_IF_ERROR(ctx.app.outbox()
                           .EnqueueForUser(c, mail::Kind::kPrivacyRequest, a.Text(0), params)
                           .status());
  }
  return Status::Ok();
}

web::Response PostRequest(Ctx& ctx) {
  if (!MayUse(ctx)) return ctx.ErrorPage(403);
  auto kind = privacy::ParseRequestKind(ctx.form.Get("kind"));
  if (!kind) return ctx.ErrorPage(400);
  Typed typed{*kind, ctx.form.Get("text"), ""};
  common::UnixMillis now = ctx.app.clock().NowMillis();
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(privacy::Request r, privacy::Create(c, ctx.user().school_id, ctx.user().id,
                                                            *kind, typed.text, now));
    SP_RETURN_IF_ERROR(NotifyAdmins(ctx, c, r, now));
    return ctx.app.audit().Append(c, AuditEntry(ctx, "privacy.request", "privacy_request", r.id));
  });
  if (s.code() == common::StatusCode::kInvalidArgument) {
    typed.error = ctx.T(s.message() == "required" ? "rights_text_required" : "rights_text_invalid");
    return RightsPage(ctx, typed, 400);
  }
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  return web::Response::Redirect("/account/privacy?verzonden=1");
}

}  // namespace

void RegisterRightsRoutes(App& app) {
  app.Route(web::Method::kGet, "/account/privacy", Access::LoggedIn(), ShowRights);
  app.Route(web::Method::kGet, "/account/privacy/download.json", Access::LoggedIn(), DownloadJson);
  app.Route(web::Method::kGet, "/account/privacy/gegevens", Access::LoggedIn(), ShowData);
  app.Route(web::Method::kPost, "/account/privacy/verzoek", Access::LoggedIn(), PostRequest);
  RegisterRightsAdminRoutes(app);
}

}  // namespace app
