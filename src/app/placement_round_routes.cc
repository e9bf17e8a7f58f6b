// The coordinator's matching rounds: creating one, its page with the actions
// its state allows (open, close, run, publish), the exclusions with their
// reasons, and the exports (BPVO CSV and the matching-io files). The review
// of a proposal is in placement_review_routes.cc.
#include <algorithm>
#include <cctype>

#include "app/app.h"
#include "app/placement_ui.h"

namespace app {

namespace {

using common::Status;
using common::StatusCode;
using smui::ErrorPageFor;
using smui::ErrorText;
using smui::RoundBase;
using views::SetIfPresent;

// The files of Stagematching::ExportMatchingIo, in the order shown.
constexpr const char* kExportFiles[] = {"students.csv",   "positions.csv",  "preferences.csv",
                                        "priorities.csv", "exclusions.csv", "assignment.csv",
                                        "placements.csv", "round.json"};

// ---- New round ------------------------------------------------------------

web::Response NewRoundPage(Ctx& ctx, std::vector<views::FieldError> errors = {},
                           int status = 200) {
  auto rounds = ctx.app.stagematching().Rounds(ctx.user());
  if (!rounds.ok()) return ErrorPageFor(ctx, rounds.status());
  views::Page page = ctx.MakePage(ctx.T("sm_round_new_title"));
  page.errors = std::move(errors);
  bool posted = ctx.req.method == web::Method::kPost;
  auto value = [&](const char* name, const char* fallback) {
    return posted ? ctx.form.Get(name) : std::string(fallback);
  };
  auto field = [&](const char* name, const char* type, const char* fallback) {
    std::string hint_key = std::string("sm_round_") + name + "_hint";
    // A copy on purpose: T() returns a reference that the next T() call may
    // overwrite (a missing key). NOLINTNEXTLINE(performance-unnecessary-copy-initialization)
    std::string hint = ctx.T(hint_key);
    return views::InputField(name, ctx.T(std::string("sm_round_") + name), value(name, fallback),
                             type, views::ErrorFor(page.errors, name),
                             hint == hint_key ? std::string() : hint);
  };
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  body.set("name_field", field("name", "text", ""));
  body.set("cohort_field", field("cohort", "text", ""));
  body.set("period_field", field("period", "text", ""));
  body.set("crebos_field", field("crebos", "text", ""));
  body.set("deadline_field", field("leerwens_deadline", "date", ""));
  body.set("start_field", field("start", "date", ""));
  body.set("end_field", field("end_planned", "date", ""));
  body.set("hours_field", field("hours", "number", "400"));
  body.set("lead_field", field("publish_lead_days", "number", "14"));
  body.set("seed_field", field("seed", "number", ""));
  std::string previous = value("previous_round_id", "");
  views::Data options{views::Data::type::list};
  for (const placement::Round& r : *rounds) {
    if (r.status != domain::RoundStatus::kPublished) continue;
    views::Data item;
    item.set("value", r.id);
    item.set("label", r.name + " (" + r.cohort + ", " + r.period + ")");
    item.set("selected", r.id == previous);
    options.push_back(item);
  }
  body.set("previous_options", options);
  SetIfPresent(body, "previous_error", views::ErrorFor(page.errors, "previous_round_id"));
  return ctx.Render("sm_round_new", page, body, status);
}

web::Response ShowNewRound(Ctx& ctx) { return NewRoundPage(ctx); }

// Reads a whole number of at most `digits` digits.
std::optional<int64_t> Number(const std::string& s, size_t digits) {
  if (s.empty() || s.size() > digits || s.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(s);
}

web::Response PostNewRound(Ctx& ctx) {
  placement::RoundSpec spec;
  std::vector<views::FieldError> errors;
  spec.name = ctx.form.Get("name");
  spec.cohort = ctx.form.Get("cohort");
  spec.period = ctx.form.Get("period");
  spec.previous_round_id = ctx.form.Get("previous_round_id");
  std::string crebos = ctx.form.Get("crebos");
  std::string current;
  for (char ch : crebos + ",") {
    if (ch == ',' || ch == ';' || std::isspace(static_cast<unsigned char>(ch))) {
      if (!current.empty()) spec.crebos.push_back(current);
      current.clear();
    } else {
      current.push_back(ch);
    }
  }
  auto date = [&](const char* name, domain::Date* out) {
    auto d = domain::ParseDate(ctx.form.Get(name));
    if (d) {
      *out = *d;
    } else {
      errors.push_back({name, ctx.T("sm_err_date")});
    }
  };
  date("leerwens_deadline", &spec.leerwens_deadline);
  date("start", &spec.start);
  date("end_planned", &spec.end_planned);
  if (auto hours = Number(ctx.form.Get("hours"), 4)) {
    spec.hours = static_cast<int>(*hours);
  } else {
    errors.push_back({"hours", ctx.T("sm_err_hours")});
  }
  if (auto lead = Number(ctx.form.Get("publish_lead_days"), 3)) {
    spec.publish_lead_days = static_cast<int>(*lead);
  } else {
    errors.push_back({"publish_lead_days", ctx.T("sm_err_publish_lead_days")});
  }
  if (!ctx.form.Get("seed").empty()) {
    if (auto seed = Number(ctx.form.Get("seed"), 18); seed && *seed > 0) {
      spec.seed = static_cast<uint64_t>(*seed);
    } else {
      errors.push_back({"seed", ctx.T("sm_err_seed")});
    }
  }
  if (!errors.empty()) return NewRoundPage(ctx, std::move(errors), 400);
  auto round = ctx.app.stagematching().CreateRound(ctx.user(), spec);
  if (round.ok()) return web::Response::Redirect(RoundBase(round->id) + "?ok=round_created");
  const Status& s = round.status();
  if (s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kAlreadyExists ||
      s.code() == StatusCode::kFailedPrecondition) {
    std::string field = s.field().empty() ? "name" : FieldId(s.field());
    return NewRoundPage(ctx, {{field, ErrorText(ctx, "round", s)}},
                        s.code() == StatusCode::kInvalidArgument ? 400 : 409);
  }
  return ErrorPageFor(ctx, s);
}

// ---- One round --------------------------------------------------------------

views::Data ExclusionRows(const Ctx& ctx, const std::vector<placement::Exclusion>& exclusions) {
  views::Data rows{views::Data::type::list};
  for (const placement::Exclusion& e : exclusions) {
    views::Data item;
    item.set("name", e.company_name);
    item.set("leerbedrijf_id", e.leerbedrijf_id);
    std::vector<std::string> reasons;
    for (placement::ExclusionReason r : e.reasons)
      reasons.push_back(ctx.T("sm_excl_" + std::string(placement::Name(r))));
    item.set("reasons", smui::JoinList(reasons, "; "));
    rows.push_back(item);
  }
  return rows;
}

web::Response RoundPage(Ctx& ctx, std::string_view id, std::vector<views::FieldError> errors = {},
                        int status = 200) {
  placement::Stagematching& sm = ctx.app.stagematching();
  auto round = sm.GetRound(ctx.user(), id);
  if (!round.ok()) return ErrorPageFor(ctx, round.status());
  const placement::Round& r = *round;
  auto exclusions = sm.Exclusions(ctx.user(), r.id);
  if (!exclusions.ok()) return ErrorPageFor(ctx, exclusions.status());
  domain::Date today = domain::DateFromMillis(ctx.app.clock().NowMillis());

  views::Page page = ctx.MakePage(r.name);
  page.errors = std::move(errors);
  page.flash = smui::Flash(ctx);
  views::Data body = smui::RoundRow(ctx, r);
  std::string base = RoundBase(r.id);
  body.set("base", base);
  body.set("csrf", ctx.session->csrf_token);
  body.set("crebos", smui::JoinList(r.crebos, ", "));
  body.set("end_planned", domain::FormatDate(r.end_planned));
  body.set("hours", std::to_string(r.hours));
  body.set("lead_days", std::to_string(r.publish_lead_days));
  body.set("seed", std::to_string(r.seed));
  body.set("created", smui::Day(r.created_at));
  SetIfPresent(body, "run_at", r.run_at ? common::FormatIso8601(*r.run_at) : "");
  SetIfPresent(body, "published_at", r.published_at ? smui::Day(*r.published_at) : "");
  SetIfPresent(body, "visible_from", r.visible_from ? domain::FormatDate(*r.visible_from) : "");
  if (!r.previous_round_id.empty()) {
    auto previous = sm.GetRound(ctx.user(), r.previous_round_id);
    if (previous.ok()) {
      body.set("previous_name", previous->name);
      body.set("previous_href", RoundBase(previous->id));
    }
  }
  using RS = domain::RoundStatus;
  bool deadline_passed = r.status == RS::kOpen && r.leerwens_deadline < today;
  body.set("can_open", r.status == RS::kDraft);
  body.set("can_close", r.status == RS::kOpen);
  body.set("deadline_passed", deadline_passed);
  body.set("can_run", r.status == RS::kClosed || r.status == RS::kProposed || deadline_passed);
  body.set("rerun", r.status == RS::kProposed);
  body.set("can_publish", r.status == RS::kProposed);
  body.set("published", r.status == RS::kPublished);
  body.set("publish_visible",
           domain::FormatDate(domain::VisibleFrom(today, r.start, r.publish_lead_days)));
  body.set("has_run", r.run_at.has_value());
  SetIfPresent(body, "algorithm_error", views::ErrorFor(page.errors, "algorithm"));
  if (r.run_at) {
    auto review = sm.GetReview(ctx.user(), r.id);
    if (!review.ok()) return ErrorPageFor(ctx, review.status());
    body.set("placed", std::to_string(review->placed));
    body.set("proposal_students", std::to_string(review->students));
    body.set("unplaced", std::to_string(review->unplaced.size()));
    body.set("overridden", std::to_string(review->overridden));
    views::Data files{views::Data::type::list};
    for (const char* f : kExportFiles) {
      views::Data item;
      item.set("name", std::string(f));
      item.set("href", base + "/export/" + f);
      files.push_back(item);
    }
    body.set("files", files);
  }
  body.set("exclusions", ExclusionRows(ctx, *exclusions));
  body.set("no_exclusions", exclusions->empty());
  return ctx.Render("sm_round", page, body, status);
}

web::Response ShowRound(Ctx& ctx) { return RoundPage(ctx, ctx.req.PathParam("id")); }

// After an action on the round page: back to the page (PRG) or the page
// again with the service's reason.
web::Response AfterAction(Ctx& ctx, const Status& s, std::string_view action,
                          const std::string& ok_location) {
  std::string id(ctx.req.PathParam("id"));
  if (s.ok()) return web::Response::Redirect(ok_location);
  if (s.code() == StatusCode::kFailedPrecondition || s.code() == StatusCode::kInvalidArgument) {
    std::string field = s.field() == "algorithm" ? "algorithm" : "actions";
    return RoundPage(ctx, id, {{field, ErrorText(ctx, action, s)}},
                     s.code() == StatusCode::kInvalidArgument ? 400 : 409);
  }
  return ErrorPageFor(ctx, s);
}

web::Response OpenRound(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  auto n = ctx.app.stagematching().OpenRound(ctx.user(), id);
  return AfterAction(ctx, n.status(), "open", RoundBase(id) + "?ok=round_opened");
}

web::Response CloseRound(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  return AfterAction(ctx, ctx.app.stagematching().CloseRound(ctx.user(), id), "close",
                     RoundBase(id) + "?ok=round_closed");
}

web::Response RunRound(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  placement::RunOptions options;
  if (!ctx.form.Get("algorithm").empty()) options.algorithm = ctx.form.Get("algorithm");
  auto run = ctx.app.stagematching().Run(ctx.user(), id, options);
  return AfterAction(ctx, run.status(), "run", RoundBase(id) + "/voorstel?ok=round_run");
}

web::Response PublishRound(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  auto published = ctx.app.stagematching().Publish(ctx.user(), id);
  return AfterAction(ctx, published.status(), "publish", RoundBase(id) + "?ok=round_published");
}
// ---- Exports ----------------------------------------------------------------

web::Response Download(std::string body, std::string type, const std::string& file_name) {
  web::Response res;
  res.status = 200;
  res.body = std::move(body);
  res.SetHeader("Content-Type", std::move(type));
  res.SetHeader("Content-Disposition", "attachment; filename=\"" + file_name + "\"");
  return res;
}

web::Response ExportBpvo(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  auto csv = ctx.app.stagematching().ExportBpvo(ctx.user(), id);
  if (!csv.ok()) {
    if (csv.status().code() == StatusCode::kFailedPrecondition)
      return RoundPage(ctx, id, {{"actions", ErrorText(ctx, "bpvo", csv.status())}}, 409);
    return ErrorPageFor(ctx, csv.status());
  }
  return Download(std::move(*csv), "text/csv; charset=utf-8", "bpvo.csv");
}

web::Response ExportFile(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  std::string name(ctx.req.PathParam("file"));
  // Only the names of the format; the name never reaches a path.
  if (std::find(std::begin(kExportFiles), std::end(kExportFiles), name) == std::end(kExportFiles))
    return ctx.ErrorPage(404);
  auto files = ctx.app.stagematching().ExportMatchingIo(ctx.user(), id);
  if (!files.ok()) {
    if (files.status().code() == StatusCode::kFailedPrecondition)
      return RoundPage(ctx, id, {{"actions", ErrorText(ctx, "export", files.status())}}, 409);
    return ErrorPageFor(ctx, files.status());
  }
  auto it = files->find(name);
  if (it == files->end()) return ctx.ErrorPage(404);
  bool json = name.ends_with(".json");
  return Download(std::move(it->second),
                  json ? "application/json; charset=utf-8" : "text/csv; charset=utf-8", name);
}

}  // namespace

web::Response smui::RoundPageWithErrors(Ctx& ctx, std::string_view id,
                                        std::vector<views::FieldError> errors, int status) {
  return RoundPage(ctx, id, std::move(errors), status);
}

void RegisterPlacementRoundRoutes(App& app) {
  Access manage = Access::Need(domain::Permission::kManagePlacements);
  const std::string r = "/stagematching/rondes/{id}";
  app.Route(web::Method::kGet, "/stagematching/rondes/nieuw", manage, ShowNewRound);
  app.Route(web::Method::kPost, "/stagematching/rondes/nieuw", manage, PostNewRound);
  app.Route(web::Method::kGet, r, manage, ShowRound);
  app.Route(web::Method::kPost, r + "/openen", manage, OpenRound);
  app.Route(web::Method::kPost, r + "/sluiten", manage, CloseRound);
  app.Route(web::Method::kPost, r + "/draaien", manage, RunRound);
  app.Route(web::Method::kPost, r + "/publiceren", manage, PublishRound);
  app.Route(web::Method::kGet, r + "/bpvo.csv", manage, ExportBpvo);
  app.Route(web::Method::kGet, r + "/export/{file}", manage, ExportFile);
}

}  // namespace app
