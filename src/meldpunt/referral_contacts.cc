// The school's outside contacts: its regional ADV, its SBB contact, and
// whether the vertrouwensinspecteur is shown (referral.h).
#include "auth/accounts.h"
#include "common/utf8.h"
#include "meldpunt/internal.h"
#include "meldpunt/referral.h"

namespace meldpunt {

namespace {

using common::Status;
using common::StatusOr;

std::string Trim(std::string_view s) {
  auto blank = [](char ch) { return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return std::string(s);
}

// Printable text of at most `max` bytes; newlines only where `lines`.
Status CheckText(const std::string& v, const char* field, size_t max, bool lines) {
  if (v.size() > max) return Status::InvalidArgument("too_long", field);
  if (!common::IsValidUtf8(v)) return Status::InvalidArgument("invalid", field);
  for (char ch : v) {
    auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 && !(lines && (ch == '\n' || ch == '\r')))
      return Status::InvalidArgument("invalid", field);
  }
  return Status::Ok();
}

// An optional address: "" stays "", anything else must be one.
StatusOr<std::string> CheckEmail(const std::string& v, const char* field) {
  if (v.empty()) return v;
  auto email = auth::NormalizeEmail(v);
  if (!email.ok()) return Status::InvalidArgument("not_email", field);
  return *email;
}

// A website students can open: https:// or http://, no spaces or quotes.
Status CheckWebsite(const std::string& v) {
  if (v.empty()) return Status::Ok();
  SP_RETURN_IF_ERROR(CheckText(v, "adv_website", 300, false));
  bool scheme = v.rfind("https://", 0) == 0 || v.rfind("http://", 0) == 0;
  if (!scheme || v.find_first_of(" \"'<>") != std::string::npos)
    return Status::InvalidArgument("not_url", "adv_website");
  return Status::Ok();
}

StatusOr<ReferralContacts> Validate(const ReferralContacts& in) {
  ReferralContacts out = in;
  for (std::string* s : {&out.adv_name, &out.adv_address, &out.adv_phone, &out.adv_email,
                         &out.adv_website, &out.sbb_name, &out.sbb_email})
    *s = Trim(*s);
  SP_RETURN_IF_ERROR(CheckText(out.adv_name, "adv_name", 200, false));
  SP_RETURN_IF_ERROR(CheckText(out.adv_address, "adv_address", 500, true));
  SP_RETURN_IF_ERROR(CheckText(out.adv_phone, "adv_phone", 30, false));
  SP_ASSIGN_OR_RETURN(out.adv_email, CheckEmail(out.adv_email, "adv_email"));
  SP_RETURN_IF_ERROR(CheckWebsite(out.adv_website));
  SP_RETURN_IF_ERROR(CheckText(out.sbb_name, "sbb_name", 200, false));
  SP_ASSIGN_OR_RETURN(out.sbb_email, CheckEmail(out.sbb_email, "sbb_email"));
  // An ADV is named before anything else of it is kept.
  if (out.adv_name.empty() && (!out.adv_address.empty() || !out.adv_phone.empty() ||
                               !out.adv_email.empty() || !out.adv_website.empty()))
    return Status::InvalidArgument("required", "adv_name");
  return out;
}

}  // namespace

StatusOr<ReferralContacts> Referrals::Contacts(std::string_view school_id) {
  ReferralContacts out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT adv_name, adv_address, adv_phone, adv_email, adv_website, "
                                "sbb_name, sbb_email, show_inspectie FROM referral_contacts "
                                "WHERE school_id = $1",
                                {std::string(school_id)}));
    if (rows.empty()) return Status::Ok();
    const db::Row& r = rows.rows[0];
    out = {r.Text(0), r.Text(1), r.Text(2),     r.Text(3), r.Text(4),
           r.Text(5), r.Text(6), r.Int(7) != 0, true};
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status Referrals::SaveContacts(const auth::User& admin, const ReferralContacts& in) {
  SP_ASSIGN_OR_RETURN(ReferralContacts v, Validate(in));
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO referral_contacts(school_id, adv_name, adv_address, adv_phone, "
                  "adv_email, adv_website, sbb_name, sbb_email, show_inspectie, updated_at, "
                  "updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
                  "ON CONFLICT (school_id) DO UPDATE SET adv_name = excluded.adv_name, "
                  "adv_address = excluded.adv_address, adv_phone = excluded.adv_phone, "
                  "adv_email = excluded.adv_email, adv_website = excluded.adv_website, "
                  "sbb_name = excluded.sbb_name, sbb_email = excluded.sbb_email, "
                  "show_inspectie = excluded.show_inspectie, updated_at = excluded.updated_at, "
                  "updated_by = excluded.updated_by",
                  {admin.school_id, v.adv_name, v.adv_address, v.adv_phone, v.adv_email,
                   v.adv_website, v.sbb_name, v.sbb_email, v.show_inspectie, now, admin.id})
            .status());
    return audit_.Append(
        c, {admin.school_id, admin.id, "referral.contacts", "school", admin.school_id, "ok"});
  });
}

}  // namespace meldpunt
