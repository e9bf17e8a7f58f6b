#include "common/csv.h"

namespace common {

bool CsvLooksLikeFormula(std::string_view field) {
  if (field.empty()) return false;
  switch (field[0]) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
      return true;
    default:
      return false;
  }
}

bool CsvIsPlainNumber(std::string_view field) {
  size_t i = field.substr(0, 1) == "-" ? 1 : 0;
  auto digits = [&] {
    const size_t start = i;
    while (i < field.size() && field[i] >= '0' && field[i] <= '9') ++i;
    return i > start;
  };
  if (!digits()) return false;
  if (i < field.size() && field[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  return i == field.size();
}

void AppendCsvExact(std::string_view field, std::string* out) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendCsvText(std::string_view text, std::string* out) {
  if (!CsvLooksLikeFormula(text)) {
    AppendCsvExact(text, out);
    return;
  }
  std::string guarded;
  guarded.reserve(text.size() + 1);
  guarded.push_back('\'');
  guarded.append(text);
  AppendCsvExact(guarded, out);
}

void AppendCsvNumber(int64_t number, std::string* out) { out->append(std::to_string(number)); }

void AppendCsvNumber(std::string_view number, std::string* out) {
  if (CsvIsPlainNumber(number)) {
    out->append(number);
  } else {
    AppendCsvText(number, out);
  }
}

}  // namespace common
