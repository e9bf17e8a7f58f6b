// The CSV imports' pages: the coordinator's imports of the school's
// students, leerbedrijven and leerplaatsen (/stagematching/import), and the
// system admin's import of the deployment's company register
// (/admin/register), on the same page and the same service machinery. The
// service checks who may import what (placement::Stagematching::Import,
// ImportRegister).
#include "app/app.h"
#include "app/placement_ui.h"

namespace app {

namespace {

using common::StatusCode;
using smui::ErrorPageFor;
using smui::ErrorText;
using views::SetIfPresent;

struct ColumnDoc {
  const char* name;
  const char* alias;  // Dutch header names also accepted
  bool required;
};

// The columns of domain/placement.h (MapColumns), with the other header names it accepts.
constexpr ColumnDoc kStudentColumns[] = {{"student_number", "studentnummer, leerlingnummer", true},
                                         {"name", "naam", true},
                                         {"crebo", "opleidingscode", true},
                                         {"level", "niveau", true},
                                         {"pathway", "leerweg", true},
                                         {"cohort", "", true},
                                         {"location", "locatie", false},
                                         {"lat", "latitude", false},
                                         {"lon", "longitude, lng", false},
                                         {"round", "ronde", false},
                                         {"email", "e_mail, login", false},
                                         {"begeleider_email", "stagebegeleider_email", false}};
constexpr ColumnDoc kCompanyColumns[] = {{"leerbedrijf_id", "leerbedrijfid", true},
                                         {"name", "naam", true},
                                         {"kvk", "kvk_nummer", false},
                                         {"address", "adres", false},
                                         {"postcode", "", false},
                                         {"city", "plaats", false},
                                         {"lat", "latitude", false},
                                         {"lon", "longitude, lng", false},
                                         {"crebos", "erkenningen", false},
                                         {"sbb_recognised", "erkend, sbb_erkend", false},
                                         {"contact_name", "contactpersoon", false},
                                         {"contact_email", "contact_e_mail", false}};
// The register import's columns: the same as a school's, without contacts.
constexpr ColumnDoc kRegisterColumns[] = {{"leerbedrijf_id", "leerbedrijfid", true},
                                          {"name", "naam", true},
                                          {"kvk", "kvk_nummer", false},
                                          {"address", "adres", false},
                                          {"postcode", "", false},
                                          {"city", "plaats", false},
                                          {"lat", "latitude", false},
                                          {"lon", "longitude, lng", false},
                                          {"crebos", "erkenningen", false},
                                          {"sbb_recognised", "erkend, sbb_erkend", false}};
constexpr ColumnDoc kStaffColumns[] = {{"login", "inlognaam", true},
                                       {"name", "naam", true},
                                       {"role", "rol", true},
                                       {"email", "e_mail", false}};
// The BPV agreements: internships no round made (domain/placement.h, kind "bpv").
constexpr ColumnDoc kBpvColumns[] = {{"student_number", "studentnummer", true},
                                     {"leerbedrijf_id", "leerbedrijfid", true},
                                     {"crebo", "opleidingscode", true},
                                     {"start_date", "startdatum, begindatum", true},
                                     {"end_date", "einddatum", true},
                                     {"pathway", "leerweg", false}};
constexpr ColumnDoc kPlaceColumns[] = {{"leerbedrijf_id", "leerbedrijfid", true},
                                       {"crebo", "opleidingscode", true},
                                       {"capacity", "capaciteit", true},
                                       {"period", "periode", true},
                                       {"description", "omschrijving", false}};

template <size_t N>
views::Data KindDoc(const Ctx& ctx, std::string_view kind, const ColumnDoc (&columns)[N]) {
  views::Data d;
  std::string k(kind);
  d.set("kind", k);
  d.set("title", ctx.T("sm_import_kind_" + k));
  d.set("intro", ctx.T("sm_import_about_" + k));
  views::Data list{views::Data::type::list};
  std::string header;
  for (const ColumnDoc& c : columns) {
    views::Data col;
    col.set("name", std::string(c.name));
    SetIfPresent(col, "alias", c.alias);
    col.set("required", c.required);
    std::string specific = "sm_col_" + k + "_" + c.name;
    std::string text = ctx.T(specific);
    if (text == specific) text = ctx.T(std::string("sm_col_") + c.name);
    col.set("text", text);
    list.push_back(col);
    header += (header.empty() ? "" : ",") + std::string(c.name);
  }
  d.set("columns", list);
  d.set("header", header);
  return d;
}

// What differs between the coordinator's imports and the system admin's
// register import: the form's address, the way back, and the kinds offered.
struct ImportScreen {
  const char* action;     // where the form posts
  const char* back_href;  // the way back
  const char* back_key;   // its message key
  const char* title_key;
  const char* intro_key;
  bool is_register;  // one kind, "register", and no choice of kind
  bool is_admin;     // the school admin's: staff and students (logins)
};

constexpr ImportScreen kSchoolImport{
    .action = "/stagematching/import",
    .back_href = "/stagematching",
    .back_key = "sm_back_overview",
    .title_key = "sm_import_title",
    .intro_key = "sm_import_intro",
    .is_register = false,
    .is_admin = false,
};
constexpr ImportScreen kRegisterImport{
    .action = "/admin/register",
    .back_href = "/admin/schools",
    .back_key = "reg_back_schools",
    .title_key = "reg_import_title",
    .intro_key = "reg_import_intro",
    .is_register = true,
    .is_admin = false,
};
constexpr ImportScreen kAdminImport{
    .action = "/admin/import",
    .back_href = "/admin/users",
    .back_key = "acc_back_users",
    .title_key = "acc_import_title",
    .intro_key = "acc_import_intro",
    .is_register = false,
    .is_admin = true,
};

web::Response ImportPage(Ctx& ctx, const ImportScreen& screen, const std::string& kind,
                         std::vector<views::FieldError> errors,
                         const placement::ImportReport* report, int status) {
  views::Page page = ctx.MakePage(ctx.T(screen.title_key));
  page.errors = std::move(errors);
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  body.set("action", std::string(screen.action));
  body.set("back_href", std::string(screen.back_href));
  body.set("back_label", ctx.T(screen.back_key));
  body.set("title", ctx.T(screen.title_key));
  body.set("intro", ctx.T(screen.intro_key));
  body.set("choose_kind", !screen.is_register);
  views::Data kinds{views::Data::type::list};
  std::vector<const char*> offered = {"students", "companies", "places", "bpv"};
  if (screen.is_admin) offered = {"staff", "students"};
  for (const char* k : offered) {
    views::Data item;
    item.set("value", std::string(k));
    item.set("id", "kind_" + std::string(k));
    item.set("label", ctx.T("sm_import_kind_" + std::string(k)));
    item.set("checked", kind == k);
    kinds.push_back(item);
  }
  body.set("kinds", kinds);
  SetIfPresent(body, "kind_error", views::ErrorFor(page.errors, "kind"));
  SetIfPresent(body, "file_error", views::ErrorFor(page.errors, "file"));
  // Logins: students' may be made and invited here; staff invitations can
  // be left out for schools whose staff log in by SSO.
  body.set("offer_invite", !screen.is_register);
  body.set("offer_no_invite", screen.is_admin);
  body.set("invite_checked", ctx.form.Get("invite") == "1");
  body.set("no_invite_checked", ctx.form.Get("no_invite") == "1");
  views::Data docs{views::Data::type::list};
  if (screen.is_register) {
    docs.push_back(KindDoc(ctx, "register", kRegisterColumns));
  } else if (screen.is_admin) {
    docs.push_back(KindDoc(ctx, "staff", kStaffColumns));
    docs.push_back(KindDoc(ctx, "students", kStudentColumns));
  } else {
    docs.push_back(KindDoc(ctx, "students", kStudentColumns));
    docs.push_back(KindDoc(ctx, "companies", kCompanyColumns));
    docs.push_back(KindDoc(ctx, "places", kPlaceColumns));
    docs.push_back(KindDoc(ctx, "bpv", kBpvColumns));
  }
  body.set("docs", docs);
  if (report) {
    body.set("report", true);
    body.set("report_kind", ctx.T("sm_import_kind_" + (screen.is_register ? "register" : kind)));
    body.set("applied", report->applied);
    body.set("rows", std::to_string(report->rows));
    body.set("inserted", std::to_string(report->inserted));
    body.set("updated", std::to_string(report->updated));
    body.set("unchanged", std::to_string(report->unchanged));
    body.set("error_count", std::to_string(report->errors.size()));
    body.set("logins_created", std::to_string(report->logins_created));
    body.set("logins_linked", std::to_string(report->logins_linked));
    body.set("invitations", std::to_string(report->invitations));
    views::Data list{views::Data::type::list};
    for (const placement::ImportError& e : report->errors) {
      views::Data item;
      item.set("line", e.line == 0 ? ctx.T("sm_import_whole_file") : std::to_string(e.line));
      item.set("column", e.field.empty() ? std::string("–") : e.field);
      // Messages the service words only in English are marked so on a Dutch page.
      const bool dutch = ctx.locale != views::Locale::kEn;
      item.set("message", dutch && !e.message_nl.empty() ? e.message_nl : e.message);
      item.set("en", dutch && e.message_nl.empty());
      list.push_back(item);
    }
    body.set("import_errors", list);
  }
  return ctx.Render("sm_import", page, body, status);
}

web::Response ShowImportOn(Ctx& ctx, const ImportScreen& screen) {
  std::string kind(ctx.req.QueryParam("soort").value_or(screen.is_admin ? "staff" : "students"));
  auto parsed = domain::ParseImportKind(kind);
  bool offered = parsed && (screen.is_admin ? (*parsed == domain::ImportKind::kStaff ||
                                               *parsed == domain::ImportKind::kStudents)
                                            : *parsed != domain::ImportKind::kStaff);
  if (!offered) kind = screen.is_admin ? "staff" : "students";
  return ImportPage(ctx, screen, kind, {}, nullptr, 200);
}

web::Response PostImportOn(Ctx& ctx, const ImportScreen& screen) {
  std::string kind_name = ctx.form.Get("kind");
  auto kind = domain::ParseImportKind(kind_name);
  bool offered = kind && (screen.is_admin ? (*kind == domain::ImportKind::kStaff ||
                                             *kind == domain::ImportKind::kStudents)
                                          : *kind != domain::ImportKind::kStaff);
  if (!offered)
    return ImportPage(ctx, screen, "", {{"kind", ctx.T("sm_err_import_kind")}}, nullptr, 400);
  const web::FilePart* file = nullptr;
  for (const web::FilePart& f : ctx.files) {
    if (f.field == "file") file = &f;
  }
  if (!file || file->bytes.empty())
    return ImportPage(ctx, screen, kind_name, {{"file", ctx.T("sm_err_import_file")}}, nullptr,
                      400);
  placement::ImportOptions options;
  options.invite_students = ctx.form.Get("invite") == "1";
  options.invite_staff = ctx.form.Get("no_invite") != "1";
  options.outbox = &ctx.app.outbox();
  // The browser's file name is never used: the report names the kind.
  auto report =
      ctx.app.stagematching().Import(ctx.user(), *kind, kind_name + ".csv", file->bytes, options);
  if (!report.ok()) {
    if (report.status().code() == StatusCode::kInvalidArgument)
      return ImportPage(ctx, screen, kind_name,
                        {{"file", ErrorText(ctx, "import", report.status())}}, nullptr, 400);
    return ErrorPageFor(ctx, report.status());
  }
  std::vector<views::FieldError> errors;
  if (!report->applied) {
    errors.push_back({"import-errors", ctx.T("sm_import_rejected_summary") + " (" +
                                           std::to_string(report->errors.size()) + ")"});
  }
  return ImportPage(ctx, screen, kind_name, std::move(errors), &*report,
                    report->applied ? 200 : 400);
}

web::Response ShowImport(Ctx& ctx) { return ShowImportOn(ctx, kSchoolImport); }
web::Response PostImport(Ctx& ctx) { return PostImportOn(ctx, kSchoolImport); }

// ---- The register (system admin) ------------------------------------------

web::Response ShowRegisterImport(Ctx& ctx) {
  return ImportPage(ctx, kRegisterImport, "register", {}, nullptr, 200);
}

web::Response PostRegisterImport(Ctx& ctx) {
  const web::FilePart* file = nullptr;
  for (const web::FilePart& f : ctx.files) {
    if (f.field == "file") file = &f;
  }
  if (!file || file->bytes.empty()) {
    return ImportPage(ctx, kRegisterImport, "register", {{"file", ctx.T("sm_err_import_file")}},
                      nullptr, 400);
  }
  auto report = ctx.app.stagematching().ImportRegister(ctx.user(), "register.csv", file->bytes);
  if (!report.ok()) return ErrorPageFor(ctx, report.status());
  std::vector<views::FieldError> errors;
  if (!report->applied) {
    errors.push_back({"import-errors", ctx.T("sm_import_rejected_summary") + " (" +
                                           std::to_string(report->errors.size()) + ")"});
  }
  return ImportPage(ctx, kRegisterImport, "register", std::move(errors), &*report,
                    report->applied ? 200 : 400);
}

}  // namespace

void RegisterImportRoutes(App& app) {
  // 10,000 students make about 1 MiB of CSV; 16 MiB leaves room without
  // letting anyone make the server hold the service's 64 MiB limit per request.
  const web::RouteOptions kUpload{.max_body_bytes = 16u * 1024 * 1024};
  Access manage = Access::Need(domain::Permission::kManagePlacements);
  app.Route(web::Method::kGet, "/stagematching/import", manage, ShowImport);
  app.Route(web::Method::kPost, "/stagematching/import", manage, PostImport, kUpload);
  // The school admin's: staff logins, and students with their logins.
  Access users = Access::Need(domain::Permission::kManageSchoolUsers);
  app.Route(web::Method::kGet, "/admin/import", users,
            [](Ctx& ctx) { return ShowImportOn(ctx, kAdminImport); });
  app.Route(
      web::Method::kPost, "/admin/import", users,
      [](Ctx& ctx) { return PostImportOn(ctx, kAdminImport); }, kUpload);
  Access sysadmin = Access::Need(domain::Permission::kManageSchools);
  app.Route(web::Method::kGet, "/admin/register", sysadmin, ShowRegisterImport);
  app.Route(web::Method::kPost, "/admin/register", sysadmin, PostRegisterImport, kUpload);
}

}  // namespace app
