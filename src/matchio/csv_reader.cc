#include "matchio/csv_reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace matchio {
namespace {

constexpr size_t kInitialBuffer = 1 << 20;

}  // namespace

common::StatusOr<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return common::Status::InvalidArgument(
        fmt::format("{}:0: cannot open file: {}", path, std::strerror(errno)));
  }
  return std::unique_ptr<CsvReader>(new CsvReader(path, file));
}

CsvReader::CsvReader(std::string path, std::FILE* file)
    : path_(std::move(path)), file_(file), buffer_(kInitialBuffer) {}

CsvReader::~CsvReader() { (void)std::fclose(file_); }  // read only: nothing to lose

common::Status CsvReader::ErrorAtLine(std::string_view message) const {
  return common::Status::InvalidArgument(fmt::format("{}:{}: {}", path_, record_line_, message));
}

bool CsvReader::Refill() {
  if (eof_) return false;
  if (pos_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + pos_, static_cast<size_t>(end_ - pos_));
    end_ -= pos_;
    pos_ = 0;
  }
  if (static_cast<size_t>(end_) == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  size_t got = std::fread(buffer_.data() + end_, 1, buffer_.size() - static_cast<size_t>(end_),
                          file_);
  end_ += static_cast<int64_t>(got);
  if (got == 0) eof_ = true;
  if (at_start_ && end_ >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) {
    pos_ = 3;
  }
  if (end_ >= 3 || eof_) at_start_ = false;
  return got > 0;
}

int64_t CsvReader::FindRecordEnd(bool* has_quote, int64_t* newlines) const {
  const char* data = buffer_.data();
  const char* nl = static_cast<const char*>(std::memchr(data + pos_, '\n', end_ - pos_));
  const char* stop = nl != nullptr ? nl : data + end_;
  // Fast path: no quote before the newline, so the line is the record.
  if (std::memchr(data + pos_, '"', stop - (data + pos_)) == nullptr) {
    *has_quote = false;
    *newlines = 0;
    if (nl != nullptr) return nl - data;
    return eof_ ? end_ : -1;
  }
  *has_quote = true;
  bool in_quotes = false;
  int64_t count = 0;
  for (int64_t i = pos_; i < end_; ++i) {
    char c = data[i];
    if (c == '"') {
      in_quotes = !in_quotes;  // a doubled quote toggles twice: no net change
    } else if (c == '\n') {
      if (!in_quotes) {
        *newlines = count;
        return i;
      }
      ++count;
    }
  }
  *newlines = count;
  return eof_ ? end_ : -1;
}

bool CsvReader::Next(std::vector<std::string_view>* fields, common::Status* status) {
  for (;;) {
    bool has_quote = false;
    int64_t inner_newlines = 0;
    int64_t end = FindRecordEnd(&has_quote, &inner_newlines);
    if (end < 0) {
      Refill();
      continue;
    }
    if (end == pos_ && end == end_) {
      if (!Refill()) return false;  // clean end of file
      continue;
    }
    record_line_ = next_line_;
    next_line_ += inner_newlines + 1;
    int64_t start = pos_;
    pos_ = end < end_ ? end + 1 : end;
    int64_t content_end = end;
    if (content_end > start && buffer_[content_end - 1] == '\r') --content_end;
    if (content_end == start) continue;  // blank line
    fields->clear();
    if (has_quote) {
      int64_t saved_pos = pos_;
      pos_ = start;
      bool ok = SplitQuoted(content_end, fields, status);
      pos_ = saved_pos;
      return ok;
    }
    const char* p = buffer_.data() + start;
    const char* stop = buffer_.data() + content_end;
    for (;;) {
      const char* comma = static_cast<const char*>(std::memchr(p, ',', stop - p));
      if (comma == nullptr) {
        fields->emplace_back(p, stop - p);
        break;
      }
      fields->emplace_back(p, comma - p);
      p = comma + 1;
    }
    return true;
  }
}

// Parses [pos_, end) with quotes, unescaping quoted fields in place (the
// unescaped text is never longer than the raw text).
bool CsvReader::SplitQuoted(int64_t end, std::vector<std::string_view>* fields,
                            common::Status* status) {
  char* data = buffer_.data();
  int64_t i = pos_;
  for (;;) {
    if (i < end && data[i] == '"') {
      int64_t out = i + 1;
      const int64_t field_begin = out;
      ++i;
      for (;;) {
        if (i >= end) {
          *status = ErrorAtLine("unterminated quoted field");
          return false;
        }
        if (data[i] == '"') {
          if (i + 1 < end && data[i + 1] == '"') {
            data[out++] = '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        data[out++] = data[i++];
      }
      fields->emplace_back(data + field_begin, out - field_begin);
      if (i < end && data[i] != ',') {
        *status = ErrorAtLine("unexpected character after a closing quote");
        return false;
      }
    } else {
      int64_t field_begin = i;
      while (i < end && data[i] != ',') ++i;
      fields->emplace_back(data + field_begin, i - field_begin);
    }
    if (i >= end) return true;
    ++i;  // the comma
    if (i == end) {
      fields->emplace_back();
      return true;
    }
  }
}


}  // namespace matchio
