#include "placement/round_input.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "common/csv.h"
#include "matchio/atomic_file.h"

namespace placement::internal {

domain::TravelBand BandBetween(const std::optional<domain::Coordinates>& home,
                               const std::optional<domain::Coordinates>& work,
                               domain::Transport transport) {
  return domain::BandFor(domain::EstimateTravelMinutes(home, work, transport));
}

namespace {

std::optional<domain::Coordinates> CoordinatesAt(const db::Row& r, size_t lat) {
  if (r.IsNull(lat) || r.IsNull(lat + 1)) return std::nullopt;
  return domain::Coordinates{r.Double(lat), r.Double(lat + 1)};
}

struct StudentIn {
  std::optional<domain::Coordinates> home;
  std::string crebo;
  domain::Transport transport = domain::Transport::kPublicTransport;
};

struct PlaceIn {
  int32_t position = 0;
  std::string crebo;
  int32_t company = 0;  // index into company coordinates
};

// Byte order, whatever the database's collation: the lottery follows it.
void SortById(db::Rows* rows) {
  std::sort(rows->rows.begin(), rows->rows.end(),
            [](const db::Row& a, const db::Row& b) { return a.Text(0) < b.Text(0); });
}

// Builds a RoundInput in three steps: students, places, then the edges.
class InputBuilder {
 public:
  InputBuilder(db::Connection& c, const Round& round, RoundInput* out)
      : c_(c), round_(round), out_(*out), in_(out->named.instance) {}

  common::Status LoadStudents() {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c_.Query("SELECT s.id, s.lat, s.lon, s.crebo, w.transport FROM round_students rs JOIN "
                 "students s ON s.id = rs.student_id LEFT JOIN leerwensen w ON w.round_id = "
                 "rs.round_id AND w.student_id = s.id WHERE rs.round_id = $1",
                 {round_.id}));
    SortById(&rows);
    bool inserted = false;
    for (const db::Row& r : rows.rows) {
      out_.named.students.Insert(r.Text(0), &inserted);
      StudentIn s{CoordinatesAt(r, 1), r.Text(3), domain::Transport::kPublicTransport};
      if (std::optional<std::string> t = r.OptText(4))
        s.transport = domain::ParseTransport(*t).value_or(domain::Transport::kPublicTransport);
      students_.push_back(std::move(s));
    }
    in_.num_students = static_cast<int32_t>(students_.size());
    return common::Status::Ok();
  }

  // The round's places with the capacity other published rounds left.
  common::Status LoadPlaces(std::string_view school_id, const std::vector<Exclusion>& exclusions) {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c_.Query("SELECT l.id, l.crebo, l.capacity, co.id, co.leerbedrijf_id, co.lat, co.lon, "
                 "(SELECT COUNT(*) FROM placements p JOIN rounds pr ON pr.id = p.round_id WHERE "
                 "p.leerplaats_id = l.id AND pr.status = 'published' AND p.ended_kind IS NULL AND "
                 "pr.id <> $3) FROM leerplaatsen l JOIN school_company_view co ON co.id = "
                 "l.company_id AND co.school_id = l.school_id "
                 "WHERE l.school_id = $1 AND l.period = $2",
                 {school_id, round_.period, round_.id}));
    SortById(&rows);
    std::set<std::string> excluded;
    for (const Exclusion& e : exclusions) excluded.insert(e.company_id);
    out_.excluded_company_ids.assign(excluded.begin(), excluded.end());
    bool inserted = false;
    for (const db::Row& r : rows.rows) {
      std::string crebo = r.Text(1);
      if (std::find(round_.crebos.begin(), round_.crebos.end(), crebo) == round_.crebos.end())
        continue;
      int32_t position = out_.named.positions.Insert(r.Text(0), &inserted);
      int32_t company = out_.named.companies.Insert(r.Text(4), &inserted);
      if (inserted) {
        company_at_.push_back(CoordinatesAt(r, 5));
        in_.company_excluded.push_back(excluded.count(r.Text(3)) ? 1 : 0);
      }
      int64_t left = std::max<int64_t>(0, r.Int(2) - r.Int(7));
      in_.position_capacity.push_back(static_cast<int32_t>(left));
      in_.position_company.push_back(company);
      out_.position_company_id.push_back(r.Text(3));
      places_[r.Text(0)] = PlaceIn{position, std::move(crebo), company};
    }
    in_.num_companies = out_.named.companies.size();
    return common::Status::Ok();
  }

  // One edge per ranked choice that is still a place of the round for the
  // student's crebo, with the travel band as the position's priority.
  common::Status LoadChoices() {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c_.Query("SELECT student_id, rank, leerplaats_id FROM leerwens_choices "
                                 "WHERE round_id = $1 ORDER BY student_id, rank",
                                 {round_.id}));
    const size_t n = students_.size();
    std::vector<std::vector<const db::Row*>> by_student(n);
    for (const db::Row& r : rows.rows) {
      int32_t s = out_.named.students.Find(r.Text(0));
      if (s >= 0) by_student[static_cast<size_t>(s)].push_back(&r);
    }
    in_.pref_begin.assign(n + 1, 0);
    out_.choices.assign(n, 0);
    for (size_t s = 0; s < n; ++s) {
      const StudentIn& st = students_[s];
      in_.pref_begin[s] = in_.num_edges();
      for (const db::Row* r : by_student[s]) {
        auto place = places_.find(r->Text(2));
        if (place == places_.end() || place->second.crebo != st.crebo) continue;
        domain::TravelBand band = BandBetween(
            st.home, company_at_[static_cast<size_t>(place->second.company)], st.transport);
        in_.pref_position.push_back(place->second.position);
        in_.pref_rank.push_back(static_cast<int32_t>(r->Int(1)));
        in_.pref_priority.push_back(domain::BandPriority(band));
        ++out_.choices[s];
      }
    }
    in_.pref_begin[n] = in_.num_edges();
    return common::Status::Ok();
  }

 private:
  db::Connection& c_;
  const Round& round_;
  RoundInput& out_;
  matching::Instance& in_;
  std::vector<StudentIn> students_;
  std::unordered_map<std::string, PlaceIn> places_;
  std::vector<std::optional<domain::Coordinates>> company_at_;
};

}  // namespace

common::StatusOr<RoundInput> LoadRoundInput(db::Connection& c, const Round& round,
                                            std::string_view school_id,
                                            const std::vector<Exclusion>& exclusions) {
  RoundInput out;
  InputBuilder builder(c, round, &out);
  SP_RETURN_IF_ERROR(builder.LoadStudents());
  SP_RETURN_IF_ERROR(builder.LoadPlaces(school_id, exclusions));
  SP_RETURN_IF_ERROR(builder.LoadChoices());
  SP_RETURN_IF_ERROR(matching::ValidateInstance(out.named.instance));
  return out;
}

std::map<std::string, std::string> MatchingIoFiles(const RoundInput& input,
                                                   const matchio::RoundResult& result) {
  const matchio::NamedInstance& named = input.named;
  const matching::Instance& in = named.instance;
  std::map<std::string, std::string> files;
  // matching-io.md files: every field (ids, and integers the engine wrote)
  // exactly as the engine reads it back (common::AppendCsvExact, no formula
  // guard: the spec's ids are any string and must match across files).
  auto row = [](std::string* out, std::initializer_list<std::string_view> fields) {
    bool first = true;
    for (std::string_view f : fields) {
      if (!first) out->push_back(',');
      common::AppendCsvExact(f, out);
      first = false;
    }
    out->push_back('\n');
  };

  std::string& students = files["students.csv"];
  students = "student_id\n";
  for (int32_t s = 0; s < in.num_students; ++s) row(&students, {named.students.Name(s)});

  std::string& positions = files["positions.csv"];
  positions = "position_id,company_id,capacity\n";
  for (int32_t p = 0; p < in.num_positions(); ++p) {
    std::string capacity = std::to_string(in.position_capacity[static_cast<size_t>(p)]);
    row(&positions, {named.positions.Name(p),
                     named.companies.Name(in.position_company[static_cast<size_t>(p)]), capacity});
  }

  std::string& preferences = files["preferences.csv"];
  preferences = "student_id,position_id,rank\n";
  std::string& priorities = files["priorities.csv"];
  priorities = "position_id,student_id,priority\n";
  for (int32_t s = 0; s < in.num_students; ++s) {
    for (int32_t e = in.pref_begin[static_cast<size_t>(s)]; e < in.pref_begin[static_cast<size_t>(s) + 1]; ++e) {
      std::string_view position = named.positions.Name(in.pref_position[static_cast<size_t>(e)]);
      row(&preferences, {named.students.Name(s), position,
                         std::to_string(in.pref_rank[static_cast<size_t>(e)])});
      row(&priorities, {position, named.students.Name(s),
                        std::to_string(in.pref_priority[static_cast<size_t>(e)])});
    }
  }

  // Only companies that have positions in the round: the format rejects
  // unknown ids.
  std::string& exclusions = files["exclusions.csv"];
  exclusions = "company_id\n";
  for (int32_t k = 0; k < in.num_companies; ++k) {
    if (in.company_excluded[static_cast<size_t>(k)] != 0) row(&exclusions, {named.companies.Name(k)});
  }

  std::string& assignment = files["assignment.csv"];
  assignment = "student_id,position_id,rank\n";
  for (int32_t s = 0; s < in.num_students; ++s) {
    int32_t e = result.assignment.edge_of_student[static_cast<size_t>(s)];
    if (e < 0) {
      row(&assignment, {named.students.Name(s), "", ""});
    } else {
      row(&assignment, {named.students.Name(s), named.positions.Name(in.pref_position[static_cast<size_t>(e)]),
                        std::to_string(in.pref_rank[static_cast<size_t>(e)])});
    }
  }
  return files;
}

}  // namespace placement::internal
