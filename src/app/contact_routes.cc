// The coordinator's side of provisioning (docs/accounts.md): each company's
// contacts (invite a new one, re-invite, link an existing company login,
// unlink) and a student record's login (link an existing student login, or
// make one and invite). The rules and the audit records are the service's
// (placement::Stagematching); pages never show an invitation's token.
#include "app/app.h"
#include "app/invitation_ui.h"
#include "app/placement_ui.h"

namespace app {

namespace {

using common::Status;
using common::StatusCode;
using smui::ErrorPageFor;

std::string ContactsBase(std::string_view company_id) {
  return "/stagematching/bedrijven/" + std::string(company_id) + "/contactpersonen";
}

// A login or e-mail problem, in words for the field it concerns.
std::string LoginProblem(const Ctx& ctx, const Status& s) {
  if (s.code() == StatusCode::kAlreadyExists) return ctx.T("login_taken");
  if (s.code() == StatusCode::kNotFound) return ctx.T("acc_login_unknown");
  if (s.message().rfind("no_domains", 0) == 0) return ctx.T("login_no_domains");
  if (s.message().rfind("outside_domains", 0) == 0) return ctx.T("login_outside_domains");
  if (s.message().find("student") != std::string::npos) return ctx.T("acc_login_not_student");
  if (s.message().find("company") != std::string::npos) return ctx.T("acc_login_not_company");
  return ctx.T("acc_email_invalid");
}

// "Inlognamen eindigen op @99dm.demo." for a new login's field.
std::string LoginHint(Ctx& ctx) {
  auto domains = ctx.app.accounts().LoginDomains(ctx.user().school_id);
  if (!domains.ok() || domains->empty()) return ctx.T("login_no_domains");
  std::string list;
  for (const std::string& d : *domains) list += (list.empty() ? "@" : ", @") + d;
  return ctx.T("login_domains_hint") + " " + list;
}

struct ContactForm {
  std::string name, email, login;
  std::vector<views::FieldError> errors;
  std::string flash;
};

web::Response ContactsPage(Ctx& ctx, std::string_view company_id, const ContactForm& form,
                           int status) {
  placement::Stagematching& sm = ctx.app.stagematching();
  auto contacts = sm.CompanyContacts(ctx.user(), company_id);
  if (!contacts.ok()) return ErrorPageFor(ctx, contacts.status());
  auto companies = sm.Companies(ctx.user());
  if (!companies.ok()) return ErrorPageFor(ctx, companies.status());
  std::string company_name;
  for (const placement::Company& c : *companies)
    if (c.id == company_id) company_name = c.name;
  std::map<std::string, auth::InvitationState> invitations;
  Status read = ctx.app.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(invitations, auth::LatestInvitations(c, ctx.user().school_id));
    return Status::Ok();
  });
  if (!read.ok()) return ErrorPageFor(ctx, read);
  const common::UnixMillis now = ctx.app.clock().NowMillis();

  views::Page page = ctx.MakePage(ctx.T("acc_contacts_title") + ": " + company_name);
  page.errors = form.errors;
  page.flash = form.flash;
  auto error_for = [&](std::string_view f) { return views::ErrorFor(form.errors, f); };
  views::Data body;
  body.set("company_name", company_name);
  body.set("base", ContactsBase(company_id));
  views::Data rows{views::Data::type::list};
  for (const placement::Stagematching::Contact& c : *contacts) {
    views::Data r;
    r.set("id", c.user_id);
    r.set("name", c.name);
    r.set("login", c.login);
    r.set("status",
          ctx.T(c.disabled ? "status_disabled" : (c.active ? "status_active" : "status_invited")));
    auto inv = invitations.find(c.user_id);
    if (!c.active && !c.disabled && inv != invitations.end())
      views::SetIfPresent(r, "invitation", InvitationNote(ctx, inv->second, now));
    r.set("can_invite", !c.active && !c.disabled);
    rows.push_back(r);
  }
  body.set("contacts", rows);
  body.set("empty", contacts->empty());
  body.set("name_field", views::InputField("name", ctx.T("display_name_field"), form.name, "text",
                                           error_for("name")));
  body.set("email_field", views::InputField("email", ctx.T("acc_email_field"), form.email, "email",
                                            error_for("email"), LoginHint(ctx)));
  body.set("login_field", views::InputField("login", ctx.T("acc_link_login_field"), form.login,
                                            "email", error_for("login")));
  return ctx.Render("sm_contacts", page, body, status);
}

web::Response ShowContacts(Ctx& ctx) { return ContactsPage(ctx, ctx.req.PathParam("id"), {}, 200); }

web::Response InviteContact(Ctx& ctx) {
  std::string company_id(ctx.req.PathParam("id"));
  ContactForm form{ctx.form.Get("name"), ctx.form.Get("email"), "", {}, {}};
  if (form.name.empty()) form.errors.push_back({"name", ctx.T("field_required")});
  if (form.email.empty()) form.errors.push_back({"email", ctx.T("field_required")});
  if (!form.errors.empty()) return ContactsPage(ctx, company_id, form, 400);
  auto sent = ctx.app.stagematching().AddCompanyContact(ctx.user(), company_id, form.name,
                                                        form.email, ctx.app.outbox());
  if (!sent.ok()) {
    const Status& s = sent.status();
    if (s.field() == "email" || s.field() == "display_name") {
      form.errors.push_back(s.field() == "email"
                                ? views::FieldError{"email", LoginProblem(ctx, s)}
                                : views::FieldError{"name", ctx.T("field_invalid")});
      return ContactsPage(ctx, company_id, form,
                          s.code() == StatusCode::kAlreadyExists ? 409 : 400);
    }
    return ErrorPageFor(ctx, s);
  }
  ContactForm done;
  done.flash = ctx.T("acc_contact_invited") + " " + InvitedFlash(ctx, *sent);
  return ContactsPage(ctx, company_id, done, 201);
}

web::Response LinkContact(Ctx& ctx) {
  std::string company_id(ctx.req.PathParam("id"));
  ContactForm form{"", "", ctx.form.Get("login"), {}, {}};
  if (form.login.empty()) {
    form.errors.push_back({"login", ctx.T("field_required")});
    return ContactsPage(ctx, company_id, form, 400);
  }
  Status s = ctx.app.stagematching().LinkCompanyContactByLogin(ctx.user(), company_id, form.login);
  if (!s.ok()) {
    if (s.field() == "login") {
      form.errors.push_back({"login", LoginProblem(ctx, s)});
      return ContactsPage(ctx, company_id, form, 400);
    }
    return ErrorPageFor(ctx, s);
  }
  ContactForm done;
  done.flash = ctx.T("acc_contact_linked");
  return ContactsPage(ctx, company_id, done, 200);
}

web::Response ReinviteContact(Ctx& ctx) {
  std::string company_id(ctx.req.PathParam("id"));
  auto sent = ctx.app.stagematching().ReinviteCompanyContact(
      ctx.user(), company_id, ctx.req.PathParam("user"), ctx.app.outbox());
  if (!sent.ok()) {
    if (sent.status().code() == StatusCode::kFailedPrecondition) return ctx.ErrorPage(409);
    return ErrorPageFor(ctx, sent.status());
  }
  ContactForm done;
  done.flash = InvitedFlash(ctx, *sent);
  return ContactsPage(ctx, company_id, done, 200);
}

web::Response UnlinkContact(Ctx& ctx) {
  std::string company_id(ctx.req.PathParam("id"));
  Status s = ctx.app.stagematching().UnlinkCompanyContact(ctx.user(), ctx.req.PathParam("user"),
                                                          company_id);
  if (!s.ok()) return ErrorPageFor(ctx, s);
  ContactForm done;
  done.flash = ctx.T("acc_contact_unlinked");
  return ContactsPage(ctx, company_id, done, 200);
}

// ---- A student record's login ----------------------------------------------

struct StudentLoginForm {
  std::string login, email;
  std::vector<views::FieldError> errors;
  std::string flash;
};

web::Response StudentLoginPage(Ctx& ctx, std::string_view student_id, const StudentLoginForm& form,
                               int status) {
  auto student = ctx.app.stagematching().GetStudent(ctx.user(), student_id);
  if (!student.ok()) return ErrorPageFor(ctx, student.status());
  views::Page page = ctx.MakePage(ctx.T("acc_student_login_title") + ": " + student->name);
  page.errors = form.errors;
  page.flash = form.flash;
  auto error_for = [&](std::string_view f) { return views::ErrorFor(form.errors, f); };
  views::Data body;
  body.set("id", student->id);
  body.set("name", student->name);
  body.set("number", student->student_number);
  body.set("linked", student->linked_to_user);
  body.set("login_field", views::InputField("login", ctx.T("acc_link_login_field"), form.login,
                                            "email", error_for("login")));
  body.set("email_field", views::InputField("email", ctx.T("acc_new_login_field"), form.email,
                                            "email", error_for("email"), LoginHint(ctx)));
  return ctx.Render("sm_student_login", page, body, status);
}

web::Response ShowStudentLogin(Ctx& ctx) {
  return StudentLoginPage(ctx, ctx.req.PathParam("id"), {}, 200);
}

web::Response LinkStudentLogin(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  StudentLoginForm form{ctx.form.Get("login"), "", {}, {}};
  if (form.login.empty()) {
    form.errors.push_back({"login", ctx.T("field_required")});
    return StudentLoginPage(ctx, id, form, 400);
  }
  Status s = ctx.app.stagematching().LinkStudentUserByLogin(ctx.user(), id, form.login);
  if (!s.ok()) {
    if (s.field() == "login") {
      form.errors.push_back({"login", LoginProblem(ctx, s)});
      return StudentLoginPage(ctx, id, form, 400);
    }
    return ErrorPageFor(ctx, s);
  }
  StudentLoginForm done;
  done.flash = ctx.T("acc_student_linked");
  return StudentLoginPage(ctx, id, done, 200);
}

web::Response CreateStudentLogin(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  StudentLoginForm form{"", ctx.form.Get("email"), {}, {}};
  if (form.email.empty()) {
    form.errors.push_back({"email", ctx.T("field_required")});
    return StudentLoginPage(ctx, id, form, 400);
  }
  auto sent =
      ctx.app.stagematching().CreateStudentLogin(ctx.user(), id, form.email, ctx.app.outbox());
  if (!sent.ok()) {
    const Status& s = sent.status();
    if (s.field() == "email") {
      form.errors.push_back({"email", s.code() == StatusCode::kFailedPrecondition
                                          ? ctx.T("acc_student_has_login")
                                          : LoginProblem(ctx, s)});
      return StudentLoginPage(ctx, id, form, s.code() == StatusCode::kAlreadyExists ? 409 : 400);
    }
    return ErrorPageFor(ctx, s);
  }
  StudentLoginForm done;
  done.flash = ctx.T("acc_student_login_created") + " " + InvitedFlash(ctx, *sent);
  return StudentLoginPage(ctx, id, done, 201);
}

}  // namespace

void RegisterContactRoutes(App& app) {
  Access manage = Access::Need(domain::Permission::kManagePlacements);
  app.Route(web::Method::kGet, "/stagematching/bedrijven/{id}/contactpersonen", manage,
            ShowContacts);
  app.Route(web::Method::kPost, "/stagematching/bedrijven/{id}/contactpersonen", manage,
            InviteContact);
  app.Route(web::Method::kPost, "/stagematching/bedrijven/{id}/contactpersonen/koppelen", manage,
            LinkContact);
  app.Route(web::Method::kPost, "/stagematching/bedrijven/{id}/contactpersonen/{user}/uitnodigen",
            manage, ReinviteContact);
  app.Route(web::Method::kPost, "/stagematching/bedrijven/{id}/contactpersonen/{user}/ontkoppelen",
            manage, UnlinkContact);
  app.Route(web::Method::kGet, "/stagematching/studenten/{id}/login", manage, ShowStudentLogin);
  app.Route(web::Method::kPost, "/stagematching/studenten/{id}/login/koppelen", manage,
            LinkStudentLogin);
  app.Route(web::Method::kPost, "/stagematching/studenten/{id}/login/maken", manage,
            CreateStudentLogin);
}

}  // namespace app
