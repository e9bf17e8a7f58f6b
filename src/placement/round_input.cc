#include "placement/round_input.h"

#include <algorithm>
#include <set>
#include <unordered_map>

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

}  // namespace

common::StatusOr<RoundInput> LoadRoundInput(db::Connection& c, const Round& round,
                                            std::string_view school_id,
                                            const std::vector<Exclusion>& exclusions) {
  RoundInput out;
  matching::Instance& in = out.named.instance;
  bool inserted = false;

  SP_ASSIGN_OR_RETURN(
      db::Rows students,
      c.Query("SELECT s.id, s.lat, s.lon, s.crebo, w.transport FROM round_students rs JOIN "
              "students s ON s.id = rs.student_id LEFT JOIN leerwensen w ON w.round_id = "
              "rs.round_id AND w.student_id = s.id WHERE rs.round_id = $1 ORDER BY s.id",
              {round.id}));
  // Byte order, whatever the database's collation: the lottery follows it.
  auto by_id = [](const db::Row& a, const db::Row& b) { return a.Text(0) < b.Text(0); };
  std::sort(students.rows.begin(), students.rows.end(), by_id);
  std::vector<StudentIn> student_in;
  student_in.reserve(students.rows.size());
  for (const db::Row& r : students.rows) {
    out.named.students.Insert(r.Text(0), &inserted);
    StudentIn s{CoordinatesAt(r, 1), r.Text(3), domain::Transport::kPublicTransport};
    if (std::optional<std::string> t = r.OptText(4))
      s.transport = domain::ParseTransport(*t).value_or(domain::Transport::kPublicTransport);
    student_in.push_back(std::move(s));
  }
  in.num_students = static_cast<int32_t>(student_in.size());

  SP_ASSIGN_OR_RETURN(
      db::Rows places,
      c.Query("SELECT l.id, l.crebo, l.capacity, co.id, co.leerbedrijf_id, co.lat, co.lon, "
              "(SELECT COUNT(*) FROM placements p JOIN rounds pr ON pr.id = p.round_id WHERE "
              "p.leerplaats_id = l.id AND pr.status = 'published' AND p.ended_kind IS NULL AND "
              "pr.id <> $3) FROM leerplaatsen l JOIN companies co ON co.id = l.company_id WHERE "
              "l.school_id = $1 AND l.period = $2 ORDER BY l.id",
              {school_id, round.period, round.id}));
  std::sort(places.rows.begin(), places.rows.end(), by_id);
  std::set<std::string> excluded;
  for (const Exclusion& e : exclusions) excluded.insert(e.company_id);
  out.excluded_company_ids.assign(excluded.begin(), excluded.end());
  std::unordered_map<std::string, PlaceIn> place_in;
  std::vector<std::optional<domain::Coordinates>> company_at;
  for (const db::Row& r : places.rows) {
    std::string crebo = r.Text(1);
    if (std::find(round.crebos.begin(), round.crebos.end(), crebo) == round.crebos.end()) continue;
    int32_t position = out.named.positions.Insert(r.Text(0), &inserted);
    int32_t company = out.named.companies.Insert(r.Text(4), &inserted);
    if (inserted) {
      company_at.push_back(CoordinatesAt(r, 5));
      in.company_excluded.push_back(excluded.count(r.Text(3)) ? 1 : 0);
    }
    int64_t left = std::max<int64_t>(0, r.Int(2) - r.Int(7));
    in.position_capacity.push_back(static_cast<int32_t>(left));
    in.position_company.push_back(company);
    out.position_company_id.push_back(r.Text(3));
    place_in[r.Text(0)] = PlaceIn{position, std::move(crebo), company};
  }
  in.num_companies = out.named.companies.size();

  SP_ASSIGN_OR_RETURN(db::Rows choices,
                      c.Query("SELECT student_id, rank, leerplaats_id FROM leerwens_choices "
                              "WHERE round_id = $1 ORDER BY student_id, rank",
                              {round.id}));
  // Group the choices by student (rows come sorted by rank within a student).
  std::vector<std::vector<const db::Row*>> by_student(static_cast<size_t>(in.num_students));
  for (const db::Row& r : choices.rows) {
    int32_t s = out.named.students.Find(r.Text(0));
    if (s >= 0) by_student[static_cast<size_t>(s)].push_back(&r);
  }
  in.pref_begin.assign(static_cast<size_t>(in.num_students) + 1, 0);
  out.choices.assign(static_cast<size_t>(in.num_students), 0);
  for (int32_t s = 0; s < in.num_students; ++s) {
    const StudentIn& st = student_in[static_cast<size_t>(s)];
    in.pref_begin[static_cast<size_t>(s)] = in.num_edges();
    for (const db::Row* r : by_student[static_cast<size_t>(s)]) {
      auto place = place_in.find(r->Text(2));
      // A place that left the round, or of another crebo, is not offered.
      if (place == place_in.end() || place->second.crebo != st.crebo) continue;
      domain::TravelBand band =
          BandBetween(st.home, company_at[static_cast<size_t>(place->second.company)], st.transport);
      in.pref_position.push_back(place->second.position);
      in.pref_rank.push_back(static_cast<int32_t>(r->Int(1)));
      in.pref_priority.push_back(domain::BandPriority(band));
      ++out.choices[static_cast<size_t>(s)];
    }
  }
  in.pref_begin[static_cast<size_t>(in.num_students)] = in.num_edges();
  SP_RETURN_IF_ERROR(matching::ValidateInstance(in));
  return out;
}

std::map<std::string, std::string> MatchingIoFiles(const RoundInput& input,
                                                   const matchio::RoundResult& result) {
  const matchio::NamedInstance& named = input.named;
  const matching::Instance& in = named.instance;
  std::map<std::string, std::string> files;
  auto row = [](std::string* out, std::initializer_list<std::string_view> fields) {
    bool first = true;
    for (std::string_view f : fields) {
      if (!first) out->push_back(',');
      matchio::AppendCsvField(f, out);
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
