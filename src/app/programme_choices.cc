#include "app/programme_choices.h"

namespace app {

using common::Status;
using common::StatusOr;

StatusOr<domain::ProgrammeChoices> ProgrammeChoicesOf(db::Database& db,
                                                      std::string_view school_id) {
  domain::ProgrammeChoices out;
  SP_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows locations,
                        c.Query("SELECT DISTINCT location FROM students WHERE school_id = $1 AND "
                                "location <> '' ORDER BY location",
                                {school_id}));
    for (const db::Row& r : locations.rows) out.locations.push_back(r.Text(0));
    SP_ASSIGN_OR_RETURN(db::Rows crebos,
                        c.Query("SELECT crebo FROM students WHERE school_id = $1 AND crebo <> '' "
                                "UNION SELECT crebo FROM leerplaatsen WHERE school_id = $1 AND "
                                "crebo <> '' ORDER BY 1",
                                {school_id}));
    for (const db::Row& r : crebos.rows) out.crebos.push_back(r.Text(0));
    return Status::Ok();
  }));
  return out;
}

Status CheckProgrammeChoice(db::Database& db, std::string_view school_id,
                            const domain::Programme& programme) {
  if (programme.location.empty() && programme.crebo.empty()) return Status::Ok();
  SP_ASSIGN_OR_RETURN(domain::ProgrammeChoices choices, ProgrammeChoicesOf(db, school_id));
  return domain::ValidateProgrammeChoice(programme, choices);
}

}  // namespace app
