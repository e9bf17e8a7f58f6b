#include "norm/monitoring.h"

#include <map>

#include "norm/rules.h"

namespace norm {

using common::Status;
using common::StatusOr;

namespace {

// Rows of (item_id, status) for one year → the year's score over the catalogue.
AssessmentScore ScoreYear(std::string year, const std::vector<ItemStatus>& statuses) {
  Score s = ScoreOf(statuses, static_cast<int>(AssessmentCatalogue().size()));
  return AssessmentScore{std::move(year), s.percent, s.done, s.total};
}

}  // namespace

StatusOr<std::vector<AssessmentScore>> AssessmentScores(db::Connection& c,
                                                        std::string_view school_id) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT school_year, item_id, status FROM assessment_items WHERE "
                              "school_id = $1 ORDER BY school_year",
                              {school_id}));
  std::map<std::string, std::vector<ItemStatus>> by_year;
  for (const db::Row& r : rows.rows) {
    std::vector<ItemStatus>& v = by_year[r.Text(0)];
    std::optional<ItemStatus> st = ParseItemStatus(r.Text(2));
    if (FindAssessmentItem(r.Text(1)) != nullptr && st) v.push_back(*st);
  }
  std::vector<AssessmentScore> out;
  out.reserve(by_year.size());
  for (const auto& [year, statuses] : by_year) out.push_back(ScoreYear(year, statuses));
  return out;
}

StatusOr<std::vector<AssessmentItemStatus>> AssessmentFor(db::Connection& c,
                                                          std::string_view school_id,
                                                          std::string_view school_year) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT item_id, status, evidence, dated FROM assessment_items "
                              "WHERE school_id = $1 AND school_year = $2",
                              {school_id, school_year}));
  std::vector<AssessmentItemStatus> out;
  for (const AssessmentItem& item : AssessmentCatalogue()) {
    AssessmentItemStatus s{std::string(item.id),
                           std::string(item.title_nl),
                           std::string(item.title_en),
                           "not_started",
                           "",
                           ""};
    for (const db::Row& r : rows.rows) {
      if (r.Text(0) != item.id) continue;
      s.status = r.Text(1);
      s.evidence = r.Text(2);
      s.updated_on = r.Text(3);
    }
    out.push_back(std::move(s));
  }
  return out;
}

StatusOr<PulseSummary> PulseFor(db::Connection& c, std::string_view school_id, domain::Date from,
                                domain::Date to) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT experienced, reported, reasons FROM pulse_answers WHERE "
                              "school_id = $1 AND month >= $2 AND month <= $3",
                              {school_id, MonthOf(from), MonthOf(to)}));
  PulseSummary out;
  std::map<std::string, int64_t> counts;
  for (const db::Row& r : rows.rows) {
    ++out.responses;
    if (r.Int(0) != 0) ++out.experienced;
    if (r.Int(0) != 0 && r.Int(1) != 0) ++out.reported;
    std::string reasons = r.Text(2);
    size_t start = 0;
    while (start < reasons.size()) {
      size_t comma = reasons.find(',', start);
      if (comma == std::string::npos) comma = reasons.size();
      ++counts[reasons.substr(start, comma - start)];
      start = comma + 1;
    }
  }
  for (std::string_view reason : PulseReasons()) {
    auto it = counts.find(std::string(reason));
    out.reasons_not_reported.emplace_back(std::string(reason), it == counts.end() ? 0 : it->second);
  }
  return out;
}

StatusOr<InternshipSummary> InternshipsFor(db::Connection& c, std::string_view school_id,
                                           domain::Date from, domain::Date to) {
  // One row per internship: its source and whether its norm was read.
  constexpr char kRead[] =
      "CASE WHEN EXISTS (SELECT 1 FROM norm_reads n WHERE n.placement_id = i.id) THEN 1 ELSE 0 "
      "END";
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query(std::string("SELECT i.source, COUNT(*), SUM(") + kRead +
                  ") FROM (SELECT p.id AS id, 'round' AS source FROM placements p JOIN rounds r "
                  "ON r.id = p.round_id WHERE p.school_id = $1 AND r.status = 'published' AND "
                  "p.leerplaats_id IS NOT NULL AND r.start_date <= $3 AND r.end_date >= $2 "
                  "UNION ALL SELECT b.id, 'bpv' FROM bpv_agreements b WHERE b.school_id = $1 "
                  "AND b.start_date <= $3 AND b.end_date >= $2) i GROUP BY i.source",
              {school_id, domain::FormatDate(from), domain::FormatDate(to)}));
  InternshipSummary out;
  for (const db::Row& r : rows.rows) {
    (r.Text(0) == "bpv" ? out.from_bpv : out.from_rounds) += r.Int(1);
    out.norm_read += r.Int(2);
  }
  return out;
}

StatusOr<TrainingSummary> TrainingFor(db::Connection& c, std::string_view school_id,
                                      domain::Date on) {
  // Staff: every role that works for the school, not students or companies.
  constexpr char kStaff[] =
      "u.school_id = $1 AND u.disabled = 0 AND u.role IN ('meldpunt', 'coordinator', 'teacher', "
      "'management', 'admin')";
  SP_ASSIGN_OR_RETURN(
      db::Row total,
      c.QueryOne(std::string("SELECT COUNT(*) FROM users u WHERE ") + kStaff, {school_id}));
  std::string day = domain::FormatDate(on);
  SP_ASSIGN_OR_RETURN(
      db::Row trained,
      c.QueryOne(std::string("SELECT COUNT(DISTINCT u.id) FROM users u JOIN training_records t ON "
                             "t.user_id = u.id AND t.school_id = u.school_id WHERE ") +
                     kStaff + " AND t.completed_on <= $2 AND t.expires_on > $2",
                 {school_id, day}));
  return TrainingSummary{total.Int(0), trained.Int(0)};
}

}  // namespace norm
