// The review of a proposal: the two engines side by side (the cost of
// stability), the distribution of ranks as a table with a bar chart beside
// it, the unplaced students, every student's placement and explanation; and a
// student's page in a round with the manual override (a reason is required)
// and, once published, the form to record a refusal or an early end.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "app/app.h"
#include "retention/settings.h"
#include "app/placement_ui.h"

namespace app {

namespace {

using common::Status;
using common::StatusCode;
using smui::ErrorPageFor;
using smui::ErrorText;
using smui::RoundBase;
using views::SetIfPresent;

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

// Two decimals, with a decimal comma in Dutch.
std::string Fixed2(double v, bool english) {
  char buf[32];
  (void)std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string out = buf;
  if (!english) std::replace(out.begin(), out.end(), '.', ',');
  return out;
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
  SetIfPresent(d, "support", row.support_needs);
  d.set("overridden", row.overridden);
  SetIfPresent(d, "override_reason", row.override_reason);
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
      return smui::RoundPageWithErrors(ctx, id, {{"actions", ErrorText(ctx, "review", review.status())}}, 409);
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
  const bool en = English(ctx);
  metrics.push_back(metric(ctx.T("sm_run_average"), [en](const placement::RunStats& s) {
    return s.assigned > 0 ? Fixed2(static_cast<double>(s.sum_of_ranks) / s.assigned, en)
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
  metrics.push_back(metric(ctx.T("sm_run_seconds"), [en](const placement::RunStats& s) {
    return Fixed2(s.seconds, en);
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
    SetIfPresent(body, "place_error", views::ErrorFor(page.errors, "place_id"));
    SetIfPresent(body, "reason_error", views::ErrorFor(page.errors, "reason"));
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
    SetIfPresent(body, "ended", ended);
    body.set("can_end", ended.empty());
    std::string kind = posted ? ctx.form.Get("kind") : "refusal";
    body.set("kind_refusal", kind != "breakdown");
    body.set("kind_breakdown", kind == "breakdown");
    body.set("end_reason_value", posted ? ctx.form.Get("reason") : std::string());
    SetIfPresent(body, "kind_error", views::ErrorFor(page.errors, "kind"));
    SetIfPresent(body, "end_reason_error", views::ErrorFor(page.errors, "end_reason"));
  }
  // The day the student left the school: starts their record's retention.
  std::string left_on;
  if (ctx.req.method == web::Method::kPost && ctx.form.Has("left_on")) {
    left_on = ctx.form.Get("left_on");
  } else {
    (void)ctx.app.db().Read([&](db::Connection& c) -> Status {
      SP_ASSIGN_OR_RETURN(left_on, retention::StudentLeftOn(c, ctx.user().school_id, student_id));
      return Status::Ok();
    });
  }
  body.set("left_on_field",
           views::InputField("left_on", ctx.T("ret_left_on"), left_on, "date",
                             views::ErrorFor(page.errors, "left_on"), ctx.T("ret_left_on_hint")));
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

// Sets or clears the day the student left the school (audited).
web::Response PostLeftOn(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  std::string student_id(ctx.req.PathParam("student"));
  std::string left_on = ctx.form.Get("left_on");
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(retention::SetStudentLeftOn(c, ctx.user().school_id, student_id, left_on));
    return ctx.app.audit().Append(c, AuditEntry(ctx, "student.left_on", "student", student_id));
  });
  if (s.code() == StatusCode::kInvalidArgument) {
    return StudentPage(ctx, {{"left_on", ctx.T("ret_left_on_error")}}, 400);
  }
  if (!s.ok()) return ErrorPageFor(ctx, s);
  return web::Response::Redirect(RoundBase(id) + "/studenten/" + student_id);
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

}  // namespace

void RegisterPlacementReviewRoutes(App& app) {
  Access manage = Access::Need(domain::Permission::kManagePlacements);
  const std::string r = "/stagematching/rondes/{id}";
  app.Route(web::Method::kGet, r + "/voorstel", manage, ReviewPage);
  app.Route(web::Method::kGet, r + "/studenten/{student}", manage, ShowStudent);
  app.Route(web::Method::kPost, r + "/studenten/{student}/wijzigen", manage, PostOverride);
  app.Route(web::Method::kPost, r + "/studenten/{student}/einde", manage, PostEnd);
  app.Route(web::Method::kPost, r + "/studenten/{student}/uitschrijving", manage, PostLeftOn);
}

}  // namespace app
