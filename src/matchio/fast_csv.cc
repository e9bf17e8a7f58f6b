#include "matchio/fast_csv.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "matchio/csv_reader.h"

namespace matchio::fast {

MappedFile::~MappedFile() {
  if (data_ != nullptr) ::munmap(data_, size_);
}

bool MappedFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
  if (ok) {
    size_ = static_cast<size_t>(st.st_size);
    void* map = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
      ok = false;
    } else {
      data_ = static_cast<char*>(map);
      ::madvise(data_, size_, MADV_SEQUENTIAL);
    }
  }
  ::close(fd);
  return ok;
}

void MappedFile::Release(const char* begin, const char* end) const {
  const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  uintptr_t from = (reinterpret_cast<uintptr_t>(begin) + page - 1) & ~(page - 1);
  uintptr_t to = reinterpret_cast<uintptr_t>(end) & ~(page - 1);
  // madvise needs page-aligned addresses, hence the round trip through an integer.
  // NOLINTNEXTLINE(performance-no-int-to-ptr)
  if (to > from) ::madvise(reinterpret_cast<void*>(from), to - from, MADV_DONTNEED);
}

bool RowScanner::ReadHeader(std::initializer_list<std::string_view> columns, HeaderColumns* out) {
  if (end_ - p_ >= 3 && std::memcmp(p_, "\xEF\xBB\xBF", 3) == 0) return false;
  const char* nl = static_cast<const char*>(std::memchr(p_, '\n', end_ - p_));
  const char* line_end = nl != nullptr ? nl : end_;
  std::string_view line(p_, line_end - p_);
  p_ = nl != nullptr ? nl + 1 : end_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty() || line.find('"') != std::string_view::npos) return false;
  std::string_view header[64];
  int n = 0;
  for (;;) {
    size_t comma = line.find(',');
    if (n == 64) return false;
    header[n++] = line.substr(0, comma);
    if (comma == std::string_view::npos) break;
    line.remove_prefix(comma + 1);
  }
  std::fill(std::begin(out->slot_of_field), std::end(out->slot_of_field), -1);
  out->count = 0;
  out->min_fields = 0;
  for (std::string_view column : columns) {
    int field = static_cast<int>(std::find(header, header + n, column) - header);
    if (field == n) return false;
    out->field_of[out->count] = field;
    out->slot_of_field[field] = out->count++;
    out->min_fields = std::max(out->min_fields, field + 1);
  }
  return true;
}

RowScanner::Result RowScanner::Next(const HeaderColumns& columns, std::string_view* out) {
  for (;;) {
    if (p_ >= end_) return kEnd;
    const char* start = p_;
    int field = 0;
    const char* field_start = p_;
    const char* p = p_;
    for (;; ++p) {
      if (p == end_ || *p == '\n') break;
      if (*p == ',') {
        if (field < 64 && columns.slot_of_field[field] >= 0) {
          out[columns.slot_of_field[field]] = std::string_view(field_start, p - field_start);
        }
        ++field;
        field_start = p + 1;
      } else if (*p == '"') {
        return kBail;
      }
    }
    p_ = p == end_ ? end_ : p + 1;
    const char* content_end = p;
    if (content_end > start && content_end[-1] == '\r') --content_end;
    if (content_end == start) continue;  // blank line, as the slow reader
    // The last field ends before the '\r' of a CRLF line end.
    if (field < 64 && columns.slot_of_field[field] >= 0) {
      const char* stop = std::max(content_end, field_start);
      out[columns.slot_of_field[field]] = std::string_view(field_start, stop - field_start);
    }
    if (field + 1 < columns.min_fields) return kBail;
    return kRow;
  }
}

const char* NextLineStart(const char* p, const char* begin, const char* end) {
  if (p <= begin) return begin;
  const char* nl = static_cast<const char*>(std::memchr(p - 1, '\n', end - (p - 1)));
  return nl != nullptr ? nl + 1 : end;
}

bool ParseSmallNumber(std::string_view text, int32_t* out) {
  if (text.empty() || text.size() > 10) return false;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  if (value > 2147483647) return false;
  *out = static_cast<int32_t>(value);
  return true;
}

bool IsPlainId(std::string_view id) {
  if (id.empty()) return false;
  for (char c : id) {
    if (static_cast<unsigned char>(c) >= 0x80) return IsValidUtf8(id);
  }
  return true;
}

}  // namespace matchio::fast
