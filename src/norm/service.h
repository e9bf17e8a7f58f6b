// File: norm/service.h
//
// The school's norm on stagediscriminatie as a versioned policy page (on the
// norm_versions store that companies accept, see placement/service.h), the
// students' "I have read it" at the start of an internship, the
// self-assessment against the Inspectie's recommendations and the Toolbox
// tasks, the staff training register with expiry reminders, and the
// anonymous pulse survey after an internship. Every change is audited in its
// own transaction; another school's object is NotFound, like a missing one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "auth/accounts.h"
#include "common/clock.h"
#include "common/status.h"
#include "db/database.h"
#include "domain/calendar.h"
#include "domain/roles.h"
#include "norm/monitoring.h"
#include "norm/rules.h"

namespace norm {

// The four parts the Inspectie asks a school to make explicit. `norm_*` is
// the text companies accept (norm_versions.text_nl/text_en).
struct PolicyText {
  std::string definition_nl, definition_en;
  std::string norm_nl, norm_en;
  std::string report_nl, report_en;  // where to report
  std::string next_nl, next_en;      // what happens next
};

struct Policy {
  int version = 0;
  PolicyText text;
  common::UnixMillis published_at = 0;
};

// A placement whose student should read the norm before it starts.
struct NormToRead {
  std::string placement_id;
  std::string round_name;
  domain::Date start;
  Policy policy;                              // the current version
  std::optional<common::UnixMillis> read_at;  // of this version, for this placement
};

struct PulseInvite {
  std::string placement_id;
  std::string round_name;
  domain::Date end;
};

struct TrainingRecord {
  std::string id;
  std::string user_id;
  std::string user_name;
  std::string training_name;
  domain::Date completed_on;
  domain::Date expires_on;
  TrainingState state = TrainingState::kCurrent;
};

struct StaffMember {
  std::string id;
  std::string name;
};

class NormService {
 public:
  NormService(db::Database& db, const audit::AuditLog& audit, const common::Clock& clock)
      : db_(db), audit_(audit), clock_(clock) {}

  // ---- Policy page (policy.cc) ----
  // A new version with all four parts; the norm part is required in both
  // languages, the others may be empty (older versions had only the norm).
  common::StatusOr<int> PublishPolicy(const auth::User& actor, const PolicyText& text);
  // Public: nullopt when the school has published nothing yet.
  common::StatusOr<std::optional<Policy>> CurrentPolicy(std::string_view school_id);
  common::StatusOr<std::vector<Policy>> PolicyHistory(std::string_view school_id);  // newest first

  // The student's visible placements that have not ended, with the current
  // norm and whether they read it.
  common::StatusOr<std::vector<NormToRead>> NormsToRead(const auth::User& student);
  common::Status MarkNormRead(const auth::User& student, std::string_view placement_id,
                              int version);

  // ---- Self-assessment (assessment.cc) ----
  common::StatusOr<std::vector<AssessmentItemStatus>> Assessment(const auth::User& actor,
                                                                 std::string_view school_year);
  common::StatusOr<std::vector<AssessmentScore>> AssessmentHistory(const auth::User& actor);
  common::Status SaveAssessmentItem(const auth::User& actor, std::string_view school_year,
                                    std::string_view item_id, std::string_view status,
                                    std::string_view evidence, std::string_view dated);

  // ---- Training register (training.cc) ----
  common::StatusOr<std::vector<TrainingRecord>> TrainingRegister(const auth::User& actor);
  common::StatusOr<std::vector<StaffMember>> Staff(const auth::User& actor);
  common::StatusOr<std::string> RecordTraining(const auth::User& actor, std::string_view user_id,
                                               std::string_view training_name,
                                               std::string_view completed_on,
                                               std::string_view expires_on);
  common::StatusOr<std::vector<TrainingRecord>> MyTraining(const auth::User& user);
  // Daily: notifies each staff member 30 days before expiry and at expiry
  // (once each, notify::Add dedupes). Returns how many were new.
  common::StatusOr<int> SendTrainingReminders();

  // ---- Pulse survey (pulse.cc) ----
  common::StatusOr<std::vector<PulseInvite>> PulseInvites(const auth::User& student);
  common::Status AnswerPulse(const auth::User& student, std::string_view placement_id,
                             const PulseAnswer& answer);

 private:
  domain::Date Today() const { return domain::DateFromMillis(clock_.NowMillis()); }
  common::Status Audit(db::Connection& c, const auth::User& actor, std::string action,
                       std::string object_type, std::string_view object_id) const;

  db::Database& db_;
  const audit::AuditLog& audit_;
  const common::Clock& clock_;
};

// Shared by the files of this module.
common::Status RequirePermission(const auth::User& actor, domain::Permission p);
common::Status CheckText(std::string_view text, std::string_view field, size_t max_chars,
                         bool required);

}  // namespace norm
