// The reporter's pages after entering their code: status, messages, consent,
// opening up the mode, attachments and the closing survey. The session lives
// in the `sp_rep` cookie; the code itself is never kept.
#include <charconv>

#include "app/app.h"
#include "app/attachment_outcome.h"
#include "media/attachment.h"

namespace app {

namespace {

using common::Status;

constexpr size_t kUploadBodyLimit =
    11 * 1024 * 1024;  // one 10 MB attachment and the form around it

std::string ReporterToken(const Ctx& ctx) { return ctx.req.Cookie(kReporterCookie).value_or(""); }

web::Response CodeForm(Ctx& ctx, const std::string& error, int status) {
  web::Response tmp;
  std::string csrf = FormCsrf(ctx, &tmp);
  views::Page page = ctx.MakePage(ctx.T("followup_title"));
  page.csrf = csrf;
  if (!error.empty()) page.errors.push_back({"receipt", error});
  views::Data body;
  body.set("csrf", csrf);
  views::Data field = views::InputField("receipt", ctx.T("followup_code"), "", "text", error,
                                        ctx.T("followup_code_hint"), "off");
  body.set("code_field", field);
  web::Response res = ctx.Render("reporter_login", page, body, status);
  for (auto& h : tmp.headers) res.headers.push_back(h);
  return res;
}

web::Response ShowCodeForm(Ctx& ctx) { return CodeForm(ctx, "", 200); }

// After a withdrawal, and for the code of a withdrawn report: that it is
// withdrawn, and nothing else (there is nothing else left).
web::Response WithdrawnPage(Ctx& ctx, const std::string& text, int status) {
  views::Page page = ctx.MakePage(ctx.T("withdraw_done_title"));
  views::Data body;
  body.set("text", text);
  return ctx.Render("reporter_withdrawn", page, body, status);
}

web::Response EnterCode(Ctx& ctx) {
  // Held back for the client that guesses codes (throttle.h).
  const std::string client = ctx.app.ClientKey(ctx.req);
  std::chrono::milliseconds delay = ctx.app.receipt_throttle().CurrentDelay(client);
  auto session = ctx.app.meldpunt().OpenReporterSession(ctx.form.Get("receipt"));
  web::Response res;
  if (session.ok()) {
    res = web::Response::Redirect("/melding/zaak");
    res.AddHeader("Set-Cookie", std::string(kReporterCookie) + "=" + session->token +
                                    "; Max-Age=3600" + ctx.app.CookieAttributes());
  } else if (session.status().message() == meldpunt::kWithdrawnReport) {
    res = WithdrawnPage(ctx, ctx.T("withdraw_code_withdrawn"), 410);
  } else if (session.status().code() == common::StatusCode::kUnauthenticated) {
    ctx.app.receipt_throttle().RecordFailure(client);
    res = CodeForm(ctx, ctx.T("followup_wrong_code"), 401);
  } else {
    res = ctx.ErrorPage(HttpStatusFor(session.status()));
  }
  res.delay = delay;
  return res;
}

views::Data Choices(const Ctx& ctx, std::string_view prefix,
                    const std::vector<std::string>& values) {
  views::Data list{views::Data::type::list};
  for (const std::string& v : values) {
    views::Data item;
    item.set("value", v);
    item.set("label", ctx.T(std::string(prefix) + v));
    list.push_back(item);
  }
  return list;
}

web::Response ShowCase(Ctx& ctx, const std::vector<views::FieldError>& errors = {},
                       std::string flash = "", int status = 200) {
  auto view = ctx.app.meldpunt().ReporterCase(ReporterToken(ctx));
  if (!view.ok()) {
    if (view.status().code() == common::StatusCode::kUnauthenticated) {
      return CodeForm(ctx, ctx.T("followup_session_ended"), 401);
    }
    return ctx.ErrorPage(HttpStatusFor(view.status()));
  }
  web::Response tmp;
  views::Page page = ctx.MakePage(ctx.T("followup_case_title"));
  page.csrf = FormCsrf(ctx, &tmp);
  page.errors = errors;
  page.flash = std::move(flash);
  views::Data body;
  body.set("csrf", page.csrf);
  body.set("case_number", view->case_number);
  body.set("status", ctx.T("status_" + std::string(domain::Name(view->status))));
  body.set("status_id", std::string(domain::Name(view->status)));
  body.set("mode", ctx.T("mode_" + std::string(domain::Name(view->mode))));
  body.set("handler", view->handler.empty() ? ctx.T("followup_handler_function") : view->handler);
  body.set("received_at", common::FormatIso8601(view->received_at).substr(0, 10));
  body.set("first_contact_due", domain::FormatDate(view->first_contact_due));
  body.set("feedback_due", domain::FormatDate(view->feedback_due));
  body.set("narrative", view->narrative);
  views::Data messages{views::Data::type::list};
  for (const auto& m : view->messages) {
    views::Data item;
    item.set("from", ctx.T(m.from == "reporter" ? "msg_from_you" : "msg_from_meldpunt"));
    item.set("mine", m.from == "reporter");
    item.set("at", common::FormatIso8601(m.at));
    item.set("text", m.text);
    messages.push_back(item);
  }
  body.set("messages", messages);
  body.set("has_messages", !view->messages.empty());
  // P9: the reporter is told when and why their identity was shown.
  views::Data notices{views::Data::type::list};
  for (const auto& n : view->identity_notices) {
    views::Data item;
    item.set("text", ctx.T("reveal_notice_prefix") + " " + ctx.T("reveal_notice_to_lead") + " " +
                         ctx.T("reveal_notice_because") + " " + n.reason);
    item.set("approved", ctx.T("reveal_notice_approved_" + n.approved_as));
    item.set("at", common::FormatIso8601(n.at).substr(0, 10));
    notices.push_back(item);
  }
  body.set("identity_notices", notices);
  views::SetIfPresent(body, "text_error", views::ErrorFor(errors, "text"));
  views::Data consents{views::Data::type::list};
  for (domain::Consent c :
       {domain::Consent::kContactCompany, domain::Consent::kShareSbb, domain::Consent::kShareAdv,
        domain::Consent::kShareJob, domain::Consent::kShareCrm}) {
    views::Data item;
    item.set("value", std::string(domain::Name(c)));
    item.set("label", ctx.T("consent_" + std::string(domain::Name(c))));
    bool given = std::find(view->consents.begin(), view->consents.end(), c) != view->consents.end();
    item.set("given", given);
    item.set("action", given ? "withdraw" : "give");
    item.set("button", ctx.T(given ? "followup_consent_withdraw" : "followup_consent_give"));
    consents.push_back(item);
  }
  body.set("consents", consents);
  bool closed = view->status == domain::CaseStatus::kClosed;
  body.set("closed", closed);
  if (view->outcome)
    body.set("outcome", ctx.T("outcome_" + std::string(domain::Name(*view->outcome))));
  body.set("outcome_text", view->outcome_text);
  body.set("survey_open", closed && !view->survey_done);
  body.set("survey_done", view->survey_done);
  body.set("scores", Choices(ctx, "score_", {"1", "2", "3", "4", "5"}));
  std::vector<std::string> open_modes;
  if (view->mode == domain::ReportMode::kAnonymous) open_modes = {"confidential", "named"};
  if (view->mode == domain::ReportMode::kConfidential) open_modes = {"named"};
  body.set("can_open_up", !open_modes.empty() && !closed);
  body.set("open_modes", Choices(ctx, "mode_", open_modes));
  body.set("name_field",
           views::InputField("reporter_name", ctx.T("report_reporter_name"), "", "text",
                             views::ErrorFor(errors, "reporter_name"), "", "name"));
  body.set("number_field",
           views::InputField("reporter_student_number", ctx.T("report_reporter_number"), "", "text",
                             views::ErrorFor(errors, "reporter_student_number")));
  body.set("email_field",
           views::InputField("reporter_email", ctx.T("report_reporter_email"), "", "email",
                             views::ErrorFor(errors, "reporter_email"), "", "email"));
  views::Data files{views::Data::type::list};
  int n = 0;
  for (const auto& a : view->attachments) {
    views::Data item;
    item.set("href", "/melding/bijlagen/" + a.id);
    item.set("label", ctx.T("attachment_label") + " " + std::to_string(++n) + " (" + a.kind + ", " +
                          std::to_string((a.size + 1023) / 1024) + " kB)");
    files.push_back(item);
  }
  body.set("attachments", files);
  views::SetIfPresent(body, "attachment_error", views::ErrorFor(errors, "attachment"));
  web::Response res = ctx.Render("reporter_case", page, body, status);
  for (auto& h : tmp.headers) res.headers.push_back(h);
  return res;
}

web::Response ShowCaseRoute(Ctx& ctx) {
  // After a change the browser comes back here (POST-redirect-GET), so a
  // reload does not send a message twice and the language link keeps working.
  std::string ok = ctx.req.QueryParam("ok").value_or("");
  std::string key = "followup_" + ok;
  return ShowCase(ctx, {}, ok.empty() || ctx.T(key) == key ? "" : ctx.T(key));
}

// Runs a change and shows the case again: a flash on success, the error
// beside its field on bad input.
web::Response AfterChange(Ctx& ctx, const Status& s, std::string_view flash_key) {
  if (s.ok()) {
    std::string_view ok = flash_key.substr(flash_key.find('_') + 1);
    return web::Response::Redirect("/melding/zaak?ok=" + std::string(ok));
  }
  if (s.code() == common::StatusCode::kUnauthenticated)
    return CodeForm(ctx, ctx.T("followup_session_ended"), 401);
  if (s.code() == common::StatusCode::kInvalidArgument ||
      s.code() == common::StatusCode::kFailedPrecondition) {
    return ShowCase(ctx, {{FieldId(s.field().empty() ? "text" : s.field()), s.message()}}, "", 400);
  }
  return ctx.ErrorPage(HttpStatusFor(s));
}

web::Response SendMessage(Ctx& ctx) {
  return AfterChange(ctx,
                     ctx.app.meldpunt().ReporterMessage(ReporterToken(ctx), ctx.form.Get("text")),
                     "followup_message_sent");
}

web::Response ChangeConsent(Ctx& ctx) {
  auto consent = domain::ParseConsent(ctx.form.Get("consent"));
  if (!consent) return AfterChange(ctx, Status::InvalidArgument("unknown consent", "consent"), "");
  bool give = ctx.form.Get("action") == "give";
  Status s = give ? ctx.app.meldpunt().ReporterGiveConsent(ReporterToken(ctx), *consent)
                  : ctx.app.meldpunt().ReporterWithdrawConsent(ReporterToken(ctx), *consent);
  return AfterChange(ctx, s, give ? "followup_consent_given" : "followup_consent_withdrawn");
}

web::Response OpenUp(Ctx& ctx) {
  auto mode = domain::ParseReportMode(ctx.form.Get("mode"));
  if (!mode) return AfterChange(ctx, Status::InvalidArgument("choose a mode", "mode"), "");
  domain::ReporterIdentity id{ctx.form.Get("reporter_name"),
                              ctx.form.Get("reporter_student_number"),
                              ctx.form.Get("reporter_email")};
  return AfterChange(ctx, ctx.app.meldpunt().ReporterOpenUp(ReporterToken(ctx), *mode, id),
                     "followup_mode_changed");
}

web::Response Survey(Ctx& ctx) {
  // A missing or non-numeric answer is 0 ("not answered"); the service checks the range.
  auto score = [&](const char* name) {
    std::string text = ctx.form.Get(name);
    int value = 0;
    if (std::from_chars(text.data(), text.data() + text.size(), value).ec != std::errc()) return 0;
    return value;
  };
  return AfterChange(ctx,
                     ctx.app.meldpunt().ReporterSurvey(ReporterToken(ctx), score("heard"),
                                                       score("believed"), score("know_outcome")),
                     "followup_survey_thanks");
}

web::Response Upload(Ctx& ctx) {
  if (ctx.files.size() != 1) {
    return AfterChange(ctx, Status::InvalidArgument(ctx.T("attachment_choose_one"), "attachment"),
                       "");
  }
  const std::string& bytes = ctx.files[0].bytes;
  // Quotas (M3): bytes per client here, files and bytes per case and per
  // school per day in the service. Past one, the page names the field.
  if (!ctx.app.upload_limits().Allow(ctx.app.ClientKey(ctx.req),
                                     static_cast<int64_t>(bytes.size()))) {
    return ShowCase(ctx, {{"attachment", ctx.T("attachment_quota_client")}}, "", 429);
  }
  auto added =
      ctx.app.meldpunt().AddAttachmentAsReporter(ReporterToken(ctx), ctx.files[0].filename, bytes);
  if (added.status().code() == common::StatusCode::kResourceExhausted) {
    const std::string& reason = added.status().message();
    const auto& q = ctx.app.meldpunt().attachment_quotas();
    std::string text = ctx.T("attachment_quota_" + reason);
    std::string n = reason == meldpunt::kQuotaPerReport ? std::to_string(q.per_report)
                                                        : std::to_string(q.bytes_per_case >> 20);
    if (size_t at = text.find("{n}"); at != std::string::npos) text.replace(at, 3, n);
    // A full case stays full (413); the school's daily quota frees up (429).
    return ShowCase(ctx, {{"attachment", text}}, "",
                    reason == meldpunt::kQuotaPerSchoolDay ? 429 : 413);
  }
  return AfterChange(ctx, AttachmentOutcome(ctx, added.status()), "followup_attachment_added");
}

web::Response Download(Ctx& ctx) {
  auto file =
      ctx.app.meldpunt().ReadAttachmentAsReporter(ReporterToken(ctx), ctx.req.PathParam("id"));
  if (!file.ok())
    return ctx.ErrorPage(file.status().code() == common::StatusCode::kUnauthenticated ? 401 : 404);
  return FileResponse(*file);
}

// The confirmation says plainly what a withdrawal does before the POST.
web::Response ShowWithdraw(Ctx& ctx) {
  auto view = ctx.app.meldpunt().ReporterCase(ReporterToken(ctx));
  if (!view.ok()) {
    if (view.status().code() == common::StatusCode::kUnauthenticated)
      return CodeForm(ctx, ctx.T("followup_session_ended"), 401);
    return ctx.ErrorPage(HttpStatusFor(view.status()));
  }
  web::Response tmp;
  views::Page page = ctx.MakePage(ctx.T("withdraw_title"));
  page.csrf = FormCsrf(ctx, &tmp);
  views::Data body;
  body.set("csrf", page.csrf);
  std::string what = ctx.T("withdraw_what_4");
  if (size_t at = what.find("{case}"); at != std::string::npos)
    what.replace(at, 6, view->case_number);
  body.set("what_4", what);
  web::Response res = ctx.Render("reporter_withdraw", page, body);
  for (auto& h : tmp.headers) res.headers.push_back(h);
  return res;
}

web::Response Withdraw(Ctx& ctx) {
  Status s = ctx.app.meldpunt().WithdrawReport(ReporterToken(ctx));
  if (s.code() == common::StatusCode::kUnauthenticated)
    return CodeForm(ctx, ctx.T("followup_session_ended"), 401);
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  // The session is gone with the case; the cookie goes too.
  web::Response res = web::Response::Redirect("/melding/ingetrokken");
  res.AddHeader("Set-Cookie",
                std::string(kReporterCookie) + "=; Max-Age=0" + ctx.app.CookieAttributes());
  return res;
}

web::Response ShowWithdrawn(Ctx& ctx) {
  return WithdrawnPage(ctx, ctx.T("withdraw_done_text"), 200);
}

web::Response SignOut(Ctx& ctx) {
  (void)ctx.app.meldpunt().EndReporterSession(ReporterToken(ctx));
  web::Response res = web::Response::Redirect("/");
  res.AddHeader("Set-Cookie",
                std::string(kReporterCookie) + "=; Max-Age=0" + ctx.app.CookieAttributes());
  return res;
}

}  // namespace

web::Response FileResponse(const meldpunt::Meldpunt::FileContent& file) {
  web::Response res;
  res.body = file.bytes;
  std::string type = file.kind == "pdf"   ? "application/pdf"
                     : file.kind == "png" ? "image/png"
                                          : "image/jpeg";
  std::string ext = file.kind == "jpeg" ? "jpg" : file.kind;
  res.SetHeader("Content-Type", type);
  // Always a download with a neutral name: never rendered inline (P14).
  res.SetHeader("Content-Disposition", "attachment; filename=\"bijlage." + ext + "\"");
  return res;
}

void RegisterReporterRoutes(App& app) {
  web::RouteOptions sensitive{.sensitive = true};
  web::RouteOptions upload{.sensitive = true, .max_body_bytes = kUploadBodyLimit};
  app.Route(web::Method::kGet, "/melding", Access::Public(), ShowCodeForm, sensitive);
  app.Route(web::Method::kPost, "/melding", Access::Public(), EnterCode, sensitive);
  app.Route(web::Method::kGet, "/melding/zaak", Access::Public(), ShowCaseRoute, sensitive);
  app.Route(web::Method::kPost, "/melding/bericht", Access::Public(), SendMessage, sensitive);
  app.Route(web::Method::kPost, "/melding/toestemming", Access::Public(), ChangeConsent, sensitive);
  app.Route(web::Method::kPost, "/melding/openheid", Access::Public(), OpenUp, sensitive);
  app.Route(web::Method::kPost, "/melding/enquete", Access::Public(), Survey, sensitive);
  app.Route(web::Method::kPost, "/melding/bijlage", Access::Public(), Upload, upload);
  app.Route(web::Method::kGet, "/melding/bijlagen/{id}", Access::Public(), Download, sensitive);
  app.Route(web::Method::kPost, "/melding/afmelden", Access::Public(), SignOut, sensitive);
  app.Route(web::Method::kGet, "/melding/intrekken", Access::Public(), ShowWithdraw, sensitive);
  app.Route(web::Method::kPost, "/melding/intrekken", Access::Public(), Withdraw, sensitive);
  app.Route(web::Method::kGet, "/melding/ingetrokken", Access::Public(), ShowWithdrawn, sensitive);
}

}  // namespace app
