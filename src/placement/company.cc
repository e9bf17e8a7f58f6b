// The company contact's side: their company, places, the norm to accept,
// and placed students once a round is visible (never before).
#include "placement/flags_internal.h"

namespace placement {

using common::Status;
using common::StatusOr;

namespace {

StatusOr<Company> LoadCompany(db::Connection& c, const std::string& school_id,
                              const std::string& company_id) {
  SP_ASSIGN_OR_RETURN(
      db::Row r,
      c.QueryOne("SELECT co.id, co.leerbedrijf_id, co.kvk, co.name, co.address, co.postcode, "
                 "co.city, co.lat, co.lon, co.sbb_recognised, "
                 "(SELECT MAX(a.version) FROM norm_acceptances a WHERE a.school_id = $1 AND "
                 "a.company_id = co.id), "
                 "(SELECT MAX(a.accepted_at) FROM norm_acceptances a WHERE a.school_id = $1 AND "
                 "a.company_id = co.id) FROM school_company_view co WHERE co.id = $2 AND "
                 "co.school_id = $1",
                 {school_id, company_id}));
  Company co;
  co.id = r.Text(0);
  co.leerbedrijf_id = r.Text(1);
  co.kvk = r.Text(2);
  co.name = r.Text(3);
  co.address = r.Text(4);
  co.postcode = r.Text(5);
  co.city = r.Text(6);
  if (!r.IsNull(7) && !r.IsNull(8)) co.coordinates = domain::Coordinates{r.Double(7), r.Double(8)};
  co.sbb_recognised = r.Int(9) != 0;
  if (std::optional<int64_t> v = r.OptInt(10)) co.norm_accepted_version = static_cast<int>(*v);
  co.norm_accepted_at = r.OptInt(11);
  SP_ASSIGN_OR_RETURN(db::Rows crebos,
                      c.Query("SELECT crebo FROM company_crebos WHERE school_id = $1 AND "
                              "company_id = $2 ORDER BY crebo",
                              {school_id, company_id}));
  for (const db::Row& row : crebos.rows) co.crebos.push_back(row.Text(0));
  return co;
}

// Placements at the company in rounds that are visible on `today`: the
// condition is in the query, so no student row is even read before then.
StatusOr<std::vector<CompanyPlacement>> VisiblePlacements(db::Connection& c,
                                                          const std::string& school_id,
                                                          const std::string& company_id,
                                                          domain::Date today) {
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query(
          std::string("SELECT ") + internal::kPlaceColumns +
              ", p.id, r.name, s.name, s.student_number, s.crebo, s.level, s.pathway, "
              "r.start_date, r.end_date, CASE WHEN w.share_support = 1 THEN w.support_needs "
              "ELSE '' END, p.ended_kind "
              "FROM placements p JOIN rounds r ON r.id = p.round_id "
              "JOIN leerplaatsen l ON l.id = p.leerplaats_id "
              "JOIN school_company_view co ON co.id = l.company_id AND co.school_id = l.school_id "
              "JOIN students s ON s.id = p.student_id "
              "LEFT JOIN leerwensen w ON w.round_id = p.round_id AND w.student_id = "
              "p.student_id "
              "WHERE r.school_id = $1 AND l.company_id = $2 AND r.status = 'published' AND "
              "r.visible_from <= $3 ORDER BY r.start_date DESC, s.name, p.id",
          {school_id, company_id, domain::FormatDate(today)}));
  std::vector<CompanyPlacement> out;
  for (const db::Row& r : rows.rows) {
    CompanyPlacement cp;
    cp.place = internal::PlaceFromRow(r);
    cp.placement_id = r.Text(11);
    cp.round_name = r.Text(12);
    cp.student_name = r.Text(13);
    cp.student_number = r.Text(14);
    cp.crebo = r.Text(15);
    cp.level = static_cast<int>(r.Int(16));
    cp.pathway = domain::ParsePathway(r.Text(17)).value_or(domain::Pathway::kBol);
    cp.start = domain::ParseDate(r.Text(18)).value_or(domain::Date{});
    cp.end_planned = domain::ParseDate(r.Text(19)).value_or(domain::Date{});
    cp.support_needs = r.Text(20);
    cp.ended = r.OptText(21);
    out.push_back(std::move(cp));
  }
  return out;
}

}  // namespace

StatusOr<CompanyHome> Stagematching::CompanyView(const auth::User& actor) {
  CompanyHome home;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(std::string company_id, internal::CompanyOfContact(c, actor));
    SP_ASSIGN_OR_RETURN(home.company, LoadCompany(c, actor.school_id, company_id));
    if (std::optional<int> current = internal::CurrentNormVersion(c, actor.school_id)) {
      SP_ASSIGN_OR_RETURN(
          db::Row n,
          c.QueryOne("SELECT n.version, n.text_nl, n.text_en, n.published_at, "
                     "COALESCE(u.display_name, '') FROM norm_versions n LEFT JOIN users u ON u.id "
                     "= n.published_by WHERE n.school_id = $1 AND n.version = $2",
                     {actor.school_id, *current}));
      home.current_norm = NormVersion{static_cast<int>(n.Int(0)), n.Text(1), n.Text(2), n.Int(3),
                                      n.Text(4)};
      home.must_accept_norm = home.company.norm_accepted_version != *current;
    }
    SP_ASSIGN_OR_RETURN(
        db::Rows places,
        c.Query(std::string("SELECT ") + internal::kPlaceColumns +
                    " FROM leerplaatsen l JOIN school_company_view co ON co.id = l.company_id AND "
                    "co.school_id = l.school_id WHERE "
                    "l.school_id = $1 AND l.company_id = $2 ORDER BY l.period, l.crebo, l.id",
                {actor.school_id, company_id}));
    for (const db::Row& r : places.rows) home.places.push_back(internal::PlaceFromRow(r));
    SP_ASSIGN_OR_RETURN(home.placements, VisiblePlacements(c, actor.school_id, company_id,
                                                           internal::Today(clock_)));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return home;
}

Status Stagematching::ConfirmPlace(const auth::User& actor, std::string_view place_id,
                                   int capacity, std::optional<std::string> description) {
  if (capacity < 0 || capacity > 1000)
    return Status::InvalidArgument("must be 0 to 1000", "capacity");
  if (description) SP_RETURN_IF_ERROR(internal::CheckText(*description, "description", 2000, false));
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(std::string company_id, internal::CompanyOfContact(c, actor));
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query(std::string("SELECT ") + internal::kPlaceColumns +
                                    " FROM leerplaatsen l JOIN school_company_view co ON co.id = "
                                    "l.company_id AND co.school_id = l.school_id WHERE l.id = "
                                    "$1 AND l.school_id = $2 AND l.company_id = $3",
                                {place_id, actor.school_id, company_id}));
    if (rows.empty()) return Status::NotFound("no such place");
    Place place = internal::PlaceFromRow(rows.rows[0]);
    if (capacity < place.taken) {
      return Status::FailedPrecondition(
          "is below the " + std::to_string(place.taken) + " students already placed here",
          "capacity");
    }
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE leerplaatsen SET capacity = $1, description = $2, confirmed_by = $3, "
                  "confirmed_at = $4, updated_at = $4 WHERE id = $5",
                  {capacity, description.value_or(place.description), actor.id,
                   clock_.NowMillis(), place.id})
            .status());
    return internal::Audit(c, audit_, actor, "place.confirm", "place", place.id);
  });
}

StatusOr<Flag> Stagematching::ReportEnd(const auth::User& actor, std::string_view placement_id,
                                        EndKind kind, std::string_view reason) {
  SP_RETURN_IF_ERROR(internal::CheckText(reason, "reason", 2000, true));
  Flag flag;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(std::string company_id, internal::CompanyOfContact(c, actor));
    SP_ASSIGN_OR_RETURN(flag, internal::EndPlacement(c, audit_, actor, placement_id, kind, reason,
                                                     company_id, clock_));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return flag;
}

}  // namespace placement
