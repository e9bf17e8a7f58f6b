// School admins manage their school's users; system admins manage schools.
// Every query is scoped to the admin's own school: another school's user id
// gives the same 404 as a missing one.
#include <algorithm>
#include <map>

#include "app/app.h"
#include "app/invitation_ui.h"
#include "common/utf8.h"

namespace app {

namespace {

using common::Status;

std::string Message(const Ctx& ctx, const Status& s) {
  if (s.code() == common::StatusCode::kAlreadyExists) {
    return ctx.T(s.field() == "brin" ? "brin_taken" : "login_taken");
  }
  if (s.field() == "brin") return ctx.T("brin_invalid");
  return ctx.T("field_invalid");
}

// "Inlognamen eindigen op @99dm.demo." for the login field, or that the
// school has no login domains yet.
std::string LoginDomainsHint(Ctx& ctx) {
  auto domains = ctx.app.accounts().LoginDomains(ctx.user().school_id);
  if (!domains.ok() || domains->empty()) return ctx.T("login_no_domains");
  std::string list;
  for (const std::string& d : *domains) list += (list.empty() ? "@" : ", @") + d;
  return ctx.T("login_domains_hint") + " " + list;
}

// The message for a login outside the school's login domains
// (auth::Accounts::CreateUserInSchoolDomains).
std::string DomainMessage(const Ctx& ctx, const Status& s) {
  return ctx.T(s.message().rfind("no_domains", 0) == 0 ? "login_no_domains"
                                                       : "login_outside_domains");
}

struct UserForm {
  std::string name, login, email, role = "student";
  std::vector<views::FieldError> errors;
  std::string flash;
};

constexpr int kUsersPerPage = 50;

// The roles a school admin may give: every role but the system admin's.
views::Data RoleOptions(const Ctx& ctx, std::string_view selected, bool with_all) {
  views::Data roles{views::Data::type::list};
  if (with_all) {
    views::Data o;
    o.set("value", std::string());
    o.set("label", ctx.T("acc_filter_all_roles"));
    o.set("selected", selected.empty());
    roles.push_back(o);
  }
  for (domain::Role r : domain::AllRoles()) {
    if (r == domain::Role::kSystemAdmin) continue;
    views::Data o;
    o.set("value", std::string(domain::RoleName(r)));
    o.set("label", ctx.T("role_" + std::string(domain::RoleName(r))));
    o.set("selected", domain::RoleName(r) == selected);
    roles.push_back(o);
  }
  return roles;
}

std::string UserStatus(const Ctx& ctx, const auth::User& u) {
  return ctx.T(u.disabled ? "status_disabled"
                          : (u.password_hash.empty() ? "status_invited" : "status_active"));
}

// /admin/users?rol=ROLE&q=TEXT&pagina=N: the school's users, 50 a page.
web::Response UsersPage(Ctx& ctx, const UserForm& form, int status) {
  std::string role_filter(ctx.req.QueryParam("rol").value_or(""));
  std::string search(ctx.req.QueryParam("q").value_or(""));
  if (search.size() > 100 || !common::IsValidUtf8(search)) search.clear();
  auth::Accounts::UserQuery q;
  q.school_id = ctx.user().school_id;
  q.role = domain::ParseRole(role_filter);
  if (!q.role || *q.role == domain::Role::kSystemAdmin) {
    q.role.reset();
    role_filter.clear();
  }
  q.search = search;
  int page_no = 1;
  std::string page_param(ctx.req.QueryParam("pagina").value_or(""));
  if (!page_param.empty() && page_param.size() <= 5 &&
      page_param.find_first_not_of("0123456789") == std::string::npos)
    page_no = std::clamp(std::stoi(page_param), 1, 10000);
  q.limit = kUsersPerPage;
  q.offset = (page_no - 1) * kUsersPerPage;
  auto users = ctx.app.accounts().ListUsers(q);
  if (!users.ok()) return ctx.ErrorPage(503);
  std::map<std::string, auth::InvitationState> invitations;
  Status read = ctx.app.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(invitations, auth::LatestInvitations(c, ctx.user().school_id));
    return Status::Ok();
  });
  if (!read.ok()) return ctx.ErrorPage(503);
  const common::UnixMillis now = ctx.app.clock().NowMillis();

  views::Page page = ctx.MakePage(ctx.T("users_title"));
  page.errors = form.errors;
  page.flash = form.flash;
  auto error_for = [&](std::string_view f) { return views::ErrorFor(form.errors, f); };
  views::Data body;
  views::Data rows{views::Data::type::list};
  for (const auth::User& u : users->users) {
    views::Data r;
    r.set("id", u.id);
    r.set("name", u.display_name);
    r.set("login", u.login);
    r.set("role", ctx.T("role_" + std::string(domain::RoleName(u.role))));
    r.set("status", UserStatus(ctx, u));
    auto inv = invitations.find(u.id);
    if (!u.disabled && u.password_hash.empty() && inv != invitations.end())
      views::SetIfPresent(r, "invitation", InvitationNote(ctx, inv->second, now));
    r.set("can_toggle", u.id != ctx.user().id);
    r.set("toggle_action", u.disabled ? "enable" : "disable");
    r.set("toggle_label", ctx.T(u.disabled ? "enable_button" : "disable_button"));
    r.set("csrf", ctx.session->csrf_token);
    rows.push_back(r);
  }
  body.set("users", rows);
  body.set("empty", users->users.empty());
  body.set("filter_roles", RoleOptions(ctx, role_filter, true));
  body.set("search", search);
  body.set("total", std::to_string(users->total));
  std::string query =
      "rol=" + web::UrlEncode(role_filter) + "&q=" + web::UrlEncode(search) + "&pagina=";
  bool more = static_cast<int64_t>(page_no) * kUsersPerPage < users->total;
  body.set("page", std::to_string(page_no));
  if (page_no > 1) body.set("prev_href", "/admin/users?" + query + std::to_string(page_no - 1));
  if (more) body.set("next_href", "/admin/users?" + query + std::to_string(page_no + 1));
  body.set("paged", page_no > 1 || more);
  body.set("name_field", views::InputField("display_name", ctx.T("display_name_field"), form.name,
                                           "text", error_for("display_name")));
  body.set("login_field", views::InputField("login", ctx.T("login_field"), form.login, "email",
                                            error_for("login"), LoginDomainsHint(ctx)));
  body.set("email_field", views::InputField("email", ctx.T("acc_email_field"), form.email, "email",
                                            error_for("email"), ctx.T("acc_email_hint")));
  body.set("roles", RoleOptions(ctx, form.role, false));
  views::SetIfPresent(body, "role_error", error_for("role"));
  return ctx.Render("users", page, body, status);
}

web::Response ShowUsers(Ctx& ctx) { return UsersPage(ctx, {}, 200); }

// The message for a failed account change, on the field it names.
views::FieldError AccountError(const Ctx& ctx, const Status& s) {
  if (s.field() == "email") return {"email", ctx.T("acc_email_invalid")};
  if (s.field() == "display_name") return {"display_name", ctx.T("field_invalid")};
  if (s.field() == "role") {
    return {"role", ctx.T(s.code() == common::StatusCode::kFailedPrecondition ? "acc_last_admin"
                                                                              : "field_invalid")};
  }
  bool domain_rule =
      s.code() == common::StatusCode::kInvalidArgument && s.field() == "login" &&
      (s.message().rfind("no_domains", 0) == 0 || s.message().rfind("outside_domains", 0) == 0);
  return {"login", domain_rule ? DomainMessage(ctx, s) : Message(ctx, s)};
}

web::Response CreateUser(Ctx& ctx) {
  UserForm form{ctx.form.Get("display_name"),
                ctx.form.Get("login"),
                ctx.form.Get("email"),
                ctx.form.Get("role"),
                {},
                {}};
  auto role = domain::ParseRole(form.role);
  if (form.name.empty()) form.errors.push_back({"display_name", ctx.T("field_required")});
  if (form.login.empty()) form.errors.push_back({"login", ctx.T("field_required")});
  if (!role || *role == domain::Role::kSystemAdmin)
    form.errors.push_back({"role", ctx.T("field_invalid")});
  if (!form.errors.empty()) return UsersPage(ctx, form, 400);

  auth::SentInvitation sent;
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    // Only within the school's login domains: an admin can neither create
    // nor probe (through "already exists") another school's logins.
    SP_ASSIGN_OR_RETURN(auth::User u, ctx.app.accounts().CreateUserInSchoolDomains(
                                          c, {ctx.user().school_id, form.login, form.name, *role}));
    if (!form.email.empty()) SP_RETURN_IF_ERROR(ctx.app.accounts().SetEmail(c, u.id, form.email));
    SP_RETURN_IF_ERROR(ctx.app.audit().Append(c, AuditEntry(ctx, "user.create", "user", u.id)));
    SP_ASSIGN_OR_RETURN(sent, auth::SendInvitation(c, ctx.app.clock(), ctx.app.outbox(), u.id));
    return ctx.app.audit().Append(c, AuditEntry(ctx, "user.invite", "user", u.id));
  });
  if (s.code() == common::StatusCode::kUnavailable) return ctx.ErrorPage(503);
  if (!s.ok()) {
    form.errors.push_back(AccountError(ctx, s));
    return UsersPage(ctx, form, s.code() == common::StatusCode::kAlreadyExists ? 409 : 400);
  }
  UserForm done;
  done.flash = ctx.T("acc_user_created") + " " + InvitedFlash(ctx, sent);
  return UsersPage(ctx, done, 201);
}

// The school's user `id`, or NotFound (also for another school's).
common::StatusOr<auth::User> OwnUser(Ctx& ctx, db::Connection& c, std::string_view id) {
  auto u = ctx.app.accounts().UserById(c, id);
  if (!u.ok()) return u.status();
  if (u->school_id.empty() || u->school_id != ctx.user().school_id)
    return Status::NotFound("user not found");
  return u;
}

struct EditForm {
  std::string name, email, role;
  std::vector<views::FieldError> errors;
  std::string flash;
};

// /admin/users/{id}: name, e-mail and role of one user; re-invite.
web::Response EditPage(Ctx& ctx, std::string_view id, const EditForm* typed, std::string flash,
                       int status) {
  std::optional<auth::User> user;
  std::optional<auth::InvitationState> inv;
  Status s = ctx.app.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(user, OwnUser(ctx, c, id));
    SP_ASSIGN_OR_RETURN(auto all, auth::LatestInvitations(c, ctx.user().school_id));
    if (auto it = all.find(user->id); it != all.end()) inv = it->second;
    return Status::Ok();
  });
  if (s.code() == common::StatusCode::kNotFound) return ctx.ErrorPage(404);
  if (!s.ok()) return ctx.ErrorPage(503);
  const auth::User& u = *user;
  EditForm form =
      typed ? *typed
            : EditForm{u.display_name, u.email, std::string(domain::RoleName(u.role)), {}, {}};
  views::Page page = ctx.MakePage(ctx.T("acc_edit_title") + ": " + u.display_name);
  page.errors = form.errors;
  page.flash = std::move(flash);
  auto error_for = [&](std::string_view f) { return views::ErrorFor(form.errors, f); };
  views::Data body;
  body.set("id", u.id);
  body.set("login", u.login);
  body.set("status", UserStatus(ctx, u));
  if (inv && u.password_hash.empty())
    views::SetIfPresent(body, "invitation", InvitationNote(ctx, *inv, ctx.app.clock().NowMillis()));
  body.set("can_invite", u.password_hash.empty() && !u.disabled);
  body.set("name_field", views::InputField("display_name", ctx.T("display_name_field"), form.name,
                                           "text", error_for("display_name")));
  body.set("email_field", views::InputField("email", ctx.T("acc_email_field"), form.email, "email",
                                            error_for("email"), ctx.T("acc_email_hint")));
  body.set("roles", RoleOptions(ctx, form.role, false));
  views::SetIfPresent(body, "role_error", error_for("role"));
  return ctx.Render("user_edit", page, body, status);
}

web::Response ShowUser(Ctx& ctx) {
  return EditPage(ctx, ctx.req.PathParam("id"), nullptr, "", 200);
}

web::Response SaveUser(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  EditForm form{ctx.form.Get("display_name"), ctx.form.Get("email"), ctx.form.Get("role"), {}, {}};
  auto role = domain::ParseRole(form.role);
  if (form.name.empty()) form.errors.push_back({"display_name", ctx.T("field_required")});
  if (!role || *role == domain::Role::kSystemAdmin)
    form.errors.push_back({"role", ctx.T("field_invalid")});
  if (!form.errors.empty()) return EditPage(ctx, id, &form, "", 400);
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(OwnUser(ctx, c, id).status());
    auth::Accounts::UserChange change;
    change.display_name = form.name;
    change.email = form.email;
    change.role = *role;
    SP_ASSIGN_OR_RETURN(std::vector<std::string> changed,
                        ctx.app.accounts().UpdateUser(c, ctx.user().school_id, id, change));
    if (changed.empty()) return Status::Ok();
    // The names of the changed fields, never their values.
    std::string fields;
    for (const std::string& f : changed) fields += (fields.empty() ? "" : ",") + f;
    return ctx.app.audit().Append(c, AuditEntry(ctx, "user.update", "user", id, fields));
  });
  if (s.code() == common::StatusCode::kNotFound) return ctx.ErrorPage(404);
  if (s.code() == common::StatusCode::kUnavailable) return ctx.ErrorPage(503);
  if (!s.ok()) {
    form.errors.push_back(AccountError(ctx, s));
    return EditPage(ctx, id, &form, "",
                    s.code() == common::StatusCode::kFailedPrecondition ? 409 : 400);
  }
  return EditPage(ctx, id, nullptr, ctx.T("acc_saved"), 200);
}

web::Response ReinviteUser(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  auth::SentInvitation sent;
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(auth::User u, OwnUser(ctx, c, id));
    if (!u.password_hash.empty() || u.disabled)
      return Status::FailedPrecondition("the user is active or disabled");
    // A new link revokes the earlier one.
    SP_ASSIGN_OR_RETURN(sent, auth::SendInvitation(c, ctx.app.clock(), ctx.app.outbox(), id));
    return ctx.app.audit().Append(c, AuditEntry(ctx, "user.invite", "user", id));
  });
  if (s.code() == common::StatusCode::kNotFound) return ctx.ErrorPage(404);
  if (s.code() == common::StatusCode::kFailedPrecondition) return ctx.ErrorPage(409);
  if (!s.ok()) return ctx.ErrorPage(503);
  return EditPage(ctx, id, nullptr, InvitedFlash(ctx, sent), 200);
}

web::Response ToggleUser(Ctx& ctx, bool disable) {
  std::string id(ctx.req.PathParam("id"));
  if (id == ctx.user().id) return ctx.ErrorPage(403);
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(auth::User target, ctx.app.accounts().UserById(c, id));
    if (target.school_id != ctx.user().school_id) return Status::NotFound("user not found");
    SP_RETURN_IF_ERROR(ctx.app.accounts().SetDisabled(c, id, disable));
    return ctx.app.audit().Append(
        c, AuditEntry(ctx, disable ? "user.disable" : "user.enable", "user", id));
  });
  if (s.code() == common::StatusCode::kNotFound) return ctx.ErrorPage(404);
  if (!s.ok()) return ctx.ErrorPage(503);
  return web::Response::Redirect("/admin/users");
}

struct SchoolForm {
  std::string brin, name, domains;
  std::vector<views::FieldError> errors;
  std::string flash;
  // The form to change an existing school's login domains.
  std::string set_brin, set_domains;
  // The form to give a school its first admin.
  std::string admin_brin, admin_login, admin_name, admin_email;
};

std::string JoinDomains(const std::vector<std::string>& domains) {
  std::string out;
  for (const std::string& d : domains) out += (out.empty() ? "" : ", ") + d;
  return out;
}

std::string DomainsError(const Ctx& ctx, const Status& s) {
  return ctx.T(s.code() == common::StatusCode::kAlreadyExists ? "login_domain_taken"
                                                              : "login_domain_invalid");
}

web::Response SchoolsPage(Ctx& ctx, const SchoolForm& form, int status) {
  auto schools = ctx.app.accounts().ListSchools();
  if (!schools.ok()) return ctx.ErrorPage(503);
  views::Page page = ctx.MakePage(ctx.T("schools_title"));
  page.errors = form.errors;
  page.flash = form.flash;
  auto error_for = [&](std::string_view f) { return views::ErrorFor(form.errors, f); };
  views::Data body;
  views::Data rows{views::Data::type::list};
  for (const auth::School& s : *schools) {
    views::Data r;
    r.set("brin", s.brin);
    r.set("name", s.name);
    auto domains = ctx.app.accounts().LoginDomains(s.id);
    if (!domains.ok()) return ctx.ErrorPage(503);
    r.set("domains", domains->empty() ? ctx.T("login_domains_none") : JoinDomains(*domains));
    rows.push_back(r);
  }
  body.set("schools", rows);
  body.set("brin_field", views::InputField("brin", ctx.T("brin_field"), form.brin, "text",
                                           error_for("brin"), ctx.T("brin_hint")));
  body.set("name_field", views::InputField("name", ctx.T("school_name_field"), form.name, "text",
                                           error_for("name")));
  body.set("domains_field",
           views::InputField("domains", ctx.T("login_domains_field"), form.domains, "text",
                             error_for("domains"), ctx.T("login_domains_field_hint")));
  body.set("set_brin_field", views::InputField("set_brin", ctx.T("brin_field"), form.set_brin,
                                               "text", error_for("set_brin")));
  body.set("set_domains_field",
           views::InputField("set_domains", ctx.T("login_domains_field"), form.set_domains, "text",
                             error_for("set_domains"), ctx.T("login_domains_field_hint")));
  body.set("admin_brin_field", views::InputField("admin_brin", ctx.T("brin_field"), form.admin_brin,
                                                 "text", error_for("admin_brin")));
  body.set("admin_login_field",
           views::InputField("admin_login", ctx.T("login_field"), form.admin_login, "email",
                             error_for("admin_login"), ctx.T("acc_first_admin_login_hint")));
  body.set("admin_name_field", views::InputField("admin_name", ctx.T("display_name_field"),
                                                 form.admin_name, "text", error_for("admin_name")));
  body.set("admin_email_field",
           views::InputField("admin_email", ctx.T("acc_email_field"), form.admin_email, "email",
                             error_for("admin_email"), ctx.T("acc_email_hint")));
  return ctx.Render("schools", page, body, status);
}

web::Response ShowSchools(Ctx& ctx) { return SchoolsPage(ctx, {}, 200); }

web::Response CreateSchool(Ctx& ctx) {
  SchoolForm form;
  form.brin = ctx.form.Get("brin");
  form.name = ctx.form.Get("name");
  form.domains = ctx.form.Get("domains");
  if (form.brin.empty()) form.errors.push_back({"brin", ctx.T("field_required")});
  if (form.name.empty()) form.errors.push_back({"name", ctx.T("field_required")});
  if (!form.errors.empty()) return SchoolsPage(ctx, form, 400);
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(auth::School school,
                        ctx.app.accounts().CreateSchool(c, form.brin, form.name));
    SP_RETURN_IF_ERROR(
        ctx.app.accounts().SetLoginDomains(c, school.id, auth::SplitDomainList(form.domains)));
    audit::Entry e = AuditEntry(ctx, "school.create", "school", school.id);
    e.school_id = school.id;
    return ctx.app.audit().Append(c, e);
  });
  if (s.code() == common::StatusCode::kUnavailable) return ctx.ErrorPage(503);
  if (!s.ok()) {
    if (s.field() == "domains") {
      form.errors.push_back({"domains", DomainsError(ctx, s)});
    } else {
      form.errors.push_back({s.field() == "name" ? "name" : "brin", Message(ctx, s)});
    }
    return SchoolsPage(ctx, form, s.code() == common::StatusCode::kAlreadyExists ? 409 : 400);
  }
  SchoolForm done;
  done.flash = ctx.T("school_created");
  return SchoolsPage(ctx, done, 201);
}

// The system admin replaces a school's login domains (what its school admin
// may create logins in).
web::Response SetSchoolDomains(Ctx& ctx) {
  SchoolForm form;
  form.set_brin = ctx.form.Get("set_brin");
  form.set_domains = ctx.form.Get("set_domains");
  if (form.set_brin.empty()) form.errors.push_back({"set_brin", ctx.T("field_required")});
  if (!form.errors.empty()) return SchoolsPage(ctx, form, 400);
  auto school = ctx.app.accounts().SchoolByBrin(form.set_brin);
  if (school.status().code() == common::StatusCode::kUnavailable) return ctx.ErrorPage(503);
  if (!school.ok()) {
    form.errors.push_back({"set_brin", ctx.T("brin_unknown")});
    return SchoolsPage(ctx, form, 400);
  }
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(
        ctx.app.accounts().SetLoginDomains(c, school->id, auth::SplitDomainList(form.set_domains)));
    audit::Entry e = AuditEntry(ctx, "school.login_domains", "school", school->id);
    e.school_id = school->id;
    return ctx.app.audit().Append(c, e);
  });
  if (s.code() == common::StatusCode::kUnavailable) return ctx.ErrorPage(503);
  if (!s.ok()) {
    form.errors.push_back({"set_domains", DomainsError(ctx, s)});
    return SchoolsPage(ctx, form, s.code() == common::StatusCode::kAlreadyExists ? 409 : 400);
  }
  SchoolForm done;
  done.flash = ctx.T("login_domains_saved");
  return SchoolsPage(ctx, done, 200);
}

// The system admin gives a school without an admin its first one; from then
// on the school's admins manage their own users. The login must be in the
// school's login domains; the invitation is queued as mail.
web::Response CreateFirstAdmin(Ctx& ctx) {
  SchoolForm form;
  form.admin_brin = ctx.form.Get("admin_brin");
  form.admin_login = ctx.form.Get("admin_login");
  form.admin_name = ctx.form.Get("admin_name");
  form.admin_email = ctx.form.Get("admin_email");
  if (form.admin_brin.empty()) form.errors.push_back({"admin_brin", ctx.T("field_required")});
  if (form.admin_login.empty()) form.errors.push_back({"admin_login", ctx.T("field_required")});
  if (form.admin_name.empty()) form.errors.push_back({"admin_name", ctx.T("field_required")});
  if (!form.errors.empty()) return SchoolsPage(ctx, form, 400);
  auto school = ctx.app.accounts().SchoolByBrin(form.admin_brin);
  if (school.status().code() == common::StatusCode::kUnavailable) return ctx.ErrorPage(503);
  if (!school.ok()) {
    form.errors.push_back({"admin_brin", ctx.T("brin_unknown")});
    return SchoolsPage(ctx, form, 400);
  }
  auth::SentInvitation sent;
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows admins,
        c.Query("SELECT 1 FROM users WHERE school_id = $1 AND role = $2",
                {school->id, std::string(domain::RoleName(domain::Role::kSchoolAdmin))}));
    if (!admins.empty()) return Status::FailedPrecondition("the school has an admin", "admin_brin");
    SP_ASSIGN_OR_RETURN(auth::User u, ctx.app.accounts().CreateUserInSchoolDomains(
                                          c, {school->id, form.admin_login, form.admin_name,
                                              domain::Role::kSchoolAdmin}));
    if (!form.admin_email.empty())
      SP_RETURN_IF_ERROR(ctx.app.accounts().SetEmail(c, u.id, form.admin_email));
    audit::Entry e = AuditEntry(ctx, "user.create", "user", u.id);
    e.school_id = school->id;
    SP_RETURN_IF_ERROR(ctx.app.audit().Append(c, e));
    SP_ASSIGN_OR_RETURN(sent, auth::SendInvitation(c, ctx.app.clock(), ctx.app.outbox(), u.id));
    e.action = "user.invite";
    return ctx.app.audit().Append(c, e);
  });
  if (s.code() == common::StatusCode::kUnavailable) return ctx.ErrorPage(503);
  if (!s.ok()) {
    if (s.code() == common::StatusCode::kFailedPrecondition) {
      form.errors.push_back({"admin_brin", ctx.T("acc_school_has_admin")});
    } else {
      views::FieldError err = AccountError(ctx, s);
      err.field_id =
          "admin_" + (err.field_id == "display_name" ? std::string("name") : err.field_id);
      form.errors.push_back(err);
    }
    return SchoolsPage(ctx, form, s.code() == common::StatusCode::kAlreadyExists ? 409 : 400);
  }
  SchoolForm done;
  done.flash = ctx.T("acc_first_admin_created") + " " + InvitedFlash(ctx, sent);
  return SchoolsPage(ctx, done, 201);
}

// One audit table, two views (audit::IsMeldpuntAction decides which record
// goes where). The meldpunt's view shows the sequence number; the admin's
// does not, as gaps in it would show where meldpunt records lie.
web::Response AuditPage(Ctx& ctx, const std::string& scope, audit::View view,
                        const std::string& title, const std::string& intro) {
  auto records = ctx.app.audit().Recent(ctx.app.db(), scope, view, 200);
  if (!records.ok()) return ctx.ErrorPage(503);
  const bool meldpunt = view == audit::View::kMeldpunt;
  views::Data rows{views::Data::type::list};
  for (const audit::Record& r : *records) {
    views::Data row;
    row.set("seq", std::to_string(r.seq));
    // A record without actor is the reporter's side: stored to the day only.
    row.set("at", r.entry.actor.empty() ? common::FormatIso8601(r.at).substr(0, 10)
                                        : common::FormatIso8601(r.at));
    row.set("actor",
            r.entry.actor.empty() && meldpunt ? ctx.T("meldpunt_audit_reporter") : r.entry.actor);
    row.set("action", r.entry.action);
    row.set("object", r.entry.object_type + " " + r.entry.object_id);
    row.set("result", r.entry.result);
    rows.push_back(row);
  }
  views::Data body;
  body.set("records", rows);
  body.set("show_seq", meldpunt);
  body.set("title", title);
  views::SetIfPresent(body, "intro", intro);
  return ctx.Render("audit", ctx.MakePage(title), body);
}

web::Response ShowAudit(Ctx& ctx) {
  // School admins see their school; the system admin sees the deployment.
  // Neither sees the meldpunt's records.
  std::string scope = ctx.user().role == domain::Role::kSystemAdmin ? "" : ctx.user().school_id;
  return AuditPage(ctx, scope, audit::View::kAdmin, ctx.T("audit_title"), "");
}

// The meldpunt's records of the school, for its leads only.
web::Response ShowMeldpuntAudit(Ctx& ctx) {
  if (!ctx.Staff().lead) return ctx.ErrorPage(403);
  return AuditPage(ctx, ctx.user().school_id, audit::View::kMeldpunt, ctx.T("meldpunt_audit_title"),
                   ctx.T("meldpunt_audit_intro"));
}

// P9: the school admin decides on a lead's request to see a confidential
// reporter's identity, with the recovery key (meldpunt/identity.cc).
web::Response RevealsPage(Ctx& ctx, const std::vector<views::FieldError>& errors, std::string flash,
                          int status) {
  auto pending = ctx.app.meldpunt().PendingReveals(ctx.user());
  if (!pending.ok()) return ctx.ErrorPage(HttpStatusFor(pending.status()));
  views::Page page = ctx.MakePage(ctx.T("admin_reveals_title"));
  page.errors = errors;
  page.flash = std::move(flash);
  views::Data list{views::Data::type::list};
  for (const auto& r : *pending) {
    views::Data item;
    item.set("id", r.id);
    item.set("case_number", r.case_number);
    item.set("requested", common::FormatIso8601(r.requested_at).substr(0, 10));
    item.set("expires", common::FormatIso8601(r.expires_at).substr(0, 10));
    list.push_back(item);
  }
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  body.set("reveals", list);
  body.set("empty", pending->empty());
  views::SetIfPresent(body, "recovery_code_error", views::ErrorFor(errors, "recovery_code"));
  return ctx.Render("admin_reveals", page, body, status);
}

web::Response ShowReveals(Ctx& ctx) { return RevealsPage(ctx, {}, "", 200); }

web::Response DecideReveal(Ctx& ctx) {
  std::string decision = ctx.form.Get("decision");
  if (decision != "approve" && decision != "refuse")
    return RevealsPage(ctx, {{"decision", ctx.T("field_invalid")}}, "", 400);
  Status s = ctx.app.meldpunt().DecideIdentityRevealWithRecoveryCode(
      ctx.user(), ctx.req.PathParam("id"), ctx.form.Get("recovery_code"), decision == "approve");
  if (s.code() == common::StatusCode::kPermissionDenied)
    return RevealsPage(ctx, {{"recovery_code", ctx.T("mp_recovery_wrong")}}, "", 403);
  if (s.code() == common::StatusCode::kFailedPrecondition)
    return RevealsPage(ctx, {{"decision", s.message()}}, "", 409);
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  return RevealsPage(ctx, {}, ctx.T("flash_reveal_decided"), 200);
}

}  // namespace

void RegisterAdminRoutes(App& app) {
  using domain::Permission;
  app.Route(web::Method::kGet, "/admin/users", Access::Need(Permission::kManageSchoolUsers),
            ShowUsers);
  app.Route(web::Method::kPost, "/admin/users", Access::Need(Permission::kManageSchoolUsers),
            CreateUser);
  app.Route(web::Method::kGet, "/admin/users/{id}", Access::Need(Permission::kManageSchoolUsers),
            ShowUser);
  app.Route(web::Method::kPost, "/admin/users/{id}", Access::Need(Permission::kManageSchoolUsers),
            SaveUser);
  app.Route(web::Method::kPost, "/admin/users/{id}/invite",
            Access::Need(Permission::kManageSchoolUsers), ReinviteUser);
  app.Route(web::Method::kPost, "/admin/users/{id}/disable",
            Access::Need(Permission::kManageSchoolUsers),
            [](Ctx& ctx) { return ToggleUser(ctx, true); });
  app.Route(web::Method::kPost, "/admin/users/{id}/enable",
            Access::Need(Permission::kManageSchoolUsers),
            [](Ctx& ctx) { return ToggleUser(ctx, false); });
  app.Route(web::Method::kGet, "/admin/schools", Access::Need(Permission::kManageSchools),
            ShowSchools);
  app.Route(web::Method::kPost, "/admin/schools", Access::Need(Permission::kManageSchools),
            CreateSchool);
  app.Route(web::Method::kPost, "/admin/schools/domains", Access::Need(Permission::kManageSchools),
            SetSchoolDomains);
  app.Route(web::Method::kPost, "/admin/schools/admin", Access::Need(Permission::kManageSchools),
            CreateFirstAdmin);
  app.Route(web::Method::kGet, "/admin/audit", Access::Need(Permission::kViewAuditLog), ShowAudit);
  // The meldpunt's own log (leads only) and the recovery key's say in P9.
  app.Route(web::Method::kGet, "/meldpunt/logboek", Access::Need(Permission::kHandleCases),
            ShowMeldpuntAudit, {.sensitive = true});
  app.Route(web::Method::kGet, "/admin/meldpunt/onthullingen",
            Access::Need(Permission::kRecoverCaseKeys), ShowReveals);
  app.Route(web::Method::kPost, "/admin/meldpunt/onthullingen/{id}",
            Access::Need(Permission::kRecoverCaseKeys), DecideReveal, {.sensitive = true});
}

}  // namespace app
