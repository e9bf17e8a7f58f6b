// File: domain/calendar.h
//
// Civil dates for deadlines: "3 working days" skips weekends and Dutch public
// holidays, "3 months" is calendar months clamped to the month's last day.
// Pure functions on days since the Unix epoch; no clock, no time zone (dates
// are taken in UTC by the caller, which is a day off at most around midnight).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace domain {

// Days since 1970-01-01.
struct Date {
  int32_t days = 0;
  auto operator<=>(const Date&) const = default;
};

Date DateFromMillis(common::UnixMillis t);                   // UTC date of an instant
common::UnixMillis StartOfDayMillis(Date d);                 // 00:00 UTC
std::string FormatDate(Date d);                              // "2026-11-23"
std::optional<Date> ParseDate(std::string_view yyyy_mm_dd);  // strict, real dates only
Date MakeDate(int year, unsigned month, unsigned day);
int Weekday(Date d);  // 0 = Sunday ... 6 = Saturday

// New Year, Easter Monday, King's Day (27 April, or 26 April when the 27th is
// a Sunday), Liberation Day in lustrum years, Ascension Day, Whit Monday and
// both Christmas days.
bool IsDutchPublicHoliday(Date d);
bool IsWorkingDay(Date d);
// The n-th working day after `from` (n >= 0; n = 0 gives `from` itself).
Date AddWorkingDays(Date from, int n);
// Same day n months later, clamped ("31 Jan + 1 month" = 28/29 Feb).
Date AddMonths(Date from, int n);
inline Date AddDays(Date from, int n) { return Date{from.days + n}; }

}  // namespace domain
