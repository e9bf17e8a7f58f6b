// The BPV agreements import: internships that no stagematching round made
// (self-found, BBL, years 2 to 4), as the school already registers them.
// Keyed by (student, leerbedrijf, start day): a new key is inserted, a known
// one gets its end day, crebo and leerweg updated when they changed, so
// reading the same file again changes nothing. The student must be in the
// school's records and the leerbedrijf in the school's register; a student
// of another school answers exactly like an unknown one.
#include <map>
#include <tuple>

#include "crypto/random.h"
#include "placement/imports_internal.h"
#include "placement/internal.h"

namespace placement::internal {

namespace {

struct BpvLine {
  int64_t line = 0;
  domain::BpvRow row;
  std::string student_id;
  std::string company_id;
};

struct StoredBpv {
  std::string id;
  std::string crebo;
  std::string end_date;
  std::string pathway;  // "" when not given
};

// (student id, company id, start day)
using BpvKey = std::tuple<std::string, std::string, std::string>;

std::string PathwayText(const domain::BpvRow& r) {
  return r.pathway ? std::string(domain::Name(*r.pathway)) : std::string();
}

Status LoadLookups(db::Connection& c, std::string_view school_id,
                   std::map<std::string, std::string>* students,
                   std::map<std::string, std::string>* companies,
                   std::map<BpvKey, StoredBpv>* stored) {
  SP_ASSIGN_OR_RETURN(db::Rows s, c.Query("SELECT student_number, id FROM students WHERE "
                                          "school_id = $1",
                                          {school_id}));
  for (const db::Row& r : s.rows) (*students)[r.Text(0)] = r.Text(1);
  SP_ASSIGN_OR_RETURN(db::Rows co, c.Query("SELECT leerbedrijf_id, id FROM school_company_view "
                                           "WHERE school_id = $1",
                                           {school_id}));
  for (const db::Row& r : co.rows) (*companies)[r.Text(0)] = r.Text(1);
  SP_ASSIGN_OR_RETURN(db::Rows b, c.Query("SELECT student_id, company_id, start_date, id, crebo, "
                                          "end_date, COALESCE(pathway, '') FROM bpv_agreements "
                                          "WHERE school_id = $1",
                                          {school_id}));
  for (const db::Row& r : b.rows)
    (*stored)[{r.Text(0), r.Text(1), r.Text(2)}] = {r.Text(3), r.Text(4), r.Text(5), r.Text(6)};
  return Status::Ok();
}

// Whether the leerbedrijf is in the deployment's register at all: a more
// helpful message for one the school has not imported yet.
StatusOr<bool> InDeploymentRegister(db::Connection& c, std::string_view leerbedrijf_id) {
  SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT 1 FROM companies WHERE leerbedrijf_id = $1",
                                             {leerbedrijf_id}));
  return !rows.empty();
}

}  // namespace

Status ImportBpv(db::Connection& c, const domain::ColumnMap& columns,
                 const std::vector<ParsedLine>& lines, ImportContext* ctx) {
  const std::string& school_id = ctx->actor.school_id;
  std::map<std::string, std::string> students, companies;
  std::map<BpvKey, StoredBpv> stored;
  SP_RETURN_IF_ERROR(LoadLookups(c, school_id, &students, &companies, &stored));
  std::vector<BpvLine> rows;
  std::map<BpvKey, int64_t> seen;
  for (const ParsedLine& line : lines) {
    BpvLine b{line.line, {}, "", ""};
    auto issues = domain::ParseBpvRow(columns, line.Views(), &b.row);
    for (auto& issue : issues) ctx->Error(line.line, issue.field, issue.message, issue.message_nl);
    if (!issues.empty()) continue;
    const domain::BpvRow& r = b.row;
    auto student = students.find(r.student_number);
    if (student == students.end()) {
      ctx->Error(line.line, "student_number",
                 "student " + r.student_number +
                     " is not among the school's students (import the students first)",
                 "student " + r.student_number +
                     " staat niet bij de studenten van de school (lees eerst de studenten in)");
    } else {
      b.student_id = student->second;
    }
    auto company = companies.find(r.leerbedrijf_id);
    if (company == companies.end()) {
      SP_ASSIGN_OR_RETURN(bool known, InDeploymentRegister(c, r.leerbedrijf_id));
      ctx->Error(line.line, "leerbedrijf_id",
                 "leerbedrijf " + r.leerbedrijf_id +
                     (known ? " is not in the school's register yet (import it as a leerbedrijf "
                              "first)"
                            : " is unknown (import it as a leerbedrijf first)"),
                 "leerbedrijf " + r.leerbedrijf_id +
                     (known ? " staat nog niet in het register van de school (lees het eerst in "
                              "als leerbedrijf)"
                            : " is onbekend (lees het eerst in als leerbedrijf)"));
    } else {
      b.company_id = company->second;
    }
    if (b.student_id.empty() || b.company_id.empty()) continue;
    BpvKey key{b.student_id, b.company_id, domain::FormatDate(r.start)};
    auto [it, inserted] = seen.emplace(key, line.line);
    if (!inserted) {
      std::string other = std::to_string(it->second);
      ctx->Error(line.line, "",
                 "student " + r.student_number + " at leerbedrijf " + r.leerbedrijf_id + " from " +
                     domain::FormatDate(r.start) + " appears twice (also on line " + other + ")",
                 "student " + r.student_number + " bij leerbedrijf " + r.leerbedrijf_id +
                     " vanaf " + domain::FormatDate(r.start) +
                     " staat er twee keer in (ook op "
                     "regel " +
                     other + ")");
      continue;
    }
    rows.push_back(std::move(b));
  }
  if (ctx->failed()) return Status::Ok();

  BatchInsert insert(c,
                     "INSERT INTO bpv_agreements(id, school_id, student_id, company_id, crebo, "
                     "start_date, end_date, pathway, created_at, updated_at) VALUES",
                     10);
  // Without a pathway column the stored leerweg stays.
  const bool has_pathway = columns.Find("pathway") >= 0;
  for (const BpvLine& b : rows) {
    const domain::BpvRow& r = b.row;
    std::string start = domain::FormatDate(r.start), end = domain::FormatDate(r.end);
    auto old = stored.find({b.student_id, b.company_id, start});
    std::string pathway = has_pathway || old == stored.end() ? PathwayText(r) : old->second.pathway;
    db::Param pathway_param = pathway.empty() ? db::Param(std::nullopt) : db::Param(pathway);
    if (old == stored.end()) {
      SP_RETURN_IF_ERROR(insert.Add({crypto::RandomId(), school_id, b.student_id, b.company_id,
                                     r.crebo, start, end, pathway_param, ctx->now, ctx->now}));
      ++ctx->report->inserted;
    } else if (old->second.crebo == r.crebo && old->second.end_date == end &&
               old->second.pathway == pathway) {
      ++ctx->report->unchanged;
    } else {
      SP_RETURN_IF_ERROR(c.Execute("UPDATE bpv_agreements SET crebo = $1, end_date = $2, "
                                   "pathway = $3, updated_at = $4 WHERE id = $5",
                                   {r.crebo, end, pathway_param, ctx->now, old->second.id})
                             .status());
      ++ctx->report->updated;
    }
  }
  return insert.Flush();
}

}  // namespace placement::internal
