// A student's side of stagematching: the leerwens (what they want to learn,
// how they travel, and a ranked choice among the places that fit), and once
// a round is published, where they go and why. Works on a phone and without
// JavaScript: ranks are chosen with one select per place; enhance.js adds
// drag and keyboard reordering on top of the same selects.
#include <algorithm>
#include <map>
#include <set>

#include "app/app.h"

namespace app {
namespace {

using common::Status;
using placement::Leerwens;
using placement::PlaceOption;

constexpr int kTravelChoices[] = {15, 30, 45, 60, 90, 120};

std::string Explanation(const Ctx& ctx, const std::string& nl, const std::string& en) {
  return ctx.locale == views::Locale::kEn ? en : nl;
}

std::string ErrorText(const Ctx& ctx, const Status& s) {
  std::string key = "stage_err_" + (s.field().empty() ? std::string("choices") : s.field());
  const std::string& t = ctx.T(key);
  return t == key ? s.message() : t;
}

std::string BandLabel(const Ctx& ctx, domain::TravelBand band) {
  switch (band) {
    case domain::TravelBand::k0To15: return ctx.T("stage_band_0_15");
    case domain::TravelBand::k15To30: return ctx.T("stage_band_15_30");
    case domain::TravelBand::k30To45: return ctx.T("stage_band_30_45");
    case domain::TravelBand::k45Plus: return ctx.T("stage_band_45_plus");
    case domain::TravelBand::kUnknown: break;
  }
  return ctx.T("stage_band_unknown");
}

views::Data PlacementCard(const Ctx& ctx, const placement::PlacementView& p) {
  views::Data d;
  d.set("company", p.place.company_name);
  d.set("address", p.company_address);
  d.set("postcode", p.company_postcode);
  d.set("city", p.place.city);
  d.set("description", p.place.description);
  d.set("crebo", p.place.crebo);
  d.set("start", domain::FormatDate(p.start));
  d.set("end", domain::FormatDate(p.end_planned));
  d.set("explanation", Explanation(ctx, p.explanation_nl, p.explanation_en));
  if (p.ended) {
    d.set("ended", true);
    d.set("ended_text", ctx.T("stage_ended_" + *p.ended));
  }
  return d;
}

web::Response Home(Ctx& ctx) {
  auto home = ctx.app.stagematching().StudentView(ctx.user());
  views::Page page = ctx.MakePage(ctx.T("stage_title"));
  if (ctx.req.QueryParam("ok").value_or("") == "saved") page.flash = ctx.T("stage_flash_saved");
  views::Data body;
  if (!home.ok()) {
    // A student login not (yet) linked to a record in the student register.
    if (home.status().code() != common::StatusCode::kNotFound) return ctx.ErrorPage(503);
    body.set("not_registered", true);
    return ctx.Render("stage_home", page, body);
  }
  const placement::Student& s = home->student;
  body.set("name", s.name);
  body.set("student_number", s.student_number);
  body.set("crebo", s.crebo);
  body.set("level", std::to_string(s.level));
  body.set("pathway", std::string(domain::Name(s.pathway)));
  body.set("cohort", s.cohort);
  views::Data rounds{views::Data::type::list};
  for (const placement::StudentRoundView& r : home->rounds) {
    views::Data d;
    d.set("id", r.round.id);
    d.set("name", r.round.name);
    d.set("period", r.round.period);
    d.set("deadline", domain::FormatDate(r.round.leerwens_deadline));
    d.set("can_edit", r.can_edit);
    d.set("choices", std::to_string(r.leerwens.choices.size()));
    d.set("entered", r.leerwens.updated_at.has_value());
    d.set("visible", r.placement_visible);
    if (r.placement_visible) {
      if (r.placement) {
        d.set("placement", PlacementCard(ctx, *r.placement));
      } else {
        d.set("unplaced", true);
      }
      d.set("explanation", Explanation(ctx, r.explanation_nl, r.explanation_en));
    } else if (!r.can_edit) {
      d.set("waiting", true);
    }
    rounds.push_back(d);
  }
  body.set("has_rounds", !rounds.is_empty_list() || !home->bpv.empty());
  body.set("rounds", rounds);
  // Internships from the school's BPV agreements (no round made them).
  views::Data bpv{views::Data::type::list};
  for (const placement::BpvInternship& b : home->bpv) {
    views::Data d;
    d.set("id", b.id);
    d.set("company", b.company_name);
    d.set("crebo", b.crebo);
    d.set("start", domain::FormatDate(b.start));
    d.set("end", domain::FormatDate(b.end));
    // Set even when absent: the page's own "pathway" (the student's) must
    // not show through an item without one.
    if (b.company_city.empty()) {
      d.set("city", false);
    } else {
      d.set("city", b.company_city);
    }
    if (b.pathway) {
      d.set("pathway", std::string(domain::Name(*b.pathway)));
    } else {
      d.set("pathway", false);
    }
    bpv.push_back(d);
  }
  body.set("bpv", bpv);
  body.set("csrf", ctx.session->csrf_token);
  AddStudentNormParts(ctx, body);  // the norm at the start, the pulse survey after
  auto norm = ctx.app.stagematching().CurrentNorm(ctx.user().school_id);
  if (norm.ok()) {
    body.set("norm_text", ctx.locale == views::Locale::kEn ? norm->text_en : norm->text_nl);
    body.set("norm_version", std::to_string(norm->version));
  }
  return ctx.Render("stage_home", page, body);
}

// The leerwens as typed in the form; choices from the per-place rank selects.
Leerwens LeerwensFromForm(const web::Form& form, std::string* rank_error) {
  Leerwens w;
  w.what_to_learn = form.Get("what_to_learn");
  w.company_type = form.Get("company_type");
  w.work_type = form.Get("work_type");
  w.transport = domain::ParseTransport(form.Get("transport"))
                    .value_or(domain::Transport::kPublicTransport);
  try {
    w.max_travel_minutes = std::stoi(form.Get("max_travel_minutes"));
  } catch (...) {
    w.max_travel_minutes = 0;  // refused by the service, naming the field
  }
  w.support_needs = form.Get("support_needs");
  w.share_support = form.Get("share_support") == "1";
  std::multimap<int, std::string> ranked;
  for (const std::string& place_id : form.GetAll("place")) {
    std::string rank = form.Get("rank_" + place_id);
    if (rank.empty()) continue;
    int n = 0;
    for (char c : rank) n = std::isdigit(static_cast<unsigned char>(c)) ? n * 10 + (c - '0') : -1;
    if (n < 1 || n > 99) continue;
    if (ranked.count(n) > 0 && rank_error->empty()) *rank_error = "rank_" + place_id;
    ranked.emplace(n, place_id);
  }
  for (const auto& [rank, id] : ranked) w.choices.push_back(id);
  return w;
}

web::Response LeerwensPage(Ctx& ctx, const std::string& round_id, const Leerwens& shown,
                           std::vector<views::FieldError> errors, int status) {
  auto home = ctx.app.stagematching().StudentView(ctx.user());
  if (!home.ok()) return ctx.ErrorPage(HttpStatusFor(home.status()));
  const placement::StudentRoundView* view = nullptr;
  for (const auto& r : home->rounds) {
    if (r.round.id == round_id) view = &r;
  }
  if (!view) return ctx.ErrorPage(404);
  auto options = ctx.app.stagematching().FittingPlaces(ctx.user(), round_id, shown.transport,
                                                       shown.max_travel_minutes);
  if (!options.ok() && options.status().code() != common::StatusCode::kInvalidArgument)
    return ctx.ErrorPage(HttpStatusFor(options.status()));

  views::Page page = ctx.MakePage(ctx.T("stage_leerwens_title") + ": " + view->round.name);
  page.errors = std::move(errors);
  auto err = [&](std::string_view f) { return views::ErrorFor(page.errors, f); };
  views::Data body;
  body.set("round_id", round_id);
  body.set("round_name", view->round.name);
  body.set("deadline", domain::FormatDate(view->round.leerwens_deadline));
  body.set("can_edit", view->can_edit);
  body.set("csrf", ctx.session->csrf_token);
  body.set("what_to_learn", shown.what_to_learn);
  views::SetIfPresent(body, "what_to_learn_error", err("what_to_learn"));
  body.set("company_type_field", views::InputField("company_type", ctx.T("stage_company_type"),
                                                   shown.company_type, "text",
                                                   err("company_type")));
  body.set("work_type_field", views::InputField("work_type", ctx.T("stage_work_type"),
                                                shown.work_type, "text", err("work_type")));
  views::Data transports{views::Data::type::list};
  for (domain::Transport t : {domain::Transport::kPublicTransport, domain::Transport::kBike,
                              domain::Transport::kWalk, domain::Transport::kCar}) {
    views::Data d;
    d.set("value", std::string(domain::Name(t)));
    d.set("label", ctx.T("stage_transport_" + std::string(domain::Name(t))));
    d.set("checked", t == shown.transport);
    transports.push_back(d);
  }
  body.set("transports", transports);
  views::Data minutes{views::Data::type::list};
  bool listed = false;
  for (int m : kTravelChoices) {
    views::Data d;
    d.set("value", std::to_string(m));
    d.set("selected", m == shown.max_travel_minutes);
    listed = listed || m == shown.max_travel_minutes;
    minutes.push_back(d);
  }
  if (!listed && shown.max_travel_minutes > 0) {
    views::Data d;
    d.set("value", std::to_string(shown.max_travel_minutes));
    d.set("selected", true);
    minutes.push_back(d);
  }
  body.set("minutes", minutes);
  views::SetIfPresent(body, "max_travel_error", err("max_travel_minutes"));
  body.set("support_needs", shown.support_needs);
  body.set("share_support", shown.share_support);
  views::SetIfPresent(body, "support_error", err("support_needs"));
  views::SetIfPresent(body, "choices_error", err("choices"));

  // Chosen places first, in the student's order, then the other fitting ones.
  std::vector<const PlaceOption*> rows;
  std::map<std::string, const PlaceOption*> by_id;
  if (options.ok()) {
    for (const PlaceOption& o : *options) by_id[o.place.id] = &o;
  }
  std::map<std::string, int> rank_of;
  for (size_t i = 0; i < shown.choices.size(); ++i) {
    rank_of[shown.choices[i]] = static_cast<int>(i) + 1;
    if (auto it = by_id.find(shown.choices[i]); it != by_id.end()) rows.push_back(it->second);
  }
  if (options.ok()) {
    for (const PlaceOption& o : *options) {
      if (!rank_of.count(o.place.id)) rows.push_back(&o);
    }
  }
  int max_rank = static_cast<int>(std::min<size_t>(std::max<size_t>(rows.size(), 1),
                                                   domain::kMaxChoices));
  views::Data places{views::Data::type::list};
  for (const PlaceOption* o : rows) {
    views::Data d;
    d.set("id", o->place.id);
    d.set("company", o->place.company_name);
    d.set("city", o->place.city);
    d.set("description", o->place.description);
    d.set("capacity", std::to_string(o->place.capacity));
    d.set("travel", o->travel_minutes ? ctx.T("stage_about") + " " +
                                            std::to_string(*o->travel_minutes) + " " +
                                            ctx.T("stage_minutes")
                                      : ctx.T("stage_travel_unknown"));
    d.set("band", BandLabel(ctx, o->band));
    int rank = rank_of.count(o->place.id) ? rank_of[o->place.id] : 0;
    d.set("chosen", rank > 0);
    views::SetIfPresent(d, "rank_error", err("rank_" + o->place.id));
    views::Data ranks{views::Data::type::list};
    for (int r = 1; r <= max_rank; ++r) {
      views::Data opt;
      opt.set("value", std::to_string(r));
      opt.set("selected", r == rank);
      ranks.push_back(opt);
    }
    d.set("ranks", ranks);
    places.push_back(d);
  }
  body.set("has_places", !places.is_empty_list());
  body.set("places", places);
  body.set("max_choices", std::to_string(domain::kMaxChoices));
  return ctx.Render("stage_leerwens", page, body, status);
}

web::Response ShowLeerwens(Ctx& ctx) {
  std::string round_id(ctx.req.PathParam("id"));
  auto home = ctx.app.stagematching().StudentView(ctx.user());
  if (!home.ok()) return ctx.ErrorPage(HttpStatusFor(home.status()));
  for (const auto& r : home->rounds) {
    if (r.round.id == round_id) return LeerwensPage(ctx, round_id, r.leerwens, {}, 200);
  }
  return ctx.ErrorPage(404);
}

web::Response SaveLeerwens(Ctx& ctx) {
  std::string round_id(ctx.req.PathParam("id"));
  std::string rank_error;
  Leerwens w = LeerwensFromForm(ctx.form, &rank_error);
  // "Show fitting places" re-renders for the chosen transport and distance
  // without saving, so a phone without JavaScript can still narrow the list.
  if (ctx.form.Get("action") == "refresh") return LeerwensPage(ctx, round_id, w, {}, 200);
  if (!rank_error.empty())
    return LeerwensPage(ctx, round_id, w, {{rank_error, ctx.T("stage_err_rank_twice")}}, 400);
  Status s = ctx.app.stagematching().SaveLeerwens(ctx.user(), round_id, w);
  if (s.code() == common::StatusCode::kInvalidArgument ||
      s.code() == common::StatusCode::kFailedPrecondition) {
    static const std::set<std::string> kFields = {"what_to_learn", "company_type",
                                                  "work_type",     "support_needs",
                                                  "max_travel_minutes", "choices"};
    std::string field = kFields.count(s.field()) ? s.field() : "choices";
    return LeerwensPage(ctx, round_id, w, {{field, ErrorText(ctx, s)}}, 400);
  }
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  return web::Response::Redirect("/stage?ok=saved");
}

}  // namespace

void RegisterStudentPlacementRoutes(App& app) {
  Access student = Access::Need(domain::Permission::kEnterLeerwens);
  app.Route(web::Method::kGet, "/stage", student, Home);
  app.Route(web::Method::kGet, "/stage/rondes/{id}", student, ShowLeerwens);
  app.Route(web::Method::kPost, "/stage/rondes/{id}", student, SaveLeerwens,
            {.sensitive = true});
}

}  // namespace app
