// The coordinator's matching rounds: creating one, its page with the actions
// its state allows (open, close, run, publish) and the exclusions with their
// reasons, the review of a proposal (DA beside optimal, the distribution of
// ranks, unplaced students, every student's explanation), a student's page
// with the manual override and the refusal/breakdown form, and the exports
// (BPVO CSV and the matching-io files).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <set>

#include "app/app.h"

namespace app {

// Defined in placement_routes.cc.
namespace smui {
void SetIf(views::Data& d, const std::string& key, const std::string& value);
std::string ErrorText(const Ctx& ctx, std::string_view form, const common::Status& s);
web::Response ErrorPageFor(const Ctx& ctx, const common::Status& s);
std::string Flash(const Ctx& ctx);
std::string StatusLabel(const Ctx& ctx, domain::RoundStatus s);
std::string StatusTag(domain::RoundStatus s);
std::string JoinList(const std::vector<std::string>& items, std::string_view sep);
std::string Day(common::UnixMillis t);
views::Data RoundRow(const Ctx& ctx, const placement::Round& r);
}  // namespace smui

namespace {

using common::Status;
using common::StatusCode;
using smui::ErrorPageFor;
using smui::ErrorText;
using smui::SetIf;

// The files of Stagematching::ExportMatchingIo, in the order shown.
constexpr const char* kExportFiles[] = {"students.csv",   "positions.csv",  "preferences.csv",
                                        "priorities.csv", "exclusions.csv", "assignment.csv",
                                        "placements.csv", "round.json"};

std::string RoundBase(std::string_view id) { return "/stagematching/rondes/" + std::string(id); }

// Replaces "{name}" in a catalogue text (values hold no "{{").
std::string Fill(std::string text,
                 std::initializer_list<std::pair<std::string_view, std::string>> values) {
  for (const auto& [name, value] : values) {
    std::string marker = "{" + std::string(name) + "}";
    for (size_t at = text.find(marker); at != std::string::npos;
         at = text.find(marker, at + value.size())) {
      text.replace(at, marker.size(), value);
    }
  }
  return text;
}

bool English(const Ctx& ctx) { return ctx.locale == views::Locale::kEn; }

std::string RankText(const Ctx& ctx, int rank) {
  return Fill(ctx.T("sm_rank_choice"), {{"n", domain::Ordinal(rank, English(ctx))}});
}

std::string AlgorithmLabel(const Ctx& ctx, const std::string& algorithm) {
  return ctx.T(algorithm == "optimal" ? "sm_algo_optimal" : "sm_algo_da");
}

std::string Fixed2(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

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
  SetIf(body, "previous_error", views::ErrorFor(page.errors, "previous_round_id"));
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
  SetIf(body, "run_at", r.run_at ? common::FormatIso8601(*r.run_at) : "");
  SetIf(body, "published_at", r.published_at ? smui::Day(*r.published_at) : "");
  SetIf(body, "visible_from", r.visible_from ? domain::FormatDate(*r.visible_from) : "");
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
  SetIf(body, "algorithm_error", views::ErrorFor(page.errors, "algorithm"));
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

// ---- Review ---------------------------------------------------------------

std::string MissText(const Ctx& ctx, const placement::MissedChoiceView& m) {
  bool en = English(ctx);
  std::string text = RankText(ctx, m.rank) + " (" + m.company_name + "): " +
                     ctx.T("sm_miss_" + std::string(domain::Name(m.reason)));
  if (m.reason == domain::MissReason::kFullCloser) {
    text += " " + Fill(ctx.T("sm_miss_bands"), {{"cutoff", domain::BandLabel(m.cutoff_band, en)},
                                               {"own", domain::BandLabel(m.own_band, en)}});
  } else if (m.reason == domain::MissReason::kFullLottery) {
    text += " " + Fill(ctx.T("sm_miss_band"), {{"own", domain::BandLabel(m.own_band, en)}});
  }
  return text;
}

views::Data StudentRow(const Ctx& ctx, const std::string& base, const placement::ProposalRow& row) {
  bool en = English(ctx);
  views::Data d;
  d.set("href", base + "/studenten/" + row.student_id);
  d.set("name", row.student_name);
  d.set("number", row.student_number);
  d.set("crebo", row.crebo);
  d.set("choices", std::to_string(row.choices));
  d.set("placed", row.place.has_value());
  if (row.place) {
    d.set("place", row.place->company_name +
                       (row.place->city.empty() ? std::string() : ", " + row.place->city));
    d.set("leerbedrijf_id", row.place->leerbedrijf_id);
  }
  d.set("rank", row.rank ? RankText(ctx, *row.rank)
                         : ctx.T(row.place ? "sm_rank_off_list" : "sm_rank_none"));
  d.set("band", row.place ? domain::BandLabel(row.band, en) : std::string("–"));
  d.set("explanation", en ? row.explanation_en : row.explanation_nl);
  views::Data missed{views::Data::type::list};
  for (const placement::MissedChoiceView& m : row.missed) {
    views::Data item;
    item.set("text", MissText(ctx, m));
    missed.push_back(item);
  }
  d.set("missed", missed);
  d.set("has_missed", !row.missed.empty());
  SetIf(d, "support", row.support_needs);
  d.set("overridden", row.overridden);
  SetIf(d, "override_reason", row.override_reason);
  return d;
}

// The distribution of ranks as rows (for the table and the bar chart).
struct Bar {
  std::string label;
  int64_t count = 0;
};

std::vector<Bar> Distribution(const Ctx& ctx, const std::vector<int64_t>& histogram,
                              int64_t students, int64_t assigned) {
  std::vector<Bar> bars;
  int64_t ranked = 0;
  for (size_t i = 0; i < histogram.size(); ++i) {
    bars.push_back({RankText(ctx, static_cast<int>(i) + 1), histogram[i]});
    ranked += histogram[i];
  }
  if (assigned > ranked) bars.push_back({ctx.T("sm_rank_off_list"), assigned - ranked});
  bars.push_back({ctx.T("sm_unplaced"), std::max<int64_t>(students - assigned, 0)});
  return bars;
}

views::Data Chart(const std::vector<Bar>& bars, int64_t total) {
  // A horizontal bar chart in fixed SVG units; the table beside it holds the numbers.
  constexpr int kLabelWidth = 120, kBarWidth = 150, kRow = 28;
  int64_t max = 1;
  for (const Bar& b : bars) max = std::max(max, b.count);
  views::Data rows{views::Data::type::list};
  int y = 0;
  for (const Bar& b : bars) {
    views::Data item;
    int width = static_cast<int>(b.count * kBarWidth / max);
    item.set("label", b.label);
    item.set("y", std::to_string(y + 4));
    item.set("text_y", std::to_string(y + 19));
    item.set("x", std::to_string(kLabelWidth));
    item.set("width", std::to_string(std::max(width, b.count > 0 ? 2 : 0)));
    item.set("count_x", std::to_string(kLabelWidth + std::max(width, 2) + 6));
    std::string pct = total > 0 ? " (" + std::to_string(b.count * 100 / total) + "%)" : "";
    item.set("count", std::to_string(b.count) + pct);
    rows.push_back(item);
    y += kRow;
  }
  views::Data chart;
  chart.set("bars", rows);
  chart.set("height", std::to_string(std::max(y, kRow)));
  return chart;
}

web::Response ReviewPage(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  auto review = ctx.app.stagematching().GetReview(ctx.user(), id);
  if (!review.ok()) {
    if (review.status().code() == StatusCode::kFailedPrecondition)
      return RoundPage(ctx, id, {{"actions", ErrorText(ctx, "review", review.status())}}, 409);
    return ErrorPageFor(ctx, review.status());
  }
  const placement::Review& rv = *review;
  const placement::Round& r = rv.round;
  std::string base = RoundBase(r.id);
  views::Page page = ctx.MakePage(ctx.T("sm_review_title") + ": " + r.name);
  page.flash = smui::Flash(ctx);
  views::Data body;
  body.set("round_name", r.name);
  body.set("base", base);
  body.set("status", smui::StatusLabel(ctx, r.status));
  body.set("status_tag", smui::StatusTag(r.status));
  body.set("students", std::to_string(rv.students));
  body.set("placed", std::to_string(rv.placed));
  body.set("unplaced_count", std::to_string(rv.unplaced.size()));
  body.set("overridden", std::to_string(rv.overridden));
  body.set("can_override", r.status == domain::RoundStatus::kProposed);

  // The engines side by side: the cost of stability.
  views::Data heads{views::Data::type::list};
  size_t max_rank = 0;
  const placement::RunStats* da = nullptr;
  const placement::RunStats* opt = nullptr;
  for (const placement::RunStats& run : rv.runs) {
    views::Data h;
    h.set("label", AlgorithmLabel(ctx, run.algorithm) +
                       (run.chosen ? " (" + ctx.T("sm_run_chosen") + ")" : std::string()));
    heads.push_back(h);
    max_rank = std::max(max_rank, run.rank_histogram.size());
    (run.algorithm == "optimal" ? opt : da) = &run;
  }
  body.set("run_heads", heads);
  auto metric = [&](const std::string& label, auto value_of) {
    views::Data m;
    m.set("label", label);
    views::Data cells{views::Data::type::list};
    for (const placement::RunStats& run : rv.runs) {
      views::Data c;
      c.set("value", value_of(run));
      cells.push_back(c);
    }
    m.set("cells", cells);
    return m;
  };
  views::Data metrics{views::Data::type::list};
  metrics.push_back(metric(ctx.T("sm_run_assigned"), [](const placement::RunStats& s) {
    return std::to_string(s.assigned) + " / " + std::to_string(s.students);
  }));
  metrics.push_back(metric(ctx.T("sm_run_sum"), [](const placement::RunStats& s) {
    return std::to_string(s.sum_of_ranks);
  }));
  metrics.push_back(metric(ctx.T("sm_run_average"), [](const placement::RunStats& s) {
    return s.assigned > 0 ? Fixed2(static_cast<double>(s.sum_of_ranks) / s.assigned)
                          : std::string("–");
  }));
  for (size_t i = 0; i < max_rank; ++i) {
    metrics.push_back(metric(RankText(ctx, static_cast<int>(i) + 1),
                             [i](const placement::RunStats& s) {
                               return std::to_string(
                                   i < s.rank_histogram.size() ? s.rank_histogram[i] : 0);
                             }));
  }
  metrics.push_back(metric(ctx.T("sm_unplaced"), [](const placement::RunStats& s) {
    return std::to_string(s.students - s.assigned);
  }));
  metrics.push_back(metric(ctx.T("sm_run_seconds"), [](const placement::RunStats& s) {
    return Fixed2(s.seconds);
  }));
  body.set("metrics", metrics);
  body.set("has_runs", !rv.runs.empty());
  if (da && opt) {
    std::string cost;
    int64_t more = opt->assigned - da->assigned;
    if (more > 0) {
      cost = Fill(ctx.T("sm_cost_more"), {{"n", std::to_string(more)}});
    } else if (opt->sum_of_ranks < da->sum_of_ranks) {
      cost = Fill(ctx.T("sm_cost_ranks"),
                  {{"n", std::to_string(da->sum_of_ranks - opt->sum_of_ranks)}});
    } else {
      cost = ctx.T("sm_cost_none");
    }
    body.set("cost", cost);
  }

  // The proposal as it stands (overrides included).
  std::vector<Bar> bars = Distribution(ctx, rv.rank_histogram, rv.students, rv.placed);
  views::Data dist{views::Data::type::list};
  for (const Bar& b : bars) {
    views::Data item;
    item.set("label", b.label);
    item.set("count", std::to_string(b.count));
    dist.push_back(item);
  }
  body.set("distribution", dist);
  body.set("chart", Chart(bars, rv.students));

  std::set<std::string> unplaced(rv.unplaced.begin(), rv.unplaced.end());
  views::Data unplaced_rows{views::Data::type::list};
  views::Data rows{views::Data::type::list};
  for (const placement::ProposalRow& row : rv.rows) {
    views::Data d = StudentRow(ctx, base, row);
    if (unplaced.count(row.student_id)) unplaced_rows.push_back(d);
    rows.push_back(d);
  }
  body.set("unplaced", unplaced_rows);
  body.set("no_unplaced", rv.unplaced.empty());
  body.set("rows", rows);
  return ctx.Render("sm_review", page, body);
}

// ---- One student in a round -------------------------------------------------

// The placement of a student in a round of the caller's school. The service
// has no coordinator call that returns placement ids (ProposalRow lacks it),
// so this one scoped, parameterised lookup feeds RecordEnd.
common::StatusOr<std::string> PlacementIdOf(Ctx& ctx, std::string_view round_id,
                                            std::string_view student_id) {
  std::string id;
  Status s = ctx.app.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT p.id FROM placements p JOIN rounds r ON r.id = p.round_id WHERE "
                "p.round_id = $1 AND p.student_id = $2 AND r.school_id = $3",
                {std::string(round_id), std::string(student_id), ctx.user().school_id}));
    if (rows.empty()) return Status::NotFound("no such placement");
    id = rows.rows[0].Text(0);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return id;
}

web::Response StudentPage(Ctx& ctx, std::vector<views::FieldError> errors = {}, int status = 200) {
  std::string id(ctx.req.PathParam("id"));
  std::string student_id(ctx.req.PathParam("student"));
  placement::Stagematching& sm = ctx.app.stagematching();
  auto review = sm.GetReview(ctx.user(), id);
  if (!review.ok()) {
    // Before a run there is no proposal to show for a student.
    if (review.status().code() == StatusCode::kFailedPrecondition) return ctx.ErrorPage(404);
    return ErrorPageFor(ctx, review.status());
  }
  const placement::Review& rv = *review;
  const placement::ProposalRow* row = nullptr;
  std::map<std::string, int> in_proposal;  // place id -> students placed there, others
  for (const placement::ProposalRow& p : rv.rows) {
    if (p.student_id == student_id) {
      row = &p;
    } else if (p.place) {
      ++in_proposal[p.place->id];
    }
  }
  if (!row) return ctx.ErrorPage(404);
  std::string base = RoundBase(rv.round.id);
  views::Page page = ctx.MakePage(row->student_name + " – " + rv.round.name);
  page.errors = std::move(errors);
  page.flash = smui::Flash(ctx);
  views::Data body = StudentRow(ctx, base, *row);
  body.set("csrf", ctx.session->csrf_token);
  body.set("base", base);
  body.set("action_base", base + "/studenten/" + row->student_id);
  body.set("round_name", rv.round.name);
  using RS = domain::RoundStatus;
  bool posted = ctx.req.method == web::Method::kPost;

  if (rv.round.status == RS::kProposed) {
    // The places an override may choose (Stagematching::Override's rules):
    // the round's period, the student's crebo, a company not excluded, room left.
    auto places = sm.Places(ctx.user(), rv.round.period);
    if (!places.ok()) return ErrorPageFor(ctx, places.status());
    std::set<std::string> excluded;
    for (const placement::Exclusion& e : rv.exclusions) excluded.insert(e.company_id);
    std::string chosen = posted ? ctx.form.Get("place_id") : row->place ? row->place->id : "";
    views::Data options{views::Data::type::list};
    for (const placement::Place& p : *places) {
      if (p.crebo != row->crebo || excluded.count(p.company_id)) continue;
      int room = p.capacity - p.taken - in_proposal[p.id];
      bool current = row->place && row->place->id == p.id;
      if (room <= 0 && !current) continue;
      views::Data item;
      item.set("value", p.id);
      item.set("label", p.company_name + (p.city.empty() ? "" : ", " + p.city) + " – " +
                            Fill(ctx.T("sm_places_free"), {{"n", std::to_string(room)}}));
      item.set("selected", p.id == chosen);
      options.push_back(item);
    }
    body.set("can_override", true);
    body.set("place_options", options);
    body.set("unplaced_selected", chosen.empty());
    body.set("reason_value", posted ? ctx.form.Get("reason") : std::string());
    SetIf(body, "place_error", views::ErrorFor(page.errors, "place_id"));
    SetIf(body, "reason_error", views::ErrorFor(page.errors, "reason"));
  }
  if (rv.round.status == RS::kPublished && row->place) {
    // Ended placements carry a flag (refusal or breakdown).
    auto flags = sm.Flags(ctx.user(), /*include_resolved=*/true);
    if (!flags.ok()) return ErrorPageFor(ctx, flags.status());
    std::string ended;
    for (const placement::Flag& f : *flags) {
      if (f.round_id == rv.round.id && f.student_id == row->student_id)
        ended = ctx.T("sm_end_" + std::string(placement::Name(f.kind))) + ", " + smui::Day(f.at);
    }
    SetIf(body, "ended", ended);
    body.set("can_end", ended.empty());
    std::string kind = posted ? ctx.form.Get("kind") : "refusal";
    body.set("kind_refusal", kind != "breakdown");
    body.set("kind_breakdown", kind == "breakdown");
    body.set("end_reason_value", posted ? ctx.form.Get("reason") : std::string());
    SetIf(body, "kind_error", views::ErrorFor(page.errors, "kind"));
    SetIf(body, "end_reason_error", views::ErrorFor(page.errors, "end_reason"));
  }
  return ctx.Render("sm_student", page, body, status);
}

web::Response ShowStudent(Ctx& ctx) { return StudentPage(ctx); }

web::Response PostOverride(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  std::string student_id(ctx.req.PathParam("student"));
  Status s = ctx.app.stagematching().Override(ctx.user(), id, student_id, ctx.form.Get("place_id"),
                                              ctx.form.Get("reason"));
  if (s.ok()) return web::Response::Redirect(RoundBase(id) + "/voorstel?ok=override_saved");
  if (s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kFailedPrecondition) {
    std::string field = s.field() == "reason" ? "reason" : "place_id";
    return StudentPage(ctx, {{field, ErrorText(ctx, "override", s)}},
                       s.code() == StatusCode::kInvalidArgument ? 400 : 409);
  }
  return ErrorPageFor(ctx, s);
}

web::Response PostEnd(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  std::string student_id(ctx.req.PathParam("student"));
  auto kind = placement::ParseEndKind(ctx.form.Get("kind"));
  if (!kind) return StudentPage(ctx, {{"kind", ctx.T("sm_err_end_kind")}}, 400);
  auto placement_id = PlacementIdOf(ctx, id, student_id);
  if (!placement_id.ok()) return ErrorPageFor(ctx, placement_id.status());
  auto flag =
      ctx.app.stagematching().RecordEnd(ctx.user(), *placement_id, *kind, ctx.form.Get("reason"));
  if (flag.ok()) return web::Response::Redirect("/stagematching/signalen?ok=end_recorded");
  const Status& s = flag.status();
  if (s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kFailedPrecondition) {
    return StudentPage(ctx, {{"end_reason", ErrorText(ctx, "end", s)}},
                       s.code() == StatusCode::kInvalidArgument ? 400 : 409);
  }
  return ErrorPageFor(ctx, s);
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
  app.Route(web::Method::kGet, r + "/voorstel", manage, ReviewPage);
  app.Route(web::Method::kGet, r + "/studenten/{student}", manage, ShowStudent);
  app.Route(web::Method::kPost, r + "/studenten/{student}/wijzigen", manage, PostOverride);
  app.Route(web::Method::kPost, r + "/studenten/{student}/einde", manage, PostEnd);
  app.Route(web::Method::kGet, r + "/bpvo.csv", manage, ExportBpvo);
  app.Route(web::Method::kGet, r + "/export/{file}", manage, ExportFile);
}

}  // namespace app
