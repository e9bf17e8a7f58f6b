#include "matchio/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace matchio {

common::StatusOr<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& path) {
  std::string pattern = path + ".tmp.XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) {
    return common::Status::InvalidArgument(
        fmt::format("{}:0: cannot create output file: {}", path, std::strerror(errno)));
  }
  // mkstemp creates 0600; outputs are ordinary files, readable like any other.
  ::fchmod(fd, 0644);
  return std::unique_ptr<AtomicFile>(new AtomicFile(path, name.data(), fd));
}

AtomicFile::AtomicFile(std::string path, std::string temp_path, int fd)
    : path_(std::move(path)), temp_path_(std::move(temp_path)), fd_(fd) {
  buffer_.reserve(kFlushAt + 4096);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

void AtomicFile::Flush() {
  const char* data = buffer_.data();
  size_t left = buffer_.size();
  while (left > 0 && !failed_) {
    ssize_t n = ::write(fd_, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      failed_ = true;
      break;
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  buffer_.clear();
}

common::Status AtomicFile::Commit() {
  Flush();
  bool ok = !failed_ && ::fsync(fd_) == 0;
  ok = ::close(fd_) == 0 && ok;
  fd_ = -1;
  if (!ok || std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    return common::Status::InvalidArgument(
        fmt::format("{}:0: cannot write output file: {}", path_, std::strerror(errno)));
  }
  committed_ = true;
  return common::Status::Ok();
}

}  // namespace matchio
