// Attachments (P14): cleaned of metadata (media/), encrypted with a per-file
// key (crypto_secretstream) that is itself sealed with the case key, and
// stored under a random name. The file is written and synced before the row
// commits, so a committed row always has its file.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/hash.h"
#include "crypto/random.h"
#include "media/attachment.h"
#include "meldpunt/internal.h"
#include "meldpunt/service.h"

namespace meldpunt {

namespace {

using common::Status;
using common::StatusOr;

// Whoever adds them; the bytes are bounded by AttachmentQuotas.
constexpr int kMaxAttachmentsPerCase = 20;

std::string KindName(media::Kind k) {
  switch (k) {
    case media::Kind::kPdf:
      return "pdf";
    case media::Kind::kPng:
      return "png";
    case media::Kind::kJpeg:
      return "jpeg";
  }
  return "pdf";
}

Status WriteDurably(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable("cannot store the attachment");
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::Unavailable("cannot store the attachment");
    }
    done += static_cast<size_t>(n);
  }
  bool ok = ::fsync(fd) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::Unavailable("cannot store the attachment");
  }
  return Status::Ok();
}

// Encrypts `clean` and writes it; returns the stored name and the sealed file key.
StatusOr<std::pair<std::string, db::Blob>> StoreEncrypted(const std::string& dir,
                                                          const crypto::SecretKey& case_key,
                                                          const std::string& attachment_id,
                                                          const std::string& clean) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  crypto::SecretKey file_key = crypto::SecretKey::Generate();
  std::istringstream in(clean);
  std::ostringstream out;
  SP_RETURN_IF_ERROR(
      crypto::EncryptStream(file_key, in, out, FieldAd("attachments", attachment_id, "file")));
  std::string stored_name = crypto::RandomId() + ".bin";
  SP_RETURN_IF_ERROR(WriteDurably(std::filesystem::path(dir) / stored_name, out.str()));
  SP_ASSIGN_OR_RETURN(
      std::string sealed,
      crypto::Seal(case_key, file_key.bytes(), FieldAd("attachments", attachment_id, "file_key")));
  return std::pair{stored_name, db::Blob{std::move(sealed)}};
}

StatusOr<Meldpunt::FileContent> ReadDecrypted(db::Connection& c, const std::string& dir,
                                              std::string_view case_id,
                                              std::string_view attachment_id,
                                              const crypto::SecretKey& case_key) {
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT kind, stored_name, file_key FROM attachments WHERE id = $1 AND "
              "case_id = $2",
              {attachment_id, case_id}));
  if (rows.empty()) return Status::NotFound("no such attachment");
  const db::Row& r = rows.rows[0];
  SP_ASSIGN_OR_RETURN(
      std::string raw_key,
      crypto::Open(case_key, r.BlobBytes(2), FieldAd("attachments", attachment_id, "file_key")));
  SP_ASSIGN_OR_RETURN(crypto::SecretKey file_key, crypto::SecretKey::FromBytes(raw_key));
  crypto::SecureWipe(raw_key);
  std::ifstream in(std::filesystem::path(dir) / r.Text(1), std::ios::binary);
  if (!in) return Status::DataLoss("the attachment file is missing");
  std::ostringstream out;
  SP_RETURN_IF_ERROR(
      crypto::DecryptStream(file_key, in, out, FieldAd("attachments", attachment_id, "file")));
  return Meldpunt::FileContent{r.Text(0), out.str()};
}

// The quotas of AttachmentQuotas for one more file of `size` bytes on
// `case_id`. The case row is touched first: on PostgreSQL that locks it
// until commit, so two uploads to one case cannot both slip under a quota
// (SQLite writes one transaction at a time anyway).
Status CheckQuotas(db::Connection& c, const AttachmentQuotas& q, std::string_view case_id,
                   std::string_view school_id, bool by_reporter, int64_t size,
                   common::UnixMillis now) {
  SP_RETURN_IF_ERROR(
      c.Execute("UPDATE cases SET status = status WHERE id = $1", {case_id}).status());
  SP_ASSIGN_OR_RETURN(
      db::Row held,
      c.QueryOne("SELECT COUNT(*), CAST(COALESCE(SUM(size), 0) AS BIGINT), "
                 "CAST(COALESCE(SUM(CASE WHEN uploaded_by = 'reporter' THEN 1 ELSE 0 END), 0) "
                 "AS BIGINT) "
                 "FROM attachments WHERE case_id = $1",
                 {case_id}));
  auto full = [](const char* reason) {
    return Status(common::StatusCode::kResourceExhausted, reason, "attachment");
  };
  if (held.Int(0) >= kMaxAttachmentsPerCase) return full(kQuotaPerCase);
  if (held.Int(1) + size > q.bytes_per_case) return full(kQuotaPerCase);
  if (!by_reporter) return Status::Ok();
  if (held.Int(2) >= q.per_report) return full(kQuotaPerReport);
  if (q.reporter_bytes_per_school_day > 0) {
    constexpr common::UnixMillis kDay = 24 * 60 * 60 * 1000;
    SP_ASSIGN_OR_RETURN(
        db::Row today,
        c.QueryOne("SELECT CAST(COALESCE(SUM(a.size), 0) AS BIGINT) FROM attachments a "
                   "JOIN cases k ON k.id = a.case_id "
                   "WHERE k.school_id = $1 AND a.uploaded_by = 'reporter' AND a.at >= $2",
                   {school_id, now - now % kDay}));
    if (today.Int(0) + size > q.reporter_bytes_per_school_day) return full(kQuotaPerSchoolDay);
  }
  return Status::Ok();
}

// Encrypts, writes and records one attachment of `case_id` inside the
// caller's transaction, after its quotas. `stored` gets the file name, so
// the caller can remove the file if the transaction does not commit.
Status InsertAttachment(db::Connection& c, const std::string& dir, const AttachmentQuotas& quotas,
                        std::string_view case_id, std::string_view school_id,
                        const crypto::SecretKey& case_key, const media::SanitizedAttachment& clean,
                        std::string_view uploaded_by, const AttachmentInfo& info,
                        std::string& stored) {
  SP_RETURN_IF_ERROR(
      CheckQuotas(c, quotas, case_id, school_id, uploaded_by == "reporter", info.size, info.at));
  SP_ASSIGN_OR_RETURN(auto file, StoreEncrypted(dir, case_key, info.id, clean.bytes));
  stored = file.first;
  return c
      .Execute(
          "INSERT INTO attachments(id, case_id, at, kind, size, stored_name, file_key, "
          "uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
          {info.id, case_id, info.at, info.kind, info.size, stored, file.second, uploaded_by})
      .status();
}

}  // namespace

StatusOr<AttachmentInfo> Meldpunt::AddAttachmentAsReporter(std::string_view token,
                                                           std::string_view filename,
                                                           std::string_view bytes) {
  SP_ASSIGN_OR_RETURN(media::SanitizedAttachment clean, media::Sanitize(filename, bytes));
  common::UnixMillis now = clock_.NowMillis();
  AttachmentInfo info{crypto::RandomId(), KindName(clean.kind),
                      static_cast<int64_t>(clean.bytes.size()), now, "reporter"};
  std::string stored;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::ReporterCase rc, internal::LoadReporterSession(c, token, now));
    SP_RETURN_IF_ERROR(InsertAttachment(c, files_dir_, quotas_, rc.case_id, rc.school_id,
                                        rc.case_key, clean, "reporter", info, stored));
    return audit_.Append(c, internal::ReporterAudit(rc.school_id, "case.attach", rc.case_id));
  });
  if (!s.ok()) {
    std::error_code ec;
    if (!stored.empty()) std::filesystem::remove(std::filesystem::path(files_dir_) / stored, ec);
    return s;
  }
  return info;
}

StatusOr<AttachmentInfo> Meldpunt::AddAttachmentAsStaff(const Staff& staff,
                                                        std::string_view case_id,
                                                        std::string_view filename,
                                                        std::string_view bytes) {
  SP_ASSIGN_OR_RETURN(media::SanitizedAttachment clean, media::Sanitize(filename, bytes));
  common::UnixMillis now = clock_.NowMillis();
  AttachmentInfo info{crypto::RandomId(), KindName(clean.kind),
                      static_cast<int64_t>(clean.bytes.size()), now, "meldpunt"};
  std::string stored;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    // Without a key a file cannot be opened: for a download that is "not found".
    if (!staff.key) return Status::NotFound("no such case");
    SP_ASSIGN_OR_RETURN(internal::VisibleCase v, internal::LoadVisibleCase(c, staff, case_id));
    if (v.shredded) return Status::NotFound("no such case");
    SP_ASSIGN_OR_RETURN(crypto::SecretKey case_key,
                        internal::StaffCaseKey(c, keys_, staff, case_id));
    SP_RETURN_IF_ERROR(InsertAttachment(c, files_dir_, quotas_, case_id, v.school_id, case_key,
                                        clean, staff.user.id, info, stored));
    return audit_.Append(c,
                         internal::CaseAudit(v.school_id, staff.user.id, "case.attach", case_id));
  });
  if (!s.ok()) {
    std::error_code ec;
    if (!stored.empty()) std::filesystem::remove(std::filesystem::path(files_dir_) / stored, ec);
    return s;
  }
  return info;
}

StatusOr<Meldpunt::FileContent> Meldpunt::ReadAttachmentAsStaff(const Staff& staff,
                                                                std::string_view case_id,
                                                                std::string_view attachment_id) {
  FileContent content;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    // Without a key a file cannot be opened: for a download that is "not found".
    if (!staff.key) return Status::NotFound("no such case");
    SP_ASSIGN_OR_RETURN(internal::VisibleCase v, internal::LoadVisibleCase(c, staff, case_id));
    SP_ASSIGN_OR_RETURN(crypto::SecretKey case_key,
                        internal::StaffCaseKey(c, keys_, staff, case_id));
    SP_ASSIGN_OR_RETURN(content, ReadDecrypted(c, files_dir_, case_id, attachment_id, case_key));
    return audit_.Append(
        c, internal::CaseAudit(v.school_id, staff.user.id, "case.read_attachment", case_id));
  });
  if (!s.ok()) return s;
  return content;
}

StatusOr<Meldpunt::FileContent> Meldpunt::ReadAttachmentAsReporter(std::string_view token,
                                                                   std::string_view attachment_id) {
  FileContent content;
  common::UnixMillis now = clock_.NowMillis();
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::ReporterCase rc, internal::LoadReporterSession(c, token, now));
    SP_ASSIGN_OR_RETURN(content,
                        ReadDecrypted(c, files_dir_, rc.case_id, attachment_id, rc.case_key));
    return audit_.Append(c,
                         internal::ReporterAudit(rc.school_id, "case.read_attachment", rc.case_id));
  });
  if (!s.ok()) return s;
  return content;
}

}  // namespace meldpunt
