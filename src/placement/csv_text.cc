#include "placement/csv_text.h"

namespace placement {

CsvText::CsvText(std::string_view content) : data_(content) {
  if (data_.substr(0, 3) == "\xEF\xBB\xBF") data_.remove_prefix(3);
}

bool CsvText::LineEnd(size_t i) const {
  return i >= data_.size() || data_[i] == '\n' ||
         (data_[i] == '\r' && (i + 1 == data_.size() || data_[i + 1] == '\n'));
}

bool CsvText::ReadQuoted(std::string* field, std::string* error) {
  ++pos_;  // the opening quote
  for (;;) {
    if (pos_ >= data_.size()) {
      *error = "unterminated quoted field";
      return false;
    }
    char q = data_[pos_++];
    if (q == '"') {
      if (pos_ < data_.size() && data_[pos_] == '"') {
        field->push_back('"');
        ++pos_;
        continue;
      }
      break;
    }
    if (q == '\n') ++next_line_;
    field->push_back(q);
  }
  // The closing quote must end the field.
  if (!LineEnd(pos_) && data_[pos_] != ',') {
    *error = "text after a closing quote (a quote inside a field must be doubled)";
    return false;
  }
  return true;
}

bool CsvText::Next(std::vector<std::string>* fields, std::string* error) {
  for (;;) {
    if (pos_ >= data_.size()) return false;
    record_line_ = next_line_;
    if (LineEnd(pos_)) {  // a blank line
      pos_ += data_[pos_] == '\r' ? 2 : 1;
      ++next_line_;
      continue;
    }
    fields->clear();
    std::string field;
    bool at_field_start = true;
    for (;;) {
      if (LineEnd(pos_)) {
        fields->push_back(std::move(field));
        if (pos_ < data_.size()) pos_ += data_[pos_] == '\r' ? 2 : 1;
        ++next_line_;
        return true;
      }
      char c = data_[pos_];
      if (c == '"' && at_field_start) {
        if (!ReadQuoted(&field, error)) return false;
        at_field_start = false;
        continue;
      }
      if (c == ',') {
        fields->push_back(std::move(field));
        field.clear();
        at_field_start = true;
        ++pos_;
        continue;
      }
      if (c == '"') {
        *error = "a quote inside an unquoted field (quote the whole field and double the quote)";
        return false;
      }
      field.push_back(c);
      at_field_start = false;
      ++pos_;
    }
  }
}

}  // namespace placement
