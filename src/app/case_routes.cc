// The meldpunt handler's pages: the inbox with filters and deadlines, and one
// case with its timeline, messages, workflow, actions and aftercare.
#include <algorithm>

#include "app/app.h"
#include "app/attachment_outcome.h"

namespace app {

namespace {

using common::Status;

views::Data Choice(const Ctx& ctx, std::string_view prefix, const std::string& value,
                   bool selected) {
  views::Data item;
  item.set("value", value);
  item.set("label", ctx.T(std::string(prefix) + value));
  item.set("selected", selected);
  return item;
}

template <typename E>
views::Data ChoiceList(const Ctx& ctx, std::string_view prefix, const std::vector<E>& all,
                       const std::string& chosen) {
  views::Data list{views::Data::type::list};
  for (const E& e : all)
    list.push_back(Choice(ctx, prefix, std::string(domain::Name(e)), chosen == domain::Name(e)));
  return list;
}

std::string GroundLabels(const Ctx& ctx, const std::vector<domain::Ground>& grounds) {
  std::string out;
  for (auto g : grounds)
    out += (out.empty() ? "" : ", ") + ctx.T("ground_" + std::string(domain::Name(g)));
  return out;
}

// Who did it, in words; "not given" when the reporter left the question open.
std::string ActorLabels(const Ctx& ctx, const std::vector<domain::Actor>& actors) {
  if (actors.empty()) return ctx.T("case_actors_none");
  std::string out;
  for (auto a : actors)
    out += (out.empty() ? "" : ", ") + ctx.T("actor_" + std::string(domain::Name(a)));
  return out;
}

views::Data SummaryData(const Ctx& ctx, const meldpunt::CaseSummary& s) {
  views::Data d;
  d.set("href", "/meldpunt/zaken/" + s.id);
  d.set("case_number", s.case_number);
  d.set("status", ctx.T("status_" + std::string(domain::Name(s.status))));
  d.set("phase", ctx.T("phase_" + std::string(domain::Name(s.phase))));
  d.set("grounds", GroundLabels(ctx, s.grounds));
  d.set("actors", ActorLabels(ctx, s.actors));
  d.set("company", s.company ? s.company->name : ctx.T("inbox_company_unknown"));
  d.set("received", common::FormatIso8601(s.received_at).substr(0, 10));
  d.set("assigned", s.assigned_name.empty() ? ctx.T("inbox_unassigned") : s.assigned_name);
  auto worst = std::max(s.first_contact_state, s.feedback_state);
  d.set("deadline", ctx.T("deadline_" + std::string(domain::Name(worst))));
  d.set("deadline_class", std::string(domain::Name(worst)));
  d.set("overdue", worst == domain::DeadlineState::kOverdue);
  d.set("first_contact_due", domain::FormatDate(s.first_contact_due));
  d.set("feedback_due", domain::FormatDate(s.feedback_due));
  return d;
}

// The inbox; `errors` and `chosen` come back from a refused bulk close, so
// the lead sees why and keeps their selection.
web::Response InboxPage(Ctx& ctx, const std::vector<views::FieldError>& errors = {},
                        const std::vector<std::string>& chosen = {}, int status_code = 200) {
  meldpunt::Staff staff = ctx.Staff();
  meldpunt::InboxFilter f;
  std::string status = ctx.req.QueryParam("status").value_or("");
  std::string phase = ctx.req.QueryParam("phase").value_or("");
  std::string ground = ctx.req.QueryParam("ground").value_or("");
  f.status = domain::ParseCaseStatus(status);
  f.phase = domain::ParsePhase(phase);
  f.ground = domain::ParseGround(ground);
  f.deadline = ctx.req.QueryParam("deadline").value_or("");
  f.company_id = ctx.req.QueryParam("company").value_or("");
  f.mine_only = ctx.req.QueryParam("mine").value_or("") == "1";
  f.case_number = ctx.req.QueryParam("nummer").value_or("").substr(0, 40);  // typed any way
  auto cases = ctx.app.meldpunt().Inbox(staff, f);
  if (!cases.ok()) return ctx.ErrorPage(HttpStatusFor(cases.status()));
  views::Page page = ctx.MakePage(ctx.T("inbox_title"));
  page.errors = errors;
  if (ctx.req.QueryParam("ok").value_or("") == "not_a_report")
    page.flash = ctx.T("inbox_bulk_done");
  views::Data body;
  views::Data rows{views::Data::type::list};
  int overdue = 0, due_soon = 0;
  for (const auto& c : *cases) {
    auto worst = std::max(c.first_contact_state, c.feedback_state);
    overdue += worst == domain::DeadlineState::kOverdue;
    due_soon += worst == domain::DeadlineState::kDueSoon;
    views::Data row = SummaryData(ctx, c);
    row.set("id", c.id);
    row.set("chosen", std::find(chosen.begin(), chosen.end(), c.id) != chosen.end());
    row.set("closable", c.status != domain::CaseStatus::kClosed);
    rows.push_back(row);
  }
  // Junk in bulk (H4): a lead closes chosen cases as "geen melding".
  body.set("csrf", ctx.session->csrf_token);
  views::SetIfPresent(body, "case_error", views::ErrorFor(errors, "case"));
  views::SetIfPresent(body, "confirm_error", views::ErrorFor(errors, "confirm"));
  body.set("cases", rows);
  body.set("empty", cases->empty());
  body.set("count", std::to_string(cases->size()));
  body.set("overdue", std::to_string(overdue));
  body.set("due_soon", std::to_string(due_soon));
  body.set("lead", staff.lead);
  body.set("statuses", ChoiceList(ctx, "status_", domain::AllStatuses(), status));
  body.set("phases", ChoiceList(ctx, "phase_",
                                std::vector<domain::Phase>{domain::Phase::kSearch,
                                                           domain::Phase::kInternship},
                                phase));
  body.set("ground_options", ChoiceList(ctx, "ground_", domain::AllGrounds(), ground));
  views::Data deadlines{views::Data::type::list};
  for (std::string d : {"overdue", "due_soon"})
    deadlines.push_back(Choice(ctx, "deadline_", d, f.deadline == d));
  body.set("deadlines", deadlines);
  body.set("mine", f.mine_only);
  body.set("nummer", f.case_number);
  body.set("no_key", !staff.key);
  auto warnings = ctx.app.meldpunt().RetentionWarnings(ctx.user().school_id);
  if (warnings.ok() && !warnings->empty())
    body.set("retention_warning", std::to_string(warnings->size()));
  return ctx.Render("inbox", page, body, status_code);
}

web::Response Inbox(Ctx& ctx) { return InboxPage(ctx); }

// POST /meldpunt/geen-melding: closes the chosen cases as "geen melding"
// after the lead has ticked the confirmation; all or none.
web::Response CloseAsNotAReport(Ctx& ctx) {
  if (!ctx.Staff().lead) return ctx.ErrorPage(403);
  std::vector<std::string> chosen = ctx.form.GetAll("case");
  if (chosen.empty()) return InboxPage(ctx, {{"case", ctx.T("inbox_bulk_err_none")}}, chosen, 400);
  if (ctx.form.Get("confirm") != "yes")
    return InboxPage(ctx, {{"confirm", ctx.T("inbox_bulk_err_confirm")}}, chosen, 400);
  auto closed = ctx.app.meldpunt().CloseAsNotAReport(ctx.Staff(), chosen);
  if (closed.ok()) return web::Response::Redirect("/meldpunt?ok=not_a_report");
  switch (closed.status().code()) {
    case common::StatusCode::kPermissionDenied:
      return ctx.ErrorPage(403);
    case common::StatusCode::kNotFound:
      return InboxPage(ctx, {{"case", ctx.T("inbox_bulk_err_missing")}}, chosen, 400);
    case common::StatusCode::kFailedPrecondition:
      return InboxPage(ctx, {{"case", ctx.T("inbox_bulk_err_closed")}}, chosen, 409);
    case common::StatusCode::kInvalidArgument:
      return InboxPage(ctx, {{"case", ctx.T("inbox_bulk_err_too_many")}}, {}, 400);
    default:
      return ctx.ErrorPage(HttpStatusFor(closed.status()));
  }
}

// P9: a confidential reporter's identity, asked for by one lead and decided
// by another (or by the school admin with the recovery key, admin_routes.cc).
void SetRevealData(const Ctx& ctx, const meldpunt::Staff& staff, const meldpunt::CaseDetail& d,
                   const std::vector<views::FieldError>& errors, views::Data& body) {
  if (!staff.lead || (!d.identity_hidden && d.reveals.empty())) return;
  bool open = !d.summary.shredded;
  bool waiting_or_granted = false;
  views::Data list{views::Data::type::list};
  for (const auto& r : d.reveals) {
    const bool mine = r.requested_by == staff.user.id;
    const bool pending = r.state == meldpunt::IdentityReveal::State::kPending;
    if (mine && (pending || r.state == meldpunt::IdentityReveal::State::kApproved))
      waiting_or_granted = true;
    views::Data item;
    item.set("id", r.id);
    item.set("by", r.requested_by_name);
    item.set("at", common::FormatIso8601(r.requested_at).substr(0, 10));
    std::string state(meldpunt::Name(r.state));
    item.set("state_id", state);
    item.set("state", ctx.T("reveal_state_" + state));
    if (!r.decided_as.empty()) item.set("decided", ctx.T("reveal_decided_" + r.decided_as));
    item.set("reason", r.reason);
    item.set("can_decide", pending && !mine && open);
    item.set("own_pending", pending && mine);
    list.push_back(item);
  }
  body.set("reveal_section", true);
  body.set("reveals", list);
  body.set("has_reveals", !d.reveals.empty());
  body.set("can_request_reveal", open && d.identity_hidden && !waiting_or_granted);
  views::SetIfPresent(body, "reveal_reason_error", views::ErrorFor(errors, "reveal_reason"));
  body.set("reveal_reason_value", ctx.form.Get("reveal_reason"));
}

web::Response CasePage(Ctx& ctx, std::string_view id,
                       const std::vector<views::FieldError>& errors = {}, std::string flash = "",
                       int status = 200) {
  meldpunt::Staff staff = ctx.Staff();
  auto detail = ctx.app.meldpunt().OpenCase(staff, id);
  if (!detail.ok()) return ctx.ErrorPage(HttpStatusFor(detail.status()));
  const meldpunt::CaseDetail& d = *detail;
  views::Page page = ctx.MakePage(ctx.T("case_title") + " " + d.summary.case_number);
  if (d.summary.status == domain::CaseStatus::kWithdrawn) {
    // Withdrawn by the reporter: only that, the content is gone.
    views::Data gone;
    gone.set("case_number", d.summary.case_number);
    return ctx.Render("case_withdrawn", page, gone, status);
  }
  page.errors = errors;
  page.flash = std::move(flash);
  views::Data body = SummaryData(ctx, d.summary);
  std::string base = "/meldpunt/zaken/" + d.summary.id;
  body.set("base", base);
  body.set("csrf", ctx.session->csrf_token);
  body.set("mode", ctx.T("mode_" + std::string(domain::Name(d.summary.mode))));
  body.set("channel", ctx.T("channel_" + std::string(domain::Name(d.summary.channel))));
  body.set("can_read", d.can_read_content);
  body.set("narrative", d.narrative);
  body.set("company_text", d.company_text);
  body.set("occurred_on", d.occurred_on ? domain::FormatDate(*d.occurred_on) : "");
  body.set("content_sha256", d.content_sha256);
  body.set("shredded", d.summary.shredded);
  std::string wishes, consents;
  for (auto w : d.wishes)
    wishes += (wishes.empty() ? "" : ", ") + ctx.T("wish_" + std::string(domain::Name(w)));
  for (auto c : d.consents)
    consents += (consents.empty() ? "" : ", ") + ctx.T("consent_" + std::string(domain::Name(c)));
  body.set("wishes", wishes.empty() ? ctx.T("none") : wishes);
  body.set("consents", consents.empty() ? ctx.T("case_no_consent") : consents);
  if (d.identity) {
    body.set("identity", true);
    body.set("identity_name", d.identity->name);
    body.set("identity_number", d.identity->student_number);
    body.set("identity_email", d.identity->email);
  }
  body.set("identity_hidden", d.identity_hidden);
  SetRevealData(ctx, staff, d, errors, body);
  views::Data messages{views::Data::type::list};
  for (const auto& m : d.messages) {
    views::Data item;
    item.set("from", ctx.T(m.from == "reporter" ? "msg_from_student" : "msg_from_meldpunt"));
    item.set("at", common::FormatIso8601(m.at));
    item.set("text", m.text);
    messages.push_back(item);
  }
  body.set("messages", messages);
  views::Data events{views::Data::type::list};
  for (const auto& e : d.events) {
    views::Data item;
    item.set("at", common::FormatIso8601(e.at));
    std::string what = ctx.T("event_" + e.kind.substr(0, e.kind.find(':')));
    if (e.kind == "status") what += ": " + ctx.T("status_" + e.to_value);
    if (e.kind.rfind("extension:", 0) == 0) what += ": " + e.from_value + " → " + e.to_value;
    if (e.kind.rfind("consent", 0) == 0) what += ": " + ctx.T("consent_" + e.to_value);
    item.set("what", what);
    item.set("who", e.actor_name == "reporter" ? ctx.T("msg_from_student") : e.actor_name);
    item.set("detail", e.detail);
    events.push_back(item);
  }
  body.set("events", events);
  views::Data actions{views::Data::type::list};
  for (const auto& a : d.actions) {
    views::Data item;
    item.set("at", common::FormatIso8601(a.at));
    item.set("kind", ctx.T("action_" + std::string(domain::Name(a.kind))));
    item.set("who", a.actor_name);
    item.set("note", a.note);
    actions.push_back(item);
  }
  body.set("actions", actions);
  views::Data action_kinds{views::Data::type::list};
  for (auto k : domain::AllActionKinds()) {
    views::Data item = Choice(ctx, "action_", std::string(domain::Name(k)), false);
    auto needed = domain::RequiredConsent(k);
    bool allowed = domain::CheckConsent(k, d.consents).ok();
    item.set("needs_consent", needed.has_value() && !allowed);
    action_kinds.push_back(item);
  }
  body.set("action_kinds", action_kinds);
  views::Data tasks{views::Data::type::list};
  for (const auto& t : d.aftercare) {
    views::Data item;
    item.set("id", t.id);
    item.set("due", domain::FormatDate(t.due_on));
    item.set("done", t.done_at.has_value());
    item.set("note", t.note);
    tasks.push_back(item);
  }
  body.set("aftercare", tasks);
  views::Data next{views::Data::type::list};
  for (auto st : domain::NextStatuses(d.summary.status))
    next.push_back(Choice(ctx, "status_", std::string(domain::Name(st)), false));
  body.set("next_statuses", next);
  body.set("open", d.summary.status != domain::CaseStatus::kClosed && !d.summary.shredded);
  body.set("outcomes", ChoiceList(ctx, "outcome_", domain::AllOutcomes(), ""));
  if (d.summary.outcome)
    body.set("outcome", ctx.T("outcome_" + std::string(domain::Name(*d.summary.outcome))));
  body.set("outcome_text", d.outcome_text);
  if (d.survey_heard) {
    body.set("survey", true);
    body.set("survey_heard", std::to_string(*d.survey_heard));
    body.set("survey_believed", std::to_string(*d.survey_believed));
    body.set("survey_know", std::to_string(*d.survey_know_outcome));
  }
  auto handlers = ctx.app.meldpunt().Handlers(ctx.user().school_id);
  views::Data handler_list{views::Data::type::list};
  if (handlers.ok()) {
    for (const auto& h : *handlers) {
      views::Data item;
      item.set("value", h.id);
      item.set("label", h.name + (h.has_key ? "" : " (" + ctx.T("case_no_key_yet") + ")"));
      item.set("selected", h.id == d.summary.assigned_to);
      handler_list.push_back(item);
    }
  }
  body.set("handlers", handler_list);
  body.set("can_assign", staff.lead || d.summary.assigned_to == ctx.user().id);
  views::Data files{views::Data::type::list};
  int n = 0;
  for (const auto& a : d.attachments) {
    views::Data item;
    item.set("href", base + "/bijlagen/" + a.id);
    item.set("label",
             ctx.T("attachment_label") + " " + std::to_string(++n) + " (" + a.kind + ", " +
                 std::to_string((a.size + 1023) / 1024) + " kB, " +
                 ctx.T(a.uploaded_by == "reporter" ? "msg_from_student" : "msg_from_meldpunt") +
                 ")");
    files.push_back(item);
  }
  body.set("attachments", files);
  for (const char* f : {"text", "status", "outcome", "assignee", "kind", "consent", "reason",
                        "new_due", "note", "attachment"}) {
    views::SetIfPresent(body, std::string(f) + "_error", views::ErrorFor(errors, f));
  }
  return ctx.Render("case", page, body, status);
}

web::Response After(Ctx& ctx, const Status& s, std::string_view flash_key) {
  std::string id(ctx.req.PathParam("id"));
  if (s.ok()) {
    // Post/Redirect/Get keeps a reload from repeating the change.
    return web::Response::Redirect("/meldpunt/zaken/" + id + "?ok=" + std::string(flash_key));
  }
  if (s.code() == common::StatusCode::kNotFound) return ctx.ErrorPage(404);
  if (s.code() == common::StatusCode::kUnavailable) return ctx.ErrorPage(503);
  std::string field = s.field().empty() ? "note" : s.field();
  return CasePage(ctx, id, {{field, s.message()}}, "",
                  s.code() == common::StatusCode::kInvalidArgument ? 400 : 409);
}

web::Response ShowCaseWithFlash(Ctx& ctx) {
  std::string ok = ctx.req.QueryParam("ok").value_or("");
  std::string flash;
  if (ok.rfind("flash_", 0) == 0 && ctx.T(ok) != ok) flash = ctx.T(ok);
  return CasePage(ctx, ctx.req.PathParam("id"), {}, flash);
}

web::Response PostMessage(Ctx& ctx) {
  return After(
      ctx,
      ctx.app.meldpunt().StaffMessage(ctx.Staff(), ctx.req.PathParam("id"), ctx.form.Get("text")),
      "flash_message_sent");
}

web::Response PostStatus(Ctx& ctx) {
  auto to = domain::ParseCaseStatus(ctx.form.Get("status"));
  if (!to) return After(ctx, Status::InvalidArgument("choose a status", "status"), "");
  std::optional<domain::Outcome> outcome = domain::ParseOutcome(ctx.form.Get("outcome"));
  return After(ctx,
               ctx.app.meldpunt().Transition(ctx.Staff(), ctx.req.PathParam("id"), *to, outcome,
                                             ctx.form.Get("outcome_text")),
               "flash_status_changed");
}

web::Response PostAssign(Ctx& ctx) {
  return After(
      ctx,
      ctx.app.meldpunt().Assign(ctx.Staff(), ctx.req.PathParam("id"), ctx.form.Get("assignee")),
      "flash_assigned");
}

web::Response PostAction(Ctx& ctx) {
  auto kind = domain::ParseActionKind(ctx.form.Get("kind"));
  if (!kind) return After(ctx, Status::InvalidArgument("choose an action", "kind"), "");
  return After(ctx,
               ctx.app.meldpunt().RecordAction(ctx.Staff(), ctx.req.PathParam("id"), *kind,
                                               ctx.form.Get("note")),
               "flash_action_recorded");
}

web::Response PostExtend(Ctx& ctx) {
  auto due = domain::ParseDate(ctx.form.Get("new_due"));
  if (!due) return After(ctx, Status::InvalidArgument("must be a date", "new_due"), "");
  return After(ctx,
               ctx.app.meldpunt().Extend(ctx.Staff(), ctx.req.PathParam("id"),
                                         ctx.form.Get("deadline"), *due, ctx.form.Get("reason")),
               "flash_extended");
}

web::Response PostAftercare(Ctx& ctx) {
  return After(
      ctx,
      ctx.app.meldpunt().CompleteAftercare(ctx.Staff(), ctx.req.PathParam("id"),
                                           ctx.req.PathParam("task"), ctx.form.Get("note")),
      "flash_aftercare_done");
}

web::Response PostAttachment(Ctx& ctx) {
  if (ctx.files.size() != 1)
    return After(ctx, Status::InvalidArgument(ctx.T("attachment_choose_one"), "attachment"), "");
  auto added = ctx.app.meldpunt().AddAttachmentAsStaff(ctx.Staff(), ctx.req.PathParam("id"),
                                                       ctx.files[0].filename, ctx.files[0].bytes);
  return After(ctx, AttachmentOutcome(ctx, added.status()), "flash_attachment_added");
}

web::Response GetAttachment(Ctx& ctx) {
  auto file = ctx.app.meldpunt().ReadAttachmentAsStaff(ctx.Staff(), ctx.req.PathParam("id"),
                                                       ctx.req.PathParam("file"));
  if (!file.ok()) return ctx.ErrorPage(404);
  return FileResponse(*file);
}

web::Response PostRevealRequest(Ctx& ctx) {
  auto requested = ctx.app.meldpunt().RequestIdentityReveal(ctx.Staff(), ctx.req.PathParam("id"),
                                                            ctx.form.Get("reveal_reason"));
  return After(ctx, requested.status(), "flash_reveal_requested");
}

web::Response PostRevealDecision(Ctx& ctx) {
  std::string decision = ctx.form.Get("decision");
  return After(ctx,
               ctx.app.meldpunt().DecideIdentityReveal(ctx.Staff(), ctx.req.PathParam("id"),
                                                       ctx.req.PathParam("reveal"), decision),
               decision == "approve" ? "flash_reveal_approved" : "flash_reveal_refused");
}

}  // namespace

void RegisterCaseRoutes(App& app) {
  Access handle = Access::Need(domain::Permission::kHandleCases);
  web::RouteOptions sensitive{.sensitive = true};
  app.Route(web::Method::kGet, "/meldpunt", handle, Inbox, sensitive);
  app.Route(web::Method::kPost, "/meldpunt/geen-melding", handle, CloseAsNotAReport, sensitive);
  app.Route(web::Method::kGet, "/meldpunt/zaken/{id}", handle, ShowCaseWithFlash, sensitive);
  app.Route(web::Method::kPost, "/meldpunt/zaken/{id}/bericht", handle, PostMessage, sensitive);
  app.Route(web::Method::kPost, "/meldpunt/zaken/{id}/status", handle, PostStatus, sensitive);
  app.Route(web::Method::kPost, "/meldpunt/zaken/{id}/toewijzen", handle, PostAssign, sensitive);
  app.Route(web::Method::kPost, "/meldpunt/zaken/{id}/actie", handle, PostAction, sensitive);
  app.Route(web::Method::kPost, "/meldpunt/zaken/{id}/verlengen", handle, PostExtend, sensitive);
  app.Route(web::Method::kPost, "/meldpunt/zaken/{id}/nazorg/{task}", handle, PostAftercare,
            sensitive);
  app.Route(web::Method::kPost, "/meldpunt/zaken/{id}/bijlage", handle, PostAttachment,
            {.sensitive = true, .max_body_bytes = 11 * 1024 * 1024});
  app.Route(web::Method::kGet, "/meldpunt/zaken/{id}/bijlagen/{file}", handle, GetAttachment,
            sensitive);
  // P9: the lead's request and the second lead's decision (identity.cc).
  app.Route(web::Method::kPost, "/meldpunt/zaken/{id}/identiteit", handle, PostRevealRequest,
            sensitive);
  app.Route(web::Method::kPost, "/meldpunt/zaken/{id}/identiteit/{reveal}/besluit", handle,
            PostRevealDecision, sensitive);
}

}  // namespace app
