#include "domain/placement.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "common/csv.h"

namespace domain {

namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c >= '0' && c <= '9'; });
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
  common::AppendCsvText(r.student_number, &out);
  out.push_back(',');
  common::AppendCsvText(r.brin, &out);
  out.push_back(',');
  common::AppendCsvNumber(r.volgnummer, &out);
  out.push_back(',');
  common::AppendCsvText(r.leerbedrijf_id, &out);
  out.push_back(',');
  common::AppendCsvText(r.crebo, &out);
  out.push_back(',');
  common::AppendCsvText(FormatDate(r.begin), &out);
  out.push_back(',');
  common::AppendCsvText(FormatDate(r.end_planned), &out);
  out.push_back(',');
  common::AppendCsvNumber(r.hours, &out);
  out.push_back('\n');
  return out;
}

}  // namespace domain
