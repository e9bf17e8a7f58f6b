// The school's privacy page (/s/{brin}/privacy, public) generated at run time
// from the retention catalogue, the school's periods and the permissions
// (domain/privacy_notice.h); the deployment's /privacy, which sends a
// logged-in user to their school's page and lists the schools otherwise; and
// the school admin's contact details of the controller and its FG
// (/admin/privacy/verklaring, auth/school_privacy.h).
#include "app/app.h"
#include "auth/school_privacy.h"
#include "domain/privacy_notice.h"
#include "retention/settings.h"

namespace app {

namespace {

using common::Status;

std::string Fill(std::string text, std::string_view name, const std::string& value) {
  std::string slot = "{" + std::string(name) + "}";
  if (size_t at = text.find(slot); at != std::string::npos) text.replace(at, slot.size(), value);
  return text;
}

// "24 maanden nadat je van school bent gegaan", from the rule that decides
// the row's period and the school's value for it.
std::string PeriodText(const Ctx& ctx, const domain::RetentionRule& rule,
                       const retention::Periods& periods) {
  const domain::RetentionRule& g = domain::GoverningRule(rule);
  const domain::RetentionPeriod* p = domain::FindRetentionPeriod(g.period);
  std::string start = ctx.T(domain::NoticeStartKey(g.start));
  if (p == nullptr) return start;  // kept while in use (or with its parent)
  int value = periods.Value(p->key);
  std::string text = ctx.T("privacy_period_value");
  text = Fill(text, "n", std::to_string(value));
  text = Fill(text, "unit", ctx.T(domain::NoticeUnitKey(p->unit, value)));
  return Fill(text, "start", start);
}

std::string RolesText(const Ctx& ctx, domain::Purpose purpose) {
  std::string out;
  for (domain::Role role : domain::RolesWhoSee(purpose)) {
    if (!out.empty()) out += ", ";
    out += ctx.T("role_" + std::string(domain::RoleName(role)));
  }
  return out.empty() ? ctx.T("privacy_who_none") : out;
}

views::Data Section(const Ctx& ctx, domain::DataSubject subject,
                    const retention::Periods& periods) {
  views::Data section;
  std::string id(domain::DataSubjectName(subject));
  section.set("id", "privacy-" + id);
  section.set("title", ctx.T(domain::NoticeSectionKey(subject)));
  section.set("reporter", subject == domain::DataSubject::kReporter);
  views::Data rows{views::Data::type::list};
  for (const domain::RetentionRule* r : domain::NoticeTables(subject)) {
    views::Data row;
    row.set("table", std::string(r->table));
    row.set("what", ctx.T(domain::NoticeTableKey(r->table)));
    row.set("purpose", ctx.T(domain::NoticePurposeKey(r->purpose)));
    row.set("how_long", PeriodText(ctx, *r, periods));
    rows.push_back(row);
  }
  section.set("rows", rows);
  views::Data purposes{views::Data::type::list};
  for (domain::Purpose p : domain::NoticePurposes(subject)) {
    views::Data item;
    item.set("name", ctx.T(domain::NoticePurposeKey(p)));
    item.set("basis", ctx.T(domain::NoticeBasisKey(p)));
    item.set("who", RolesText(ctx, p));
    purposes.push_back(item);
  }
  section.set("purposes", purposes);
  return section;
}

web::Response SchoolPage(Ctx& ctx) {
  auto school = ctx.app.accounts().SchoolByBrin(ctx.req.PathParam("brin"));
  if (!school.ok()) return ctx.ErrorPage(HttpStatusFor(school.status()));
  std::optional<auth::SchoolPrivacy> contact;
  std::optional<retention::Periods> periods;
  Status s = ctx.app.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(contact, auth::LoadSchoolPrivacy(c, school->id));
    SP_ASSIGN_OR_RETURN(periods, retention::LoadPeriods(c, school->id));
    return Status::Ok();
  });
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  views::Page page = ctx.MakePage(ctx.T("privacy_title") + " – " + school->name);
  views::Data body;
  body.set("school_name", school->name);
  body.set("intro", Fill(ctx.T("privacy_intro"), "school", school->name));
  body.set("controller_text", Fill(ctx.T("privacy_controller_text"), "school", school->name));
  if (contact) {
    views::Data c;
    c.set("address", contact->address);
    c.set("email", contact->email);
    c.set("phone", contact->phone);
    c.set("dpo_name", contact->dpo_name);
    c.set("dpo_email", contact->dpo_email);
    body.set("contact", c);
  } else {
    body.set("no_contact", true);
  }
  views::Data sections{views::Data::type::list};
  for (domain::DataSubject subject : domain::NoticeSections())
    sections.push_back(Section(ctx, subject, *periods));
  body.set("sections", sections);
  const std::string& location = ctx.app.config().hosting_location;
  body.set("hosting_text", Fill(ctx.T("privacy_hosting_text"), "location",
                                location.empty() ? ctx.T("privacy_hosting_default") : location));
  return ctx.Render("privacy_page", page, body);
}

// The footer's link on pages without a school in their path: a logged-in
// user goes to their own school's page, anyone else chooses a school.
web::Response DeploymentPage(Ctx& ctx) {
  if (ctx.session && !ctx.session->user.school_id.empty()) {
    auto school = ctx.app.accounts().SchoolById(ctx.session->user.school_id);
    if (school.ok()) return web::Response::Redirect("/s/" + school->brin + "/privacy");
  }
  auto schools = ctx.app.accounts().ListSchools();
  if (!schools.ok()) return ctx.ErrorPage(HttpStatusFor(schools.status()));
  views::Page page = ctx.MakePage(ctx.T("privacy_index_title"));
  views::Data list{views::Data::type::list};
  for (const auth::School& school : *schools) {
    views::Data item;
    item.set("name", school.name);
    item.set("href", "/s/" + school.brin + "/privacy");
    list.push_back(item);
  }
  views::Data body;
  body.set("schools", list);
  body.set("no_schools", schools->empty());
  return ctx.Render("privacy_index", page, body);
}

// ---- The school admin's contact details ----------------------------------------

const char* const kFields[] = {"address", "email", "phone", "dpo_name", "dpo_email"};

std::string ErrorText(const Ctx& ctx, const Status& s) {
  const std::string& reason = s.message();
  std::string text = ctx.T("privacy_error_" + reason);
  if (text == "privacy_error_" + reason) text = ctx.T("privacy_error_required");
  return Fill(text, "field", ctx.T("privacy_admin_" + s.field()));
}

web::Response AdminForm(Ctx& ctx, const auth::SchoolPrivacy& v,
                        const std::vector<views::FieldError>& errors, std::string flash,
                        int status) {
  auto school = ctx.app.accounts().SchoolById(ctx.user().school_id);
  if (!school.ok()) return ctx.ErrorPage(404);
  views::Page page = ctx.MakePage(ctx.T("privacy_admin_title"));
  page.csrf = ctx.session->csrf_token;
  page.errors = errors;
  page.flash = std::move(flash);
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  body.set("view_href", "/s/" + school->brin + "/privacy");
  const std::string values[] = {v.address, v.email, v.phone, v.dpo_name, v.dpo_email};
  const char* types[] = {"text", "email", "tel", "text", "email"};
  const char* autocomplete[] = {"street-address", "email", "tel", "off", "off"};
  views::Data fields{views::Data::type::list};
  for (size_t i = 0; i < std::size(kFields); ++i) {
    std::string id = kFields[i];
    std::string hint = id == "address" ? ctx.T("privacy_admin_address_hint") : "";
    fields.push_back(views::InputField(id, ctx.T("privacy_admin_" + id), values[i], types[i],
                                       views::ErrorFor(errors, id), hint, autocomplete[i]));
  }
  body.set("fields", fields);
  return ctx.Render("privacy_admin", page, body, status);
}

web::Response ShowAdmin(Ctx& ctx) {
  auth::SchoolPrivacy v;
  Status s = ctx.app.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(auto stored, auth::LoadSchoolPrivacy(c, ctx.user().school_id));
    if (stored) v = *stored;
    return Status::Ok();
  });
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  std::string saved =
      ctx.req.QueryParam("ok").value_or("") == "1" ? ctx.T("privacy_admin_saved") : "";
  return AdminForm(ctx, v, {}, saved, 200);
}

web::Response SaveAdmin(Ctx& ctx) {
  // What was typed comes back in the form on an error, so nothing is lost.
  auth::SchoolPrivacy typed{ctx.form.Get("address"), ctx.form.Get("email"), ctx.form.Get("phone"),
                            ctx.form.Get("dpo_name"), ctx.form.Get("dpo_email")};
  if (Status v = auth::ValidateSchoolPrivacy(typed).status(); !v.ok()) {
    return AdminForm(ctx, typed, {{v.field(), ErrorText(ctx, v)}}, "", 400);
  }
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(auth::SaveSchoolPrivacy(c, ctx.user().school_id, typed, ctx.user().id,
                                               ctx.app.clock().NowMillis())
                           .status());
    return ctx.app.audit().Append(
        c, AuditEntry(ctx, "school.privacy_contact", "school", ctx.user().school_id));
  });
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  return web::Response::Redirect("/admin/privacy/verklaring?ok=1");
}

}  // namespace

void RegisterPrivacyPageRoutes(App& app) {
  app.Route(web::Method::kGet, "/s/{brin}/privacy", Access::Public(), SchoolPage);
  app.Route(web::Method::kGet, "/privacy", Access::Public(), DeploymentPage);
  Access admin = Access::Need(domain::Permission::kManageSchoolUsers);
  app.Route(web::Method::kGet, "/admin/privacy/verklaring", admin, ShowAdmin);
  app.Route(web::Method::kPost, "/admin/privacy/verklaring", admin, SaveAdmin);
}

}  // namespace app
