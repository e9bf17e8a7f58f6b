#include "domain/calendar.h"

#include <chrono>
#include <cstdio>

namespace domain {

namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

year_month_day Ymd(Date d) { return year_month_day{sys_days{std::chrono::days{d.days}}}; }
Date FromYmd(year_month_day ymd) {
  return Date{static_cast<int32_t>(sys_days{ymd}.time_since_epoch().count())};
}

// Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
Date EasterSunday(int y) {
  int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
  int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451;
  int mon = (h + l - 7 * m + 114) / 31, dd = ((h + l - 7 * m + 114) % 31) + 1;
  return MakeDate(y, static_cast<unsigned>(mon), static_cast<unsigned>(dd));
}

}  // namespace

Date MakeDate(int y, unsigned m, unsigned d) { return FromYmd(year{y} / month{m} / day{d}); }

Date DateFromMillis(common::UnixMillis t) {
  int64_t days = t >= 0 ? t / 86400000 : (t - 86399999) / 86400000;
  return Date{static_cast<int32_t>(days)};
}

common::UnixMillis StartOfDayMillis(Date d) {
  return static_cast<common::UnixMillis>(d.days) * 86400000;
}

std::string FormatDate(Date d) {
  auto ymd = Ymd(d);
  char buf[16];
  (void)std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::optional<Date> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto digits = [&](size_t from, size_t n) -> std::optional<int> {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  auto y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
  if (!y || !m || !d || *y < 1900) return std::nullopt;
  year_month_day ymd{year{*y}, month{static_cast<unsigned>(*m)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return FromYmd(ymd);
}

int Weekday(Date d) {
  return static_cast<int>(std::chrono::weekday{sys_days{std::chrono::days{d.days}}}.c_encoding());
}

bool IsDutchPublicHoliday(Date d) {
  auto ymd = Ymd(d);
  int y = static_cast<int>(ymd.year());
  unsigned m = static_cast<unsigned>(ymd.month()), dd = static_cast<unsigned>(ymd.day());
  if ((m == 1 && dd == 1) || (m == 12 && (dd == 25 || dd == 26))) return true;
  if (m == 5 && dd == 5 && y % 5 == 0) return true;
  Date kings = MakeDate(y, 4, 27);
  if (Weekday(kings) == 0) kings = AddDays(kings, -1);
  if (d == kings) return true;
  Date easter = EasterSunday(y);
  for (int offset : {1, 39, 50}) {  // Easter Monday, Ascension, Whit Monday
    if (d == AddDays(easter, offset)) return true;
  }
  return false;
}

bool IsWorkingDay(Date d) {
  int wd = Weekday(d);
  return wd != 0 && wd != 6 && !IsDutchPublicHoliday(d);
}

Date AddWorkingDays(Date from, int n) {
  Date d = from;
  while (n > 0) {
    d = AddDays(d, 1);
    if (IsWorkingDay(d)) --n;
  }
  return d;
}

Date AddMonths(Date from, int n) {
  auto ymd = Ymd(from);
  auto target = year_month_day{ymd.year(), ymd.month(), day{1}} + std::chrono::months{n};
  auto last =
      std::chrono::year_month_day_last{target.year(), std::chrono::month_day_last{target.month()}};
  day dd = ymd.day() > last.day() ? last.day() : ymd.day();
  return FromYmd(year_month_day{target.year(), target.month(), dd});
}

}  // namespace domain
