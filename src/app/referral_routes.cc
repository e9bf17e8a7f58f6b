// Referral pages (meldpunt/referral.h, docs/referrals.md): the school admin's
// outside contacts, the handler's compose / send / follow-up pages, the
// student's agreement with their code, and the destination's link with the
// summary as a printable page and a PDF.
#include <algorithm>

#include "app/placement_ui.h"
#include "app/referral_ui.h"
#include "pdf/document.h"

namespace app {

namespace {

using common::Status;
using meldpunt::Referral;
using meldpunt::ReferralSummary;

std::string Base(std::string_view case_id) {
  return "/meldpunt/zaken/" + std::string(case_id) + "/doorverwijzingen";
}

std::string DestinationName(Ctx& ctx, const std::string& destination,
                            const meldpunt::ReferralContacts& contacts) {
  if (destination == "adv")
    return contacts.adv_name.empty() ? ctx.T("ref_dest_adv") : contacts.adv_name;
  return contacts.sbb_name.empty() ? ctx.T("ref_dest_sbb")
                                   : ctx.T("ref_dest_sbb") + " (" + contacts.sbb_name + ")";
}

// The summary's sections in the page's language: heading and paragraphs, only
// the parts that are in it. The same list makes the HTML and the PDF.
std::vector<pdf::Section> Sections(Ctx& ctx, const ReferralSummary& s) {
  std::vector<pdf::Section> out;
  for (const std::string& part : s.parts) {
    pdf::Section sec{ctx.T("ref_part_" + part), {}};
    if (part == "what") sec.paragraphs.push_back(s.what);
    if (part == "grounds") {
      std::vector<std::string> names;
      for (const std::string& g : s.grounds) names.push_back(ctx.T("ground_" + g));
      sec.paragraphs.push_back(smui::JoinList(names, ", "));
    }
    if (part == "company") sec.paragraphs.push_back(s.company);
    if (part == "dates") {
      if (!s.occurred_on.empty())
        sec.paragraphs.push_back(ctx.T("ref_occurred_on") + ": " + s.occurred_on);
      if (!s.received_on.empty())
        sec.paragraphs.push_back(ctx.T("ref_received_on") + ": " + s.received_on);
    }
    if (part == "name") sec.paragraphs.push_back(s.name);
    if (part == "contact") sec.paragraphs.push_back(s.contact);
    if (part == "request") sec.paragraphs.push_back(s.request);
    out.push_back(std::move(sec));
  }
  return out;
}

std::string Subtitle(Ctx& ctx, const ReferralSummary& s) {
  return s.school_name + " · " + ctx.T("ref_case_number") + " " + s.case_number + " · " +
         smui::Day(s.composed_at);
}

std::string Title(Ctx& ctx, const ReferralSummary& s) {
  return ctx.T(s.destination == "adv" ? "ref_title_adv" : "ref_title_sbb");
}

views::Data SummaryData(Ctx& ctx, const ReferralSummary& s) {
  views::Data d;
  d.set("title", Title(ctx, s));
  d.set("subtitle", Subtitle(ctx, s));
  views::Data list{views::Data::type::list};
  for (const pdf::Section& sec : Sections(ctx, s)) {
    views::Data x;
    x.set("heading", sec.heading);
    views::Data paras{views::Data::type::list};
    for (const std::string& p : sec.paragraphs) paras.push_back(views::Data("text", p));
    x.set("paragraphs", paras);
    list.push_back(x);
  }
  d.set("sections", list);
  d.set("agreed_note", ctx.T("ref_summary_agreed_note"));
  return d;
}

web::Response PdfResponse(Ctx& ctx, const ReferralSummary& s) {
  pdf::Document doc{.title = Title(ctx, s),
                    .subtitle = Subtitle(ctx, s),
                    .sections = Sections(ctx, s),
                    .footer = ctx.T("ref_pdf_footer")};
  auto bytes = pdf::Render(doc);
  if (!bytes.ok()) return ctx.ErrorPage(HttpStatusFor(bytes.status()));
  web::Response res;
  res.body = std::move(*bytes);
  res.SetHeader("Content-Type", "application/pdf");
  res.SetHeader("Content-Disposition", "attachment; filename=\"doorverwijzing.pdf\"");
  return res;
}

std::string When(const std::optional<common::UnixMillis>& t) { return t ? smui::Day(*t) : ""; }

// One referral as a row of the handler's or the student's list.
views::Data Row(Ctx& ctx, const Referral& r, const meldpunt::ReferralContacts& contacts) {
  views::Data d;
  d.set("id", r.id);
  d.set("destination", DestinationName(ctx, r.destination, contacts));
  d.set("state", ctx.T("ref_state_" + r.state));
  d.set("created", smui::Day(r.created_at));
  views::SetIfPresent(d, "decided", When(r.decided_at));
  views::SetIfPresent(d, "sent", When(r.sent_at));
  views::SetIfPresent(d, "received", When(r.received_at));
  views::SetIfPresent(d, "answered", When(r.answered_at));
  if (!r.delivery.empty()) d.set("delivery", ctx.T("ref_delivery_" + r.delivery));
  if (!r.outcome.empty()) d.set("outcome", ctx.T("ref_outcome_" + r.outcome));
  d.set("is_draft", r.state == "draft");
  d.set("summary", SummaryData(ctx, r.summary));
  return d;
}

std::string ErrorText(Ctx& ctx, const Status& s) {
  std::string key = "ref_error_" + s.field();
  std::string text = ctx.T(key);
  return text == key ? ctx.T("ref_error_generic") : text;
}

// ---- The school admin's contacts ----------------------------------------------

const char* const kContactFields[] = {"adv_name",    "adv_address", "adv_phone", "adv_email",
                                      "adv_website", "sbb_name",    "sbb_email"};

web::Response ContactsForm(Ctx& ctx, const meldpunt::ReferralContacts& v,
                           const std::vector<views::FieldError>& errors, std::string flash,
                           int status) {
  views::Page page = ctx.MakePage(ctx.T("ref_admin_title"));
  page.csrf = ctx.session->csrf_token;
  page.errors = errors;
  page.flash = std::move(flash);
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  const std::string values[] = {v.adv_name,    v.adv_address, v.adv_phone, v.adv_email,
                                v.adv_website, v.sbb_name,    v.sbb_email};
  const char* types[] = {"text", "text", "tel", "email", "url", "text", "email"};
  const char* autocomplete[] = {"organization", "street-address", "tel",  "email",
                                "url",          "name",           "email"};
  views::Data adv{views::Data::type::list}, sbb{views::Data::type::list};
  for (size_t i = 0; i < std::size(kContactFields); ++i) {
    std::string id = kContactFields[i];
    std::string hint_key = "ref_admin_" + id + "_hint";
    std::string hint = ctx.T(hint_key) == hint_key ? "" : ctx.T(hint_key);
    auto field = views::InputField(id, ctx.T("ref_admin_" + id), values[i], types[i],
                                   views::ErrorFor(errors, id), hint, autocomplete[i]);
    (i < 5 ? adv : sbb).push_back(field);
  }
  body.set("adv_fields", adv);
  body.set("sbb_fields", sbb);
  body.set("show_inspectie", v.show_inspectie);
  return ctx.Render("referral_admin", page, body, status);
}

web::Response ShowContacts(Ctx& ctx) {
  auto v = ReferralsOf(ctx.app).Contacts(ctx.user().school_id);
  if (!v.ok()) return ctx.ErrorPage(HttpStatusFor(v.status()));
  std::string flash = ctx.req.QueryParam("ok").value_or("") == "1" ? ctx.T("ref_admin_saved") : "";
  return ContactsForm(ctx, *v, {}, flash, 200);
}

web::Response SaveContacts(Ctx& ctx) {
  meldpunt::ReferralContacts typed{
      ctx.form.Get("adv_name"),  ctx.form.Get("adv_address"),           ctx.form.Get("adv_phone"),
      ctx.form.Get("adv_email"), ctx.form.Get("adv_website"),           ctx.form.Get("sbb_name"),
      ctx.form.Get("sbb_email"), ctx.form.Get("show_inspectie") == "1", true};
  Status s = ReferralsOf(ctx.app).SaveContacts(ctx.user(), typed);
  if (s.code() == common::StatusCode::kInvalidArgument) {
    // What was typed comes back, so nothing is lost.
    std::string key = "ref_admin_error_" + s.message();
    std::string reason = ctx.T(key) == key ? ctx.T("ref_admin_error_invalid") : ctx.T(key);
    return ContactsForm(ctx, typed, {{s.field(), ctx.T("ref_admin_" + s.field()) + ": " + reason}},
                        "", 400);
  }
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  return web::Response::Redirect("/admin/doorverwijzing?ok=1");
}

// ---- The handler ------------------------------------------------------------

web::Response CasePage(Ctx& ctx, const std::vector<views::FieldError>& errors, int status,
                       const web::Form* typed = nullptr) {
  std::string case_id = std::string(ctx.req.PathParam("id"));
  meldpunt::Staff staff = ctx.Staff();
  meldpunt::Referrals referrals = ReferralsOf(ctx.app);
  auto list = referrals.ForCase(staff, case_id);
  if (!list.ok()) return smui::ErrorPageFor(ctx, list.status());
  auto contacts = referrals.Contacts(ctx.user().school_id);
  if (!contacts.ok()) return ctx.ErrorPage(HttpStatusFor(contacts.status()));
  auto preview = referrals.Preview(staff, case_id);
  views::Page page = ctx.MakePage(ctx.T("ref_case_title"));
  page.csrf = ctx.session->csrf_token;
  page.errors = errors;
  page.flash = smui::Flash(ctx);
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  body.set("base", Base(case_id));
  body.set("case_href", "/meldpunt/zaken/" + case_id);
  views::Data rows{views::Data::type::list};
  for (const Referral& r : *list) {
    views::Data d = Row(ctx, r, *contacts);
    d.set("href", Base(case_id) + "/" + r.id);
    rows.push_back(d);
  }
  body.set("referrals", rows);
  body.set("has_referrals", !list->empty());
  if (!preview.ok()) {
    if (preview.status().code() != common::StatusCode::kPermissionDenied)
      return smui::ErrorPageFor(ctx, preview.status());
    body.set("no_key", true);
    return ctx.Render("referral_case", page, body, status);
  }
  body.set("can_compose", true);
  views::Data dests{views::Data::type::list};
  std::string chosen_dest = typed ? typed->Get("destination") : "adv";
  for (const char* d : {"adv", "sbb"}) {
    views::Data x;
    x.set("value", d);
    x.set("label", DestinationName(ctx, d, *contacts));
    x.set("checked", chosen_dest == d);
    dests.push_back(x);
  }
  body.set("destinations", dests);
  // Every part the case has, with what it would say: the handler ticks what
  // the student chose to share.
  views::Data parts{views::Data::type::list};
  ReferralSummary all = *preview;
  std::vector<pdf::Section> secs = Sections(ctx, all);
  for (size_t i = 0; i < all.parts.size(); ++i) {
    const std::string& part = all.parts[i];
    if (part == "request") continue;
    std::string preview_text = smui::JoinList(secs[i].paragraphs, " · ");
    if (preview_text.empty()) continue;  // the case does not have it
    views::Data x;
    x.set("value", part);
    x.set("label", ctx.T("ref_part_" + part));
    x.set("preview", preview_text.size() > 300 ? preview_text.substr(0, 300) + "…" : preview_text);
    bool checked = false;
    if (typed) {
      for (const std::string& v : typed->GetAll("parts")) checked = checked || v == part;
    }
    x.set("checked", checked);
    parts.push_back(x);
  }
  body.set("parts", parts);
  body.set("request_value", typed ? typed->Get("request") : "");
  body.set("follow_up_value", typed ? typed->Get("follow_up_days") : "14");
  views::SetIfPresent(body, "parts_error", views::ErrorFor(errors, "parts"));
  views::SetIfPresent(body, "destination_error", views::ErrorFor(errors, "destination"));
  views::SetIfPresent(body, "request_error", views::ErrorFor(errors, "request"));
  views::SetIfPresent(body, "follow_up_days_error", views::ErrorFor(errors, "follow_up_days"));
  return ctx.Render("referral_case", page, body, status);
}

web::Response ShowCase(Ctx& ctx) { return CasePage(ctx, {}, 200); }

int ParseDays(const std::string& text) {
  if (text.empty() || text.size() > 3 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return 0;
  return std::stoi(text);
}

web::Response Compose(Ctx& ctx) {
  std::string case_id = std::string(ctx.req.PathParam("id"));
  meldpunt::ComposeRequest req{ctx.form.Get("destination"), ctx.form.GetAll("parts"),
                               ctx.form.Get("request"), ParseDays(ctx.form.Get("follow_up_days"))};
  auto id = ReferralsOf(ctx.app).Compose(ctx.Staff(), case_id, req);
  if (id.status().code() == common::StatusCode::kInvalidArgument) {
    return CasePage(ctx, {{id.status().field(), ErrorText(ctx, id.status())}}, 400, &ctx.form);
  }
  if (!id.ok()) return smui::ErrorPageFor(ctx, id.status());
  return web::Response::Redirect(Base(case_id) + "/" + *id + "?ok=ref_composed");
}

web::Response DetailPage(Ctx& ctx, const std::vector<views::FieldError>& errors, int status) {
  std::string case_id = std::string(ctx.req.PathParam("id"));
  meldpunt::Referrals referrals = ReferralsOf(ctx.app);
  auto r = referrals.Get(ctx.Staff(), case_id, std::string(ctx.req.PathParam("ref")));
  if (!r.ok()) return smui::ErrorPageFor(ctx, r.status());
  auto contacts = referrals.Contacts(ctx.user().school_id);
  if (!contacts.ok()) return ctx.ErrorPage(HttpStatusFor(contacts.status()));
  views::Page page = ctx.MakePage(ctx.T("ref_detail_title"));
  page.csrf = ctx.session->csrf_token;
  page.errors = errors;
  page.flash = smui::Flash(ctx);
  views::Data body = Row(ctx, *r, *contacts);
  body.set("csrf", ctx.session->csrf_token);
  body.set("back_href", Base(case_id));
  std::string href = Base(case_id) + "/" + r->id;
  body.set("href", href);
  body.set("pdf_href", href + "/pdf");
  body.set("can_send", r->state == "agreed");
  body.set("waiting", r->state == "draft");
  body.set("is_sent", r->state == "sent");
  std::string address = r->destination == "adv" ? contacts->adv_email : contacts->sbb_email;
  body.set("can_mail", !address.empty());
  views::SetIfPresent(body, "mail_address", address);
  views::SetIfPresent(body, "answer_text", r->answer);
  views::Data outcomes{views::Data::type::list};
  for (std::string_view o : meldpunt::kReferralOutcomes) {
    views::Data x;
    x.set("value", std::string(o));
    x.set("label", ctx.T("ref_outcome_" + std::string(o)));
    x.set("selected", r->outcome == o);
    outcomes.push_back(x);
  }
  body.set("outcomes", outcomes);
  views::SetIfPresent(body, "delivery_error", views::ErrorFor(errors, "delivery"));
  views::SetIfPresent(body, "answer_error", views::ErrorFor(errors, "answer"));
  return ctx.Render("referral_detail", page, body, status);
}

web::Response ShowDetail(Ctx& ctx) { return DetailPage(ctx, {}, 200); }

web::Response Pdf(Ctx& ctx) {
  auto r = ReferralsOf(ctx.app).Get(ctx.Staff(), std::string(ctx.req.PathParam("id")),
                                    std::string(ctx.req.PathParam("ref")));
  if (!r.ok()) return smui::ErrorPageFor(ctx, r.status());
  return PdfResponse(ctx, r->summary);
}

web::Response AfterDetailChange(Ctx& ctx, const Status& s, const char* flash) {
  if (s.ok()) {
    return web::Response::Redirect(Base(std::string(ctx.req.PathParam("id"))) + "/" +
                                   std::string(ctx.req.PathParam("ref")) + "?ok=" + flash);
  }
  if (s.code() == common::StatusCode::kInvalidArgument ||
      s.code() == common::StatusCode::kFailedPrecondition) {
    std::string field = s.field() == "answer" || s.field() == "outcome" ? "answer" : "delivery";
    return DetailPage(ctx, {{field, ErrorText(ctx, s)}},
                      s.code() == common::StatusCode::kInvalidArgument ? 400 : 409);
  }
  return smui::ErrorPageFor(ctx, s);
}

web::Response Send(Ctx& ctx) {
  Status s =
      ReferralsOf(ctx.app).Send(ctx.Staff(), std::string(ctx.req.PathParam("id")),
                                std::string(ctx.req.PathParam("ref")), ctx.form.Get("delivery"));
  return AfterDetailChange(ctx, s, "ref_sent");
}

web::Response Answer(Ctx& ctx) {
  Status s = ReferralsOf(ctx.app).RecordAnswer(ctx.Staff(), std::string(ctx.req.PathParam("id")),
                                               std::string(ctx.req.PathParam("ref")),
                                               ctx.form.Get("answer"), ctx.form.Get("outcome"));
  return AfterDetailChange(ctx, s, "ref_answered");
}

// ---- The student, with their code -----------------------------------------------

std::string ReporterToken(const Ctx& ctx) { return ctx.req.Cookie(kReporterCookie).value_or(""); }

web::Response ReporterPage(Ctx& ctx, const std::string& error, int status) {
  auto list = ReferralsOf(ctx.app).ForReporter(ReporterToken(ctx));
  if (list.status().code() == common::StatusCode::kUnauthenticated)
    return web::Response::Redirect("/melding");
  if (!list.ok()) return ctx.ErrorPage(HttpStatusFor(list.status()));
  web::Response tmp;
  std::string csrf = FormCsrf(ctx, &tmp);
  views::Page page = ctx.MakePage(ctx.T("ref_student_title"));
  page.csrf = csrf;
  if (!error.empty()) page.errors.push_back({"decision", error});
  std::string ok = ctx.req.QueryParam("ok").value_or("");
  if (ok == "agreed" || ok == "declined") page.flash = ctx.T("ref_student_" + ok);
  views::Data rows{views::Data::type::list};
  for (const Referral& r : *list) {
    if (r.state == "declined") continue;
    // The student reads where it goes by name: the school's own ADV.
    auto contacts = ReferralsOf(ctx.app).Contacts(r.school_id);
    if (!contacts.ok()) return ctx.ErrorPage(HttpStatusFor(contacts.status()));
    views::Data d = Row(ctx, r, *contacts);
    d.set("action", "/melding/doorverwijzingen/" + r.id);
    d.set("is_sent", r.state == "sent");
    rows.push_back(d);
  }
  views::Data body;
  body.set("csrf", csrf);
  body.set("referrals", rows);
  body.set("none", rows.is_empty_list());
  web::Response res = ctx.Render("referral_student", page, body, status);
  for (auto& h : tmp.headers) res.headers.push_back(h);
  return res;
}

web::Response ShowReporter(Ctx& ctx) { return ReporterPage(ctx, "", 200); }

web::Response Decide(Ctx& ctx) {
  std::string decision = ctx.form.Get("decision");
  if (decision != "agree" && decision != "decline")
    return ReporterPage(ctx, ctx.T("ref_error_decision"), 400);
  Status s = ReferralsOf(ctx.app).ReporterDecide(
      ReporterToken(ctx), std::string(ctx.req.PathParam("ref")), decision == "agree");
  if (s.code() == common::StatusCode::kUnauthenticated) return web::Response::Redirect("/melding");
  if (s.code() == common::StatusCode::kFailedPrecondition)
    return ReporterPage(ctx, ctx.T("ref_error_referral"), 409);
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  return web::Response::Redirect(std::string("/melding/doorverwijzingen?ok=") +
                                 (decision == "agree" ? "agreed" : "declined"));
}

// ---- The destination, with the mailed link -----------------------------------

web::Response LinkStatus(Ctx& ctx, const Status& s) {
  if (s.code() == common::StatusCode::kFailedPrecondition &&
      s.message() == meldpunt::kReferralLinkExpired) {
    views::Page page = ctx.MakePage(ctx.T("ref_link_expired_title"));
    views::Data body;
    body.set("expired", true);
    return ctx.Render("referral_link", page, body, 410);
  }
  return ctx.ErrorPage(HttpStatusFor(s));
}

web::Response ShowLink(Ctx& ctx) {
  std::string token = std::string(ctx.req.PathParam("token"));
  auto r = ReferralsOf(ctx.app).OpenByToken(token);
  if (!r.ok()) return LinkStatus(ctx, r.status());
  views::Page page = ctx.MakePage(Title(ctx, r->summary));
  views::Data body;
  body.set("summary", SummaryData(ctx, r->summary));
  body.set("pdf_href", "/doorverwijzing/" + token + "/pdf");
  body.set("valid_until", When(r->token_expires_at));
  return ctx.Render("referral_link", page, body);
}

web::Response LinkPdf(Ctx& ctx) {
  auto r = ReferralsOf(ctx.app).OpenByToken(std::string(ctx.req.PathParam("token")));
  if (!r.ok()) return LinkStatus(ctx, r.status());
  return PdfResponse(ctx, r->summary);
}

}  // namespace

meldpunt::Referrals ReferralsOf(App& app) {
  return meldpunt::Referrals(app.db(), app.clock(), app.audit(), app.meldpunt(), &app.outbox());
}

views::Data OutsideRoutes(Ctx& ctx, std::string_view school_id) {
  meldpunt::ReferralContacts c;
  if (auto stored = ReferralsOf(ctx.app).Contacts(school_id); stored.ok()) c = *stored;
  views::Data d;
  if (!c.adv_name.empty()) {
    d.set("adv_name", c.adv_name);
    views::SetIfPresent(d, "adv_address", c.adv_address);
    views::SetIfPresent(d, "adv_phone", c.adv_phone);
    views::SetIfPresent(d, "adv_email", c.adv_email);
    views::SetIfPresent(d, "adv_website", c.adv_website);
  } else {
    d.set("adv_fallback", true);
  }
  views::SetIfPresent(d, "sbb_name", c.sbb_name);
  views::SetIfPresent(d, "sbb_email", c.sbb_email);
  d.set("show_inspectie", !c.saved || c.show_inspectie);
  return d;
}

void RegisterReferralRoutes(App& app) {
  web::RouteOptions sensitive{.sensitive = true};
  Access admin = Access::Need(domain::Permission::kManageSchoolUsers);
  Access handle = Access::Need(domain::Permission::kHandleCases);
  app.Route(web::Method::kGet, "/admin/doorverwijzing", admin, ShowContacts);
  app.Route(web::Method::kPost, "/admin/doorverwijzing", admin, SaveContacts);
  app.Route(web::Method::kGet, "/meldpunt/zaken/{id}/doorverwijzingen", handle, ShowCase,
            sensitive);
  app.Route(web::Method::kPost, "/meldpunt/zaken/{id}/doorverwijzingen", handle, Compose,
            sensitive);
  app.Route(web::Method::kGet, "/meldpunt/zaken/{id}/doorverwijzingen/{ref}", handle, ShowDetail,
            sensitive);
  app.Route(web::Method::kGet, "/meldpunt/zaken/{id}/doorverwijzingen/{ref}/pdf", handle, Pdf,
            sensitive);
  app.Route(web::Method::kPost, "/meldpunt/zaken/{id}/doorverwijzingen/{ref}/versturen", handle,
            Send, sensitive);
  app.Route(web::Method::kPost, "/meldpunt/zaken/{id}/doorverwijzingen/{ref}/antwoord", handle,
            Answer, sensitive);
  app.Route(web::Method::kGet, "/melding/doorverwijzingen", Access::Public(), ShowReporter,
            sensitive);
  app.Route(web::Method::kPost, "/melding/doorverwijzingen/{ref}", Access::Public(), Decide,
            sensitive);
  app.Route(web::Method::kGet, "/doorverwijzing/{token}", Access::Public(), ShowLink, sensitive);
  app.Route(web::Method::kGet, "/doorverwijzing/{token}/pdf", Access::Public(), LinkPdf, sensitive);
}

}  // namespace app
