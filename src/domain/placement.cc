#include "domain/placement.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace domain {

namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

// ---- Codes ----------------------------------------------------------------

bool IsCrebo(std::string_view code) { return code.size() == 5 && AllDigits(code); }

bool IsLeerbedrijfId(std::string_view id) { return id.size() <= 12 && AllDigits(id); }

bool IsKvk(std::string_view kvk) { return kvk.size() == 8 && AllDigits(kvk); }

std::string_view Name(Pathway p) { return p == Pathway::kBbl ? "BBL" : "BOL"; }

std::optional<Pathway> ParsePathway(std::string_view s) {
  std::string u = Upper(s);
  if (u == "BOL" || u == "BOLVT" || u == "BOLDT") return Pathway::kBol;
  if (u == "BBL") return Pathway::kBbl;
  return std::nullopt;
}

std::optional<int> ParseLevel(std::string_view s) {
  std::string u = Upper(s);
  if (u == "ENTREE" || u == "ENTREEOPLEIDING") return 1;
  if (u.rfind("MBO-", 0) == 0 || u.rfind("MBO ", 0) == 0) u = u.substr(4);
  if (u.size() == 1 && u[0] >= '1' && u[0] <= '4') return u[0] - '0';
  return std::nullopt;
}

// ---- Travel ---------------------------------------------------------------

namespace {
struct TransportInfo {
  Transport mode;
  std::string_view name;
  double km_per_hour;
  int overhead_minutes;
};
constexpr TransportInfo kTransports[] = {
    {Transport::kWalk, "walk", 5.0, 0},
    {Transport::kBike, "bike", 15.0, 2},
    {Transport::kPublicTransport, "public_transport", 30.0, 12},
    {Transport::kCar, "car", 40.0, 5},
};
constexpr double kDetourFactor = 1.3;
constexpr double kEarthRadiusKm = 6371.0;
}  // namespace

std::string_view Name(Transport t) {
  for (const auto& info : kTransports)
    if (info.mode == t) return info.name;
  return "public_transport";
}

std::optional<Transport> ParseTransport(std::string_view s) {
  for (const auto& info : kTransports)
    if (info.name == s) return info.mode;
  return std::nullopt;
}

const std::vector<Transport>& AllTransports() {
  static const std::vector<Transport> all = {Transport::kWalk, Transport::kBike,
                                             Transport::kPublicTransport, Transport::kCar};
  return all;
}

bool ValidCoordinates(double lat, double lon) {
  return std::isfinite(lat) && std::isfinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 &&
         lon <= 180;
}

double HaversineKm(Coordinates a, Coordinates b) {
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  double dlat = (b.lat - a.lat) * kRad;
  double dlon = (b.lon - a.lon) * kRad;
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * std::sin(dlon / 2) *
                 std::sin(dlon / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(h)));
}

int EstimateTravelMinutes(double km, Transport mode) {
  const TransportInfo* info = &kTransports[2];
  for (const auto& t : kTransports)
    if (t.mode == mode) info = &t;
  double minutes = km * kDetourFactor / info->km_per_hour * 60.0 + info->overhead_minutes;
  // Rounded up, with a small tolerance so 15.0000001 stays in its band.
  return static_cast<int>(std::ceil(minutes - 1e-9));
}

std::optional<int> EstimateTravelMinutes(const std::optional<Coordinates>& home,
                                         const std::optional<Coordinates>& work, Transport mode) {
  if (!home || !work) return std::nullopt;
  return EstimateTravelMinutes(HaversineKm(*home, *work), mode);
}

TravelBand BandFor(std::optional<int> minutes) {
  if (!minutes) return TravelBand::kUnknown;
  if (*minutes <= 15) return TravelBand::k0To15;
  if (*minutes <= 30) return TravelBand::k15To30;
  if (*minutes <= 45) return TravelBand::k30To45;
  return TravelBand::k45Plus;
}

int BandPriority(TravelBand band) {
  switch (band) {
    case TravelBand::k0To15:
      return 0;
    case TravelBand::k15To30:
      return 1;
    case TravelBand::k30To45:
      return 2;
    case TravelBand::k45Plus:
    case TravelBand::kUnknown:
      return 3;
  }
  return 3;
}

TravelBand BandFromPriority(int priority) {
  switch (priority) {
    case 0:
      return TravelBand::k0To15;
    case 1:
      return TravelBand::k15To30;
    case 2:
      return TravelBand::k30To45;
    default:
      return TravelBand::k45Plus;
  }
}

std::string_view Name(TravelBand band) {
  switch (band) {
    case TravelBand::k0To15:
      return "0-15";
    case TravelBand::k15To30:
      return "15-30";
    case TravelBand::k30To45:
      return "30-45";
    case TravelBand::k45Plus:
      return "45+";
    case TravelBand::kUnknown:
      return "unknown";
  }
  return "unknown";
}

std::string BandLabel(TravelBand band, bool english) {
  switch (band) {
    case TravelBand::k0To15:
      return "0\u201315 min";
    case TravelBand::k15To30:
      return "15\u201330 min";
    case TravelBand::k30To45:
      return "30\u201345 min";
    case TravelBand::k45Plus:
      return "45+ min";
    case TravelBand::kUnknown:
      break;
  }
  return english ? "unknown" : "onbekend";
}

// ---- Rounds ---------------------------------------------------------------

namespace {
struct RoundStatusInfo {
  RoundStatus status;
  std::string_view name;
};
constexpr RoundStatusInfo kRoundStatuses[] = {
    {RoundStatus::kDraft, "draft"},       {RoundStatus::kOpen, "open"},
    {RoundStatus::kClosed, "closed"},     {RoundStatus::kProposed, "proposed"},
    {RoundStatus::kPublished, "published"},
};
}  // namespace

std::string_view Name(RoundStatus s) {
  for (const auto& info : kRoundStatuses)
    if (info.status == s) return info.name;
  return "draft";
}

std::optional<RoundStatus> ParseRoundStatus(std::string_view s) {
  for (const auto& info : kRoundStatuses)
    if (info.name == s) return info.status;
  return std::nullopt;
}

bool MayTransition(RoundStatus from, RoundStatus to) {
  switch (from) {
    case RoundStatus::kDraft:
      return to == RoundStatus::kOpen;
    case RoundStatus::kOpen:
      return to == RoundStatus::kClosed;
    case RoundStatus::kClosed:
      return to == RoundStatus::kProposed;
    case RoundStatus::kProposed:
      return to == RoundStatus::kProposed || to == RoundStatus::kPublished;
    case RoundStatus::kPublished:
      return false;
  }
  return false;
}

bool IsActive(RoundStatus s) {
  return s == RoundStatus::kOpen || s == RoundStatus::kClosed || s == RoundStatus::kProposed;
}

Date VisibleFrom(Date published_on, Date start, int lead_days) {
  return std::max(published_on, AddDays(start, -lead_days));
}

// ---- Imports --------------------------------------------------------------

std::string_view Name(ImportKind k) {
  switch (k) {
    case ImportKind::kStudents:
      return "students";
    case ImportKind::kCompanies:
      return "companies";
    case ImportKind::kPlaces:
      return "places";
  }
  return "students";
}

std::optional<ImportKind> ParseImportKind(std::string_view s) {
  if (s == "students") return ImportKind::kStudents;
  if (s == "companies") return ImportKind::kCompanies;
  if (s == "places") return ImportKind::kPlaces;
  return std::nullopt;
}

namespace {

struct ColumnSpec {
  std::string_view name;
  bool required;
  std::vector<std::string_view> aliases;
};

const std::vector<ColumnSpec>& Spec(ImportKind kind) {
  static const std::vector<ColumnSpec> students = {
      {"student_number", true, {"studentnummer", "studentnumber", "leerlingnummer"}},
      {"name", true, {"naam"}},
      {"crebo", true, {"opleidingcode", "opleidingscode"}},
      {"level", true, {"niveau"}},
      {"pathway", true, {"leerweg"}},
      {"cohort", true, {}},
      {"location", false, {"locatie"}},
      {"lat", false, {"latitude"}},
      {"lon", false, {"longitude", "lng"}},
      {"round", false, {"ronde"}},
  };
  static const std::vector<ColumnSpec> companies = {
      {"leerbedrijf_id", true, {"leerbedrijfid"}},
      {"name", true, {"naam"}},
      {"kvk", false, {"kvk_nummer", "kvknummer"}},
      {"address", false, {"adres"}},
      {"postcode", false, {}},
      {"city", false, {"plaats"}},
      {"lat", false, {"latitude"}},
      {"lon", false, {"longitude", "lng"}},
      {"crebos", false, {"crebo", "erkenningen"}},
      {"sbb_recognised", false, {"erkend", "sbb_erkend"}},
  };
  static const std::vector<ColumnSpec> places = {
      {"leerbedrijf_id", true, {"leerbedrijfid"}},
      {"crebo", true, {"opleidingcode", "opleidingscode"}},
      {"capacity", true, {"capaciteit"}},
      {"period", true, {"periode"}},
      {"description", false, {"omschrijving"}},
  };
  switch (kind) {
    case ImportKind::kStudents:
      return students;
    case ImportKind::kCompanies:
      return companies;
    case ImportKind::kPlaces:
      return places;
  }
  return students;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Quote(std::string_view v) {
  std::string out = "\"";
  // Quoted values are cut, so a message never grows with the input.
  if (v.size() > 40) {
    size_t cut = 40;
    while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;
    out.append(v.substr(0, cut));
    out.append("...");
  } else {
    out.append(v);
  }
  out.push_back('"');
  return out;
}

// Counts UTF-8 code points (the input was checked to be valid UTF-8).
size_t Chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void RequireText(std::vector<FieldIssue>* issues, std::string_view field, std::string_view value,
                 size_t max_chars, bool required, std::string* out) {
  if (value.empty()) {
    if (required) issues->push_back({std::string(field), std::string(field) + " is empty"});
    return;
  }
  if (Chars(value) > max_chars) {
    issues->push_back({std::string(field), std::string(field) + " is longer than " +
                                               std::to_string(max_chars) + " characters"});
    return;
  }
  *out = std::string(value);
}

std::optional<double> ParseDouble(std::string_view s) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

void ParseCoordinates(const ColumnMap& columns, const std::vector<std::string_view>& record,
                      std::vector<FieldIssue>* issues, std::optional<Coordinates>* out) {
  std::string_view lat = columns.Get(record, "lat");
  std::string_view lon = columns.Get(record, "lon");
  if (lat.empty() && lon.empty()) return;
  if (lat.empty() || lon.empty()) {
    issues->push_back({lat.empty() ? "lat" : "lon", "lat and lon must be given together"});
    return;
  }
  std::optional<double> a = ParseDouble(lat), b = ParseDouble(lon);
  if (!a) issues->push_back({"lat", "lat " + Quote(lat) + " is not a number"});
  if (!b) issues->push_back({"lon", "lon " + Quote(lon) + " is not a number"});
  if (!a || !b) return;
  if (!ValidCoordinates(*a, *b)) {
    issues->push_back({"lat", "coordinates " + Quote(lat) + ", " + Quote(lon) +
                                  " are out of range"});
    return;
  }
  *out = Coordinates{*a, *b};
}

void ParseCrebo(std::vector<FieldIssue>* issues, std::string_view field, std::string_view value,
                std::string* out) {
  if (value.empty()) {
    issues->push_back({std::string(field), std::string(field) + " is empty"});
  } else if (!IsCrebo(value)) {
    issues->push_back({std::string(field), std::string(field) + " " + Quote(value) +
                                               " is not a 5-digit crebo code"});
  } else {
    *out = std::string(value);
  }
}

void ParseLeerbedrijfId(std::vector<FieldIssue>* issues, std::string_view value,
                        std::string* out) {
  if (value.empty()) {
    issues->push_back({"leerbedrijf_id", "leerbedrijf_id is empty"});
  } else if (!IsLeerbedrijfId(value)) {
    issues->push_back({"leerbedrijf_id", "leerbedrijf_id " + Quote(value) +
                                             " is not an SBB leerbedrijf-ID (1 to 12 digits)"});
  } else {
    *out = std::string(value);
  }
}

}  // namespace

int ColumnMap::Find(std::string_view name) const {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return index[i];
  return -1;
}

std::string_view ColumnMap::Get(const std::vector<std::string_view>& record,
                                std::string_view name) const {
  int i = Find(name);
  if (i < 0 || static_cast<size_t>(i) >= record.size()) return {};
  return Trim(record[static_cast<size_t>(i)]);
}

ColumnMap MapColumns(ImportKind kind, const std::vector<std::string_view>& header,
                     std::vector<FieldIssue>* issues) {
  ColumnMap map;
  map.kind = kind;
  for (const ColumnSpec& spec : Spec(kind)) {
    map.names.emplace_back(spec.name);
    map.index.push_back(-1);
  }
  for (size_t col = 0; col < header.size(); ++col) {
    std::string h = Lower(Trim(header[col]));
    for (char& c : h)
      if (c == ' ' || c == '-') c = '_';
    const std::vector<ColumnSpec>& spec = Spec(kind);
    for (size_t k = 0; k < spec.size(); ++k) {
      bool match = h == spec[k].name ||
                   std::find(spec[k].aliases.begin(), spec[k].aliases.end(), h) !=
                       spec[k].aliases.end();
      if (!match) continue;
      if (map.index[k] >= 0) {
        issues->push_back({std::string(spec[k].name),
                           "column " + std::string(spec[k].name) + " appears twice"});
      } else {
        map.index[k] = static_cast<int>(col);
      }
    }
  }
  const std::vector<ColumnSpec>& spec = Spec(kind);
  for (size_t k = 0; k < spec.size(); ++k) {
    if (spec[k].required && map.index[k] < 0) {
      issues->push_back(
          {std::string(spec[k].name), "missing column " + std::string(spec[k].name)});
    }
  }
  return map;
}

std::vector<FieldIssue> ParseStudentRow(const ColumnMap& columns,
                                        const std::vector<std::string_view>& record,
                                        StudentRow* out) {
  std::vector<FieldIssue> issues;
  std::string_view number = columns.Get(record, "student_number");
  if (number.empty()) {
    issues.push_back({"student_number", "student_number is empty"});
  } else if (number.size() > 20 ||
             !std::all_of(number.begin(), number.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
             })) {
    issues.push_back({"student_number", "student_number " + Quote(number) +
                                            " must be 1 to 20 letters, digits, - or _"});
  } else {
    out->student_number = std::string(number);
  }
  RequireText(&issues, "name", columns.Get(record, "name"), 200, true, &out->name);
  ParseCrebo(&issues, "crebo", columns.Get(record, "crebo"), &out->crebo);
  std::string_view level = columns.Get(record, "level");
  if (std::optional<int> l = ParseLevel(level)) {
    out->level = *l;
  } else {
    issues.push_back({"level", "level " + Quote(level) + " is not 1, 2, 3, 4 or Entree"});
  }
  std::string_view pathway = columns.Get(record, "pathway");
  if (std::optional<Pathway> p = ParsePathway(pathway)) {
    out->pathway = *p;
  } else {
    issues.push_back({"pathway", "pathway " + Quote(pathway) + " is not BOL or BBL"});
  }
  RequireText(&issues, "cohort", columns.Get(record, "cohort"), 20, true, &out->cohort);
  RequireText(&issues, "location", columns.Get(record, "location"), 100, false, &out->location);
  RequireText(&issues, "round", columns.Get(record, "round"), 100, false, &out->round);
  ParseCoordinates(columns, record, &issues, &out->coordinates);
  return issues;
}

std::vector<FieldIssue> ParseCompanyRow(const ColumnMap& columns,
                                        const std::vector<std::string_view>& record,
                                        CompanyRow* out) {
  std::vector<FieldIssue> issues;
  ParseLeerbedrijfId(&issues, columns.Get(record, "leerbedrijf_id"), &out->leerbedrijf_id);
  RequireText(&issues, "name", columns.Get(record, "name"), 200, true, &out->name);
  std::string_view kvk = columns.Get(record, "kvk");
  if (!kvk.empty() && !IsKvk(kvk)) {
    issues.push_back({"kvk", "kvk " + Quote(kvk) + " is not an 8-digit KvK number"});
  } else {
    out->kvk = std::string(kvk);
  }
  RequireText(&issues, "address", columns.Get(record, "address"), 200, false, &out->address);
  std::string_view postcode = columns.Get(record, "postcode");
  RequireText(&issues, "postcode", postcode, 10, false, &out->postcode);
  RequireText(&issues, "city", columns.Get(record, "city"), 100, false, &out->city);
  ParseCoordinates(columns, record, &issues, &out->coordinates);
  std::string_view crebos = columns.Get(record, "crebos");
  size_t start = 0;
  while (start <= crebos.size()) {
    size_t stop = crebos.find_first_of(";, |", start);
    if (stop == std::string_view::npos) stop = crebos.size();
    std::string_view code = Trim(crebos.substr(start, stop - start));
    if (!code.empty()) {
      if (!IsCrebo(code)) {
        issues.push_back(
            {"crebos", "crebos: " + Quote(code) + " is not a 5-digit crebo code"});
      } else if (std::find(out->crebos.begin(), out->crebos.end(), code) == out->crebos.end()) {
        out->crebos.emplace_back(code);
      }
    }
    start = stop + 1;
  }
  std::sort(out->crebos.begin(), out->crebos.end());
  std::string_view recognised = columns.Get(record, "sbb_recognised");
  if (!recognised.empty()) {
    std::string r = Lower(recognised);
    if (r == "1" || r == "ja" || r == "j" || r == "yes" || r == "true") {
      out->sbb_recognised = true;
    } else if (r == "0" || r == "nee" || r == "n" || r == "no" || r == "false") {
      out->sbb_recognised = false;
    } else {
      issues.push_back({"sbb_recognised", "sbb_recognised " + Quote(recognised) +
                                              " is not ja/nee (yes/no, 1/0)"});
    }
  }
  return issues;
}

std::vector<FieldIssue> ParsePlaceRow(const ColumnMap& columns,
                                      const std::vector<std::string_view>& record,
                                      PlaceRow* out) {
  std::vector<FieldIssue> issues;
  ParseLeerbedrijfId(&issues, columns.Get(record, "leerbedrijf_id"), &out->leerbedrijf_id);
  ParseCrebo(&issues, "crebo", columns.Get(record, "crebo"), &out->crebo);
  std::string_view capacity = columns.Get(record, "capacity");
  int64_t cap = 0;
  bool negative = !capacity.empty() && capacity[0] == '-';
  std::string_view digits = negative ? capacity.substr(1) : capacity;
  if (!AllDigits(digits) || digits.size() > 6) {
    issues.push_back({"capacity", "capacity " + Quote(capacity) + " is not a whole number"});
  } else {
    std::from_chars(digits.data(), digits.data() + digits.size(), cap);
    if (negative && cap != 0) {
      issues.push_back({"capacity", "capacity " + Quote(capacity) + " is below 0"});
    } else if (cap > 1000) {
      issues.push_back({"capacity", "capacity " + Quote(capacity) + " is more than 1000"});
    } else {
      out->capacity = static_cast<int>(cap);
    }
  }
  RequireText(&issues, "period", columns.Get(record, "period"), 50, true, &out->period);
  RequireText(&issues, "description", columns.Get(record, "description"), 2000, false,
              &out->description);
  return issues;
}

// ---- Explanations ---------------------------------------------------------

namespace {
struct MissInfo {
  MissReason reason;
  std::string_view name;
};
constexpr MissInfo kMissReasons[] = {
    {MissReason::kNotTakingPart, "not_taking_part"},
    {MissReason::kNoPlaces, "no_places"},
    {MissReason::kFullCloser, "full_closer"},
    {MissReason::kFullLottery, "full_lottery"},
    {MissReason::kFullOptimal, "full_optimal"},
};

std::string MissSentence(const MissedChoice& m, bool english) {
  std::string choice = english ? "Your " + Ordinal(m.rank, true) + " choice"
                               : "Je " + Ordinal(m.rank, false) + " keus";
  switch (m.reason) {
    case MissReason::kNotTakingPart:
      return choice + (english ? " takes no students this round."
                               : " neemt deze ronde geen studenten aan.");
    case MissReason::kNoPlaces:
      return choice + (english ? " had no places left this round."
                               : " had deze ronde geen plaatsen meer.");
    case MissReason::kFullCloser:
      return choice + (english ? " was full: the places went to students who live closer (band "
                               : " was vol: de plaatsen gingen naar studenten die dichterbij "
                                 "wonen (band ") +
             BandLabel(m.cutoff_band, english) + ").";
    case MissReason::kFullLottery:
      return choice +
             (english ? " was full: the places went to students in the same travel band ("
                      : " was vol: de plaatsen gingen naar studenten in dezelfde reistijdband (") +
             BandLabel(m.own_band, english) +
             (english ? ") with a better lottery number." : ") met een beter lotnummer.");
    case MissReason::kFullOptimal:
      return choice + (english ? " was full: this way more students got a place high on their "
                                 "list."
                               : " was vol: zo kregen meer studenten een plek hoog op hun lijst.");
  }
  return {};
}
}  // namespace

std::string_view Name(MissReason r) {
  for (const auto& info : kMissReasons)
    if (info.reason == r) return info.name;
  return "no_places";
}

std::optional<MissReason> ParseMissReason(std::string_view s) {
  for (const auto& info : kMissReasons)
    if (info.name == s) return info.reason;
  return std::nullopt;
}

std::string Ordinal(int n, bool english) {
  std::string num = std::to_string(n);
  if (!english) return num + "e";
  int tens = (n / 10) % 10, ones = n % 10;
  if (tens == 1) return num + "th";
  if (ones == 1) return num + "st";
  if (ones == 2) return num + "nd";
  if (ones == 3) return num + "rd";
  return num + "th";
}

std::string ExplainOutcome(const StudentOutcome& o, bool english) {
  std::string out;
  if (!o.had_choices && !o.placed) {
    return english ? "You did not choose any places, so the school could not place you in this "
                     "round. Your coordinator will contact you."
                   : "Je hebt geen plaatsen gekozen, dus de school kon je in deze ronde niet "
                     "plaatsen. Je coördinator neemt contact met je op.";
  }
  if (o.overridden && o.placed) {
    out = english ? "Your coordinator chose this place for you."
                  : "Je coördinator heeft deze plek voor je gekozen.";
    if (o.placed_rank)
      out += english ? " It was your " + Ordinal(*o.placed_rank, true) + " choice."
                     : " Het was je " + Ordinal(*o.placed_rank, false) + " keus.";
    return out;
  }
  if (o.placed && o.placed_rank) {
    out = english ? "You got your " + Ordinal(*o.placed_rank, true) + " choice."
                  : "Je hebt je " + Ordinal(*o.placed_rank, false) + " keus gekregen.";
  } else if (o.placed) {
    out = english ? "You have been placed." : "Je bent geplaatst.";
  } else {
    out = english ? "You have not been placed in this round. You can take part in the next "
                    "round."
                  : "Je bent in deze ronde niet geplaatst. Je kunt meedoen aan de volgende "
                    "ronde.";
  }
  if (o.first_missed) out += " " + MissSentence(*o.first_missed, english);
  return out;
}

// ---- BPVO -----------------------------------------------------------------

common::Status ValidateBpvo(const BpvoRecord& r) {
  if (r.student_number.empty())
    return common::Status::InvalidArgument("is empty", "student_number");
  if (r.brin.size() != 4) return common::Status::InvalidArgument("is not a BRIN code", "brin");
  if (r.volgnummer < 1) return common::Status::InvalidArgument("must be 1 or more", "volgnummer");
  if (r.leerbedrijf_id.empty() || !IsLeerbedrijfId(r.leerbedrijf_id))
    return common::Status::InvalidArgument("is not an SBB leerbedrijf-ID", "leerbedrijf_id");
  if (!IsCrebo(r.crebo)) return common::Status::InvalidArgument("is not a crebo code", "crebo");
  if (!(r.begin < r.end_planned))
    return common::Status::InvalidArgument("must come before the planned end", "begin");
  if (r.hours < 1 || r.hours > 3000)
    return common::Status::InvalidArgument("must be 1 to 3000 hours", "hours");
  return common::Status::Ok();
}

std::string BpvoCsvHeader() {
  return "Studentnummer,BRIN,Volgnummer,LeerbedrijfID,Opleidingcode,DatumBegin,"
         "DatumEindGepland,Omvang\n";
}

std::string BpvoCsvLine(const BpvoRecord& r) {
  std::string out;
  AppendCsvCell(r.student_number, &out);
  out.push_back(',');
  AppendCsvCell(r.brin, &out);
  out.push_back(',');
  out.append(std::to_string(r.volgnummer));
  out.push_back(',');
  AppendCsvCell(r.leerbedrijf_id, &out);
  out.push_back(',');
  AppendCsvCell(r.crebo, &out);
  out.push_back(',');
  out.append(FormatDate(r.begin));
  out.push_back(',');
  out.append(FormatDate(r.end_planned));
  out.push_back(',');
  out.append(std::to_string(r.hours));
  out.push_back('\n');
  return out;
}

void AppendCsvCell(std::string_view field, std::string* out) {
  bool formula = !field.empty() && (field[0] == '=' || field[0] == '+' || field[0] == '-' ||
                                    field[0] == '@' || field[0] == '\t' || field[0] == '\r');
  bool quote = formula || field.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out->append(field);
    return;
  }
  out->push_back('"');
  if (formula) out->push_back('\'');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace domain
