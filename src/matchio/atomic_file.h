// File: matchio/atomic_file.h
//
// Writes a file so that readers see either the old file or the complete new
// one: the bytes go to a temporary file in the same directory, which Commit()
// flushes and renames over the target. If Commit() is never reached (an
// error, an early return), the destructor removes the temporary file and the
// target is untouched.
//
//   SP_ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> out, AtomicFile::Create(path));
//   out->Append("student_id,position_id,rank\n");
//   SP_RETURN_IF_ERROR(out->Commit());
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace matchio {

class AtomicFile {
 public:
  // Creates the temporary file; InvalidArgument "PATH:0: ..." on failure.
  static common::StatusOr<std::unique_ptr<AtomicFile>> Create(const std::string& path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Buffered; errors surface in Commit().
  void Append(std::string_view bytes) {
    buffer_.append(bytes);
    if (buffer_.size() >= kFlushAt) Flush();
  }
  // The buffer, for callers that format straight into it (fmt::format_to).
  std::string& buffer() { return buffer_; }
  void MaybeFlush() {
    if (buffer_.size() >= kFlushAt) Flush();
  }

  common::Status Commit();

 private:
  static constexpr size_t kFlushAt = 1 << 20;
  AtomicFile(std::string path, std::string temp_path, int fd);
  void Flush();

  std::string path_;
  std::string temp_path_;
  int fd_;
  bool failed_ = false;
  bool committed_ = false;
  std::string buffer_;
};

}  // namespace matchio
