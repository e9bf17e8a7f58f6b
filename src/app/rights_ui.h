// Shared by the rights pages (rights_routes.cc for the student or company
// contact, rights_admin_routes.cc for the school admin): readable dates and
// the words for a request's kind and state.
#pragma once

#include <string>

#include "app/app.h"
#include "domain/calendar.h"
#include "privacy/requests.h"

namespace app::rightsui {

// "7 januari 2027" / "7 January 2027" (mon_month_XX of the monitor catalogue).
inline std::string LongDate(const Ctx& ctx, domain::Date d) {
  std::string iso = domain::FormatDate(d);  // yyyy-mm-dd
  std::string day = iso.substr(8, 2);
  if (day[0] == '0') day.erase(0, 1);
  return day + " " + ctx.T("mon_month_" + iso.substr(5, 2)) + " " + iso.substr(0, 4);
}

inline std::string LongDate(const Ctx& ctx, const std::string& yyyy_mm_dd) {
  auto d = domain::ParseDate(yyyy_mm_dd);
  return d ? LongDate(ctx, *d) : yyyy_mm_dd;
}

// "7 januari 2027, 14:03 UTC": times are stored in UTC and shown as such.
inline std::string LongTime(const Ctx& ctx, common::UnixMillis t) {
  std::string iso = common::FormatIso8601(t);  // yyyy-mm-ddThh:mm:ss...
  return LongDate(ctx, domain::DateFromMillis(t)) + ", " + iso.substr(11, 5) + " UTC";
}

inline std::string KindLabel(const Ctx& ctx, privacy::RequestKind kind) {
  return ctx.T("rights_kind_" + std::string(privacy::RequestKindName(kind)));
}

inline std::string StateLabel(const Ctx& ctx, privacy::RequestState state) {
  return ctx.T("rights_state_" + std::string(privacy::RequestStateName(state)));
}

// Days from today until `due_on` (negative: overdue).
inline int DaysLeft(const Ctx& ctx, const std::string& due_on) {
  auto d = domain::ParseDate(due_on);
  if (!d) return 0;
  return d->days - domain::DateFromMillis(ctx.app.clock().NowMillis()).days;
}

}  // namespace app::rightsui
