// The students import: an idempotent upsert keyed by student number, with an
// optional explicit round enrolment per line.
#include <algorithm>
#include <map>

#include "crypto/random.h"
#include "placement/imports_internal.h"
#include "placement/internal.h"

namespace placement::internal {

namespace {

struct StudentLine {
  int64_t line = 0;
  domain::StudentRow row;
};

struct RoundRef {
  std::string id;
  std::string name;
  domain::RoundStatus status = domain::RoundStatus::kDraft;
  std::vector<std::string> crebos;
};

struct Existing {
  std::string id;
  domain::StudentRow row;
  std::string user_id;              // the linked login, or ""
  const RoundRef* round = nullptr;  // the draft or active round the student is in
};

bool SameCoordinates(const std::optional<domain::Coordinates>& a,
                     const std::optional<domain::Coordinates>& b) {
  if (!a || !b) return !a && !b;
  return a->lat == b->lat && a->lon == b->lon;
}

bool Same(const domain::StudentRow& a, const domain::StudentRow& b) {
  return a.name == b.name && a.crebo == b.crebo && a.level == b.level && a.pathway == b.pathway &&
         a.cohort == b.cohort && a.location == b.location &&
         SameCoordinates(a.coordinates, b.coordinates);
}

std::optional<double> Lat(const domain::StudentRow& r) {
  return r.coordinates ? std::optional<double>(r.coordinates->lat) : std::nullopt;
}
std::optional<double> Lon(const domain::StudentRow& r) {
  return r.coordinates ? std::optional<double>(r.coordinates->lon) : std::nullopt;
}

db::Param OptEmail(const std::string& email) {
  return email.empty() ? db::Param(std::nullopt) : db::Param(email);
}
// An optional text column: "" is stored as NULL.
db::Param OptText(const std::string& text) { return OptEmail(text); }

std::vector<StudentLine> ParseAll(const domain::ColumnMap& columns,
                                  const std::vector<ParsedLine>& lines, ImportContext* ctx) {
  std::vector<StudentLine> out;
  std::map<std::string, int64_t> seen;
  for (const ParsedLine& line : lines) {
    StudentLine s{line.line, {}};
    std::vector<domain::FieldIssue> issues = domain::ParseStudentRow(columns, line.Views(), &s.row);
    for (auto& issue : issues) ctx->Error(line.line, issue.field, issue.message);
    // Duplicates are reported even on lines with other problems.
    bool duplicate = false;
    if (!s.row.student_number.empty()) {
      auto [it, inserted] = seen.emplace(s.row.student_number, line.line);
      duplicate = !inserted;
      if (duplicate) {
        ctx->Error(line.line, "student_number",
                   "student_number \"" + s.row.student_number + "\" appears twice (also on line " +
                       std::to_string(it->second) + ")");
      }
    }
    if (issues.empty() && !duplicate) out.push_back(std::move(s));
  }
  return out;
}

Status LoadRounds(db::Connection& c, std::string_view school_id,
                  std::map<std::string, RoundRef>* by_id) {
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT id, name, status, crebos FROM rounds WHERE school_id = $1", {school_id}));
  for (const db::Row& r : rows.rows) {
    RoundRef ref{r.Text(0), r.Text(1),
                 domain::ParseRoundStatus(r.Text(2)).value_or(domain::RoundStatus::kDraft),
                 SplitCrebos(r.Text(3))};
    (*by_id)[ref.id] = std::move(ref);
  }
  return Status::Ok();
}

Status LoadExisting(db::Connection& c, std::string_view school_id,
                    const std::map<std::string, RoundRef>& rounds,
                    std::map<std::string, Existing>* by_number) {
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT s.id, s.student_number, s.name, s.crebo, s.level, s.pathway, s.cohort, "
              "s.location, s.lat, s.lon, (SELECT rs.round_id FROM round_students rs JOIN rounds r "
              "ON r.id = rs.round_id WHERE rs.student_id = s.id AND r.status IN ('draft', "
              "'open', 'closed', 'proposed') ORDER BY r.created_at DESC LIMIT 1), "
              "COALESCE(s.user_id, ''), COALESCE(s.begeleider_email, ''), COALESCE(s.left_on, '') "
              "FROM students s WHERE s.school_id = $1",
              {school_id}));
  for (const db::Row& r : rows.rows) {
    Existing e;
    e.id = r.Text(0);
    e.row.student_number = r.Text(1);
    e.row.name = r.Text(2);
    e.row.crebo = r.Text(3);
    e.row.level = static_cast<int>(r.Int(4));
    e.row.pathway = domain::ParsePathway(r.Text(5)).value_or(domain::Pathway::kBol);
    e.row.cohort = r.Text(6);
    e.row.location = r.Text(7);
    if (!r.IsNull(8) && !r.IsNull(9))
      e.row.coordinates = domain::Coordinates{r.Double(8), r.Double(9)};
    if (std::optional<std::string> round = r.OptText(10)) {
      auto it = rounds.find(*round);
      if (it != rounds.end()) e.round = &it->second;
    }
    e.user_id = r.Text(11);
    e.row.begeleider_email = r.Text(12);
    e.row.left_on = r.Text(13);
    (*by_number)[e.row.student_number] = std::move(e);
  }
  return Status::Ok();
}

// The database checks of one line: the round it names, a second round at
// once, and changes that would invalidate an active round's wishes.
void CheckLine(const StudentLine& s, const Existing* existing,
               const std::map<std::string, const RoundRef*>& rounds_by_name, ImportContext* ctx) {
  const RoundRef* target = nullptr;
  if (!s.row.round.empty()) {
    auto it = rounds_by_name.find(s.row.round);
    if (it == rounds_by_name.end()) {
      ctx->Error(s.line, "round", "round \"" + s.row.round + "\" does not exist at this school");
      return;
    }
    target = it->second;
    if (target->status != domain::RoundStatus::kDraft &&
        target->status != domain::RoundStatus::kOpen) {
      ctx->Error(s.line, "round",
                 "round \"" + target->name + "\" is " + std::string(domain::Name(target->status)) +
                     "; students can only be added to a draft or open round");
      return;
    }
    if (std::find(target->crebos.begin(), target->crebos.end(), s.row.crebo) ==
        target->crebos.end()) {
      ctx->Error(
          s.line, "crebo",
          "crebo \"" + s.row.crebo + "\" is not one of round \"" + target->name + "\"'s crebos");
      return;
    }
  }
  if (existing == nullptr || existing->round == nullptr) return;
  if (target != nullptr && target != existing->round) {
    ctx->Error(s.line, "round",
               "student " + s.row.student_number + " is already in round \"" +
                   existing->round->name + "\" (" +
                   std::string(domain::Name(existing->round->status)) +
                   "); a student takes part in one round at a time");
    return;
  }
  if (existing->row.crebo != s.row.crebo || existing->row.cohort != s.row.cohort) {
    ctx->Error(s.line, existing->row.crebo != s.row.crebo ? "crebo" : "cohort",
               "student " + s.row.student_number + " is in round \"" + existing->round->name +
                   "\" (" + std::string(domain::Name(existing->round->status)) +
                   "); crebo and cohort cannot change until that round is published");
  }
}

}  // namespace

Status ImportStudents(db::Connection& c, const domain::ColumnMap& columns,
                      const std::vector<ParsedLine>& lines, ImportContext* ctx) {
  const std::string& school_id = ctx->actor.school_id;
  std::vector<StudentLine> rows = ParseAll(columns, lines, ctx);
  std::map<std::string, RoundRef> rounds;
  SP_RETURN_IF_ERROR(LoadRounds(c, school_id, &rounds));
  std::map<std::string, const RoundRef*> rounds_by_name;
  for (const auto& [id, ref] : rounds) rounds_by_name[ref.name] = &ref;
  std::map<std::string, Existing> existing;
  SP_RETURN_IF_ERROR(LoadExisting(c, school_id, rounds, &existing));
  for (const StudentLine& s : rows) {
    auto it = existing.find(s.row.student_number);
    CheckLine(s, it == existing.end() ? nullptr : &it->second, rounds_by_name, ctx);
  }
  // The logins named in the email column: an existing student login of the
  // school is linked; with invite_students a missing one is made (in the
  // school's login domains) and invited. Checked before any write.
  std::map<int64_t, std::optional<SchoolLogin>> logins;  // by line
  std::map<std::string, int64_t> email_seen;
  std::map<std::string, std::string> number_of_user;  // linked login -> student number
  for (const auto& [number, e] : existing)
    if (!e.user_id.empty()) number_of_user[e.user_id] = number;
  for (const StudentLine& s : rows) {
    if (s.row.email.empty()) continue;
    auto [seen, first] = email_seen.emplace(s.row.email, s.line);
    if (!first) {
      ctx->Error(s.line, "email",
                 "email \"" + s.row.email + "\" appears twice (also on line " +
                     std::to_string(seen->second) + ")");
      continue;
    }
    SP_ASSIGN_OR_RETURN(std::optional<SchoolLogin> login,
                        FindSchoolLogin(c, school_id, s.row.email));
    if (login) {
      if (login->role != domain::Role::kStudent) {
        ctx->Error(s.line, "email",
                   "email \"" + s.row.email + "\" belongs to a login that is not a student's");
        continue;
      }
      auto other = number_of_user.find(login->id);
      if (other != number_of_user.end() && other->second != s.row.student_number) {
        ctx->Error(s.line, "email",
                   "email \"" + s.row.email + "\" is the login of student " + other->second);
        continue;
      }
    } else if (ctx->options->invite_students) {
      SP_ASSIGN_OR_RETURN(std::string problem,
                          LoginDomainProblem(c, ctx, s.row.email, domain::Role::kStudent));
      if (!problem.empty()) {
        ctx->Error(s.line, "email", "email " + problem);
        continue;
      }
    }
    logins[s.line] = login;
  }
  if (ctx->failed()) return Status::Ok();
  const bool has_begeleider = columns.Find("begeleider_email") >= 0;
  const bool has_left_on = columns.Find("left_on") >= 0;

  BatchInsert insert(c,
                     "INSERT INTO students(id, school_id, student_number, name, crebo, level, "
                     "pathway, cohort, location, lat, lon, created_at, updated_at, "
                     "begeleider_email, left_on) VALUES",
                     15);
  std::vector<std::pair<std::string, const StudentLine*>> to_link;  // (student id, line)
  std::vector<std::pair<std::string, std::string>> enrolments;      // (round, student)
  for (const StudentLine& s : rows) {
    const domain::StudentRow& r = s.row;
    auto it = existing.find(r.student_number);
    std::string id;
    if (it == existing.end()) {
      id = crypto::RandomId();
      SP_RETURN_IF_ERROR(insert.Add({id, school_id, r.student_number, r.name, r.crebo, r.level,
                                     domain::Name(r.pathway), r.cohort, r.location, Lat(r), Lon(r),
                                     ctx->now, ctx->now, OptEmail(r.begeleider_email),
                                     OptText(r.left_on)}));
      ++ctx->report->inserted;
    } else {
      id = it->second.id;
      // Without the column the stored address stays.
      const std::string& begeleider =
          has_begeleider ? r.begeleider_email : it->second.row.begeleider_email;
      if (begeleider != it->second.row.begeleider_email) {
        SP_RETURN_IF_ERROR(c.Execute("UPDATE students SET begeleider_email = $1 WHERE id = $2",
                                     {OptEmail(begeleider), id})
                               .status());
      }
      // Likewise the day of leaving: without the column it stays.
      const std::string& left_on = has_left_on ? r.left_on : it->second.row.left_on;
      if (left_on != it->second.row.left_on) {
        SP_RETURN_IF_ERROR(c.Execute("UPDATE students SET left_on = $1 WHERE id = $2",
                                     {OptText(left_on), id})
                               .status());
      }
      if (Same(it->second.row, r) && begeleider == it->second.row.begeleider_email &&
          left_on == it->second.row.left_on) {
        ++ctx->report->unchanged;
      } else {
        SP_RETURN_IF_ERROR(
            c.Execute("UPDATE students SET name = $1, crebo = $2, level = $3, pathway = $4, "
                      "cohort = $5, location = $6, lat = $7, lon = $8, updated_at = $9 WHERE id = "
                      "$10",
                      {r.name, r.crebo, r.level, domain::Name(r.pathway), r.cohort, r.location,
                       Lat(r), Lon(r), ctx->now, id})
                .status());
        ++ctx->report->updated;
      }
    }
    if (!r.round.empty()) {
      enrolments.emplace_back(rounds_by_name.at(r.round)->id, id);
    }
    if (logins.count(s.line) > 0) to_link.emplace_back(id, &s);
  }
  SP_RETURN_IF_ERROR(insert.Flush());
  for (const auto& [student_id, s] : to_link) {
    const std::optional<SchoolLogin>& login = logins.at(s->line);
    std::string user_id;
    if (login) {
      user_id = login->id;
    } else if (ctx->options->invite_students) {
      SP_ASSIGN_OR_RETURN(user_id, CreateImportedLogin(c, ctx, s->row.email, s->row.name,
                                                       domain::Role::kStudent, /*invite=*/true));
    } else {
      continue;  // no login yet: linked by a later import or on the coordinator's page
    }
    auto it = existing.find(s->row.student_number);
    if (it != existing.end() && it->second.user_id == user_id) continue;
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE students SET user_id = $1 WHERE id = $2", {user_id, student_id})
            .status());
    ++ctx->report->logins_linked;
    SP_RETURN_IF_ERROR(Audit(c, *ctx->audit, ctx->actor, "user.link", "student", student_id));
  }
  // After the students exist (foreign keys are checked per statement).
  BatchInsert enrol(c, "INSERT INTO round_students(round_id, student_id) VALUES", 2,
                    "ON CONFLICT DO NOTHING");
  for (auto& [round_id, student_id] : enrolments) {
    SP_RETURN_IF_ERROR(enrol.Add({round_id, student_id}));
  }
  return enrol.Flush();
}

}  // namespace placement::internal
