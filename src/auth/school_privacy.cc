#include "auth/school_privacy.h"

#include <algorithm>

#include "auth/accounts.h"
#include "common/utf8.h"

namespace auth {

namespace {

using common::Status;
using common::StatusOr;

std::string Trim(std::string_view s) {
  auto blank = [](char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// Printable text: no control characters but newlines where they are allowed.
Status CheckText(const std::string& v, const char* field, size_t max, bool lines) {
  if (v.empty()) return Status::InvalidArgument("required", field);
  if (v.size() > max) return Status::InvalidArgument("too_long", field);
  if (!common::IsValidUtf8(v)) return Status::InvalidArgument("required", field);
  for (char ch : v) {
    auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 && !(lines && (ch == '\n' || ch == '\r'))) {
      return Status::InvalidArgument("required", field);
    }
  }
  return Status::Ok();
}

StatusOr<std::string> CheckEmail(const std::string& v, const char* field) {
  if (v.empty()) return Status::InvalidArgument("required", field);
  auto email = NormalizeEmail(v);
  if (!email.ok()) return Status::InvalidArgument("not_email", field);
  return *email;
}

Status CheckPhone(const std::string& v) {
  if (v.empty()) return Status::InvalidArgument("required", "phone");
  if (v.size() > 30) return Status::InvalidArgument("too_long", "phone");
  int digits = 0;
  for (char ch : v) {
    if (ch >= '0' && ch <= '9') {
      ++digits;
    } else if (std::string_view(" +-()").find(ch) == std::string_view::npos) {
      return Status::InvalidArgument("not_phone", "phone");
    }
  }
  if (digits < 6) return Status::InvalidArgument("not_phone", "phone");
  return Status::Ok();
}

}  // namespace

StatusOr<SchoolPrivacy> ValidateSchoolPrivacy(const SchoolPrivacy& in) {
  SchoolPrivacy out{Trim(in.address), Trim(in.email), Trim(in.phone), Trim(in.dpo_name),
                    Trim(in.dpo_email)};
  SP_RETURN_IF_ERROR(CheckText(out.address, "address", 500, true));
  SP_ASSIGN_OR_RETURN(out.email, CheckEmail(out.email, "email"));
  SP_RETURN_IF_ERROR(CheckPhone(out.phone));
  SP_RETURN_IF_ERROR(CheckText(out.dpo_name, "dpo_name", 200, false));
  SP_ASSIGN_OR_RETURN(out.dpo_email, CheckEmail(out.dpo_email, "dpo_email"));
  return out;
}

StatusOr<std::optional<SchoolPrivacy>> LoadSchoolPrivacy(db::Connection& c,
                                                         std::string_view school_id) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT address, email, phone, dpo_name, dpo_email FROM "
                              "school_privacy WHERE school_id = $1",
                              {std::string(school_id)}));
  if (rows.empty()) return std::optional<SchoolPrivacy>();
  const db::Row& r = rows.rows[0];
  return std::optional<SchoolPrivacy>(
      SchoolPrivacy{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4)});
}

StatusOr<SchoolPrivacy> SaveSchoolPrivacy(db::Connection& c, std::string_view school_id,
                                          const SchoolPrivacy& in, std::string_view updated_by,
                                          common::UnixMillis now) {
  SP_ASSIGN_OR_RETURN(SchoolPrivacy v, ValidateSchoolPrivacy(in));
  SP_RETURN_IF_ERROR(
      c.Execute("INSERT INTO school_privacy(school_id, address, email, phone, dpo_name, "
                "dpo_email, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                "ON CONFLICT (school_id) DO UPDATE SET address = excluded.address, email = "
                "excluded.email, phone = excluded.phone, dpo_name = excluded.dpo_name, "
                "dpo_email = excluded.dpo_email, updated_at = excluded.updated_at, "
                "updated_by = excluded.updated_by",
                {std::string(school_id), v.address, v.email, v.phone, v.dpo_name, v.dpo_email, now,
                 std::string(updated_by)})
          .status());
  return v;
}

}  // namespace auth
