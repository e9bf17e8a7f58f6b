#include <algorithm>
#include <map>

#include "placement/explain_internal.h"

namespace placement::internal {

namespace {

constexpr char kProposalSelect[] =
    "SELECT p.id, p.student_id, s.student_number, s.name, s.crebo, s.level, s.pathway, p.choices, "
    "p.leerplaats_id, l.company_id, co.name, co.leerbedrijf_id, co.city, l.crebo, l.period, "
    "l.capacity, (SELECT COUNT(*) FROM placements q JOIN rounds qr ON qr.id = q.round_id WHERE "
    "q.leerplaats_id = l.id AND qr.status = 'published' AND q.ended_kind IS NULL), "
    "l.description, l.confirmed_at, p.rank, p.band, p.override_reason, "
    "CASE WHEN w.share_support = 1 THEN w.support_needs ELSE '' END, p.ended_kind, co.address, "
    "co.postcode "
    "FROM placements p JOIN students s ON s.id = p.student_id "
    "LEFT JOIN leerplaatsen l ON l.id = p.leerplaats_id "
    "LEFT JOIN school_company_view co ON co.id = l.company_id AND co.school_id = l.school_id "
    "LEFT JOIN leerwensen w ON w.round_id = p.round_id AND w.student_id = p.student_id "
    "WHERE p.round_id = $1 AND ($2 = '' OR p.student_id = $2) ORDER BY s.student_number, s.id";

ProposalRecord RecordFromRow(const db::Row& r, bool with_names) {
  ProposalRecord rec;
  rec.placement_id = r.Text(0);
  rec.student.id = r.Text(1);
  rec.student.student_number = r.Text(2);
  if (with_names) rec.student.name = r.Text(3);
  rec.student.crebo = r.Text(4);
  rec.student.level = static_cast<int>(r.Int(5));
  rec.student.pathway = domain::ParsePathway(r.Text(6)).value_or(domain::Pathway::kBol);
  rec.choices = static_cast<int>(r.Int(7));
  if (!r.IsNull(8)) {
    Place p;
    p.id = r.Text(8);
    p.company_id = r.Text(9);
    p.company_name = r.Text(10);
    p.leerbedrijf_id = r.Text(11);
    p.city = r.Text(12);
    p.crebo = r.Text(13);
    p.period = r.Text(14);
    p.capacity = static_cast<int>(r.Int(15));
    p.taken = static_cast<int>(r.Int(16));
    p.description = r.Text(17);
    p.confirmed_at = r.OptInt(18);
    rec.place = std::move(p);
    rec.company_address = r.Text(24);
    rec.company_postcode = r.Text(25);
  }
  if (std::optional<int64_t> rank = r.OptInt(19)) rec.rank = static_cast<int>(*rank);
  if (std::optional<int64_t> band = r.OptInt(20))
    rec.band = domain::BandFromPriority(static_cast<int>(*band));
  if (std::optional<std::string> reason = r.OptText(21)) {
    rec.overridden = true;
    rec.override_reason = *reason;
  }
  rec.support_needs = r.Text(22);
  rec.ended = r.OptText(23);
  return rec;
}

}  // namespace

common::StatusOr<std::vector<ProposalRecord>> LoadProposal(db::Connection& c,
                                                           std::string_view round_id,
                                                           std::string_view student_id,
                                                           bool with_names) {
  SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(kProposalSelect, {round_id, student_id}));
  std::vector<ProposalRecord> out;
  out.reserve(rows.rows.size());
  std::map<std::string, size_t> index;
  for (const db::Row& r : rows.rows) {
    out.push_back(RecordFromRow(r, with_names));
    index[out.back().student.id] = out.size() - 1;
  }
  SP_ASSIGN_OR_RETURN(
      db::Rows misses,
      c.Query("SELECT m.student_id, m.rank, m.leerplaats_id, co.name, m.reason, m.own_band, "
              "m.cutoff_band FROM placement_misses m JOIN leerplaatsen l ON l.id = m.leerplaats_id "
              "JOIN school_company_view co ON co.id = l.company_id AND co.school_id = l.school_id "
              "WHERE m.round_id = $1 AND ($2 = '' OR "
              "m.student_id = $2) ORDER BY m.student_id, m.rank",
              {round_id, student_id}));
  for (const db::Row& r : misses.rows) {
    auto it = index.find(r.Text(0));
    if (it == index.end()) continue;
    ProposalRecord& rec = out[it->second];
    int rank = static_cast<int>(r.Int(1));
    // After an override only the choices above the new place still count.
    if (rec.place && (!rec.rank || rank >= *rec.rank)) continue;
    rec.missed.push_back({rank, r.Text(2), r.Text(3),
                          domain::ParseMissReason(r.Text(4)).value_or(domain::MissReason::kNoPlaces),
                          domain::BandFromPriority(static_cast<int>(r.Int(5))),
                          domain::BandFromPriority(static_cast<int>(r.Int(6)))});
  }
  return out;
}

domain::StudentOutcome OutcomeOf(const ProposalRecord& rec) {
  domain::StudentOutcome o;
  o.had_choices = rec.choices > 0;
  o.placed = rec.place.has_value();
  o.placed_rank = rec.rank;
  o.overridden = rec.overridden;
  if (!rec.missed.empty()) {
    const MissedChoiceView& m = rec.missed.front();
    o.first_missed = domain::MissedChoice{m.rank, m.reason, m.own_band, m.cutoff_band};
  }
  return o;
}

ProposalRow ToProposalRow(ProposalRecord rec) {
  ProposalRow row;
  domain::StudentOutcome outcome = OutcomeOf(rec);
  row.explanation_nl = domain::ExplainOutcome(outcome, false);
  row.explanation_en = domain::ExplainOutcome(outcome, true);
  row.student_id = std::move(rec.student.id);
  row.student_number = std::move(rec.student.student_number);
  row.student_name = std::move(rec.student.name);
  row.crebo = std::move(rec.student.crebo);
  row.choices = rec.choices;
  row.place = std::move(rec.place);
  row.rank = rec.rank;
  row.band = rec.band;
  row.overridden = rec.overridden;
  row.override_reason = std::move(rec.override_reason);
  row.missed = std::move(rec.missed);
  row.support_needs = std::move(rec.support_needs);
  return row;
}

common::StatusOr<PlaceCheck> CheckPlaceForOverride(db::Connection& c, const Round& round,
                                                   std::string_view school_id,
                                                   std::string_view student_id,
                                                   std::string_view place_id,
                                                   std::string_view student_crebo) {
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT l.crebo, l.period, l.capacity, l.company_id, co.lat, co.lon, "
              "(SELECT COUNT(*) FROM placements p JOIN rounds pr ON pr.id = p.round_id WHERE "
              "p.leerplaats_id = l.id AND p.ended_kind IS NULL AND pr.status = 'published'), "
              "(SELECT COUNT(*) FROM placements p WHERE p.leerplaats_id = l.id AND p.round_id = $3 "
              "AND p.student_id <> $4), "
              "EXISTS (SELECT 1 FROM round_exclusions x WHERE x.round_id = $3 AND x.company_id = "
              "l.company_id) "
              "FROM leerplaatsen l JOIN school_company_view co ON co.id = l.company_id AND "
              "co.school_id = l.school_id WHERE l.id = $1 AND "
              "l.school_id = $2",
              {place_id, school_id, round.id, student_id}));
  if (rows.empty()) return common::Status::NotFound("no such place");
  const db::Row& r = rows.rows[0];
  std::string crebo = r.Text(0);
  if (r.Text(1) != round.period ||
      std::find(round.crebos.begin(), round.crebos.end(), crebo) == round.crebos.end()) {
    return common::Status::InvalidArgument("is not a place of this round", "place_id");
  }
  if (crebo != student_crebo) {
    return common::Status::InvalidArgument("does not fit the student's crebo", "place_id");
  }
  if (r.Int(8) != 0) {
    return common::Status::FailedPrecondition("the company takes no students this round",
                                              "place_id");
  }
  if (r.Int(6) + r.Int(7) >= r.Int(2)) {
    return common::Status::FailedPrecondition("the place is full", "place_id");
  }
  PlaceCheck check;
  if (!r.IsNull(4) && !r.IsNull(5)) check.company_at = domain::Coordinates{r.Double(4), r.Double(5)};
  return check;
}

bool Visible(const Round& round, domain::Date today) {
  return round.status == domain::RoundStatus::kPublished && round.visible_from &&
         !(today < *round.visible_from);
}

}  // namespace placement::internal
