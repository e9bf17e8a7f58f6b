#include "monitor/service.h"

#include <map>
#include <set>
#include <sstream>

#include "domain/calendar.h"

namespace monitor {

namespace {

using common::Status;
using common::StatusOr;

constexpr double kDayMs = 86400000.0;

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// Met when done by the end of the due day; missed when not done and the day
// has passed; open (no value) otherwise.
std::optional<bool> OnTime(std::optional<int64_t> done_at, const std::string& due_text,
                           domain::Date today) {
  auto due = domain::ParseDate(due_text);
  if (!due) return std::nullopt;
  if (done_at) return domain::DateFromMillis(*done_at) <= *due;
  if (*due < today) return false;
  return std::nullopt;
}

// A case closed as "not a report" (junk, a test, a question) is no report of
// discrimination and is left out of every figure. Compared as text, so the
// rule holds whether or not the domain knows the outcome yet.
// A report its reporter withdrew is in no figure either: only in the
// separate "withdrawn" count (WithdrawnCount, docs/monitor.md).
#define SP_COUNTED_CASE \
  "(c.outcome IS NULL OR c.outcome <> 'not_a_report') AND c.status <> 'withdrawn'"

// Only categorical columns: the sealed ones (narrative, identity, company
// text, outcome text) are never selected. Location and crebo come from the
// school's register (report_input.h checks them), the sector from the
// company register; rare values fold into "other" (aggregate.h).
constexpr char kCasesSql[] =
    "SELECT c.id, c.phase, c.grounds, c.status, c.received_at, c.first_contact_at, "
    "c.first_contact_due, c.feedback_due, c.feedback_given_at, c.closed_at, c.outcome, "
    "c.survey_heard, c.survey_believed, c.survey_know_outcome, c.crebo, c.pathway, c.level, "
    "c.location, co.sector, c.actors FROM cases c LEFT JOIN school_company_view co ON co.id = "
    "c.company_id AND co.school_id = c.school_id "
    "WHERE c.school_id = $1 AND c.received_at >= $2 AND c.received_at < $3 "
    "AND " SP_COUNTED_CASE;

CaseFacts FactsOf(const db::Row& r, domain::Date today) {
  CaseFacts f;
  int64_t received = r.Int(4);
  f.phase = r.Text(1);
  f.grounds = SplitComma(r.Text(2));
  f.status = r.Text(3);
  f.month = domain::FormatDate(domain::DateFromMillis(received)).substr(0, 7);
  auto first = r.OptInt(5);
  auto closed = r.OptInt(9);
  if (first) f.days_to_first_contact = static_cast<double>(*first - received) / kDayMs;
  if (closed) f.days_to_closure = static_cast<double>(*closed - received) / kDayMs;
  f.first_contact_on_time = OnTime(first, r.Text(6), today);
  if (f.status != "closed" || r.OptInt(8))
    f.feedback_on_time = OnTime(r.OptInt(8), r.Text(7), today);
  f.outcome = r.Text(10);
  auto score = [&](size_t i) -> std::optional<int> {
    auto v = r.OptInt(i);
    if (!v) return std::nullopt;
    return static_cast<int>(*v);
  };
  f.survey_heard = score(11);
  f.survey_believed = score(12);
  f.survey_know_outcome = score(13);
  f.crebo = r.Text(14);
  f.pathway = r.Text(15);
  if (auto level = r.OptInt(16)) f.level = std::to_string(*level);
  f.location = r.Text(17);
  f.sector = r.Text(18);
  f.actors = SplitComma(r.Text(19));
  return f;
}

db::Params Range(std::string_view school_id, const Period& p) {
  return {school_id, domain::StartOfDayMillis(p.from),
          domain::StartOfDayMillis(domain::AddDays(p.to, 1))};
}

}  // namespace

StatusOr<std::vector<CaseFacts>> Monitor::ReadCases(db::Connection& c, std::string_view school_id,
                                                    const Period& period) {
  domain::Date today = domain::DateFromMillis(clock_.NowMillis());
  SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(kCasesSql, Range(school_id, period)));
  std::vector<CaseFacts> out;
  out.reserve(rows.rows.size());
  std::map<std::string, size_t> index;
  for (const db::Row& r : rows.rows) {
    index.emplace(r.Text(0), out.size());
    out.push_back(FactsOf(r, today));
  }
  if (out.empty()) return out;
  SP_ASSIGN_OR_RETURN(
      db::Rows refs,
      c.Query("SELECT a.case_id, a.kind FROM case_actions a JOIN cases c ON c.id = a.case_id "
              "WHERE c.school_id = $1 AND c.received_at >= $2 AND c.received_at < $3 "
              "AND a.kind LIKE 'referral_%' AND " SP_COUNTED_CASE " GROUP BY a.case_id, a.kind",
              Range(school_id, period)));
  for (const db::Row& r : refs.rows) {
    auto it = index.find(r.Text(0));
    if (it != index.end()) out[it->second].referrals.push_back(r.Text(1).substr(9));
  }
  SP_ASSIGN_OR_RETURN(
      db::Rows care,
      c.Query("SELECT t.case_id, COUNT(*), COUNT(t.done_at) FROM aftercare_tasks t "
              "JOIN cases c ON c.id = t.case_id WHERE c.school_id = $1 AND c.received_at >= $2 "
              "AND c.received_at < $3 AND " SP_COUNTED_CASE " GROUP BY t.case_id",
              Range(school_id, period)));
  for (const db::Row& r : care.rows) {
    auto it = index.find(r.Text(0));
    if (it != index.end()) out[it->second].aftercare_done = r.Int(1) == r.Int(2);
  }
  return out;
}

StatusOr<MatchingFacts> Monitor::ReadMatching(db::Connection& c, std::string_view school_id,
                                              const Period& period) {
  MatchingFacts m;
  db::Params range = {school_id, domain::FormatDate(period.from), domain::FormatDate(period.to)};
  // Published rounds that start in the period: proposals are not placements.
  constexpr char kRounds[] =
      "FROM rounds r WHERE r.school_id = $1 AND r.start_date >= $2 AND r.start_date <= $3 "
      "AND r.status = 'published'";
  SP_ASSIGN_OR_RETURN(
      db::Rows by_rank,
      c.Query(std::string("SELECT CASE WHEN p.leerplaats_id IS NULL THEN -1 ELSE "
                          "COALESCE(p.rank, 0) END, COUNT(*), "
                          "SUM(CASE WHEN p.ended_kind = 'refusal' THEN 1 ELSE 0 END), "
                          "SUM(CASE WHEN p.ended_kind = 'breakdown' THEN 1 ELSE 0 END) "
                          "FROM placements p WHERE p.round_id IN (SELECT r.id ") +
                  kRounds + ") GROUP BY 1",
              range));
  for (const db::Row& r : by_rank.rows) {
    m.students += r.Int(1);
    if (r.Int(0) >= 0) m.placed_by_rank[static_cast<int>(r.Int(0))] += r.Int(1);
    m.refusals += r.Int(2);
    m.breakdowns += r.Int(3);
  }
  SP_ASSIGN_OR_RETURN(
      db::Rows rounds,
      c.Query(
          std::string("SELECT r.leerwens_deadline, r.published_at, (SELECT COUNT(*) FROM "
                      "placements p WHERE p.round_id = r.id AND p.leerplaats_id IS NOT NULL) ") +
              kRounds,
          range));
  for (const db::Row& r : rounds.rows) {
    ++m.rounds;
    auto deadline = domain::ParseDate(r.Text(0));
    if (!deadline || r.IsNull(1)) continue;
    int64_t days = domain::DateFromMillis(r.Int(1)).days - deadline->days;
    m.days_to_placement.push_back({std::max<int64_t>(days, 0), r.Int(2)});
  }
  SP_ASSIGN_OR_RETURN(
      db::Rows excl,
      c.Query(std::string("SELECT e.reason, COUNT(DISTINCT e.company_id) FROM round_exclusions e "
                          "WHERE e.round_id IN (SELECT r.id ") +
                  kRounds + ") GROUP BY e.reason",
              range));
  for (const db::Row& r : excl.rows) m.excluded_companies[r.Text(0)] = r.Int(1);
  SP_ASSIGN_OR_RETURN(
      db::Row distinct,
      c.QueryOne(std::string("SELECT COUNT(DISTINCT e.company_id) FROM round_exclusions e "
                             "WHERE e.round_id IN (SELECT r.id ") +
                     kRounds + ")",
                 range));
  m.excluded_companies[""] = distinct.Int(0);
  return m;
}

StatusOr<PublishedCount> Monitor::ReadWithdrawn(db::Connection& c, std::string_view school_id,
                                                const Period& period) {
  SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne("SELECT COUNT(*) FROM cases c WHERE c.school_id = $1 "
                                            "AND c.received_at >= $2 AND c.received_at < $3 "
                                            "AND c.status = 'withdrawn'",
                                            Range(school_id, period)));
  return WithdrawnCount(r.Int(0));
}

StatusOr<Period> Monitor::Published(const Period& period) const {
  return Publishable(period, domain::DateFromMillis(clock_.NowMillis()));
}

StatusOr<Dashboard> Monitor::SchoolDashboard(std::string_view school_id, const Period& requested) {
  SP_ASSIGN_OR_RETURN(Period period, Published(requested));
  std::vector<CaseFacts> facts;
  MatchingFacts matching;
  PublishedCount withdrawn;
  SP_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(facts, ReadCases(c, school_id, period));
    SP_ASSIGN_OR_RETURN(matching, ReadMatching(c, school_id, period));
    SP_ASSIGN_OR_RETURN(withdrawn, ReadWithdrawn(c, school_id, period));
    return Status::Ok();
  }));
  SP_ASSIGN_OR_RETURN(Dashboard d, BuildDashboard(period, facts, matching));
  d.withdrawn = withdrawn;
  return d;
}

StatusOr<PublishedTable> Monitor::Table(std::string_view school_id, const Period& requested,
                                        Dimension dim, const std::optional<Filter>& filter) {
  SP_ASSIGN_OR_RETURN(Period period, Published(requested));
  std::vector<CaseFacts> facts;
  SP_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(facts, ReadCases(c, school_id, period));
    return Status::Ok();
  }));
  if (filter) return DrillDown(facts, dim, *filter, period);
  return Breakdown(facts, dim, period);
}

StatusOr<YearReport> Monitor::SchoolYearReport(std::string_view school_id, const Period& year) {
  YearReport out;
  SP_ASSIGN_OR_RETURN(out.current, SchoolDashboard(school_id, year));
  SP_ASSIGN_OR_RETURN(out.previous, SchoolDashboard(school_id, Previous(year)));
  return out;
}

// The deployment-wide report sums count indicators only (report.h), and every
// count table is a function of its own margins: a school's phase table needs
// only how many reports it has per phase. So instead of reading every school's
// reports one by one, a few GROUP BY queries per year give each school's
// margins, and facts with exactly those margins are rebuilt from them; the
// tables, suppression included, are then the ones the school's own report
// publishes (monitor_http_test checks that the two ways agree).
StatusOr<std::map<std::string, Dashboard>> Monitor::CountDashboards(const Period& period) {
  std::map<std::string, std::vector<CaseFacts>> facts;
  std::map<std::string, MatchingFacts> matching;
  db::Params range = {domain::StartOfDayMillis(period.from),
                      domain::StartOfDayMillis(domain::AddDays(period.to, 1))};
  db::Params days = {domain::FormatDate(period.from), domain::FormatDate(period.to)};
  SP_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows, c.Query("SELECT c.school_id, c.phase, c.status, COUNT(*) FROM cases c WHERE "
                               "c.received_at >= $1 AND c.received_at < $2 AND " SP_COUNTED_CASE
                               " GROUP BY c.school_id, c.phase, c.status",
                               range));
    for (const db::Row& r : rows.rows) {
      CaseFacts f;
      f.phase = r.Text(1);
      f.status = r.Text(2);
      f.month = domain::FormatDate(period.from).substr(0, 7);
      std::vector<CaseFacts>& list = facts[r.Text(0)];
      list.insert(list.end(), static_cast<size_t>(r.Int(3)), f);
    }
    SP_ASSIGN_OR_RETURN(
        db::Rows refs,
        c.Query("SELECT c.school_id, a.kind, COUNT(DISTINCT a.case_id) FROM cases c "
                "JOIN case_actions a ON a.case_id = c.id WHERE c.received_at >= $1 AND "
                "c.received_at < $2 AND a.kind LIKE 'referral_%' AND " SP_COUNTED_CASE
                " GROUP BY c.school_id, a.kind",
                range));
    for (const db::Row& r : refs.rows) {
      std::vector<CaseFacts>& list = facts[r.Text(0)];
      auto n = std::min<size_t>(static_cast<size_t>(r.Int(2)), list.size());
      for (size_t i = 0; i < n; ++i) list[i].referrals.push_back(r.Text(1).substr(9));
    }
    SP_ASSIGN_OR_RETURN(
        db::Rows by_rank,
        c.Query(std::string("SELECT r.school_id, CASE WHEN p.leerplaats_id IS NULL THEN -1 ELSE "
                            "COALESCE(p.rank, 0) END, COUNT(*), "
                            "SUM(CASE WHEN p.ended_kind = 'refusal' THEN 1 ELSE 0 END), "
                            "SUM(CASE WHEN p.ended_kind = 'breakdown' THEN 1 ELSE 0 END) "
                            "FROM placements p JOIN rounds r ON r.id = p.round_id WHERE "
                            "r.start_date >= $1 AND r.start_date <= $2 AND r.status = "
                            "'published' GROUP BY r.school_id, 2"),
                days));
    for (const db::Row& r : by_rank.rows) {
      MatchingFacts& m = matching[r.Text(0)];
      m.students += r.Int(2);
      if (r.Int(1) >= 0) m.placed_by_rank[static_cast<int>(r.Int(1))] += r.Int(2);
      m.refusals += r.Int(3);
      m.breakdowns += r.Int(4);
    }
    SP_ASSIGN_OR_RETURN(
        db::Rows excl,
        c.Query(std::string("SELECT r.school_id, e.reason, COUNT(DISTINCT e.company_id) FROM "
                            "round_exclusions e JOIN rounds r ON r.id = e.round_id WHERE "
                            "r.start_date >= $1 AND r.start_date <= $2 AND r.status = "
                            "'published' GROUP BY r.school_id, e.reason"),
                days));
    for (const db::Row& r : excl.rows) matching[r.Text(0)].excluded_companies[r.Text(1)] = r.Int(2);
    SP_ASSIGN_OR_RETURN(
        db::Rows distinct,
        c.Query(std::string("SELECT r.school_id, COUNT(DISTINCT e.company_id) FROM "
                            "round_exclusions e JOIN rounds r ON r.id = e.round_id WHERE "
                            "r.start_date >= $1 AND r.start_date <= $2 AND r.status = "
                            "'published' GROUP BY r.school_id"),
                days));
    for (const db::Row& r : distinct.rows) matching[r.Text(0)].excluded_companies[""] = r.Int(1);
    return Status::Ok();
  }));
  std::map<std::string, Dashboard> out;
  std::set<std::string> schools;
  for (const auto& [id, f] : facts) schools.insert(id);
  for (const auto& [id, m] : matching) schools.insert(id);
  for (const std::string& id : schools) {
    SP_ASSIGN_OR_RETURN(out[id], BuildDashboard(period, facts[id], matching[id]));
  }
  return out;
}

StatusOr<GroupReport> Monitor::GroupYearReport(const std::vector<std::string>& school_ids,
                                               const Period& year) {
  GroupReport out;
  out.year = year;
  out.schools = static_cast<int64_t>(school_ids.size());
  SP_ASSIGN_OR_RETURN(Period current, Published(year));
  SP_ASSIGN_OR_RETURN(auto now, CountDashboards(current));
  SP_ASSIGN_OR_RETURN(auto before, CountDashboards(Previous(year)));
  std::vector<std::vector<Indicator>> a, b;
  for (const std::string& id : school_ids) {
    // A school without reports or rounds gets the tables of an empty year.
    if (!now.count(id)) {
      SP_ASSIGN_OR_RETURN(now[id], BuildDashboard(current, {}, {}));
    }
    if (!before.count(id)) {
      SP_ASSIGN_OR_RETURN(before[id], BuildDashboard(Previous(year), {}, {}));
    }
    a.push_back(Indicators(now[id]));
    b.push_back(Indicators(before[id]));
  }
  out.current = SumIndicators(a);
  out.previous = SumIndicators(b);
  return out;
}

StatusOr<GroupReport> Monitor::GroupYearReportSlow(const std::vector<std::string>& school_ids,
                                                   const Period& year) {
  GroupReport out;
  out.year = year;
  out.schools = static_cast<int64_t>(school_ids.size());
  std::vector<std::vector<Indicator>> now, before;
  for (const std::string& id : school_ids) {
    SP_ASSIGN_OR_RETURN(YearReport r, SchoolYearReport(id, year));
    now.push_back(Indicators(r.current));
    before.push_back(Indicators(r.previous));
  }
  out.current = SumIndicators(now);
  out.previous = SumIndicators(before);
  return out;
}

}  // namespace monitor
