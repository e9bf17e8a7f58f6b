// The import files' columns and the field checks of one line (see
// domain/placement.h, "Imports").
#include <algorithm>
#include <cctype>
#include <charconv>

#include "domain/calendar.h"
#include "domain/placement.h"

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

}  // namespace

// ---- Imports --------------------------------------------------------------

std::string_view Name(ImportKind k) {
  switch (k) {
    case ImportKind::kStudents:
      return "students";
    case ImportKind::kCompanies:
      return "companies";
    case ImportKind::kPlaces:
      return "places";
    case ImportKind::kStaff:
      return "staff";
    case ImportKind::kBpv:
      return "bpv";
  }
  return "students";
}

std::optional<ImportKind> ParseImportKind(std::string_view s) {
  if (s == "students") return ImportKind::kStudents;
  if (s == "companies") return ImportKind::kCompanies;
  if (s == "places") return ImportKind::kPlaces;
  if (s == "staff") return ImportKind::kStaff;
  if (s == "bpv") return ImportKind::kBpv;
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
      {"email", false, {"e_mail", "login"}},
      {"begeleider_email", false, {"begeleider_e_mail", "stagebegeleider_email"}},
      // The day the student left; their record's retention starts then.
      {"left_on", false, {"uitschrijfdatum", "uitgeschreven_op"}},
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
      {"contact_name", false, {"contactpersoon", "contact_naam"}},
      {"contact_email", false, {"contact_e_mail"}},
  };
  static const std::vector<ColumnSpec> places = {
      {"leerbedrijf_id", true, {"leerbedrijfid"}},
      {"crebo", true, {"opleidingcode", "opleidingscode"}},
      {"capacity", true, {"capaciteit"}},
      {"period", true, {"periode"}},
      {"description", false, {"omschrijving"}},
  };
  static const std::vector<ColumnSpec> staff = {
      {"login", true, {"inlognaam"}},
      {"name", true, {"naam"}},
      {"role", true, {"rol"}},
      {"email", false, {"e_mail"}},
  };
  static const std::vector<ColumnSpec> bpv = {
      {"student_number", true, {"studentnummer", "studentnumber", "leerlingnummer"}},
      {"leerbedrijf_id", true, {"leerbedrijfid", "leerbedrijf"}},
      {"crebo", true, {"opleidingcode", "opleidingscode"}},
      {"start_date", true, {"startdatum", "begindatum", "start"}},
      {"end_date", true, {"einddatum", "end", "eind"}},
      {"pathway", false, {"leerweg"}},
  };
  switch (kind) {
    case ImportKind::kBpv:
      return bpv;
    case ImportKind::kStudents:
      return students;
    case ImportKind::kCompanies:
      return companies;
    case ImportKind::kPlaces:
      return places;
    case ImportKind::kStaff:
      return staff;
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

void ParseEmail(std::vector<FieldIssue>* issues, std::string_view field, std::string_view value,
                std::string* out) {
  if (value.empty()) return;
  if (std::optional<std::string> email = NormalizeImportEmail(value)) {
    *out = std::move(*email);
  } else {
    issues->push_back({std::string(field),
                       std::string(field) + " " + Quote(value) + " is not an e-mail address"});
  }
}

}  // namespace

std::optional<std::string> NormalizeImportEmail(std::string_view value) {
  auto login = NormalizeLogin(value);
  if (!login.ok()) return std::nullopt;
  std::string_view d = LoginDomainOf(*login);
  if (d.find('.') == std::string_view::npos || d.front() == '.' || d.back() == '.' ||
      login->find_first_of(",;") != std::string::npos)
    return std::nullopt;
  return *login;
}

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
                           "column " + std::string(spec[k].name) + " appears twice",
                           "kolom " + std::string(spec[k].name) + " staat er twee keer in"});
      } else {
        map.index[k] = static_cast<int>(col);
      }
    }
  }
  const std::vector<ColumnSpec>& spec = Spec(kind);
  for (size_t k = 0; k < spec.size(); ++k) {
    if (spec[k].required && map.index[k] < 0) {
      issues->push_back({std::string(spec[k].name), "missing column " + std::string(spec[k].name),
                         "kolom " + std::string(spec[k].name) + " ontbreekt"});
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
  ParseEmail(&issues, "email", columns.Get(record, "email"), &out->email);
  ParseEmail(&issues, "begeleider_email", columns.Get(record, "begeleider_email"),
             &out->begeleider_email);
  std::string_view left_on = columns.Get(record, "left_on");
  if (!left_on.empty() && !ParseDate(left_on)) {
    issues.push_back({"left_on", "left_on " + Quote(left_on) + " is not a date (YYYY-MM-DD)"});
  } else {
    out->left_on = std::string(left_on);
  }
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
  RequireText(&issues, "contact_name", columns.Get(record, "contact_name"), 200, false,
              &out->contact_name);
  ParseEmail(&issues, "contact_email", columns.Get(record, "contact_email"), &out->contact_email);
  // A contact is a name and an address together.
  if (out->contact_email.empty() != out->contact_name.empty() && issues.empty()) {
    issues.push_back(
        out->contact_email.empty()
            ? FieldIssue{"contact_email", "contact_email is empty (contact_name is given)"}
            : FieldIssue{"contact_name", "contact_name is empty (contact_email is given)"});
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

}  // namespace domain

namespace domain {

std::vector<FieldIssue> ParseStaffRow(const ColumnMap& columns,
                                      const std::vector<std::string_view>& record, StaffRow* out) {
  std::vector<FieldIssue> issues;
  std::string_view login = columns.Get(record, "login");
  if (login.empty()) {
    issues.push_back({"login", "login is empty"});
  } else if (auto norm = NormalizeLogin(login); norm.ok()) {
    out->login = *norm;
  } else {
    issues.push_back({"login", "login " + Quote(login) + " does not look like name@domain"});
  }
  RequireText(&issues, "name", columns.Get(record, "name"), 200, true, &out->name);
  std::string_view role = columns.Get(record, "role");
  std::optional<Role> r = ParseRole(Lower(role));
  // Staff only: students and company contacts come with their own imports,
  // and a system admin belongs to no school.
  if (r && (*r == Role::kMeldpuntHandler || *r == Role::kCoordinator || *r == Role::kTeacher ||
            *r == Role::kManagement || *r == Role::kSchoolAdmin)) {
    out->role = *r;
  } else {
    issues.push_back({"role", "role " + Quote(role) +
                                  " is not meldpunt, coordinator, teacher, management or admin"});
  }
  ParseEmail(&issues, "email", columns.Get(record, "email"), &out->email);
  return issues;
}

namespace {

// YYYY-MM-DD, or DD-MM-YYYY as Dutch student systems often export it.
std::optional<Date> ParseImportDate(std::string_view v) {
  if (std::optional<Date> d = ParseDate(v)) return d;
  if (v.size() == 10 && (v[2] == '-' || v[2] == '/') && v[5] == v[2]) {
    std::string iso = std::string(v.substr(6, 4)) + "-" + std::string(v.substr(3, 2)) + "-" +
                      std::string(v.substr(0, 2));
    return ParseDate(iso);
  }
  return std::nullopt;
}

void Issue(std::vector<FieldIssue>* issues, std::string field, std::string en, std::string nl) {
  issues->push_back({std::move(field), std::move(en), std::move(nl)});
}

}  // namespace

std::vector<FieldIssue> ParseBpvRow(const ColumnMap& columns,
                                    const std::vector<std::string_view>& record, BpvRow* out) {
  std::vector<FieldIssue> issues;
  std::string_view number = columns.Get(record, "student_number");
  if (number.empty()) {
    Issue(&issues, "student_number", "student_number is empty", "studentnummer is leeg");
  } else if (number.size() > 20 ||
             !std::all_of(number.begin(), number.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
             })) {
    Issue(&issues, "student_number",
          "student_number " + Quote(number) + " must be 1 to 20 letters, digits, - or _",
          "studentnummer " + Quote(number) + " moet 1 tot 20 letters, cijfers, - of _ zijn");
  } else {
    out->student_number = std::string(number);
  }
  std::string_view company = columns.Get(record, "leerbedrijf_id");
  if (company.empty()) {
    Issue(&issues, "leerbedrijf_id", "leerbedrijf_id is empty", "leerbedrijf_id is leeg");
  } else if (!IsLeerbedrijfId(company)) {
    Issue(&issues, "leerbedrijf_id",
          "leerbedrijf_id " + Quote(company) + " is not an SBB leerbedrijf-ID (1 to 12 digits)",
          "leerbedrijf_id " + Quote(company) + " is geen SBB leerbedrijf-ID (1 tot 12 cijfers)");
  } else {
    out->leerbedrijf_id = std::string(company);
  }
  std::string_view crebo = columns.Get(record, "crebo");
  if (crebo.empty()) {
    Issue(&issues, "crebo", "crebo is empty", "crebo is leeg");
  } else if (!IsCrebo(crebo)) {
    Issue(&issues, "crebo", "crebo " + Quote(crebo) + " is not a 5-digit crebo code",
          "crebo " + Quote(crebo) + " is geen crebocode van 5 cijfers");
  } else {
    out->crebo = std::string(crebo);
  }
  std::optional<Date> start, end;
  for (const char* field : {"start_date", "end_date"}) {
    std::string_view v = columns.Get(record, field);
    std::string nl = std::string_view(field) == "start_date" ? "startdatum" : "einddatum";
    std::optional<Date> d = ParseImportDate(v);
    if (v.empty()) {
      Issue(&issues, field, std::string(field) + " is empty", nl + " is leeg");
    } else if (!d) {
      Issue(&issues, field,
            std::string(field) + " " + Quote(v) + " is not a date (YYYY-MM-DD or DD-MM-YYYY)",
            nl + " " + Quote(v) + " is geen datum (JJJJ-MM-DD of DD-MM-JJJJ)");
    }
    (std::string_view(field) == "start_date" ? start : end) = d;
  }
  if (start && end && end->days < start->days) {
    Issue(&issues, "end_date", "end_date is before start_date",
          "einddatum ligt voor de startdatum");
  }
  if (start) out->start = *start;
  if (end) out->end = *end;
  std::string_view pathway = columns.Get(record, "pathway");
  if (!pathway.empty()) {
    if (std::optional<Pathway> p = ParsePathway(pathway)) {
      out->pathway = *p;
    } else {
      Issue(&issues, "pathway", "pathway " + Quote(pathway) + " is not BOL or BBL",
            "leerweg " + Quote(pathway) + " is geen BOL of BBL");
    }
  }
  return issues;
}

}  // namespace domain
