// Exports: BPVO records with the BRON fields, and a round's engine input and
// output in the matching-io format so anyone can rerun and check it.
#include <filesystem>

#include "common/csv.h"
#include "matchio/atomic_file.h"
#include "placement/internal.h"

namespace placement {

using common::Status;
using common::StatusOr;

StatusOr<std::string> Stagematching::ExportBpvo(const auth::User& actor,
                                                std::string_view round_id) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  std::string csv = domain::BpvoCsvHeader();
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(Round round, internal::LoadRound(c, actor.school_id, round_id));
    if (round.status != domain::RoundStatus::kPublished) {
      return Status::FailedPrecondition("BPVO records follow publication", "status");
    }
    SP_ASSIGN_OR_RETURN(db::Row school,
                        c.QueryOne("SELECT brin FROM schools WHERE id = $1", {actor.school_id}));
    // Active placements only: a refused placement never started.
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT s.student_number, COALESCE(p.volgnummer, 1), co.leerbedrijf_id, l.crebo "
                "FROM placements p JOIN students s ON s.id = p.student_id JOIN leerplaatsen l ON "
                "l.id = p.leerplaats_id JOIN school_company_view co ON co.id = l.company_id AND "
                "co.school_id = l.school_id WHERE "
                "p.round_id = $1 AND p.ended_kind IS NULL ORDER BY s.student_number, s.id",
                {round.id}));
    for (const db::Row& r : rows.rows) {
      domain::BpvoRecord rec{r.Text(0),  school.Text(0), static_cast<int>(r.Int(1)),
                             r.Text(2),  r.Text(3),      round.start,
                             round.end_planned, round.hours};
      Status valid = domain::ValidateBpvo(rec);
      if (!valid.ok()) {
        return Status::FailedPrecondition("student " + rec.student_number + ": " +
                                              valid.field() + " " + valid.message(),
                                          valid.field());
      }
      csv += domain::BpvoCsvLine(rec);
    }
    return internal::Audit(c, audit_, actor, "round.export_bpvo", "round", round.id);
  });
  if (!s.ok()) return s;
  return csv;
}

StatusOr<std::map<std::string, std::string>> Stagematching::ExportMatchingIo(
    const auth::User& actor, std::string_view round_id) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  std::map<std::string, std::string> files;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(Round round, internal::LoadRound(c, actor.school_id, round_id));
    if (!round.run_at) return Status::FailedPrecondition("the round has not run yet", "status");
    SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT name, content FROM round_files WHERE "
                                               "round_id = $1 ORDER BY name",
                                               {round.id}));
    for (const db::Row& r : rows.rows) files[r.Text(0)] = r.Text(1);
    // The proposal as it stands, overrides included (not part of the format).
    SP_ASSIGN_OR_RETURN(db::Rows placed,
                        c.Query("SELECT student_id, COALESCE(leerplaats_id, ''), rank, "
                                "CASE WHEN override_reason IS NULL THEN 0 ELSE 1 END, "
                                "COALESCE(ended_kind, '') FROM placements WHERE round_id = $1 "
                                "ORDER BY student_id",
                                {round.id}));
    std::string& out = files["placements.csv"];
    out = "student_id,position_id,rank,overridden,ended\n";
    // Ids exactly as in the other matching-io files (common/csv.h), so the
    // file can be checked against them; the rest as numbers and text.
    for (const db::Row& r : placed.rows) {
      common::AppendCsvExact(r.Text(0), &out);
      out.push_back(',');
      common::AppendCsvExact(r.Text(1), &out);
      out.push_back(',');
      if (!r.IsNull(2)) common::AppendCsvNumber(r.Int(2), &out);
      out.push_back(',');
      common::AppendCsvNumber(int64_t{r.Int(3) != 0 ? 1 : 0}, &out);
      out.push_back(',');
      common::AppendCsvText(r.Text(4), &out);
      out.push_back('\n');
    }
    return internal::Audit(c, audit_, actor, "round.export", "round", round.id);
  });
  if (!s.ok()) return s;
  return files;
}

Status Stagematching::WriteMatchingIo(const auth::User& actor, std::string_view round_id,
                                      const std::string& directory) {
  SP_ASSIGN_OR_RETURN(auto files, ExportMatchingIo(actor, round_id));
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return Status::InvalidArgument(directory + ":0: cannot create directory: " + ec.message());
  for (const auto& [name, content] : files) {
    SP_ASSIGN_OR_RETURN(std::unique_ptr<matchio::AtomicFile> file,
                        matchio::AtomicFile::Create((std::filesystem::path(directory) / name).string()));
    file->Append(content);
    SP_RETURN_IF_ERROR(file->Commit());
  }
  return Status::Ok();
}

}  // namespace placement
