#include "monitor/period.h"

#include <charconv>
#include <cstdio>

namespace monitor {

namespace {

using common::Status;

std::optional<int> Number(std::string_view s) {
  int v = 0;
  if (s.empty()) return std::nullopt;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Years outside this range are typing errors, not reporting periods.
bool PlausibleYear(int y) { return y >= 2000 && y <= 2100; }

std::string Two(int v) {
  char buf[8];
  (void)std::snprintf(buf, sizeof buf, "%02d", v % 100);
  return buf;
}

Period SchoolYear(int first) {
  return {PeriodKind::kSchoolYear, std::to_string(first) + "-" + std::to_string(first + 1),
          domain::MakeDate(first, 8, 1), domain::MakeDate(first + 1, 7, 31)};
}
Period Quarter(int y, int q) {
  domain::Date from = domain::MakeDate(y, static_cast<unsigned>(3 * q - 2), 1);
  return {PeriodKind::kQuarter, std::to_string(y) + "-Q" + std::to_string(q), from,
          domain::AddDays(domain::AddMonths(from, 3), -1)};
}
Period Month(int y, int m) {
  domain::Date from = domain::MakeDate(y, static_cast<unsigned>(m), 1);
  return {PeriodKind::kMonth, std::to_string(y) + "-" + Two(m), from,
          domain::AddDays(domain::AddMonths(from, 1), -1)};
}

// Year and month of a date, from its ISO text (the calendar has no splitter).
std::pair<int, int> YearMonth(domain::Date d) {
  std::string s = domain::FormatDate(d);
  return {*Number(std::string_view(s).substr(0, 4)), *Number(std::string_view(s).substr(5, 2))};
}

}  // namespace

common::StatusOr<Period> ParsePeriod(std::string_view key, std::string field) {
  auto bad = [&] {
    return Status::InvalidArgument(
        "must be a school year (2025-2026), a quarter (2026-Q1) or a month (2026-03)", field);
  };
  if (key.size() < 4) return bad();
  auto year = Number(key.substr(0, 4));
  if (!year || !PlausibleYear(*year)) return bad();
  std::string_view rest = key.substr(4);
  if (rest.size() == 5 && rest[0] == '-') {
    auto next = Number(rest.substr(1));
    if (next && *next == *year + 1) return SchoolYear(*year);
    return bad();
  }
  if (rest.size() == 3 && rest[0] == '-' && (rest[1] == 'Q' || rest[1] == 'q')) {
    auto q = Number(rest.substr(2));
    if (q && *q >= 1 && *q <= 4) return Quarter(*year, *q);
    return bad();
  }
  if (rest.size() == 3 && rest[0] == '-') {
    auto m = Number(rest.substr(1));
    if (m && *m >= 1 && *m <= 12) return Month(*year, *m);
  }
  return bad();
}

Period SchoolYearOf(domain::Date day) {
  auto [y, m] = YearMonth(day);
  return SchoolYear(m >= 8 ? y : y - 1);
}

Period Previous(const Period& p) {
  auto [y, m] = YearMonth(p.from);
  switch (p.kind) {
    case PeriodKind::kSchoolYear:
      return SchoolYear(y - 1);
    case PeriodKind::kQuarter:
      return m == 1 ? Quarter(y - 1, 4) : Quarter(y, (m - 1) / 3);
    case PeriodKind::kMonth:
      return m == 1 ? Month(y - 1, 12) : Month(y, m - 1);
  }
  return p;
}

std::vector<std::string> MonthsOf(const Period& p) {
  std::vector<std::string> out;
  for (domain::Date d = p.from; d <= p.to; d = domain::AddMonths(d, 1))
    out.push_back(domain::FormatDate(d).substr(0, 7));
  return out;
}

common::StatusOr<Period> PeriodForRange(domain::Date from, domain::Date to) {
  auto [y, m] = YearMonth(from);
  std::vector<Period> candidates = {Month(y, m)};
  if ((m - 1) % 3 == 0) candidates.push_back(Quarter(y, (m + 2) / 3));
  if (m == 8) candidates.push_back(SchoolYear(y));
  for (const Period& p : candidates) {
    if (p.from == from && p.to == to) return p;
  }
  bool from_ok = false;
  for (const Period& p : candidates) from_ok = from_ok || p.from == from;
  return Status::InvalidArgument(
      "from and to must span exactly one month, quarter or school year (1 August to 31 July), "
      "so that overlapping ranges cannot undo suppression",
      from_ok ? "to" : "from");
}

domain::Date PublishedThrough(domain::Date today) {
  auto [y, m] = YearMonth(today);
  return domain::AddDays(domain::MakeDate(y, static_cast<unsigned>(m), 1), -1);
}

common::StatusOr<Period> Publishable(const Period& p, domain::Date today, std::string field) {
  domain::Date through = PublishedThrough(today);
  if (p.from > through) {
    return Status::InvalidArgument(
        "has no finished month yet: the monitor shows reports up to the end of the last "
        "finished month",
        std::move(field));
  }
  Period out = p;
  if (out.to > through) {
    out.to = through;
    out.running = true;
  }
  return out;
}

Period DefaultPeriod(domain::Date today) { return SchoolYearOf(PublishedThrough(today)); }

std::vector<Period> RecentPeriods(domain::Date today, int school_years) {
  std::vector<Period> out;
  domain::Date through = PublishedThrough(today);
  Period sy = SchoolYearOf(through);
  for (int i = 0; i < school_years; ++i, sy = Previous(sy)) out.push_back(sy);
  auto [y, m] = YearMonth(through);
  Period q = Quarter(y, (m + 2) / 3);
  for (int i = 0; i < 8; ++i, q = Previous(q)) out.push_back(q);
  Period mo = Month(y, m);
  for (int i = 0; i < 12; ++i, mo = Previous(mo)) out.push_back(mo);
  return out;
}

}  // namespace monitor
