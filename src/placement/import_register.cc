// The leerbedrijven and leerplaatsen imports: idempotent upserts keyed by
// leerbedrijf-ID, and by (leerbedrijf-ID, crebo, period). A school's
// leerbedrijven import writes only the school's own view of a company (its
// school_companies overlay and company_crebos), never the shared register
// facts in companies: those come from the system admin's register import
// (ImportRegister below).
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

// A known company and, when the school has it in its register, the school's
// overlay (an unset overlay field reads as empty, like an empty CSV field).
struct ExistingCompany {
  std::string id;
  domain::CompanyRow row;  // the school's overlay; crebos: this school's recognitions
  bool in_register = false;
  bool sbb_withdrawn = false;
};

std::optional<double> Lat(const std::optional<domain::Coordinates>& c) {
  return c ? std::optional<double>(c->lat) : std::nullopt;
}
std::optional<double> Lon(const std::optional<domain::Coordinates>& c) {
  return c ? std::optional<double>(c->lon) : std::nullopt;
}

// An empty optional field sets nothing: the register's fact holds.
std::optional<std::string> Set(const std::string& v) {
  return v.empty() ? std::nullopt : std::optional<std::string>(v);
}

bool SameFields(const domain::CompanyRow& a, const domain::CompanyRow& b) {
  bool coords = a.coordinates && b.coordinates
                    ? a.coordinates->lat == b.coordinates->lat &&
                          a.coordinates->lon == b.coordinates->lon
                    : !a.coordinates && !b.coordinates;
  return a.kvk == b.kvk && a.name == b.name && a.address == b.address &&
         a.postcode == b.postcode && a.city == b.city && coords;
}

// Every known company by leerbedrijf-ID, with this school's overlay. Only
// the identity is read from companies: the register's facts are not the
// school's to compare against or to write.
Status LoadCompanies(db::Connection& c, std::string_view school_id,
                     std::map<std::string, ExistingCompany>* by_leerbedrijf) {
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT co.id, co.leerbedrijf_id, sc.kvk, sc.name, sc.address, sc.postcode, "
              "sc.city, sc.lat, sc.lon, sc.sbb_withdrawn, sc.school_id FROM companies co "
              "LEFT JOIN school_companies sc ON sc.company_id = co.id AND sc.school_id = $1",
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
    e.sbb_withdrawn = r.Int(9) != 0;
    e.in_register = !r.IsNull(10);
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
  // A leerbedrijf-ID nobody knows yet gets only its identity: the register's
  // facts stay empty ("not in the register") until the register import.
  BatchInsert identity(c, "INSERT INTO companies(id, leerbedrijf_id, name, created_at) VALUES", 4);
  std::vector<db::Params> joins;  // after the identities, for the foreign keys
  auto join_row = [&](const std::string& id, const domain::CompanyRow& r, bool withdrawn) {
    return db::Params{
        school_id,       id,          Set(r.kvk),         Set(r.name),        Set(r.address),
        Set(r.postcode), Set(r.city), Lat(r.coordinates), Lon(r.coordinates), withdrawn};
  };
  std::vector<std::pair<std::string, const std::vector<std::string>*>> new_crebos;
  for (const CompanyLine& s : rows) {
    const domain::CompanyRow& r = s.row;
    auto it = existing.find(r.leerbedrijf_id);
    bool withdrawn_by_file = r.sbb_recognised && !*r.sbb_recognised;
    if (it == existing.end() || !it->second.in_register) {
      std::string id = it == existing.end() ? crypto::RandomId() : it->second.id;
      joins.push_back(join_row(id, r, withdrawn_by_file));
      if (it == existing.end()) {
        SP_RETURN_IF_ERROR(identity.Add({id, r.leerbedrijf_id, "", ctx->now}));
        new_crebos.emplace_back(id, &r.crebos);
        ++ctx->report->inserted;
      } else {
        // Known elsewhere, new to this school's register.
        if (has_crebos) SP_RETURN_IF_ERROR(ReplaceCrebos(c, school_id, id, r.crebos));
        ++ctx->report->updated;
      }
      continue;
    }
    const ExistingCompany& e = it->second;
    bool fields = SameFields(e.row, r);
    bool withdrawn = r.sbb_recognised ? !*r.sbb_recognised : e.sbb_withdrawn;
    bool crebos = !has_crebos || e.row.crebos == r.crebos;
    if (fields && withdrawn == e.sbb_withdrawn && crebos) {
      ++ctx->report->unchanged;
      continue;
    }
    if (!fields || withdrawn != e.sbb_withdrawn) {
      db::Params p = join_row(e.id, r, withdrawn);
      SP_RETURN_IF_ERROR(
          c.Execute("UPDATE school_companies SET kvk = $3, name = $4, address = $5, "
                    "postcode = $6, city = $7, lat = $8, lon = $9, sbb_withdrawn = $10 "
                    "WHERE school_id = $1 AND company_id = $2",
                    p)
              .status());
    }
    if (!crebos) SP_RETURN_IF_ERROR(ReplaceCrebos(c, school_id, e.id, r.crebos));
    ++ctx->report->updated;
  }
  SP_RETURN_IF_ERROR(identity.Flush());
  BatchInsert join(c,
                   "INSERT INTO school_companies(school_id, company_id, kvk, name, address, "
                   "postcode, city, lat, lon, sbb_withdrawn) VALUES",
                   10);
  for (db::Params& p : joins) SP_RETURN_IF_ERROR(join.Add(std::move(p)));
  SP_RETURN_IF_ERROR(join.Flush());
  BatchInsert recognise(c, "INSERT INTO company_crebos(school_id, company_id, crebo) VALUES", 3);
  for (const auto& [id, list] : new_crebos) {
    for (const std::string& crebo : *list) {
      SP_RETURN_IF_ERROR(recognise.Add({school_id, id, crebo}));
    }
  }
  return recognise.Flush();
}

namespace {

// The register's facts of every known company, by leerbedrijf-ID.
struct RegisterCompany {
  std::string id;
  domain::CompanyRow row;
  bool sbb_recognised = true;
};

Status LoadRegister(db::Connection& c, std::map<std::string, RegisterCompany>* by_leerbedrijf) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT id, leerbedrijf_id, kvk, name, address, postcode, city, lat, "
                              "lon, sbb_recognised FROM companies"));
  for (const db::Row& r : rows.rows) {
    RegisterCompany e;
    e.id = r.Text(0);
    e.row.leerbedrijf_id = r.Text(1);
    e.row.kvk = r.Text(2);
    e.row.name = r.Text(3);
    e.row.address = r.Text(4);
    e.row.postcode = r.Text(5);
    e.row.city = r.Text(6);
    if (!r.IsNull(7) && !r.IsNull(8))
      e.row.coordinates = domain::Coordinates{r.Double(7), r.Double(8)};
    e.sbb_recognised = r.Int(9) != 0;
    (*by_leerbedrijf)[e.row.leerbedrijf_id] = std::move(e);
  }
  return Status::Ok();
}

}  // namespace

Status ImportRegister(db::Connection& c, const domain::ColumnMap& columns,
                      const std::vector<ParsedLine>& lines, ImportContext* ctx) {
  std::vector<CompanyLine> rows = ParseCompanyLines(columns, lines, ctx);
  for (const CompanyLine& s : rows) {
    if (!s.row.crebos.empty()) {
      ctx->Error(s.line, "crebos",
                 "crebos are recognitions per school: leave the column empty in a register "
                 "import (each school imports its own)");
    }
  }
  if (ctx->failed()) return Status::Ok();

  std::map<std::string, RegisterCompany> existing;
  SP_RETURN_IF_ERROR(LoadRegister(c, &existing));
  BatchInsert insert(
      c,
      "INSERT INTO companies(id, leerbedrijf_id, kvk, name, address, postcode, city, "
      "lat, lon, sbb_recognised, created_at) VALUES",
      11);
  for (const CompanyLine& s : rows) {
    const domain::CompanyRow& r = s.row;
    auto it = existing.find(r.leerbedrijf_id);
    if (it == existing.end()) {
      SP_RETURN_IF_ERROR(insert.Add({crypto::RandomId(), r.leerbedrijf_id, r.kvk, r.name, r.address,
                                     r.postcode, r.city, Lat(r.coordinates), Lon(r.coordinates),
                                     r.sbb_recognised.value_or(true), ctx->now}));
      ++ctx->report->inserted;
      continue;
    }
    const RegisterCompany& e = it->second;
    bool recognised = r.sbb_recognised.value_or(e.sbb_recognised);
    if (SameFields(e.row, r) && recognised == e.sbb_recognised) {
      ++ctx->report->unchanged;
      continue;
    }
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE companies SET kvk = $1, name = $2, address = $3, postcode = $4, "
                  "city = $5, lat = $6, lon = $7, sbb_recognised = $8 WHERE id = $9",
                  {r.kvk, r.name, r.address, r.postcode, r.city, Lat(r.coordinates),
                   Lon(r.coordinates), recognised, e.id})
            .status());
    ++ctx->report->updated;
  }
  return insert.Flush();
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
