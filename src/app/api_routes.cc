// The JSON API (api.md): anonymous report submission, the reporter's
// follow-up with their receipt, and suppressed report statistics.
#include "app/app.h"
#include "app/monitor_ui.h"
#include "app/openapi.h"
#include "app/programme_choices.h"
#include "app/report_input.h"
#include "monitor/disclosure.h"
#include "monitor/service.h"

namespace app {

namespace {

using common::Status;
using nlohmann::json;

constexpr size_t kReportBodyLimit = 256 * 1024;  // 20,000 characters of UTF-8 and the rest

std::string Iso(common::UnixMillis t) { return common::FormatIso8601(t); }

web::Response SubmitReport(Ctx& ctx) {
  std::string brin(ctx.req.PathParam("brin"));
  auto school = ctx.app.accounts().SchoolByBrin(brin);
  if (!school.ok()) {
    if (school.status().code() == common::StatusCode::kUnavailable)
      return JsonErrorFor(school.status());
    return JsonError(404, "not_found", "unknown school");
  }
  auto draft = DraftFromJson(ctx.json);
  if (!draft.ok()) return JsonErrorFor(draft.status());
  Status listed = CheckProgrammeChoice(ctx.app.db(), school->id, draft->programme);
  if (!listed.ok()) return JsonErrorFor(listed);
  // Only a report that would be stored counts against the limits, as in the form.
  if (!AdmitReport(ctx, *school)) {
    web::Response res =
        JsonError(429, "rate_limited", "too many reports right now; try again in a minute");
    res.SetHeader("Retry-After", "60");
    return res;
  }
  // The API takes reports from students themselves; staff register on a
  // student's behalf through the web form, which records the channel.
  auto receipt = ctx.app.meldpunt().Submit(*school, *draft, std::nullopt);
  if (!receipt.ok()) {
    if (receipt.status().code() == common::StatusCode::kFailedPrecondition) {
      return JsonError(503, "meldpunt_not_configured", "this school's meldpunt is not set up yet");
    }
    return JsonErrorFor(receipt.status());
  }
  json out = {{"case_number", receipt->case_number},
              {"receipt", receipt->code},
              {"acknowledged_at", Iso(receipt->acknowledged_at)},
              {"content_sha256", receipt->content_sha256},
              {"first_contact_due", domain::FormatDate(receipt->first_contact_due)}};
  return web::Response::Json(201, out.dump());
}

web::Response ReporterSession(Ctx& ctx) {
  // Held back for the client that guesses codes (throttle.h).
  const std::string client = ctx.app.ClientKey(ctx.req);
  std::chrono::milliseconds delay = ctx.app.receipt_throttle().CurrentDelay(client);
  std::string code = ctx.json.contains("receipt") && ctx.json["receipt"].is_string()
                         ? ctx.json["receipt"].get<std::string>()
                         : std::string();
  web::Response res;
  auto session = ctx.app.meldpunt().OpenReporterSession(code);
  if (session.ok()) {
    res = web::Response::Json(
        200, json{{"token", session->token}, {"expires_at", Iso(session->expires_at)}}.dump());
  } else if (session.status().code() == common::StatusCode::kUnauthenticated) {
    ctx.app.receipt_throttle().RecordFailure(client);
    res = JsonError(401, "unauthenticated", "unknown receipt", "receipt");
  } else if (session.status().message() == meldpunt::kWithdrawnReport) {
    res = JsonError(410, "withdrawn", "the report was withdrawn by its reporter", "receipt");
  } else {
    res = JsonErrorFor(session.status());
  }
  res.delay = delay;
  return res;
}

std::string BearerToken(const Ctx& ctx) {
  std::string_view h = ctx.req.Header("authorization");
  return h.substr(0, 7) == "Bearer " ? std::string(h.substr(7)) : std::string();
}

web::Response ReporterCase(Ctx& ctx) {
  auto view = ctx.app.meldpunt().ReporterCase(BearerToken(ctx));
  if (!view.ok()) return JsonErrorFor(view.status());
  json messages = json::array();
  for (const auto& m : view->messages)
    messages.push_back({{"from", m.from}, {"text", m.text}, {"at", Iso(m.at)}});
  json out = {{"case_number", view->case_number},
              {"status", domain::Name(view->status)},
              {"mode", domain::Name(view->mode)},
              {"narrative", view->narrative},
              {"messages", messages},
              {"first_contact_due", domain::FormatDate(view->first_contact_due)},
              {"feedback_due", domain::FormatDate(view->feedback_due)},
              {"received_at", Iso(view->received_at)}};
  if (view->outcome) out["outcome"] = domain::Name(*view->outcome);
  // P9: when and why the reporter's identity was shown to a lead.
  json notices = json::array();
  for (const auto& n : view->identity_notices) {
    notices.push_back(
        {{"at", Iso(n.at)},
         {"approved_by", n.approved_as == "recovery" ? "school_admin" : "second_lead"},
         {"reason", n.reason}});
  }
  out["identity_notices"] = notices;
  return web::Response::Json(200, out.dump());
}

web::Response ReporterMessage(Ctx& ctx) {
  if (!ctx.json.contains("text") || !ctx.json["text"].is_string()) {
    return JsonError(400, "invalid_argument", "is required", "text");
  }
  Status s =
      ctx.app.meldpunt().ReporterMessage(BearerToken(ctx), ctx.json["text"].get<std::string>());
  if (!s.ok()) return JsonErrorFor(s);
  return web::Response::Json(201, json{{"ok", true}}.dump());
}

// GET /api/v1/schools/{brin}/stats/reports?from&to&by (or ?period=KEY&by)
// The monitor's rules, the same as on /monitor: who may see it
// (monui::MaySee, 403 otherwise), one fixed period (school year, quarter or
// month; from/to must span exactly one, `period` names one as the dashboard
// does), published through the last finished month (monitor/period.h
// explains why). Nothing given: the school year of the last finished month.
web::Response Stats(Ctx& ctx) {
  if (!monui::MaySee(ctx)) {
    return JsonError(403, "forbidden", "only management and meldpunt leads see the monitor");
  }
  auto school = ctx.app.accounts().SchoolByBrin(ctx.req.PathParam("brin"));
  if (!school.ok() || school->id != ctx.user().school_id)
    return JsonError(404, "not_found", "unknown school");
  std::string by_text = ctx.req.QueryParam("by").value_or("ground");
  auto by = monitor::ParseDimension(by_text);
  if (!by) {
    return JsonError(400, "invalid_argument",
                     "must be ground, actor, phase, status, month, crebo, sector, pathway, level, "
                     "location or outcome",
                     "by");
  }
  auto from_text = ctx.req.QueryParam("from");
  auto to_text = ctx.req.QueryParam("to");
  auto key = ctx.req.QueryParam("period");
  domain::Date today = domain::DateFromMillis(ctx.app.clock().NowMillis());
  monitor::Period asked = monitor::DefaultPeriod(today);
  std::string field = "period";
  if (key && (from_text || to_text)) {
    return JsonError(400, "invalid_argument", "give either period or from and to", "period");
  }
  if (key) {
    auto parsed = monitor::ParsePeriod(*key, "period");
    if (!parsed.ok()) return JsonErrorFor(parsed.status());
    asked = *parsed;
  } else if (from_text || to_text) {
    auto from = domain::ParseDate(from_text.value_or(""));
    auto to = domain::ParseDate(to_text.value_or(""));
    if (!from) return JsonError(400, "invalid_argument", "must be YYYY-MM-DD", "from");
    if (!to || *to < *from)
      return JsonError(400, "invalid_argument", "must be YYYY-MM-DD, not before from", "to");
    auto fixed = monitor::PeriodForRange(*from, *to);
    if (!fixed.ok()) return JsonErrorFor(fixed.status());
    asked = *fixed;
    field = "from";
  }
  auto period = monitor::Publishable(asked, today, field);
  if (!period.ok()) return JsonErrorFor(period.status());
  monitor::Monitor m(ctx.app.db(), ctx.app.clock());
  auto table = m.Table(school->id, *period, *by, std::nullopt);
  if (!table.ok()) {
    if (monitor::IsTooFewForDrillDown(table.status())) {
      return JsonError(409, "too_few_for_drilldown",
                       "this selection would single out fewer than 5 students");
    }
    return JsonErrorFor(table.status());
  }
  json out_cells = json::array();
  for (const auto& cell : table->cells) {
    if (cell.suppressed()) {
      out_cells.push_back({{"key", cell.key}, {"count", nullptr}, {"suppressed", true}});
    } else {
      out_cells.push_back({{"key", cell.key}, {"count", *cell.count}});
    }
  }
  json out = {{"cells", out_cells},
              {"total", table->total.suppressed() ? json(nullptr) : json(*table->total.count)},
              {"total_suppressed", table->total.suppressed()},
              {"period",
               {{"key", period->key},
                {"from", domain::FormatDate(period->from)},
                {"through", domain::FormatDate(period->to)},
                {"complete", !period->running}}}};
  (void)ctx.app.audit().Append(ctx.app.db(), AuditEntry(ctx, "stats.read", "school", school->id));
  return web::Response::Json(200, out.dump());
}

}  // namespace

void RegisterApiRoutes(App& app) {
  web::RouteOptions report{.sensitive = true, .max_body_bytes = kReportBodyLimit};
  web::RouteOptions small{.sensitive = true, .max_body_bytes = 32 * 1024};
  app.ApiRoute(web::Method::kPost, "/api/v1/schools/{brin}/reports", Access::Public(), SubmitReport,
               report);
  app.ApiRoute(web::Method::kPost, "/api/v1/reporter/session", Access::Public(), ReporterSession,
               small);
  app.ApiRoute(web::Method::kGet, "/api/v1/reporter/case", Access::Public(), ReporterCase, small);
  app.ApiRoute(web::Method::kPost, "/api/v1/reporter/messages", Access::Public(), ReporterMessage,
               small);
  app.ApiRoute(web::Method::kGet, "/api/v1/schools/{brin}/stats/reports",
               Access::Need(domain::Permission::kViewAggregates), Stats);
  app.ApiRoute(web::Method::kGet, "/api/v1/openapi.json", Access::Public(),
               [](Ctx&) { return web::Response::Json(200, std::string(OpenApiDocument())); });
}

}  // namespace app
