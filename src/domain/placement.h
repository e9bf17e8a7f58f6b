// File: domain/placement.h
//
// Stagematching's vocabulary and rules, without I/O: crebo codes and levels,
// travel-time estimates and the neutral priority bands, the states of a
// matching round, the checks on one line of an import file, the plain
// explanation a student reads about their placement, and the BPVO (BRON)
// record. The service (src/placement/) stores; these functions decide.
//
//   std::optional<int> minutes = EstimateTravelMinutes(home, company, Transport::kBike);
//   TravelBand band = BandFor(minutes);          // 0–15, 15–30, 30–45, 45+ min
//   int priority = BandPriority(band);           // 0 is served first
//
// Priorities come from the travel-time band only: never from who the student
// is (name, origin, gender, age, ...). Those are not inputs to anything here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "domain/calendar.h"
#include "domain/roles.h"

namespace domain {

// ---- Codes ----------------------------------------------------------------

// An erkende opleidingscode (crebo): exactly five digits, e.g. "25998".
bool IsCrebo(std::string_view code);
// An SBB leerbedrijf-ID: 1 to 12 digits, e.g. "100077736".
bool IsLeerbedrijfId(std::string_view id);
// A KvK number: 8 digits (empty allowed where it is optional).
bool IsKvk(std::string_view kvk);

// Leerweg. BOLVT and BOLDT (full/part time) count as BOL.
enum class Pathway { kBol, kBbl };
std::string_view Name(Pathway p);  // "BOL", "BBL"
std::optional<Pathway> ParsePathway(std::string_view s);  // case-insensitive
// Levels 1 (Entree) to 4; accepts "1".."4", "Entree" and "MBO-3" style.
std::optional<int> ParseLevel(std::string_view s);

// ---- Travel ---------------------------------------------------------------

enum class Transport { kWalk, kBike, kPublicTransport, kCar };
std::string_view Name(Transport t);  // "walk", "bike", "public_transport", "car"
std::optional<Transport> ParseTransport(std::string_view s);
const std::vector<Transport>& AllTransports();

struct Coordinates {
  double lat = 0;  // WGS84 degrees
  double lon = 0;
};
// Latitude in [-90, 90] and longitude in [-180, 180].
bool ValidCoordinates(double lat, double lon);

// Great-circle distance in kilometres (haversine, earth radius 6371 km).
double HaversineKm(Coordinates a, Coordinates b);

// Estimated one-way door-to-door travel time in whole minutes (rounded up).
//
// Assumption, documented because it decides priorities: roads and rails are
// not straight, so the straight-line distance is multiplied by a detour
// factor of 1.3; then a mode-specific average speed and a fixed overhead
// (walking to the stop, waiting, parking) apply:
//   walk 5 km/h + 0 min, bike 15 km/h + 2 min,
//   public transport 30 km/h + 12 min, car 40 km/h + 5 min.
// These are coarse on purpose: they only sort students into 15-minute bands.
int EstimateTravelMinutes(double km, Transport mode);
// nullopt when either side has no coordinates.
std::optional<int> EstimateTravelMinutes(const std::optional<Coordinates>& home,
                                         const std::optional<Coordinates>& work, Transport mode);

enum class TravelBand { k0To15, k15To30, k30To45, k45Plus, kUnknown };
TravelBand BandFor(std::optional<int> minutes);  // 15 -> 0–15, 16 -> 15–30, ...
// The neutral matching priority (lower is served first): 0..3 for the known
// bands. An unknown travel time ranks with 45+ (3): a student without
// coordinates is never ahead of one who lives close by.
int BandPriority(TravelBand band);
TravelBand BandFromPriority(int priority);
std::string_view Name(TravelBand band);  // "0-15", "15-30", "30-45", "45+", "unknown"
// "0–15 min" (en dash); "onbekend"/"unknown" for kUnknown.
std::string BandLabel(TravelBand band, bool english);

// ---- Rounds ---------------------------------------------------------------

// draft -> open (leerwens entry) -> closed -> proposed (engine ran; review,
// overrides, re-runs) -> published (students and companies see placements
// from the publication date on). A round may be closed early; a proposal may
// be run again while it is not published.
enum class RoundStatus { kDraft, kOpen, kClosed, kProposed, kPublished };
std::string_view Name(RoundStatus s);  // "draft", "open", "closed", "proposed", "published"
std::optional<RoundStatus> ParseRoundStatus(std::string_view s);
bool MayTransition(RoundStatus from, RoundStatus to);
// A round that may still change placements: open, closed or proposed. A
// student takes part in at most one active round at a time.
bool IsActive(RoundStatus s);

// The day students and companies see a published round: `lead_days` before
// the start, but never before the day it is published.
Date VisibleFrom(Date published_on, Date start, int lead_days);

// ---- Imports --------------------------------------------------------------

// kStaff: a school's staff logins (the school admin's; docs/accounts.md).
// kBpv: the school's BPV agreements, internships no round made (self-found,
// BBL, years 2 to 4), keyed by student, leerbedrijf and start day.
enum class ImportKind { kStudents, kCompanies, kPlaces, kStaff, kBpv };
std::string_view Name(ImportKind k);  // "students", "companies", "places", "staff", "bpv"
std::optional<ImportKind> ParseImportKind(std::string_view s);

// One problem with one field of an import line.
struct FieldIssue {
  FieldIssue() = default;
  FieldIssue(std::string f, std::string m, std::string nl = {})
      : field(std::move(f)), message(std::move(m)), message_nl(std::move(nl)) {}
  std::string field;  // canonical column name, "" for the whole line
  std::string message;
  std::string message_nl;  // the same in Dutch, where the kind words it (bpv); else ""
};

// The canonical columns of each kind. Headers are matched case-insensitively
// and with these Dutch aliases: studentnummer, naam, niveau, leerweg,
// locatie, leerbedrijf_id/leerbedrijfid, kvk_nummer, adres, plaats,
// erkend/sbb_erkend, crebos/erkenningen, capaciteit, periode, omschrijving.
//   students:  student_number* name* crebo* level* pathway* cohort* location lat lon round
//   companies: leerbedrijf_id* name* kvk address postcode city lat lon crebos sbb_recognised
//   places:    leerbedrijf_id* crebo* capacity* period* description
//   staff:     login* name* role* email
//   bpv:       student_number* leerbedrijf_id* crebo* start_date* end_date* pathway
//              (aliases studentnummer, leerbedrijfid, opleidingscode,
//              startdatum/begindatum, einddatum, leerweg)
// Students may also carry email (the student's login or address, to link
// or create their login) and begeleider_email; companies contact_name and
// contact_email (the company's contact login). (* required). Unknown columns are ignored.
struct ColumnMap {
  ImportKind kind = ImportKind::kStudents;
  std::vector<std::string> names;  // canonical names of this kind
  std::vector<int> index;          // per name: the record field, or -1
  int Find(std::string_view name) const;
  // The field, trimmed; "" when the column is absent or the record short.
  std::string_view Get(const std::vector<std::string_view>& record, std::string_view name) const;
};
// Maps a header line; missing required columns and duplicate columns are
// issues (the whole file is then rejected).
ColumnMap MapColumns(ImportKind kind, const std::vector<std::string_view>& header,
                     std::vector<FieldIssue>* issues);

struct StudentRow {
  std::string student_number;
  std::string name;
  std::string crebo;
  int level = 0;
  Pathway pathway = Pathway::kBol;
  std::string cohort;
  std::string location;
  std::optional<Coordinates> coordinates;
  std::string round;  // optional: the round (by name) this student takes part in
  std::string email;  // optional: the student's login or address (normalised)
  std::string begeleider_email;  // optional: the stagebegeleider's address (normalised)
  std::string left_on;  // optional: YYYY-MM-DD the student left the school (uitschrijfdatum)
};
struct CompanyRow {
  std::string leerbedrijf_id;
  std::string kvk;
  std::string name;
  std::string address;
  std::string postcode;
  std::string city;
  std::optional<Coordinates> coordinates;
  std::vector<std::string> crebos;      // recognitions; ';', ',' or space separated
  std::optional<bool> sbb_recognised;   // absent: unchanged (new companies: true)
  std::string contact_name;             // optional, with contact_email: the company's contact login
  std::string contact_email;            // normalised
};
struct StaffRow {
  std::string login;  // normalised
  std::string name;
  Role role = Role::kTeacher;  // meldpunt, coordinator, teacher, management or admin
  std::string email;           // optional, normalised
};
// One BPV agreement: an internship the school registered itself.
struct BpvRow {
  std::string student_number;
  std::string leerbedrijf_id;
  std::string crebo;
  Date start;
  Date end;                        // on or after start
  std::optional<Pathway> pathway;  // optional: BOL or BBL
};
struct PlaceRow {
  std::string leerbedrijf_id;
  std::string crebo;
  int capacity = 0;
  std::string period;
  std::string description;
};

// Field checks of one line (everything that needs no database). Each returns
// the issues found (empty: `out` is filled). Messages quote the bad value,
// e.g. `crebo "12" is not a 5-digit crebo code`.
std::vector<FieldIssue> ParseStudentRow(const ColumnMap& columns,
                                        const std::vector<std::string_view>& record,
                                        StudentRow* out);
std::vector<FieldIssue> ParseCompanyRow(const ColumnMap& columns,
                                        const std::vector<std::string_view>& record,
                                        CompanyRow* out);
std::vector<FieldIssue> ParsePlaceRow(const ColumnMap& columns,
                                      const std::vector<std::string_view>& record,
                                      PlaceRow* out);
std::vector<FieldIssue> ParseStaffRow(const ColumnMap& columns,
                                      const std::vector<std::string_view>& record, StaffRow* out);
std::vector<FieldIssue> ParseBpvRow(const ColumnMap& columns,
                                    const std::vector<std::string_view>& record, BpvRow* out);
// An e-mail address in an import (login rules and a '.' in the domain),
// lower case; nullopt when it is not one.
std::optional<std::string> NormalizeImportEmail(std::string_view value);

// ---- Leerwens -------------------------------------------------------------

inline constexpr size_t kMaxLeerwensTextChars = 1000;
inline constexpr size_t kMaxChoices = 20;
inline constexpr int kMinTravelMinutes = 5;
inline constexpr int kMaxTravelMinutes = 180;

// ---- Explanations for students --------------------------------------------

// Why a student did not get a position they ranked higher.
enum class MissReason {
  kNotTakingPart,  // the company takes no students this round (reason not told)
  kNoPlaces,       // no places left this round
  kFullCloser,     // full with students in a closer travel band
  kFullLottery,    // full with students in the same band with a better lottery number
  kFullOptimal,    // optimal mode: the seats gave more students a high choice
};
std::string_view Name(MissReason r);  // "not_taking_part", "no_places", ...
std::optional<MissReason> ParseMissReason(std::string_view s);

struct MissedChoice {
  int rank = 1;  // the student's own rank of that position
  MissReason reason = MissReason::kNoPlaces;
  TravelBand own_band = TravelBand::kUnknown;     // the student's band there
  TravelBand cutoff_band = TravelBand::kUnknown;  // the last admitted student's band
};

struct StudentOutcome {
  bool had_choices = false;
  std::optional<int> placed_rank;  // nullopt: not placed (or placed by hand off-list)
  bool placed = false;             // placed at all (also off-list by an override)
  bool overridden = false;         // the coordinator changed the engine's proposal
  std::optional<MissedChoice> first_missed;  // the best-ranked choice not obtained
};

// One or two plain sentences, e.g.
//   "You got your 2nd choice. Your 1st choice was full: the places went to
//    students who live closer (band 0–15 min)."
//   "Je hebt je 1e keus gekregen."
// Never names an exclusion reason (those are for the coordinator only).
std::string ExplainOutcome(const StudentOutcome& outcome, bool english);
// "1e" / "1st", "2e" / "2nd", "11e" / "11th", "23e" / "23rd".
std::string Ordinal(int n, bool english);

// ---- BPVO (praktijkovereenkomst) as registered in BRON --------------------

struct BpvoRecord {
  std::string student_number;
  std::string brin;
  int volgnummer = 1;          // the student's n-th BPV at this school
  std::string leerbedrijf_id;  // LeerbedrijfID
  std::string crebo;           // Opleidingcode
  Date begin;                  // DatumBegin
  Date end_planned;            // DatumEindGepland
  int hours = 0;               // Omvang (clock hours)
};
// Checks the BRON field rules: ids and codes well-formed, begin before the
// planned end, 1..3000 hours, volgnummer >= 1.
common::Status ValidateBpvo(const BpvoRecord& r);
// "Studentnummer,BRIN,Volgnummer,LeerbedrijfID,Opleidingcode,DatumBegin,DatumEindGepland,Omvang\n"
std::string BpvoCsvHeader();
// One CSV line (with '\n'); dates as YYYY-MM-DD. Written with common/csv.h:
// text fields quoted and guarded against formulas, numbers as numbers.
std::string BpvoCsvLine(const BpvoRecord& r);

}  // namespace domain
