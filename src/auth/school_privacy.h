// File: auth/school_privacy.h
//
// The school as controller (verwerkingsverantwoordelijke) on its privacy page:
// how to reach it about personal data, and its data protection officer
// (functionaris gegevensbescherming, FG). Owner of the `school_privacy`
// table; the school admin sets it on /admin/privacy/verklaring, the public
// page /s/{brin}/privacy shows it.
//
//   SP_ASSIGN_OR_RETURN(auto contact, auth::LoadSchoolPrivacy(conn, school_id));
//   if (!contact) { /* "not filled in yet" */ }
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "db/database.h"

namespace auth {

struct SchoolPrivacy {
  std::string address;    // postal address of the controller, one or more lines
  std::string email;      // the school's address for privacy questions
  std::string phone;      // digits, spaces, '+', '-', '(' and ')'
  std::string dpo_name;   // the FG's name (a person or an office)
  std::string dpo_email;  // the FG's address
};

// Checks and tidies the fields (trimmed; e-mail lower case). InvalidArgument
// naming the first bad field ("address", "email", "phone", "dpo_name",
// "dpo_email") with a reason: "required", "too_long", "not_email" or
// "not_phone", for the page to put in words.
common::StatusOr<SchoolPrivacy> ValidateSchoolPrivacy(const SchoolPrivacy& in);

// The school's row, or nullopt while the admin has not filled it in.
common::StatusOr<std::optional<SchoolPrivacy>> LoadSchoolPrivacy(db::Connection& c,
                                                                 std::string_view school_id);

// Validates and writes the row in the caller's transaction (the caller
// audits). Returns what was stored.
common::StatusOr<SchoolPrivacy> SaveSchoolPrivacy(db::Connection& c, std::string_view school_id,
                                                  const SchoolPrivacy& in,
                                                  std::string_view updated_by,
                                                  common::UnixMillis now);

}  // namespace auth
