// Submitting a report, the company register search, and school settings.
#include <nlohmann/json.hpp>

#include "crypto/hash.h"
#include "crypto/random.h"
#include "crypto/receipt.h"
#include "meldpunt/internal.h"
#include "meldpunt/service.h"

namespace meldpunt {

namespace {

using common::Status;
using common::StatusOr;

// The proof of report (P23): a hash over the submitted content in a canonical
// form (JSON with sorted keys), so the student can later show what they sent.
std::string ContentHash(const domain::ReportDraft& d) {
  nlohmann::json j;
  j["mode"] = domain::Name(d.mode);
  j["phase"] = domain::Name(d.phase);
  j["grounds"] = nlohmann::json::array();
  for (auto g : d.grounds) j["grounds"].push_back(domain::Name(g));
  j["wishes"] = nlohmann::json::array();
  for (auto w : d.wishes) j["wishes"].push_back(domain::Name(w));
  j["narrative"] = d.narrative;
  j["occurred_on"] = d.occurred_on ? domain::FormatDate(*d.occurred_on) : "";
  j["company"] = {{"leerbedrijf_id", d.company.leerbedrijf_id},
                  {"kvk", d.company.kvk},
                  {"name", d.company.name}};
  if (d.reporter) {
    j["reporter"] = {{"name", d.reporter->name},
                     {"student_number", d.reporter->student_number},
                     {"email", d.reporter->email}};
  }
  return crypto::Sha256Hex(j.dump());
}

struct Holder {
  std::string id;
  std::string public_key;
};

// Everyone a new case key is sealed for: the recovery key and the leads.
StatusOr<std::vector<Holder>> IntakeHolders(db::Connection& c, const KeyRing& keys,
                                            std::string_view school_id) {
  std::vector<Holder> holders;
  SP_ASSIGN_OR_RETURN(auto recovery, keys.RecoveryPublicKey(c, school_id));
  if (recovery) holders.push_back({std::string(kRecoveryHolder), *recovery});
  SP_ASSIGN_OR_RETURN(
      db::Rows leads,
      c.Query("SELECT u.id, k.public_key FROM users u JOIN user_keys k ON k.user_id = u.id "
              "WHERE u.school_id = $1 AND u.role = 'meldpunt' AND u.meldpunt_lead = 1 "
              "AND u.disabled = 0",
              {school_id}));
  for (const db::Row& r : leads.rows) holders.push_back({r.Text(0), r.BlobBytes(1)});
  return holders;
}

StatusOr<std::string> NextCaseNumber(db::Connection& c, std::string_view school_id,
                                     domain::Date today) {
  int year = std::atoi(domain::FormatDate(today).substr(0, 4).c_str());
  SP_RETURN_IF_ERROR(
      c.Execute("INSERT INTO case_counters(school_id, year, last) VALUES ($1, $2, 1) "
                "ON CONFLICT (school_id, year) DO UPDATE SET last = case_counters.last + 1",
                {school_id, year})
          .status());
  SP_ASSIGN_OR_RETURN(
      db::Row row, c.QueryOne("SELECT last FROM case_counters WHERE school_id = $1 AND year = $2",
                              {school_id, year}));
  char buf[32];
  std::snprintf(buf, sizeof buf, "M-%d-%04lld", year, static_cast<long long>(row.Int(0)));
  return std::string(buf);
}

// The register entry the student pointed at, or nullopt to keep it as text.
StatusOr<std::optional<std::string>> ResolveCompany(db::Connection& c, std::string_view school_id,
                                                    const domain::CompanyRef& ref) {
  if (!ref.leerbedrijf_id.empty()) {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT co.id FROM companies co JOIN school_companies sc ON "
                                "sc.company_id = co.id AND sc.school_id = $1 WHERE "
                                "co.leerbedrijf_id = $2",
                                {school_id, ref.leerbedrijf_id}));
    if (rows.empty()) {
      return Status::InvalidArgument("is not in the school's company register",
                                     "company.leerbedrijf_id");
    }
    return std::optional<std::string>(rows.rows[0].Text(0));
  }
  if (!ref.kvk.empty()) {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT co.id FROM companies co JOIN school_companies sc ON "
                                "sc.company_id = co.id AND sc.school_id = $1 WHERE co.kvk = $2",
                                {school_id, ref.kvk}));
    if (rows.rows.size() == 1) return std::optional<std::string>(rows.rows[0].Text(0));
  }
  return std::optional<std::string>();
}

}  // namespace

domain::DeadlinePolicy Meldpunt::Policy(std::string_view school_id) {
  domain::DeadlinePolicy policy;
  (void)db_.Read([&](db::Connection& c) {
    policy = internal::LoadPolicy(c, school_id);
    return Status::Ok();
  });
  return policy;
}

StatusOr<Receipt> Meldpunt::Submit(const auth::School& school, const domain::ReportDraft& draft,
                                   const std::optional<SubmittedBy>& by) {
  common::UnixMillis now = clock_.NowMillis();
  domain::Date today = domain::DateFromMillis(now);
  SP_RETURN_IF_ERROR(domain::ValidateReport(draft, today));

  Receipt receipt;
  receipt.code = crypto::NewReceiptCode();
  std::string normalized = *crypto::NormalizeReceipt(receipt.code);
  receipt.case_id = crypto::RandomId();
  receipt.acknowledged_at = now;
  receipt.content_sha256 = ContentHash(draft);
  crypto::SecretKey case_key = crypto::SecretKey::Generate();
  crypto::SecretKey identity_key = crypto::SecretKey::Generate();
  crypto::SecretKey reporter_key = keys_.ReporterKey(normalized);
  const std::string& id = receipt.case_id;

  Status s = db_.Write([&](db::Connection& c) -> Status {
    domain::DeadlinePolicy policy = internal::LoadPolicy(c, school.id);
    SP_ASSIGN_OR_RETURN(std::vector<Holder> holders, IntakeHolders(c, keys_, school.id));
    if (holders.empty()) {
      return Status::FailedPrecondition(
          "the meldpunt of this school has not been set up (no recovery key)");
    }
    SP_ASSIGN_OR_RETURN(auto company_id, ResolveCompany(c, school.id, draft.company));
    SP_ASSIGN_OR_RETURN(receipt.case_number, NextCaseNumber(c, school.id, today));
    domain::CaseDates dates;
    dates.received = today;
    receipt.first_contact_due = domain::FirstContactDue(policy, dates);

    SP_ASSIGN_OR_RETURN(db::Blob narrative,
                        internal::SealField(case_key, id, "narrative", draft.narrative));
    std::optional<db::Blob> company_text;
    if (!company_id && !draft.company.empty()) {
      std::string text = draft.company.name;
      if (!draft.company.kvk.empty())
        text += (text.empty() ? "KvK " : " (KvK ") + draft.company.kvk + (text.empty() ? "" : ")");
      SP_ASSIGN_OR_RETURN(company_text, internal::SealField(case_key, id, "company_text", text));
    }
    std::optional<db::Blob> identity;
    if (draft.reporter && !draft.reporter->empty()) {
      SP_ASSIGN_OR_RETURN(identity, internal::SealField(identity_key, id, "identity",
                                                        internal::EncodeIdentity(*draft.reporter)));
    }
    SP_RETURN_IF_ERROR(
        c.Execute(
             "INSERT INTO cases(id, school_id, case_number, receipt_key, mode, channel, phase, "
             "grounds, "
             "wishes, consents, company_id, occurred_on, status, received_at, first_contact_due, "
             "feedback_due, content_sha256, narrative, company_text, identity) VALUES ($1, $2, $3, "
             "$4, $5, "
             "$6, $7, $8, $9, $10, $11, $12, 'received', $13, $14, $15, $16, $17, $18, $19)",
             {id, school.id, receipt.case_number, keys_.ReceiptLookup(normalized),
              domain::Name(draft.mode), domain::Name(draft.channel), domain::Name(draft.phase),
              internal::JoinNames(draft.grounds), internal::JoinNames(draft.wishes),
              internal::JoinNames(draft.consents), company_id,
              draft.occurred_on ? std::optional<std::string>(domain::FormatDate(*draft.occurred_on))
                                : std::nullopt,
              now, domain::FormatDate(receipt.first_contact_due),
              domain::FormatDate(domain::FeedbackDue(policy, dates)), receipt.content_sha256,
              narrative, company_text ? db::Param(*company_text) : db::Param(std::nullopt),
              identity ? db::Param(*identity) : db::Param(std::nullopt)})
            .status());
    for (const Holder& h : holders) {
      SP_RETURN_IF_ERROR(
          keys_.SealForPublicHolder(c, id, h.id, kCasePurpose, h.public_key, case_key));
      if (identity) {
        SP_RETURN_IF_ERROR(
            keys_.SealForPublicHolder(c, id, h.id, kIdentityPurpose, h.public_key, identity_key));
      }
    }
    SP_RETURN_IF_ERROR(keys_.SealForReporter(c, id, kCasePurpose, reporter_key, case_key));
    if (identity)
      SP_RETURN_IF_ERROR(
          keys_.SealForReporter(c, id, kIdentityPurpose, reporter_key, identity_key));
    std::string actor = by ? by->user_id : "reporter";
    SP_RETURN_IF_ERROR(internal::AddEvent(c, id, now, "status", "", "received", actor));
    return audit_.Append(c, internal::CaseAudit(school.id, actor, "case.create", id));
  });
  crypto::SecureWipe(normalized);
  if (!s.ok()) return s;
  return receipt;
}

StatusOr<std::vector<CompanyInfo>> Meldpunt::SearchCompanies(std::string_view school_id,
                                                             std::string_view query, int limit) {
  std::vector<CompanyInfo> out;
  std::string q(query.substr(0, 100));
  if (q.size() < 2) return out;
  std::string like;
  for (char ch : q) {
    if (ch == '%' || ch == '_' || ch == '\\') like += '\\';
    like += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  like = "%" + like + "%";
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT co.id, co.leerbedrijf_id, co.kvk, co.name, co.city FROM companies co "
                "JOIN school_companies sc ON sc.company_id = co.id AND sc.school_id = $1 "
                "WHERE lower(co.name) LIKE $2 ESCAPE '\\' OR co.leerbedrijf_id = $3 OR co.kvk = $3 "
                "ORDER BY co.name LIMIT $4",
                {school_id, like, q, limit}));
    for (const db::Row& r : rows.rows)
      out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4)});
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

bool Meldpunt::ShowHandlerNames(std::string_view school_id) {
  bool show = false;
  (void)db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT show_handler_names FROM school_settings WHERE school_id = $1",
                {school_id}));
    show = !rows.empty() && rows.rows[0].Int(0) != 0;
    return Status::Ok();
  });
  return show;
}

Status Meldpunt::SaveSettings(const auth::User& admin, const domain::DeadlinePolicy& p,
                              bool show_handler_names) {
  if (p.first_contact_working_days < 1 || p.first_contact_working_days > 30) {
    return Status::InvalidArgument("must be between 1 and 30", "first_contact_working_days");
  }
  if (p.feedback_months < 1 || p.feedback_months > 3) {
    return Status::InvalidArgument("must be between 1 and 3 (EU directive)", "feedback_months");
  }
  if (p.retention_months < 1 || p.retention_months > 120) {
    return Status::InvalidArgument("must be between 1 and 120", "retention_months");
  }
  if (p.signal_threshold < 1 || p.signal_threshold > 100) {
    return Status::InvalidArgument("must be between 1 and 100", "signal_threshold");
  }
  std::string weeks;
  for (int w : p.aftercare_weeks) {
    if (w < 1 || w > 104)
      return Status::InvalidArgument("weeks must be between 1 and 104", "aftercare_weeks");
    weeks += (weeks.empty() ? "" : ",") + std::to_string(w);
  }
  return db_.Write([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(
        c.Execute(
             "INSERT INTO school_settings(school_id, first_contact_working_days, feedback_months, "
             "retention_months, signal_threshold, aftercare_weeks, show_handler_names, updated_at) "
             "VALUES "
             "($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (school_id) DO UPDATE SET "
             "first_contact_working_days = excluded.first_contact_working_days, feedback_months = "
             "excluded.feedback_months, retention_months = excluded.retention_months, "
             "signal_threshold = "
             "excluded.signal_threshold, aftercare_weeks = excluded.aftercare_weeks, "
             "show_handler_names = "
             "excluded.show_handler_names, updated_at = excluded.updated_at",
             {admin.school_id, p.first_contact_working_days, p.feedback_months, p.retention_months,
              p.signal_threshold, weeks, show_handler_names, clock_.NowMillis()})
            .status());
    return audit_.Append(c, audit::Entry{admin.school_id, admin.id, "settings.update", "school",
                                         admin.school_id, "ok"});
  });
}

}  // namespace meldpunt
