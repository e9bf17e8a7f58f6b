// Mail pages: a user's own alert mails (/account/mail: which kinds they get)
// and the system admin's view of the outbox (/admin/mail: metadata only).
//
// Invitations and password resets are not listed on /account/mail: they
// cannot be turned off (mail/outbox.h). /admin/mail never shows a body or a
// full address: a mail can hold an invitation link, and who gets which mail
// is not the system admin's business beyond "did it go out".
#include <set>

#include "app/app.h"
#include "mail/sender.h"

namespace app {

namespace {

using common::Status;

// The alert kinds that reach a user of this role (lead: a meldpunt lead).
std::vector<mail::Kind> KindsFor(domain::Role role, bool lead) {
  if (role == domain::Role::kStudent) return {mail::Kind::kMessageForStudent};
  if (role == domain::Role::kSchoolAdmin) return {mail::Kind::kPrivacyRequest};
  if (role == domain::Role::kMeldpuntHandler) {
    std::vector<mail::Kind> kinds{mail::Kind::kCaseAssigned, mail::Kind::kDeadlineAlert,
                                  mail::Kind::kReporterMessage};
    if (lead) {
      kinds.insert(kinds.begin(), mail::Kind::kNewCase);
      kinds.push_back(mail::Kind::kHandlerNeedsKeys);
    }
    return kinds;
  }
  return {};
}

bool IsLead(Ctx& ctx) {
  bool lead = false;
  (void)ctx.app.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows r,
                        c.Query("SELECT meldpunt_lead FROM users WHERE id = $1", {ctx.user().id}));
    lead = !r.rows.empty() && r.rows[0].Int(0) == 1;
    return Status::Ok();
  });
  return lead;
}

web::Response MailSettingsPage(Ctx& ctx, bool saved) {
  std::vector<mail::Kind> kinds = KindsFor(ctx.user().role, IsLead(ctx));
  std::set<std::string> off;
  Status s = ctx.app.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT kind FROM mail_opt_outs WHERE user_id = $1",
                                               {ctx.user().id}));
    for (const db::Row& r : rows.rows) off.insert(r.Text(0));
    return Status::Ok();
  });
  if (!s.ok()) return ctx.ErrorPage(503);
  views::Page page = ctx.MakePage(ctx.T("mail_settings_title"));
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  body.set("saved", saved);
  views::Data list{views::Data::type::list};
  for (mail::Kind kind : kinds) {
    std::string name(mail::KindName(kind));
    views::Data k;
    k.set("name", name);
    k.set("label", ctx.T("mail_kind_" + name));
    k.set("on", off.count(name) == 0);
    list.push_back(k);
  }
  body.set("has_kinds", !kinds.empty());
  body.set("kinds", list);
  return ctx.Render("mail_settings", page, body);
}

web::Response ShowMailSettings(Ctx& ctx) { return MailSettingsPage(ctx, false); }

// Stores which alert kinds the user turned off: every kind of their role
// whose box is not ticked. Audited as one change of the account's settings.
web::Response SaveMailSettings(Ctx& ctx) {
  std::vector<mail::Kind> kinds = KindsFor(ctx.user().role, IsLead(ctx));
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    for (mail::Kind kind : kinds) {
      std::string name(mail::KindName(kind));
      if (ctx.form.Get("kind_" + name) == "yes") {
        SP_RETURN_IF_ERROR(c.Execute("DELETE FROM mail_opt_outs WHERE user_id = $1 AND kind = $2",
                                     {ctx.user().id, name})
                               .status());
      } else {
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO mail_opt_outs(user_id, kind) VALUES ($1, $2) "
                                     "ON CONFLICT (user_id, kind) DO NOTHING",
                                     {ctx.user().id, name})
                               .status());
      }
    }
    return ctx.app.audit().Append(c, AuditEntry(ctx, "mail.opt_outs", "user", ctx.user().id));
  });
  if (!s.ok()) return ctx.ErrorPage(503);
  return MailSettingsPage(ctx, true);
}

std::string When(common::UnixMillis t) { return t > 0 ? common::FormatIso8601(t) : std::string(); }

web::Response ShowMailList(Ctx& ctx) {
  views::Data rows{views::Data::type::list};
  size_t count = 0;
  Status s = ctx.app.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows r,
        c.Query("SELECT kind, state, to_address, created_at, attempts, next_attempt_at, "
                "last_error, sent_at FROM mail_outbox ORDER BY created_at DESC, id LIMIT 500"));
    for (const db::Row& row : r.rows) {
      views::Data d;
      d.set("kind", row.Text(0));
      d.set("state", ctx.T("mail_state_" + row.Text(1)));
      d.set("to", mail::MaskAddress(row.Text(2)));
      d.set("created", When(row.Int(3)));
      d.set("attempts", std::to_string(row.Int(4)));
      bool pending = row.Text(1) == "queued" || row.Text(1) == "sending";
      d.set("next", pending ? When(row.Int(5)) : std::string());
      d.set("reason", row.Text(6));
      d.set("sent", When(row.Int(7)));
      rows.push_back(d);
      ++count;
    }
    return Status::Ok();
  });
  if (!s.ok()) return ctx.ErrorPage(503);
  views::Page page = ctx.MakePage(ctx.T("mail_list_title"));
  views::Data body;
  body.set("has_mails", count > 0);
  body.set("mails", rows);
  return ctx.Render("mail_list", page, body);
}

}  // namespace

void RegisterMailRoutes(App& app) {
  app.Route(web::Method::kGet, "/account/mail", Access::LoggedIn(), ShowMailSettings);
  app.Route(web::Method::kPost, "/account/mail", Access::LoggedIn(), SaveMailSettings);
  app.Route(web::Method::kGet, "/admin/mail", Access::Need(domain::Permission::kManageSchools),
            ShowMailList);
}

}  // namespace app
