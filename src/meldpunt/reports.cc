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
  // Only when given, so a report without the question keeps the form it had.
  if (!d.actors.empty()) {
    j["actors"] = nlohmann::json::array();
    for (auto a : d.actors) j["actors"].push_back(domain::Name(a));
  }
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
  bool operator==(const Holder&) const = default;
};

// The keys of a new case: the case key seals the content, the identity key
// the reporter's identity, the reporter key (from the code) the reporter's copies.
struct NewCaseKeys {
  crypto::SecretKey case_key;
  crypto::SecretKey identity_key;
  crypto::SecretKey reporter;
};

struct SealedCopy {
  std::string holder;
  std::string case_key;
  std::string identity_key;  // empty without an identity
};

// What Submit works out before it takes the write lock.
struct PreparedCase {
  domain::DeadlinePolicy policy;
  std::vector<Holder> holders;
  std::optional<std::string> company_id;
  std::vector<SealedCopy> sealed;
  db::Blob narrative;
  std::optional<db::Blob> company_text;
  std::optional<db::Blob> identity;
  std::string receipt_lookup;  // HMAC of the code (P1): the code itself is never stored
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

// Nobody could ever read a report sealed for no one.
Status NotSetUp() {
  return Status::FailedPrecondition(
      "the meldpunt of this school has not been set up (no recovery key)");
}

StatusOr<std::vector<SealedCopy>> SealForHolders(const std::vector<Holder>& holders,
                                                 const NewCaseKeys& keys, bool has_identity) {
  std::vector<SealedCopy> out;
  for (const Holder& h : holders) {
    SealedCopy copy{h.id, "", ""};
    SP_ASSIGN_OR_RETURN(copy.case_key, crypto::SealKeyTo(h.public_key, keys.case_key));
    if (has_identity) {
      SP_ASSIGN_OR_RETURN(copy.identity_key, crypto::SealKeyTo(h.public_key, keys.identity_key));
    }
    out.push_back(std::move(copy));
  }
  return out;
}

// Seals the narrative, a company typed as text, and the identity.
Status SealContent(const domain::ReportDraft& draft, const std::string& id, PreparedCase& prepared,
                   const NewCaseKeys& keys) {
  SP_ASSIGN_OR_RETURN(prepared.narrative,
                      internal::SealField(keys.case_key, id, "narrative", draft.narrative));
  if (!prepared.company_id && !draft.company.empty()) {
    std::string text = draft.company.name;
    if (!draft.company.kvk.empty())
      text += (text.empty() ? "KvK " : " (KvK ") + draft.company.kvk + (text.empty() ? "" : ")");
    SP_ASSIGN_OR_RETURN(prepared.company_text,
                        internal::SealField(keys.case_key, id, "company_text", text));
  }
  if (draft.reporter && !draft.reporter->empty()) {
    SP_ASSIGN_OR_RETURN(prepared.identity,
                        internal::SealField(keys.identity_key, id, "identity",
                                            internal::EncodeIdentity(*draft.reporter)));
  }
  return Status::Ok();
}

std::optional<std::string> TextOrNull(const std::string& s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(s);
}

// Inserts the case under a new random reference (crypto::NewCaseReference).
// A reference already used at the school is skipped by the unique
// constraint (ON CONFLICT DO NOTHING inserts no row, and keeps the
// transaction usable on PostgreSQL) and the next one is tried, within the
// same transaction. Sets receipt.case_number to the reference inserted.
Status InsertCase(db::Connection& c, const std::string& school_id, const domain::ReportDraft& draft,
                  const PreparedCase& prepared, Receipt& receipt, common::UnixMillis now,
                  domain::Date feedback_due) {
  const domain::Programme& programme = draft.programme;
  for (int attempt = 0; attempt < 8; ++attempt) {
    receipt.case_number = crypto::NewCaseReference();
    SP_ASSIGN_OR_RETURN(
        int64_t inserted,
        c.Execute(
            "INSERT INTO cases(id, school_id, case_number, receipt_key, mode, channel, phase, "
            "grounds, wishes, consents, company_id, occurred_on, status, received_at, "
            "first_contact_due, feedback_due, content_sha256, narrative, company_text, identity, "
            "crebo, pathway, level, location, actors) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
            "$10, $11, $12, 'received', $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, "
            "$24) "
            "ON CONFLICT (school_id, case_number) DO NOTHING",
            {receipt.case_id,
             school_id,
             receipt.case_number,
             prepared.receipt_lookup,
             domain::Name(draft.mode),
             domain::Name(draft.channel),
             domain::Name(draft.phase),
             internal::JoinNames(draft.grounds),
             internal::JoinNames(draft.wishes),
             internal::JoinNames(draft.consents),
             prepared.company_id,
             draft.occurred_on ? std::optional<std::string>(domain::FormatDate(*draft.occurred_on))
                               : std::nullopt,
             now,
             domain::FormatDate(receipt.first_contact_due),
             domain::FormatDate(feedback_due),
             receipt.content_sha256,
             prepared.narrative,
             prepared.company_text ? db::Param(*prepared.company_text) : db::Param(std::nullopt),
             prepared.identity ? db::Param(*prepared.identity) : db::Param(std::nullopt),
             TextOrNull(programme.crebo),
             TextOrNull(programme.pathway),
             programme.level,
             TextOrNull(programme.location),
             internal::JoinNames(draft.actors)}));
    if (inserted == 1) return Status::Ok();
  }
  // Eight collisions in a row in a 40-bit space: the generator is broken.
  return Status::Internal("no free case number");
}

// The register entry the student pointed at, or nullopt to keep it as text.
StatusOr<std::optional<std::string>> ResolveCompany(db::Connection& c, std::string_view school_id,
                                                    const domain::CompanyRef& ref) {
  if (!ref.leerbedrijf_id.empty()) {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT co.id FROM school_company_view co WHERE co.school_id = $1 "
                                "AND co.leerbedrijf_id = $2",
                                {school_id, ref.leerbedrijf_id}));
    if (rows.empty()) {
      return Status::InvalidArgument("is not in the school's company register",
                                     "company.leerbedrijf_id");
    }
    return std::optional<std::string>(rows.rows[0].Text(0));
  }
  if (!ref.kvk.empty()) {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT co.id FROM school_company_view co WHERE co.school_id = $1 AND "
                "co.kvk = $2",
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
                                   const std::optional<SubmittedBy>& by,
                                   std::string_view mail_optin_user) {
  common::UnixMillis now = clock_.NowMillis();
  domain::Date today = domain::DateFromMillis(now);
  SP_RETURN_IF_ERROR(domain::ValidateReport(draft, today));

  Receipt receipt;
  receipt.code = crypto::NewReceiptCode();
  std::string normalized = *crypto::NormalizeReceipt(receipt.code);
  receipt.case_id = crypto::RandomId();
  receipt.acknowledged_at = now;
  receipt.content_sha256 = ContentHash(draft);
  NewCaseKeys keys{crypto::SecretKey::Generate(), crypto::SecretKey::Generate(),
                   keys_.ReporterKey(normalized)};
  PreparedCase prepared;
  prepared.receipt_lookup = keys_.ReceiptLookup(normalized);
  crypto::SecureWipe(normalized);
  const std::string& id = receipt.case_id;
  const bool has_identity = draft.reporter && !draft.reporter->empty();

  // Everything that needs no write lock happens first, on a reader and
  // outside any transaction: the single SQLite writer then only inserts.
  SP_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    prepared.policy = internal::LoadPolicy(c, school.id);
    SP_ASSIGN_OR_RETURN(prepared.holders, IntakeHolders(c, keys_, school.id));
    if (prepared.holders.empty()) return NotSetUp();
    SP_ASSIGN_OR_RETURN(prepared.company_id, ResolveCompany(c, school.id, draft.company));
    return Status::Ok();
  }));
  SP_ASSIGN_OR_RETURN(prepared.sealed, SealForHolders(prepared.holders, keys, has_identity));
  SP_RETURN_IF_ERROR(SealContent(draft, id, prepared, keys));
  domain::CaseDates dates;
  dates.received = today;
  receipt.first_contact_due = domain::FirstContactDue(prepared.policy, dates);

  Status s = db_.Write([&](db::Connection& c) -> Status {
    // The holders may have changed since they were read (a lead added or a
    // recovery key rotated): then seal again for the current ones.
    SP_ASSIGN_OR_RETURN(std::vector<Holder> holders, IntakeHolders(c, keys_, school.id));
    if (holders.empty()) return NotSetUp();
    if (holders != prepared.holders) {
      SP_ASSIGN_OR_RETURN(prepared.sealed, SealForHolders(holders, keys, has_identity));
    }
    SP_RETURN_IF_ERROR(InsertCase(c, school.id, draft, prepared, receipt, now,
                                  domain::FeedbackDue(prepared.policy, dates)));
    for (const SealedCopy& copy : prepared.sealed) {
      SP_RETURN_IF_ERROR(
          keys_.StoreSealedForHolder(c, id, copy.holder, kCasePurpose, copy.case_key));
      if (has_identity) {
        SP_RETURN_IF_ERROR(
            keys_.StoreSealedForHolder(c, id, copy.holder, kIdentityPurpose, copy.identity_key));
      }
    }
    SP_RETURN_IF_ERROR(keys_.SealForReporter(c, id, kCasePurpose, keys.reporter, keys.case_key));
    if (has_identity) {
      SP_RETURN_IF_ERROR(
          keys_.SealForReporter(c, id, kIdentityPurpose, keys.reporter, keys.identity_key));
    }
    std::string actor = by ? by->user_id : "reporter";
    SP_RETURN_IF_ERROR(internal::AddEvent(c, id, now, "status", "", "received", actor));
    // The leads hear of a new case by mail (reference and link only).
    SP_ASSIGN_OR_RETURN(std::vector<std::string> leads, internal::ActiveLeads(c, school.id));
    SP_RETURN_IF_ERROR(internal::MailAboutCase(outbox_, c, mail::Kind::kNewCase, leads, id,
                                               "/meldpunt/zaken/" + id));
    // An anonymous report stays unlinked to any account, so no mail opt-in.
    if (!mail_optin_user.empty() && draft.mode != domain::ReportMode::kAnonymous) {
      SP_RETURN_IF_ERROR(c.Execute("INSERT INTO case_mail_optin(case_id, user_id) VALUES ($1, $2)",
                                   {id, std::string(mail_optin_user)})
                             .status());
    }
    // A staff member registering a named or confidential report is named; a
    // report from the student, and any anonymous one, is the reporter's side.
    if (by && draft.mode != domain::ReportMode::kAnonymous) {
      return audit_.Append(c, internal::CaseAudit(school.id, by->user_id, "case.create", id));
    }
    return audit_.Append(c, internal::ReporterAudit(school.id, "case.create", id));
  });
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
        c.Query("SELECT co.id, co.leerbedrijf_id, co.kvk, co.name, co.city FROM "
                "school_company_view co WHERE co.school_id = $1 AND (lower(co.name) LIKE $2 "
                "ESCAPE '\\' OR co.leerbedrijf_id = $3 OR co.kvk = $3) "
                "ORDER BY co.name LIMIT $4",
                {school_id, like, q, limit}));
    for (const db::Row& r : rows.rows)
      out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4)});
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

std::optional<domain::Programme> Meldpunt::ProgrammeOfStudent(const auth::User& student) {
  std::optional<domain::Programme> out;
  (void)db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT crebo, pathway, level, location FROM students WHERE user_id = $1 AND "
                "school_id = $2",
                {student.id, student.school_id}));
    if (rows.empty()) return Status::Ok();
    const db::Row& r = rows.rows[0];
    out = domain::Programme{r.Text(0), r.Text(1), static_cast<int>(r.Int(2)), r.Text(3)};
    return Status::Ok();
  });
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
             // The case period is not here: retention/settings.h owns it.
             "INSERT INTO school_settings(school_id, first_contact_working_days, feedback_months, "
             "signal_threshold, aftercare_weeks, show_handler_names, updated_at) "
             "VALUES "
             "($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (school_id) DO UPDATE SET "
             "first_contact_working_days = excluded.first_contact_working_days, feedback_months = "
             "excluded.feedback_months, "
             "signal_threshold = "
             "excluded.signal_threshold, aftercare_weeks = excluded.aftercare_weeks, "
             "show_handler_names = "
             "excluded.show_handler_names, updated_at = excluded.updated_at",
             {admin.school_id, p.first_contact_working_days, p.feedback_months,
              p.signal_threshold, weeks, show_handler_names, clock_.NowMillis()})
            .status());
    return audit_.Append(c, audit::Entry{admin.school_id, admin.id, "settings.update", "school",
                                         admin.school_id, "ok"});
  });
}

}  // namespace meldpunt
