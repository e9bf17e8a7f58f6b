// File: matchio/fast_csv.h
//
// The fast path's CSV access: a read-only memory map of a whole file and an
// in-place scanner for the simple, common dialect (no quotes anywhere, LF or
// CRLF line ends, no byte order mark). Nothing is copied or allocated per
// field. Whenever the input leaves that dialect the scanner reports kBail and
// the caller falls back to the exact streaming loader (csv_reader.h), which
// also produces all error messages; so the scanner never needs line numbers.
//
//   MappedFile file;  if (!file.Open(path)) bail;
//   RowScanner rows(file.data(), file.data() + file.size());
//   HeaderColumns cols;  if (!rows.ReadHeader({"student_id"}, &cols)) bail;
//   std::string_view f[kMaxColumns];
//   while ((r = rows.Next(cols, f)) == RowScanner::kRow) { ... f[0] ... }
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace matchio::fast {

inline constexpr int kMaxColumns = 3;

// A private read-only mapping of a whole file.
class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  // False if the file cannot be opened or mapped (the slow path reports why).
  bool Open(const std::string& path);
  const char* data() const { return data_; }
  size_t size() const { return size_; }
  // Drops the pages of [begin, end) from this process's resident set (they
  // stay in the page cache); keeps peak RSS low while streaming big files.
  void Release(const char* begin, const char* end) const;

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
};

// Where the requested columns sit in each row.
struct HeaderColumns {
  int count = 0;
  int field_of[kMaxColumns] = {};  // requested column -> field index
  int slot_of_field[64] = {};      // field index -> requested column or -1
  int min_fields = 0;
};

class RowScanner {
 public:
  enum Result { kRow, kEnd, kBail };
  RowScanner(const char* begin, const char* end) : p_(begin), end_(end) {}
  // Parses the header row; false (bail) on a BOM, quotes, a missing column
  // or a column beyond the 64th field.
  bool ReadHeader(std::initializer_list<std::string_view> columns, HeaderColumns* out);
  // Reads the next non-blank row into out[0..count); kBail on a quote or
  // too few fields.
  Result Next(const HeaderColumns& columns, std::string_view* out);
  const char* position() const { return p_; }

 private:
  const char* p_;
  const char* end_;
};

// Start of the line containing or following `p` (the byte after the next
// '\n' at or after p - 1), never beyond `end`.
const char* NextLineStart(const char* p, const char* begin, const char* end);

// Parses a plain decimal in [0, 2147483647]; false for anything else (signs,
// spaces and overflow go to the slow path, which accepts or rejects them).
bool ParseSmallNumber(std::string_view text, int32_t* out);

// The slow path's id check (non-empty, UTF-8), fast for ASCII.
bool IsPlainId(std::string_view id);

}  // namespace matchio::fast
