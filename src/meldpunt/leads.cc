// A staffed meldpunt: who is a lead, and case keys that follow the role.
//
// Leads receive every new case (reports.cc seals each new case key to every
// active lead with a key pair). Someone who becomes lead later, or a handler
// whose key pair was replaced after a password reset, lacks the copies of
// the cases that already exist. Those are granted through a queue
// (meldpunt_key_grants): any lead's request that carries their key (StaffFor)
// seals each case key they can open to the waiting handler's public key, or
// the school admin does it at once with the recovery code. A handler without
// a key pair (not logged in yet since their account or reset) waits.
#include <functional>

#include "meldpunt/internal.h"
#include "meldpunt/service.h"
#include "notify/notifications.h"

namespace meldpunt {

namespace {

using common::Status;
using common::StatusOr;

// A case key from whoever grants: a lead's own copy or the recovery key.
// nullopt when the granter holds no copy of that case.
using Opener = std::function<std::optional<crypto::SecretKey>(
    db::Connection& c, std::string_view case_id, std::string_view purpose)>;

// The cases a handler should hold a case key for and does not: for a lead
// every case of the school whose content still exists (not shredded), for
// another handler the cases assigned to them. $1 school, $2 user, $3 lead.
constexpr char kMissingWhere[] =
    " FROM cases c WHERE c.school_id = $1 AND c.shredded_at IS NULL AND ($3 = 1 OR "
    "c.assigned_to = $2) AND NOT EXISTS (SELECT 1 FROM case_keys k WHERE k.case_id = c.id AND "
    "k.holder = $2 AND k.purpose = 'case')";

struct GrantOutcome {
  int sealed = 0;        // case keys sealed now
  int64_t missing = 0;   // still missing: the granter holds no copy
  bool waiting = false;  // no key pair yet (first login to come)
  bool gone = false;     // no longer an active handler of the school
};

// Seals to the handler's current public key every case key they lack. The
// identity key goes along to a lead, and for a named report to the assigned
// handler, as Assign does (a confidential identity only through identity.cc).
StatusOr<GrantOutcome> GrantCopies(db::Connection& c, const KeyRing& keys,
                                   std::string_view school_id, std::string_view user_id,
                                   const Opener& open) {
  GrantOutcome out;
  SP_ASSIGN_OR_RETURN(
      db::Rows who,
      c.Query("SELECT u.meldpunt_lead, k.public_key FROM users u LEFT JOIN user_keys k ON "
              "k.user_id = u.id WHERE u.id = $1 AND u.school_id = $2 AND u.role = 'meldpunt' "
              "AND u.disabled = 0",
              {user_id, school_id}));
  if (who.empty()) {
    out.gone = true;
    return out;
  }
  if (who.rows[0].IsNull(1)) {
    out.waiting = true;
    return out;
  }
  const int64_t lead = who.rows[0].Int(0) != 0 ? 1 : 0;
  const std::string public_key = who.rows[0].BlobBytes(1);
  SP_ASSIGN_OR_RETURN(db::Rows cases,
                      c.Query(std::string("SELECT c.id, c.mode") + kMissingWhere + " ORDER BY c.id",
                              {school_id, user_id, lead}));
  for (const db::Row& r : cases.rows) {
    const std::string case_id = r.Text(0);
    auto case_key = open(c, case_id, kCasePurpose);
    if (!case_key) {
      ++out.missing;
      continue;
    }
    SP_RETURN_IF_ERROR(
        keys.SealForPublicHolder(c, case_id, user_id, kCasePurpose, public_key, *case_key));
    ++out.sealed;
    if (lead == 1 || r.Text(1) == "named") {
      if (auto identity_key = open(c, case_id, kIdentityPurpose)) {
        SP_RETURN_IF_ERROR(keys.SealForPublicHolder(c, case_id, user_id, kIdentityPurpose,
                                                    public_key, *identity_key));
      }
    }
  }
  return out;
}

audit::Entry LeadAudit(std::string_view school_id, std::string_view actor, std::string action,
                       std::string_view user_id, std::string result = "ok") {
  return audit::Entry{std::string(school_id), std::string(actor), std::move(action), "user",
                      std::string(user_id),   std::move(result)};
}

// Works through the school's queue with `open`; a row goes once nothing is
// missing any more (or the user is no handler any more). Each grant that
// sealed keys is audited with its count. A lead's own row goes too once they
// lack nothing (a lead made while the school had no cases yet).
StatusOr<int> ProcessQueue(db::Connection& c, const KeyRing& keys, const audit::AuditLog& audit,
                           std::string_view school_id, std::string_view actor, const Opener& open) {
  SP_ASSIGN_OR_RETURN(db::Rows queued,
                      c.Query("SELECT user_id FROM meldpunt_key_grants WHERE school_id = $1 "
                              "ORDER BY created_at, user_id",
                              {school_id}));
  int total = 0;
  for (const db::Row& q : queued.rows) {
    const std::string user_id = q.Text(0);
    SP_ASSIGN_OR_RETURN(GrantOutcome g, GrantCopies(c, keys, school_id, user_id, open));
    if (g.gone || (!g.waiting && g.missing == 0)) {
      SP_RETURN_IF_ERROR(
          c.Execute("DELETE FROM meldpunt_key_grants WHERE user_id = $1", {user_id}).status());
    }
    if (g.sealed > 0) {
      SP_RETURN_IF_ERROR(audit.Append(c, LeadAudit(school_id, actor, "meldpunt.keys_grant", user_id,
                                                   "ok n=" + std::to_string(g.sealed))));
    }
    total += g.sealed;
  }
  return total;
}

struct Handler {
  bool lead = false;
  bool active = false;  // an active meldpunt handler
};

// The user as far as leads go; kNotFound outside the school (P8).
StatusOr<Handler> LoadHandler(db::Connection& c, std::string_view school_id,
                              std::string_view user_id) {
  SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT role, disabled, meldpunt_lead FROM users "
                                             "WHERE id = $1 AND school_id = $2",
                                             {user_id, school_id}));
  if (rows.empty()) return Status::NotFound("no such user");
  const db::Row& r = rows.rows[0];
  return Handler{r.Int(2) != 0, r.Text(0) == "meldpunt" && r.Int(1) == 0};
}

StatusOr<int64_t> ActiveLeads(db::Connection& c, std::string_view school_id) {
  SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne("SELECT COUNT(*) FROM users WHERE school_id = $1 AND "
                                            "role = 'meldpunt' AND meldpunt_lead = 1 AND "
                                            "disabled = 0",
                                            {school_id}));
  return r.Int(0);
}

}  // namespace

StatusOr<std::vector<Meldpunt::StaffKeys>> Meldpunt::LeadOverview(std::string_view school_id) {
  std::vector<StaffKeys> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    out.clear();
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT u.id, u.display_name, u.login, u.meldpunt_lead, k.user_id, g.user_id "
                "FROM users u LEFT JOIN user_keys k ON k.user_id = u.id LEFT JOIN "
                "meldpunt_key_grants g ON g.user_id = u.id WHERE u.school_id = $1 AND u.role = "
                "'meldpunt' AND u.disabled = 0 ORDER BY u.display_name, u.id",
                {school_id}));
    for (const db::Row& r : rows.rows) {
      StaffKeys k{r.Text(0), r.Text(1), r.Text(2), r.Int(3) != 0, !r.IsNull(4), !r.IsNull(5), 0};
      SP_ASSIGN_OR_RETURN(db::Row n, c.QueryOne(std::string("SELECT COUNT(*)") + kMissingWhere,
                                                {school_id, k.id, int64_t{k.lead ? 1 : 0}}));
      k.missing = n.Int(0);
      out.push_back(std::move(k));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<bool> Meldpunt::EnsureLead(db::Connection& c, std::string_view school_id,
                                    std::string_view actor_id) {
  SP_ASSIGN_OR_RETURN(int64_t leads, ActiveLeads(c, school_id));
  if (leads > 0) return false;
  SP_ASSIGN_OR_RETURN(db::Rows first,
                      c.Query("SELECT id FROM users WHERE school_id = $1 AND role = 'meldpunt' "
                              "AND disabled = 0 ORDER BY created_at, id LIMIT 1",
                              {school_id}));
  if (first.empty()) return false;
  const std::string id = first.rows[0].Text(0);
  SP_RETURN_IF_ERROR(c.Execute("UPDATE users SET meldpunt_lead = 1 WHERE id = $1", {id}).status());
  SP_RETURN_IF_ERROR(KeyRing::QueueKeyGrant(c, school_id, id, "lead", clock_.NowMillis()));
  SP_RETURN_IF_ERROR(
      audit_.Append(c, LeadAudit(school_id, actor_id, "meldpunt.lead_add", id, "auto")));
  return true;
}

StatusOr<bool> Meldpunt::EnsureLead(std::string_view school_id, std::string_view actor_id) {
  bool made = false;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(made, EnsureLead(c, school_id, actor_id));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return made;
}

Status Meldpunt::AddLead(std::string_view school_id, std::string_view actor_id,
                         std::string_view user_id) {
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(Handler h, LoadHandler(c, school_id, user_id));
    if (!h.active) return Status::InvalidArgument("is not an active meldpunt handler", "user");
    if (h.lead) return Status::Ok();
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE users SET meldpunt_lead = 1 WHERE id = $1", {user_id}).status());
    SP_RETURN_IF_ERROR(KeyRing::QueueKeyGrant(c, school_id, user_id, "lead", clock_.NowMillis()));
    return audit_.Append(c, LeadAudit(school_id, actor_id, "meldpunt.lead_add", user_id));
  });
}

Status Meldpunt::RemoveLead(std::string_view school_id, std::string_view actor_id,
                            std::string_view user_id) {
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(Handler h, LoadHandler(c, school_id, user_id));
    if (!h.lead) return Status::Ok();
    SP_ASSIGN_OR_RETURN(int64_t leads, ActiveLeads(c, school_id));
    if (h.active && leads <= 1) {
      return Status::FailedPrecondition(
          "the last lead cannot be removed: make another handler lead first", "user");
    }
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE users SET meldpunt_lead = 0 WHERE id = $1", {user_id}).status());
    // Copies held as lead go; those of cases assigned to them as handler stay
    // (the case key, and the identity key of a named report, as Assign seals).
    SP_ASSIGN_OR_RETURN(
        int64_t removed,
        c.Execute("DELETE FROM case_keys WHERE holder = $1 AND NOT EXISTS (SELECT 1 FROM cases c "
                  "WHERE c.id = case_keys.case_id AND c.assigned_to = $1 AND "
                  "(case_keys.purpose = 'case' OR c.mode = 'named'))",
                  {user_id}));
    SP_RETURN_IF_ERROR(keys_.EndAllKeySessions(c, user_id));
    return audit_.Append(c, LeadAudit(school_id, actor_id, "meldpunt.lead_remove", user_id,
                                      "ok n=" + std::to_string(removed)));
  });
}

StatusOr<int> Meldpunt::GrantWithRecoveryCode(std::string_view school_id, std::string_view actor_id,
                                              std::string_view code) {
  int total = 0;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(crypto::KeyPair recovery, keys_.OpenRecoveryCode(c, school_id, code));
    Opener open = [&](db::Connection& conn, std::string_view case_id,
                      std::string_view purpose) -> std::optional<crypto::SecretKey> {
      auto key = keys_.OpenWithKeyPair(conn, case_id, kRecoveryHolder, purpose, recovery);
      if (!key.ok()) return std::nullopt;
      return *key;
    };
    SP_ASSIGN_OR_RETURN(total, ProcessQueue(c, keys_, audit_, school_id, actor_id, open));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return total;
}

StatusOr<int> Meldpunt::ProcessKeyGrants(const Staff& lead) {
  if (!lead.lead || !lead.key) return Status::PermissionDenied("a lead with their key only");
  int total = 0;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    Opener open = [&](db::Connection& conn, std::string_view case_id,
                      std::string_view purpose) -> std::optional<crypto::SecretKey> {
      auto key = keys_.OpenWithKeyPair(conn, case_id, lead.user.id, purpose, *lead.key);
      if (!key.ok()) return std::nullopt;
      return *key;
    };
    SP_ASSIGN_OR_RETURN(total,
                        ProcessQueue(c, keys_, audit_, lead.user.school_id, lead.user.id, open));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return total;
}

StatusOr<std::vector<std::string>> Meldpunt::HandlerKeysLost(db::Connection& c,
                                                             const auth::User& user) {
  std::vector<std::string> leads;
  if (user.role != domain::Role::kMeldpuntHandler || user.school_id.empty()) return leads;
  SP_RETURN_IF_ERROR(keys_.DropUserKeys(c, user.id, user.school_id));
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT id FROM users WHERE school_id = $1 AND role = 'meldpunt' "
                              "AND meldpunt_lead = 1 AND disabled = 0 AND id <> $2 ORDER BY id",
                              {user.school_id, user.id}));
  common::UnixMillis now = clock_.NowMillis();
  for (const db::Row& r : rows.rows) {
    leads.push_back(r.Text(0));
    SP_RETURN_IF_ERROR(notify::Add(c,
                                   {user.school_id, r.Text(0), "handler_needs_keys",
                                    user.display_name, "/meldpunt", user.id},
                                   now)
                           .status());
  }
  SP_RETURN_IF_ERROR(
      audit_.Append(c, LeadAudit(user.school_id, user.id, "meldpunt.keys_lost", user.id)));
  return leads;
}

void Meldpunt::KeepStaffed(Staff& staff) {
  const auth::User& user = staff.user;
  if (user.role != domain::Role::kMeldpuntHandler || user.school_id.empty()) return;
  int64_t leads = 1, waiting = 0;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Row r,
        c.QueryOne("SELECT (SELECT COUNT(*) FROM users WHERE school_id = $1 AND role = "
                   "'meldpunt' AND meldpunt_lead = 1 AND disabled = 0), (SELECT COUNT(*) FROM "
                   "meldpunt_key_grants g JOIN user_keys k ON k.user_id = g.user_id WHERE "
                   "g.school_id = $1)",
                   {user.school_id}));
    leads = r.Int(0);
    waiting = r.Int(1);
    return Status::Ok();
  });
  if (!s.ok()) return;
  if (leads == 0) {
    // Someone must receive new cases (the rule of EnsureLead).
    auto made = EnsureLead(user.school_id, "system");
    if (made.ok() && *made) {
      (void)db_.Read([&](db::Connection& c) -> Status {
        SP_ASSIGN_OR_RETURN(db::Row r,
                            c.QueryOne("SELECT meldpunt_lead FROM users WHERE id = $1", {user.id}));
        staff.lead = r.Int(0) != 0;
        return Status::Ok();
      });
    }
  }
  // Best effort: a failure leaves the queue for the next request.
  if (waiting > 0 && staff.lead && staff.key) (void)ProcessKeyGrants(staff);
}

}  // namespace meldpunt
