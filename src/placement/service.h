// File: placement/service.h
//
// Stagematching as a service: the school places students on their leerwens
// with neutral criteria, so the company does not choose who comes. The web
// pages, the JSON API and the `stagepunt import` command all call this class;
// it owns who sees what, and writes one audit record per change, in the same
// transaction as the change.
//
//   Stagematching sm(db, clock, audit);
//   auto report = sm.Import(coordinator, ImportKind::kStudents, "students.csv", bytes);
//   auto round  = sm.CreateRound(coordinator, spec);
//   sm.OpenRound(coordinator, round->id);                // students enter their leerwens
//   sm.SaveLeerwens(student_user, round->id, wish);
//   sm.CloseRound(coordinator, round->id);
//   auto run    = sm.Run(coordinator, round->id, {});     // DA, optimal beside it
//   auto review = sm.GetReview(coordinator, round->id);     // ranks, unplaced, explanations
//   sm.Override(coordinator, round->id, student_id, place_id, "reden");
//   sm.Publish(coordinator, round->id);                   // visible from start - lead days
//
// Callers. Every method takes the acting `auth::User`; its school_id scopes
// everything, and another school's object answers exactly like a missing one
// (kNotFound). Least privilege:
//   - coordinators (Permission::kManagePlacements): imports, rounds, review,
//     overrides, publication, exclusions with reasons, flags, exports, norm;
//   - students: only their own student record and leerwens (linked through
//     students.user_id; see LinkStudentUser);
//   - company contacts: only their own company (company_contacts; see
//     LinkCompanyContact), and no student's personal data before the
//     placements of a round are visible.
// For the command line, pass a system actor: auth::User with id "system",
// the school's id and role kCoordinator.
//
// Errors: kInvalidArgument names the field; kNotFound for missing or other
// schools' objects; kPermissionDenied for a role that may not; kFailedPrecondition
// when the round's state forbids it (field says which rule); kUnavailable when
// the database is down. Bad import files are not errors: they come back as an
// ImportReport with applied == false and one entry per problem.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "auth/accounts.h"
#include "auth/sessions.h"
#include "common/clock.h"
#include "common/status.h"
#include "db/database.h"
#include "domain/calendar.h"
#include "domain/company_pause.h"
#include "domain/placement.h"
#include "mail/outbox.h"

namespace placement {

// ---- Imports ----------------------------------------------------------------

struct ImportError {
  ImportError() = default;
  ImportError(int64_t l, std::string f, std::string m, std::string nl = {})
      : line(l), field(std::move(f)), message(std::move(m)), message_nl(std::move(nl)) {}
  int64_t line = 0;   // 1-based line in the file; 0 for the file as a whole
  std::string field;  // canonical column name, or ""
  std::string message;
  // The same in Dutch, where the import words it so (the bpv kind, the file's
  // own problems); "" otherwise, and pages show `message`.
  std::string message_nl;
  // "students.csv:7: crebo \"12\" is not a 5-digit crebo code"
  std::string ToString(std::string_view file_name) const;
};

struct ImportReport {
  std::string file_name;
  bool applied = false;  // true: every line was applied, in one transaction
  int64_t rows = 0;      // data lines read
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t unchanged = 0;
  // Logins (docs/accounts.md): made by this import, linked to a record
  // (students, company contacts), and invitations queued.
  int64_t logins_created = 0;
  int64_t logins_linked = 0;
  int64_t invitations = 0;
  std::vector<ImportError> errors;  // non-empty <=> !applied; sorted by line
};

// How an import treats logins. The students import links a record to the
// school's login named in its `email` column and, with `invite_students`,
// makes a student login for a record without one; the companies import makes
// or links the contact of `contact_email`; the staff import makes or updates
// staff logins. New logins get an invitation queued in `outbox`, in the
// import's transaction (none when `outbox` is null or, for staff,
// `invite_staff` is false: schools whose staff log in by SSO).
struct ImportOptions {
  bool invite_students = false;
  bool invite_staff = true;
  const mail::Outbox* outbox = nullptr;
};

// ---- Students, companies, places -----------------------------------------

struct Student {
  std::string id;
  std::string student_number;
  std::string name;
  std::string crebo;
  int level = 0;
  domain::Pathway pathway = domain::Pathway::kBol;
  std::string cohort;
  std::string location;
  std::optional<domain::Coordinates> coordinates;
  bool linked_to_user = false;  // a student login is linked
};

struct StudentFilter {
  std::string cohort;  // "" for all
  std::string crebo;   // "" for all
  int limit = 500;
  int offset = 0;
};

struct Company {
  std::string id;
  std::string leerbedrijf_id;
  std::string kvk;
  std::string name;
  std::string address;
  std::string postcode;
  std::string city;
  std::optional<domain::Coordinates> coordinates;
  bool sbb_recognised = true;
  std::vector<std::string> crebos;  // recognitions in this school's register
  std::optional<int> norm_accepted_version;  // latest version accepted for this school
  std::optional<common::UnixMillis> norm_accepted_at;
  // An active pause by the school's meldpunt: until when, and its neutral
  // reason. Nothing more reaches the coordinator (no count, no case).
  std::optional<domain::Date> paused_until;
  domain::PauseReason pause_reason = domain::PauseReason::kAwaitingTalks;
};

struct Place {  // a leerplaats
  std::string id;
  std::string company_id;
  std::string company_name;
  std::string leerbedrijf_id;
  std::string city;
  std::string crebo;
  std::string period;
  int capacity = 0;
  int taken = 0;  // students placed here by published rounds (not refused or ended)
  std::string description;
  std::optional<common::UnixMillis> confirmed_at;  // by the company contact
};

// A place offered to a student for their leerwens.
struct PlaceOption {
  Place place;
  std::optional<int> travel_minutes;  // estimate, for the student's transport
  domain::TravelBand band = domain::TravelBand::kUnknown;
};

// ---- Norm -----------------------------------------------------------------

struct NormVersion {
  int version = 0;  // 1, 2, ... per school
  std::string text_nl;
  std::string text_en;
  common::UnixMillis published_at = 0;
  std::string published_by_name;
};

// ---- Rounds ---------------------------------------------------------------

struct RoundSpec {
  std::string name;    // unique within the school
  std::string cohort;  // students of this cohort take part
  std::string period;  // leerplaatsen of this period are offered
  std::vector<std::string> crebos;  // crebo codes taking part (>= 1)
  domain::Date leerwens_deadline;   // students may enter wishes until this day
  domain::Date start;               // DatumBegin of the BPV
  domain::Date end_planned;         // DatumEindGepland
  int hours = 400;                  // Omvang in the BPVO
  int publish_lead_days = 14;       // visible this many days before the start
  std::optional<uint64_t> seed;     // lottery seed; default: drawn at random
  // A second round: its students are the unplaced and refused students of
  // this published round; its places are what is left. cohort, period and
  // crebos are taken from it when left empty.
  std::string previous_round_id;
};

struct RunStats {
  std::string algorithm;  // "da" or "optimal"
  int32_t students = 0;
  int32_t assigned = 0;
  int64_t sum_of_ranks = 0;
  std::vector<int64_t> rank_histogram;  // index 0 = rank 1
  double seconds = 0;
  bool chosen = false;  // the proposal was taken from this run
};

struct Round {
  std::string id;
  std::string name;
  std::string cohort;
  std::string period;
  std::vector<std::string> crebos;
  domain::RoundStatus status = domain::RoundStatus::kDraft;
  domain::Date leerwens_deadline;
  domain::Date start;
  domain::Date end_planned;
  int hours = 0;
  int publish_lead_days = 0;
  uint64_t seed = 0;
  std::string previous_round_id;
  common::UnixMillis created_at = 0;
  std::optional<common::UnixMillis> run_at;
  std::optional<common::UnixMillis> published_at;
  std::optional<domain::Date> visible_from;  // set at publication
  int32_t students = 0;        // taking part
  int32_t with_leerwens = 0;   // of whom entered at least one choice
};

enum class ExclusionReason {
  kPaused,            // paused through the meldpunt's signal register
  kSbbWithdrawn,      // SBB recognition withdrawn
  kNormNotAccepted,   // has not accepted the school's current norm version
};
std::string_view Name(ExclusionReason r);  // "paused", "sbb_withdrawn", "norm_not_accepted"

// A company that takes no students in a round. Coordinators only.
struct Exclusion {
  std::string company_id;
  std::string leerbedrijf_id;
  std::string company_name;
  std::vector<ExclusionReason> reasons;
};

struct RunOptions {
  // The engine whose result becomes the proposal; the other one runs beside
  // it for comparison ("the cost of stability"). DA is the default.
  std::string algorithm = "da";
};

struct RunResult {
  RunStats proposal;    // the chosen engine
  RunStats comparison;  // the other engine
  int32_t excluded_companies = 0;
  double seconds = 0;   // load, both engines, store
};

// ---- Review ---------------------------------------------------------------

struct MissedChoiceView {
  int rank = 0;
  std::string place_id;
  std::string company_name;
  domain::MissReason reason = domain::MissReason::kNoPlaces;
  domain::TravelBand own_band = domain::TravelBand::kUnknown;
  domain::TravelBand cutoff_band = domain::TravelBand::kUnknown;
};

struct ProposalRow {
  std::string student_id;
  std::string student_number;
  std::string student_name;
  std::string crebo;
  int choices = 0;                 // length of the ranked list
  std::optional<Place> place;      // nullopt: unplaced
  std::optional<int> rank;         // rank of `place` in the student's list
  domain::TravelBand band = domain::TravelBand::kUnknown;  // at `place`
  bool overridden = false;
  std::string override_reason;     // coordinators only
  std::string explanation_nl;
  std::string explanation_en;
  std::vector<MissedChoiceView> missed;  // every better-ranked choice not obtained
  std::string support_needs;       // only when the student chose to share them
};

struct Review {
  Round round;
  std::vector<RunStats> runs;      // the chosen engine first
  int32_t students = 0;
  int32_t placed = 0;
  std::vector<int64_t> rank_histogram;  // of the current proposal (with overrides)
  int32_t overridden = 0;
  std::vector<Exclusion> exclusions;
  std::vector<ProposalRow> rows;   // by student number; unplaced are also in `unplaced`
  std::vector<std::string> unplaced;  // student ids
};

// ---- Students' and companies' views ---------------------------------------

struct Leerwens {
  std::string what_to_learn;
  std::string company_type;
  std::string work_type;
  domain::Transport transport = domain::Transport::kPublicTransport;
  int max_travel_minutes = 45;
  std::string support_needs;
  bool share_support = false;
  std::vector<std::string> choices;  // place ids, most wanted first
  std::optional<common::UnixMillis> updated_at;  // nullopt: not entered yet
};

// What a student sees of one published, visible placement.
struct PlacementView {
  std::string placement_id;
  std::string round_id;
  std::string round_name;
  Place place;
  std::string company_address;
  std::string company_postcode;
  std::optional<int> rank;
  domain::Date start;
  domain::Date end_planned;
  std::string explanation_nl;
  std::string explanation_en;
  std::optional<std::string> ended;  // "refusal" or "breakdown" when it ended
};

struct StudentRoundView {
  Round round;
  bool can_edit = false;             // open and before the deadline
  Leerwens leerwens;
  bool placement_visible = false;    // published and visible_from reached
  std::optional<PlacementView> placement;  // when visible and placed
  std::string explanation_nl;        // when visible (also for the unplaced)
  std::string explanation_en;
};

// An internship from the school's BPV agreements (the bpv import): one no
// round made, shown to the student beside their rounds.
struct BpvInternship {
  std::string id;  // bpv_agreements.id; norm reading and the pulse use it like a placement id
  std::string company_name;
  std::string company_city;
  std::string crebo;
  domain::Date start;
  domain::Date end;
  std::optional<domain::Pathway> pathway;
};

struct StudentHome {
  Student student;
  std::vector<StudentRoundView> rounds;  // newest first
  std::vector<BpvInternship> bpv;        // newest start first
};

// A placed student as the company sees them, only once visible.
struct CompanyPlacement {
  std::string placement_id;
  std::string round_name;
  Place place;
  std::string student_name;
  std::string student_number;
  std::string crebo;
  int level = 0;
  domain::Pathway pathway = domain::Pathway::kBol;
  domain::Date start;
  domain::Date end_planned;
  std::string support_needs;  // only when the student chose to share them
  std::optional<std::string> ended;
};

struct CompanyHome {
  Company company;
  std::optional<NormVersion> current_norm;  // the school's; nullopt if none yet
  bool must_accept_norm = false;            // current version not accepted
  std::vector<Place> places;                // this school's leerplaatsen here
  std::vector<CompanyPlacement> placements; // visible ones only
};

// ---- Refusals and breakdowns ------------------------------------------------

enum class EndKind { kRefusal, kBreakdown };
std::string_view Name(EndKind k);  // "refusal", "breakdown"
std::optional<EndKind> ParseEndKind(std::string_view s);

struct Flag {
  std::string id;
  EndKind kind = EndKind::kRefusal;
  std::string reason;
  common::UnixMillis at = 0;
  std::string recorded_by_name;
  std::string placement_id;
  std::string round_id;
  std::string round_name;
  std::string student_id;
  std::string student_number;
  std::string student_name;
  std::string company_id;
  std::string leerbedrijf_id;
  std::string company_name;
  std::optional<common::UnixMillis> resolved_at;
  std::string resolution;
  std::string case_id;  // a melding started on the student's behalf, if any
};

// ---- The service ------------------------------------------------------------

class Stagematching {
 public:
  Stagematching(db::Database& db, const common::Clock& clock, const audit::AuditLog& audit)
      : db_(db), clock_(clock), audit_(audit) {}

  // ---- Imports (imports.cc); coordinators ----
  // Validates the whole file (UTF-8 CSV, RFC 4180, header row) and applies it
  // in one transaction as an idempotent upsert, or applies nothing and lists
  // every problem. Students are keyed by student number, companies by
  // leerbedrijf-ID, places by (leerbedrijf-ID, crebo, period). A companies
  // import writes only the school's own view of each company (its overlay on
  // the shared register, and its recognitions): never what another school sees.
  // The staff import (kStaff: login,name,role[,email]) is the school
  // admin's (Permission::kManageSchoolUsers), who may also import students
  // (to provision their logins); the other kinds are the coordinator's.
  common::StatusOr<ImportReport> Import(const auth::User& actor, domain::ImportKind kind,
                                        std::string_view file_name, std::string_view content,
                                        const ImportOptions& options = {});
  // The deployment's register import (imports.cc); the system admin
  // only (Permission::kManageSchools). The same companies CSV, validated and
  // applied the same way, writes the register's facts that every school sees
  // where its own overlay says nothing: name, kvk, address, postcode, city,
  // coordinates and the SBB recognition. It adds no company to any school's
  // register; a crebos column must be empty (recognitions are per school).
  common::StatusOr<ImportReport> ImportRegister(const auth::User& actor, std::string_view file_name,
                                                std::string_view content);

  // ---- Register (register.cc) ----
  common::StatusOr<std::vector<Student>> Students(const auth::User& actor,
                                                  const StudentFilter& filter);
  common::StatusOr<std::vector<Company>> Companies(const auth::User& actor);
  common::StatusOr<std::vector<Place>> Places(const auth::User& actor, std::string_view period = {});
  // Links a student login (role student, same school) to a student record.
  common::Status LinkStudentUser(const auth::User& actor, std::string_view student_id,
                                 std::string_view user_id);
  // Makes a company-contact login (same school) the contact of a company in
  // the school's register.
  common::Status LinkCompanyContact(const auth::User& actor, std::string_view user_id,
                                    std::string_view company_id);
  // Ends a company contact's link to the company (the login stays; it sees
  // no company until linked again). NotFound when it is not linked there.
  common::Status UnlinkCompanyContact(const auth::User& actor, std::string_view user_id,
                                      std::string_view company_id);
  // The contacts of one company in the school's register.
  struct Contact {
    std::string user_id;
    std::string name;
    std::string login;
    bool active = false;  // has set a password
    bool disabled = false;
  };
  common::StatusOr<std::vector<Contact>> CompanyContacts(const auth::User& actor,
                                                         std::string_view company_id);
  // Provisioning by the coordinator (docs/accounts.md). A new login is made
  // in the school's login domains (errors on field "email"), linked, and its
  // invitation queued in `outbox`, all in one transaction and audited
  // (user.create, user.link, user.invite).
  common::StatusOr<auth::SentInvitation> AddCompanyContact(const auth::User& actor,
                                                           std::string_view company_id,
                                                           std::string_view name,
                                                           std::string_view email,
                                                           const mail::Outbox& outbox);
  // A new link for a contact who never logged in (the old link stops
  // working); FailedPrecondition for an active or disabled one.
  common::StatusOr<auth::SentInvitation> ReinviteCompanyContact(const auth::User& actor,
                                                                std::string_view company_id,
                                                                std::string_view user_id,
                                                                const mail::Outbox& outbox);
  // Links the school's company login with this login or e-mail address
  // (NotFound / InvalidArgument on field "login").
  common::Status LinkCompanyContactByLogin(const auth::User& actor, std::string_view company_id,
                                           std::string_view login);
  // A student login for a record without one (FailedPrecondition when it has one).
  common::StatusOr<auth::SentInvitation> CreateStudentLogin(const auth::User& actor,
                                                            std::string_view student_id,
                                                            std::string_view email,
                                                            const mail::Outbox& outbox);
  // One student record of the school (coordinators), or NotFound.
  common::StatusOr<Student> GetStudent(const auth::User& actor, std::string_view student_id);
  // Links the school's student login with this login or e-mail address.
  common::Status LinkStudentUserByLogin(const auth::User& actor, std::string_view student_id,
                                        std::string_view login);

  // ---- Norm (norm.cc) ----
  // Coordinators publish a new version (text in Dutch and English, each
  // 1..20000 characters). Returns the new version number.
  common::StatusOr<int> PublishNorm(const auth::User& actor, std::string_view text_nl,
                                    std::string_view text_en);
  // The school's current version, or kNotFound when none was published.
  // Public information: no actor.
  common::StatusOr<NormVersion> CurrentNorm(std::string_view school_id);
  common::StatusOr<std::vector<NormVersion>> NormHistory(const auth::User& actor);
  // A company contact accepts `version`, which must be the current one (so
  // nobody accepts a text they did not see). Recorded with date and version.
  common::Status AcceptNorm(const auth::User& actor, int version);
  // A coordinator records an acceptance the company gave on paper (e.g.
  // signed with the BPVO) for a company in the school's register. Same rule:
  // the current version only.
  common::Status RecordNormAcceptance(const auth::User& actor, std::string_view company_id,
                                      int version);

  // ---- Company side (company.cc); company contacts ----
  common::StatusOr<CompanyHome> CompanyView(const auth::User& actor);
  // Confirms a place of the contact's own company, setting its capacity
  // (>= the students already placed there) and optionally its description.
  common::Status ConfirmPlace(const auth::User& actor, std::string_view place_id, int capacity,
                              std::optional<std::string> description = std::nullopt);
  // The company refuses a placed student, or ends an internship early.
  // Published, visible placements of the contact's own company only.
  common::StatusOr<Flag> ReportEnd(const auth::User& actor, std::string_view placement_id,
                                   EndKind kind, std::string_view reason);

  // ---- Rounds (rounds.cc); coordinators ----
  common::StatusOr<Round> CreateRound(const auth::User& actor, const RoundSpec& spec);
  common::StatusOr<std::vector<Round>> Rounds(const auth::User& actor);
  common::StatusOr<Round> GetRound(const auth::User& actor, std::string_view round_id);
  // draft -> open: enrols the students (cohort and crebo, or for a second
  // round the unplaced and refused students of the previous one) who are in
  // no other active round. Returns the number enrolled.
  common::StatusOr<int> OpenRound(const auth::User& actor, std::string_view round_id);
  // open -> closed: leerwens entry ends (also before the deadline).
  common::Status CloseRound(const auth::User& actor, std::string_view round_id);
  // The companies excluded right now (or, once run, at the run), with reasons.
  common::StatusOr<std::vector<Exclusion>> Exclusions(const auth::User& actor,
                                                      std::string_view round_id);

  // ---- Matching (run.cc, review.cc) ----
  // closed or proposed -> proposed: applies the exclusions, runs the chosen
  // engine with the round's seed and the other beside it, stores the
  // proposal (replacing an earlier one and its overrides) and the round's
  // matching-io files. kFailedPrecondition without a published norm.
  common::StatusOr<RunResult> Run(const auth::User& actor, std::string_view round_id,
                                  const RunOptions& options = {});
  common::StatusOr<Review> GetReview(const auth::User& actor, std::string_view round_id);
  // Places a student by hand (place_id "" = unplaced) with a required reason
  // (audited). The place must be in the round, fit the student's crebo, have
  // room and belong to a company that is not excluded.
  common::Status Override(const auth::User& actor, std::string_view round_id,
                          std::string_view student_id, std::string_view place_id,
                          std::string_view reason);
  // proposed -> published. Placements become visible to students and
  // companies from Round::visible_from (start - lead days, not before today).
  common::StatusOr<Round> Publish(const auth::User& actor, std::string_view round_id);

  // ---- Students (leerwens.cc) ----
  // The logged-in student's record, rounds, wishes and visible placements.
  common::StatusOr<StudentHome> StudentView(const auth::User& actor);
  // Places that fit: the round's period, the student's crebo, room left, a
  // company not excluded, and within max_travel_minutes when both sides have
  // coordinates. Sorted by travel time, unknown last. `transport` and
  // `max_travel_minutes` default to the saved leerwens.
  common::StatusOr<std::vector<PlaceOption>> FittingPlaces(
      const auth::User& actor, std::string_view round_id,
      std::optional<domain::Transport> transport = std::nullopt,
      std::optional<int> max_travel_minutes = std::nullopt);
  // Saves the whole leerwens (replacing the ranked choices). Open rounds
  // until the deadline only; every choice must be a fitting place.
  common::Status SaveLeerwens(const auth::User& actor, std::string_view round_id,
                              const Leerwens& leerwens);
  // The same two on a student's behalf, by a coordinator ("samen matchen":
  // school and student fill it in together). Same rules and deadline.
  common::StatusOr<std::vector<PlaceOption>> FittingPlacesFor(
      const auth::User& actor, std::string_view round_id, std::string_view student_id,
      std::optional<domain::Transport> transport = std::nullopt,
      std::optional<int> max_travel_minutes = std::nullopt);
  common::Status SaveLeerwensFor(const auth::User& actor, std::string_view round_id,
                                 std::string_view student_id, const Leerwens& leerwens);

  // ---- Refusals, breakdowns and flags (flags.cc) ----
  // A coordinator records a refusal or breakdown (e.g. told by phone).
  common::StatusOr<Flag> RecordEnd(const auth::User& actor, std::string_view placement_id,
                                   EndKind kind, std::string_view reason);
  common::StatusOr<std::vector<Flag>> Flags(const auth::User& actor, bool include_resolved = false);
  common::Status ResolveFlag(const auth::User& actor, std::string_view flag_id,
                             std::string_view resolution);
  // Notes the meldpunt case started on the student's behalf from this flag.
  common::Status LinkFlagToCase(const auth::User& actor, std::string_view flag_id,
                                std::string_view case_id);

  // ---- Exports (exports.cc); coordinators ----
  // BPVO records of a published round's active placements (CSV, header per
  // domain::BpvoCsvHeader).
  common::StatusOr<std::string> ExportBpvo(const auth::User& actor, std::string_view round_id);
  // The round's engine input and output in the matching-io.md format:
  // students.csv, positions.csv, preferences.csv, priorities.csv,
  // exclusions.csv, assignment.csv (the engine's result, before overrides),
  // plus placements.csv (after overrides) and round.json (seed, algorithm).
  // `stagepunt match --in DIR --seed SEED` on these files reproduces
  // assignment.csv. Student ids are the internal random ids, not names or
  // student numbers. kFailedPrecondition before the first run.
  common::StatusOr<std::map<std::string, std::string>> ExportMatchingIo(const auth::User& actor,
                                                                        std::string_view round_id);
  // The same files written atomically into `directory` (created if missing).
  common::Status WriteMatchingIo(const auth::User& actor, std::string_view round_id,
                                 const std::string& directory);

 private:
  db::Database& db_;
  const common::Clock& clock_;
  const audit::AuditLog& audit_;
};

}  // namespace placement
