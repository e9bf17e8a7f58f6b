// The leerbedrijven and leerplaatsen imports: idempotent upserts keyed by
// leerbedrijf-ID, and by (leerbedrijf-ID, crebo, period).
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "crypto/random.h"
#include "placement/imports_internal.h"
#include "placement/internal.h"

namespace placement::internal {

namespace {

// ---- Companies ----

struct CompanyLine {
  int64_t line = 0;
  domain::CompanyRow row;
};

struct ExistingCompany {
  std::string id;
  domain::CompanyRow row;  // crebos: this school's recognitions
  bool in_register = false;
  bool sbb_recognised = true;
};

std::optional<double> Lat(const std::optional<domain::Coordinates>& c) {
  return c ? std::optional<double>(c->lat) : std::nullopt;
}
std::optional<double> Lon(const std::optional<domain::Coordinates>& c) {
  return c ? std::optional<double>(c->lon) : std::nullopt;
}

bool SameFields(const domain::CompanyRow& a, const domain::CompanyRow& b) {
  bool coords = a.coordinates && b.coordinates
                    ? a.coordinates->lat == b.coordinates->lat &&
                          a.coordinates->lon == b.coordinates->lon
                    : !a.coordinates && !b.coordinates;
  return a.kvk == b.kvk && a.name == b.name && a.address == b.address &&
         a.postcode == b.postcode && a.city == b.city && coords;
}

Status LoadCompanies(db::Connection& c, std::string_view school_id,
                     std::map<std::string, ExistingCompany>* by_leerbedrijf) {
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT co.id, co.leerbedrijf_id, co.kvk, co.name, co.address, co.postcode, co.city, "
              "co.lat, co.lon, co.sbb_recognised, "
              "EXISTS (SELECT 1 FROM school_companies sc WHERE sc.company_id = co.id AND "
              "sc.school_id = $1) FROM companies co",
              {school_id}));
  std::map<std::string, std::string> leerbedrijf_of;
  for (const db::Row& r : rows.rows) {
    ExistingCompany e;
    e.id = r.Text(0);
    e.row.leerbedrijf_id = r.Text(1);
    e.row.kvk = r.Text(2);
    e.row.name = r.Text(3);
    e.row.address = r.Text(4);
    e.row.postcode = r.Text(5);
    e.row.city = r.Text(6);
    if (!r.IsNull(7) && !r.IsNull(8)) e.row.coordinates = domain::Coordinates{r.Double(7), r.Double(8)};
    e.sbb_recognised = r.Int(9) != 0;
    e.in_register = r.Int(10) != 0;
    leerbedrijf_of[e.id] = e.row.leerbedrijf_id;
    (*by_leerbedrijf)[e.row.leerbedrijf_id] = std::move(e);
  }
  SP_ASSIGN_OR_RETURN(db::Rows crebos,
                      c.Query("SELECT company_id, crebo FROM company_crebos WHERE school_id = $1 "
                              "ORDER BY company_id, crebo",
                              {school_id}));
  for (const db::Row& r : crebos.rows) {
    auto it = leerbedrijf_of.find(r.Text(0));
    if (it != leerbedrijf_of.end()) (*by_leerbedrijf)[it->second].row.crebos.push_back(r.Text(1));
  }
  return Status::Ok();
}

Status ReplaceCrebos(db::Connection& c, std::string_view school_id, const std::string& company_id,
                     const std::vector<std::string>& crebos) {
  SP_RETURN_IF_ERROR(c.Execute("DELETE FROM company_crebos WHERE school_id = $1 AND company_id = $2",
                               {school_id, company_id})
                         .status());
  for (const std::string& crebo : crebos) {
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO company_crebos(school_id, company_id, crebo) VALUES ($1, $2, $3)",
                  {school_id, company_id, crebo})
            .status());
  }
  return Status::Ok();
}

// ---- Places ----

struct PlaceLine {
  int64_t line = 0;
  domain::PlaceRow row;
};

struct ExistingPlace {
  std::string id;
  int capacity = 0;
  std::string description;
  int taken = 0;
};

std::string PlaceKey(std::string_view company_id, std::string_view crebo, std::string_view period) {
  std::string key(company_id);
  key.push_back('\x1f');
  key.append(crebo);
  key.push_back('\x1f');
  key.append(period);
  return key;
}

// Field checks and duplicates within the file.
std::vector<CompanyLine> ParseCompanyLines(const domain::ColumnMap& columns,
                                           const std::vector<ParsedLine>& lines,
                                           ImportContext* ctx) {
  std::vector<CompanyLine> rows;
  std::map<std::string, int64_t> seen;
  for (const ParsedLine& line : lines) {
    CompanyLine s{line.line, {}};
    auto issues = domain::ParseCompanyRow(columns, line.Views(), &s.row);
    for (auto& issue : issues) ctx->Error(line.line, issue.field, issue.message);
    bool duplicate = false;
    if (!s.row.leerbedrijf_id.empty()) {
      auto [it, inserted] = seen.emplace(s.row.leerbedrijf_id, line.line);
      duplicate = !inserted;
      if (duplicate) {
        ctx->Error(line.line, "leerbedrijf_id",
                   "leerbedrijf_id \"" + s.row.leerbedrijf_id + "\" appears twice (also on line " +
                       std::to_string(it->second) + ")");
      }
    }
    if (issues.empty() && !duplicate) rows.push_back(std::move(s));
  }
  return rows;
}

}  // namespace

Status ImportCompanies(db::Connection& c, const domain::ColumnMap& columns,
                       const std::vector<ParsedLine>& lines, ImportContext* ctx) {
  const std::string& school_id = ctx->actor.school_id;
  const bool has_crebos = columns.Find("crebos") >= 0;
  std::vector<CompanyLine> rows = ParseCompanyLines(columns, lines, ctx);
  if (ctx->failed()) return Status::Ok();

  std::map<std::string, ExistingCompany> existing;
  SP_RETURN_IF_ERROR(LoadCompanies(c, school_id, &existing));
  // New companies go in batches (companies first, for the foreign keys).
  BatchInsert insert(c,
                     "INSERT INTO companies(id, leerbedrijf_id, kvk, name, address, postcode, city, "
                     "lat, lon, sbb_recognised, created_at) VALUES",
                     11);
  std::vector<std::string> join_register;
  std::vector<std::pair<std::string, const std::vector<std::string>*>> new_crebos;
  for (const CompanyLine& s : rows) {
    const domain::CompanyRow& r = s.row;
    auto it = existing.find(r.leerbedrijf_id);
    if (it == existing.end()) {
      std::string id = crypto::RandomId();
      SP_RETURN_IF_ERROR(insert.Add({id, r.leerbedrijf_id, r.kvk, r.name, r.address, r.postcode,
                                     r.city, Lat(r.coordinates), Lon(r.coordinates),
                                     r.sbb_recognised.value_or(true), ctx->now}));
      join_register.push_back(id);
      new_crebos.emplace_back(id, &r.crebos);
      ++ctx->report->inserted;
      continue;
    }
    const ExistingCompany& e = it->second;
    bool fields = SameFields(e.row, r);
    bool recognised = !r.sbb_recognised || *r.sbb_recognised == e.sbb_recognised;
    bool crebos = !has_crebos || e.row.crebos == r.crebos;
    if (fields && recognised && crebos && e.in_register) {
      ++ctx->report->unchanged;
      continue;
    }
    if (!fields || !recognised) {
      SP_RETURN_IF_ERROR(
          c.Execute("UPDATE companies SET kvk = $1, name = $2, address = $3, postcode = $4, "
                    "city = $5, lat = $6, lon = $7, sbb_recognised = $8 WHERE id = $9",
                    {r.kvk, r.name, r.address, r.postcode, r.city, Lat(r.coordinates),
                     Lon(r.coordinates), r.sbb_recognised.value_or(e.sbb_recognised), e.id})
              .status());
    }
    if (!e.in_register) join_register.push_back(e.id);
    if (!crebos) SP_RETURN_IF_ERROR(ReplaceCrebos(c, school_id, e.id, r.crebos));
    ++ctx->report->updated;
  }
  SP_RETURN_IF_ERROR(insert.Flush());
  BatchInsert join(c, "INSERT INTO school_companies(school_id, company_id) VALUES", 2);
  for (const std::string& id : join_register) SP_RETURN_IF_ERROR(join.Add({school_id, id}));
  SP_RETURN_IF_ERROR(join.Flush());
  BatchInsert recognise(c, "INSERT INTO company_crebos(school_id, company_id, crebo) VALUES", 3);
  for (const auto& [id, list] : new_crebos) {
    for (const std::string& crebo : *list) SP_RETURN_IF_ERROR(recognise.Add({school_id, id, crebo}));
  }
  return recognise.Flush();
}

namespace {

// The school's side of a places import: its register, recognitions and
// existing places.
struct PlaceRegister {
  std::map<std::string, std::string> company_of;  // leerbedrijf-ID -> company id
  std::set<std::pair<std::string, std::string>> recognised;  // (company id, crebo)
  std::map<std::string, ExistingPlace> existing;             // by PlaceKey
};

Status LoadPlaceRegister(db::Connection& c, const std::string& school_id, PlaceRegister* reg) {
  SP_ASSIGN_OR_RETURN(db::Rows companies,
                      c.Query("SELECT co.leerbedrijf_id, co.id FROM companies co JOIN "
                              "school_companies sc ON sc.company_id = co.id WHERE sc.school_id = $1",
                              {school_id}));
  for (const db::Row& r : companies.rows) reg->company_of[r.Text(0)] = r.Text(1);
  SP_ASSIGN_OR_RETURN(db::Rows crebos,
                      c.Query("SELECT company_id, crebo FROM company_crebos WHERE school_id = $1",
                              {school_id}));
  for (const db::Row& r : crebos.rows) reg->recognised.emplace(r.Text(0), r.Text(1));
  SP_ASSIGN_OR_RETURN(
      db::Rows places,
      c.Query("SELECT l.id, l.company_id, l.crebo, l.period, l.capacity, l.description, "
              "(SELECT COUNT(*) FROM placements p JOIN rounds pr ON pr.id = p.round_id WHERE "
              "p.leerplaats_id = l.id AND pr.status = 'published' AND p.ended_kind IS NULL) "
              "FROM leerplaatsen l WHERE l.school_id = $1",
              {school_id}));
  for (const db::Row& r : places.rows) {
    reg->existing[PlaceKey(r.Text(1), r.Text(2), r.Text(3))] =
        ExistingPlace{r.Text(0), static_cast<int>(r.Int(4)), r.Text(5), static_cast<int>(r.Int(6))};
  }
  return Status::Ok();
}

// The company id of a well-formed line, or nullopt after reporting why the
// line cannot be applied.
std::optional<std::string> CheckPlaceLine(const PlaceLine& s, const PlaceRegister& reg,
                                          std::map<std::string, int64_t>* seen,
                                          ImportContext* ctx) {
  const domain::PlaceRow& r = s.row;
  auto company = reg.company_of.find(r.leerbedrijf_id);
  if (company == reg.company_of.end()) {
    ctx->Error(s.line, "leerbedrijf_id",
               "leerbedrijf_id \"" + r.leerbedrijf_id +
                   "\" is not in the school's register (import the leerbedrijven first)");
    return std::nullopt;
  }
  if (!reg.recognised.count({company->second, r.crebo})) {
    ctx->Error(s.line, "crebo",
               "crebo \"" + r.crebo + "\" is not a crebo leerbedrijf " + r.leerbedrijf_id +
                   " is recognised for");
    return std::nullopt;
  }
  std::string key = PlaceKey(company->second, r.crebo, r.period);
  auto [it, inserted] = seen->emplace(key, s.line);
  if (!inserted) {
    ctx->Error(s.line, "",
               "leerbedrijf " + r.leerbedrijf_id + ", crebo " + r.crebo + " and period \"" +
                   r.period + "\" appear twice (also on line " + std::to_string(it->second) + ")");
    return std::nullopt;
  }
  auto old = reg.existing.find(key);
  if (old != reg.existing.end() && r.capacity < old->second.taken) {
    ctx->Error(s.line, "capacity",
               "capacity " + std::to_string(r.capacity) + " is below the " +
                   std::to_string(old->second.taken) + " students already placed here");
    return std::nullopt;
  }
  return company->second;
}

}  // namespace

Status ImportPlaces(db::Connection& c, const domain::ColumnMap& columns,
                    const std::vector<ParsedLine>& lines, ImportContext* ctx) {
  const std::string& school_id = ctx->actor.school_id;
  PlaceRegister reg;
  SP_RETURN_IF_ERROR(LoadPlaceRegister(c, school_id, &reg));
  std::vector<std::pair<PlaceLine, std::string>> rows;  // with the company id
  std::map<std::string, int64_t> seen;
  for (const ParsedLine& line : lines) {
    PlaceLine s{line.line, {}};
    auto issues = domain::ParsePlaceRow(columns, line.Views(), &s.row);
    for (auto& issue : issues) ctx->Error(line.line, issue.field, issue.message);
    if (!issues.empty()) continue;
    if (std::optional<std::string> company = CheckPlaceLine(s, reg, &seen, ctx))
      rows.emplace_back(std::move(s), std::move(*company));
  }
  if (ctx->failed()) return Status::Ok();

  BatchInsert insert(c,
                     "INSERT INTO leerplaatsen(id, school_id, company_id, crebo, period, capacity, "
                     "description, created_at, updated_at) VALUES",
                     9);
  for (const auto& [s, company_id] : rows) {
    const domain::PlaceRow& r = s.row;
    auto old = reg.existing.find(PlaceKey(company_id, r.crebo, r.period));
    if (old == reg.existing.end()) {
      SP_RETURN_IF_ERROR(insert.Add({crypto::RandomId(), school_id, company_id, r.crebo, r.period,
                                     r.capacity, r.description, ctx->now, ctx->now}));
      ++ctx->report->inserted;
    } else if (old->second.capacity == r.capacity && old->second.description == r.description) {
      ++ctx->report->unchanged;
    } else {
      // A new capacity needs the company's confirmation again.
      bool capacity_changed = old->second.capacity != r.capacity;
      SP_RETURN_IF_ERROR(
          c.Execute(capacity_changed
                        ? "UPDATE leerplaatsen SET capacity = $1, description = $2, updated_at = "
                          "$3, confirmed_at = NULL, confirmed_by = NULL WHERE id = $4"
                        : "UPDATE leerplaatsen SET capacity = $1, description = $2, updated_at = "
                          "$3 WHERE id = $4",
                    {r.capacity, r.description, ctx->now, old->second.id})
              .status());
      ++ctx->report->updated;
    }
  }
  return insert.Flush();
}

}  // namespace placement::internal
