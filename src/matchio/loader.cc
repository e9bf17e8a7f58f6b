#include "matchio/loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "matchio/csv_reader.h"
#include "matchio/fast_loader.h"

namespace matchio {
namespace {

using common::Status;
using common::StatusOr;

// A CSV file with named columns located in its header.
class Table {
 public:
  static StatusOr<Table> Open(const std::string& path, const std::vector<std::string_view>& columns) {
    SP_ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> reader, CsvReader::Open(path));
    Table table(std::move(reader));
    Status status;
    std::vector<std::string_view> header;
    if (!table.reader_->Next(&header, &status)) {
      if (!status.ok()) return status;
      return Status::InvalidArgument(fmt::format("{}:1: empty file, expected a header row", path));
    }
    for (std::string_view column : columns) {
      auto it = std::find(header.begin(), header.end(), column);
      if (it == header.end()) {
        return table.reader_->ErrorAtLine(fmt::format("missing column '{}'", column));
      }
      table.index_.push_back(static_cast<size_t>(it - header.begin()));
    }
    table.min_fields_ = *std::max_element(table.index_.begin(), table.index_.end()) + 1;
    return table;
  }

  // Reads the next row; false at the end or on error (see status()).
  bool Next() {
    if (!reader_->Next(&fields_, &status_)) return false;
    if (fields_.size() < min_fields_) {
      status_ = Error(fmt::format("expected at least {} fields, found {}", min_fields_,
                                  fields_.size()));
      return false;
    }
    return true;
  }
  // The value of the i-th requested column in the current row.
  std::string_view operator[](size_t i) const { return fields_[index_[i]]; }
  Status Error(std::string_view message) const { return reader_->ErrorAtLine(message); }
  const Status& status() const { return status_; }
  int64_t line() const { return reader_->line(); }

  // Checks that column i holds a non-empty UTF-8 id.
  Status CheckId(size_t i, std::string_view column) const {
    std::string_view id = (*this)[i];
    if (id.empty()) return Error(fmt::format("empty {}", column));
    if (!IsValidUtf8(id)) return Error(fmt::format("{} is not valid UTF-8", column));
    return Status::Ok();
  }

  // Parses column i as an integer in [0, kMaxValue].
  Status ParseNumber(size_t i, std::string_view column, int32_t* out) const {
    std::string_view text = (*this)[i];
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error == std::errc::invalid_argument ||
        end != text.data() + text.size()) {
      return Error(fmt::format("{} '{}' is not an integer", column, (*this)[i]));
    }
    if (error == std::errc::result_out_of_range || value > matching::kMaxValue) {
      return Error(fmt::format("{} '{}' is too large (max {})", column, (*this)[i],
                               matching::kMaxValue));
    }
    if (value < 0) return Error(fmt::format("{} '{}' is negative", column, (*this)[i]));
    *out = static_cast<int32_t>(value);
    return Status::Ok();
  }

 private:
  explicit Table(std::unique_ptr<CsvReader> reader) : reader_(std::move(reader)) {}
  std::unique_ptr<CsvReader> reader_;
  std::vector<size_t> index_;
  size_t min_fields_ = 0;
  std::vector<std::string_view> fields_;
  Status status_;
};

// Looks up column i of the current row in `ids`, or explains why not.
Status Lookup(const Table& table, size_t i, std::string_view column, const IdTable& ids,
              int32_t* out) {
  *out = ids.Find(table[i]);
  if (*out == IdTable::kNotFound) {
    return table.Error(fmt::format("unknown {} '{}'", column, table[i]));
  }
  return Status::Ok();
}

// Lookup with a one-entry cache: files are usually grouped by student, so
// most rows repeat the previous row's id and skip a random hash-table probe
// (which dominates loading at a million students).
class CachedLookup {
 public:
  explicit CachedLookup(const IdTable& ids) : ids_(ids) {}
  Status operator()(const Table& table, size_t i, std::string_view column, int32_t* out) {
    if (last_index_ != IdTable::kNotFound && table[i] == last_id_) {
      *out = last_index_;
      return Status::Ok();
    }
    SP_RETURN_IF_ERROR(Lookup(table, i, column, ids_, out));
    last_index_ = *out;
    last_id_ = ids_.Name(*out);
    return Status::Ok();
  }

 private:
  const IdTable& ids_;
  int32_t last_index_ = IdTable::kNotFound;
  std::string_view last_id_;  // points into ids_, which no longer grows
};

// Adds an id from a defining file; duplicates are an error naming the first line.
Status Define(const Table& table, std::string_view column, IdTable* ids,
              std::vector<int64_t>* first_line) {
  SP_RETURN_IF_ERROR(table.CheckId(0, column));
  bool inserted = false;
  int32_t index = ids->Insert(table[0], &inserted);
  if (!inserted) {
    return table.Error(fmt::format("duplicate {} '{}' (first on line {})", column, table[0],
                                   (*first_line)[index]));
  }
  first_line->push_back(table.line());
  return Status::Ok();
}

std::string PathIn(const std::string& dir, const char* name) {
  return (std::filesystem::path(dir) / name).string();
}

Status LoadStudents(const std::string& dir, NamedInstance* out) {
  SP_ASSIGN_OR_RETURN(Table table, Table::Open(PathIn(dir, "students.csv"), {"student_id"}));
  std::vector<int64_t> first_line;
  while (table.Next()) SP_RETURN_IF_ERROR(Define(table, "student_id", &out->students, &first_line));
  SP_RETURN_IF_ERROR(table.status());
  out->instance.num_students = out->students.size();
  return Status::Ok();
}

Status LoadPositions(const std::string& dir, NamedInstance* out) {
  SP_ASSIGN_OR_RETURN(Table table, Table::Open(PathIn(dir, "positions.csv"),
                                               {"position_id", "company_id", "capacity"}));
  std::vector<int64_t> first_line;
  matching::Instance& in = out->instance;
  while (table.Next()) {
    SP_RETURN_IF_ERROR(Define(table, "position_id", &out->positions, &first_line));
    SP_RETURN_IF_ERROR(table.CheckId(1, "company_id"));
    int32_t capacity = 0;
    SP_RETURN_IF_ERROR(table.ParseNumber(2, "capacity", &capacity));
    bool inserted = false;
    in.position_company.push_back(out->companies.Insert(table[1], &inserted));
    in.position_capacity.push_back(capacity);
  }
  SP_RETURN_IF_ERROR(table.status());
  in.num_companies = out->companies.size();
  in.company_excluded.assign(in.num_companies, 0);
  return Status::Ok();
}

Status LoadExclusions(const std::string& dir, NamedInstance* out) {
  std::string path = PathIn(dir, "exclusions.csv");
  if (!std::filesystem::exists(path)) return Status::Ok();
  SP_ASSIGN_OR_RETURN(Table table, Table::Open(path, {"company_id"}));
  while (table.Next()) {
    int32_t company = 0;
    SP_RETURN_IF_ERROR(Lookup(table, 0, "company_id", out->companies, &company));
    if (out->instance.company_excluded[company]) {
      return table.Error(fmt::format("duplicate company_id '{}'", table[0]));
    }
    out->instance.company_excluded[company] = 1;
  }
  return table.status();
}

struct PreferenceRow {
  int32_t student;
  int32_t position;
  int32_t rank;
  int32_t line;  // for error messages
};

// Sorts one student's rows by rank and rejects repeats. `listed_by` marks
// positions already seen for this student.
Status CheckOneList(const std::string& path, const NamedInstance& named, PreferenceRow* begin,
                    PreferenceRow* end, std::vector<int32_t>* listed_by,
                    std::vector<int32_t>* listed_line) {
  auto by_rank = [](const PreferenceRow& a, const PreferenceRow& b) {
    return a.rank != b.rank ? a.rank < b.rank : a.line < b.line;
  };
  if (!std::is_sorted(begin, end, by_rank)) std::sort(begin, end, by_rank);
  for (PreferenceRow* row = begin; row != end; ++row) {
    std::string_view student = named.students.Name(row->student);
    if (row != begin && row->rank == (row - 1)->rank) {
      return Status::InvalidArgument(
          fmt::format("{}:{}: duplicate rank {} for student_id '{}' (also on line {})", path,
                      std::max(row->line, (row - 1)->line), row->rank, student,
                      std::min(row->line, (row - 1)->line)));
    }
    if ((*listed_by)[row->position] == row->student) {
      int32_t other = (*listed_line)[row->position];
      return Status::InvalidArgument(fmt::format(
          "{}:{}: student_id '{}' ranks position_id '{}' twice (also on line {})", path,
          std::max(row->line, other), student, named.positions.Name(row->position),
          std::min(row->line, other)));
    }
    (*listed_by)[row->position] = row->student;
    (*listed_line)[row->position] = row->line;
  }
  return Status::Ok();
}

Status LoadPreferences(const std::string& dir, NamedInstance* out) {
  const std::string path = PathIn(dir, "preferences.csv");
  SP_ASSIGN_OR_RETURN(Table table, Table::Open(path, {"student_id", "position_id", "rank"}));
  std::vector<PreferenceRow> rows;
  std::error_code size_error;
  // About 16 bytes per line in practice; reserving avoids regrowing a
  // 300 MB vector at a million students.
  auto file_size = std::filesystem::file_size(path, size_error);
  if (!size_error) rows.reserve(std::min<uintmax_t>(file_size / 16 + 16, 1u << 28));
  CachedLookup find_student(out->students);
  while (table.Next()) {
    PreferenceRow row{};
    SP_RETURN_IF_ERROR(find_student(table, 0, "student_id", &row.student));
    SP_RETURN_IF_ERROR(Lookup(table, 1, "position_id", out->positions, &row.position));
    SP_RETURN_IF_ERROR(table.ParseNumber(2, "rank", &row.rank));
    row.line = static_cast<int32_t>(std::min<int64_t>(table.line(), INT32_MAX));
    rows.push_back(row);
  }
  SP_RETURN_IF_ERROR(table.status());

  // Counting sort by student keeps file order within a student (stable).
  matching::Instance& in = out->instance;
  in.pref_begin.assign(in.num_students + 1, 0);
  for (const PreferenceRow& row : rows) ++in.pref_begin[row.student + 1];
  for (int32_t s = 0; s < in.num_students; ++s) in.pref_begin[s + 1] += in.pref_begin[s];
  std::vector<PreferenceRow> grouped;
  auto by_student = [](const PreferenceRow& a, const PreferenceRow& b) {
    return a.student < b.student;
  };
  if (std::is_sorted(rows.begin(), rows.end(), by_student)) {
    grouped = std::move(rows);  // the usual case: no second copy
  } else {
    grouped.resize(rows.size());
    std::vector<int32_t> fill(in.pref_begin.begin(), in.pref_begin.end() - 1);
    for (const PreferenceRow& row : rows) grouped[fill[row.student]++] = row;
    rows.clear();
    rows.shrink_to_fit();
  }

  std::vector<int32_t> listed_by(in.num_positions(), -1), listed_line(in.num_positions(), 0);
  for (int32_t s = 0; s < in.num_students; ++s) {
    SP_RETURN_IF_ERROR(CheckOneList(path, *out, grouped.data() + in.pref_begin[s],
                                    grouped.data() + in.pref_begin[s + 1], &listed_by,
                                    &listed_line));
  }
  in.pref_position.resize(grouped.size());
  in.pref_rank.resize(grouped.size());
  in.pref_priority.assign(grouped.size(), 0);
  for (size_t e = 0; e < grouped.size(); ++e) {
    in.pref_position[e] = grouped[e].position;
    in.pref_rank[e] = grouped[e].rank;
  }
  return Status::Ok();
}

Status LoadPriorities(const std::string& dir, NamedInstance* out) {
  const std::string path = PathIn(dir, "priorities.csv");
  if (!std::filesystem::exists(path)) return Status::Ok();
  SP_ASSIGN_OR_RETURN(Table table, Table::Open(path, {"position_id", "student_id", "priority"}));
  matching::Instance& in = out->instance;
  // Which edges already got a priority, to reject a pair given twice. Pairs
  // the student did not rank cannot matter and are only checked for ids.
  std::vector<int32_t> set_on_line(in.num_edges(), 0);
  CachedLookup find_student(out->students);
  while (table.Next()) {
    int32_t position = 0, student = 0, priority = 0;
    SP_RETURN_IF_ERROR(Lookup(table, 0, "position_id", out->positions, &position));
    SP_RETURN_IF_ERROR(find_student(table, 1, "student_id", &student));
    SP_RETURN_IF_ERROR(table.ParseNumber(2, "priority", &priority));
    for (int32_t e = in.pref_begin[student]; e < in.pref_begin[student + 1]; ++e) {
      if (in.pref_position[e] != position) continue;
      if (set_on_line[e] != 0) {
        return table.Error(fmt::format(
            "duplicate priority for position_id '{}' and student_id '{}' (first on line {})",
            table[0], table[1], set_on_line[e]));
      }
      set_on_line[e] = static_cast<int32_t>(std::min<int64_t>(table.line(), INT32_MAX));
      in.pref_priority[e] = priority;
      break;
    }
  }
  return table.status();
}

}  // namespace

StatusOr<NamedInstance> LoadInstanceExact(const std::string& directory) {
  NamedInstance named;
  SP_RETURN_IF_ERROR(LoadStudents(directory, &named));
  SP_RETURN_IF_ERROR(LoadPositions(directory, &named));
  SP_RETURN_IF_ERROR(LoadExclusions(directory, &named));
  SP_RETURN_IF_ERROR(LoadPreferences(directory, &named));
  SP_RETURN_IF_ERROR(LoadPriorities(directory, &named));
  return named;
}

StatusOr<NamedInstance> LoadInstance(const std::string& directory) {
  // The fast path either loads exactly what LoadInstanceExact would, or bails
  // out; then the exact loader runs from scratch and produces the error
  // message (or, for unusual but valid input such as quoted ids, the result).
  NamedInstance named;
  if (fast::LoadStudents(PathIn(directory, "students.csv"), &named) &&
      fast::LoadPositions(PathIn(directory, "positions.csv"), &named)) {
    // Exclusions are tiny: the exact loader is fast enough, and its errors
    // are exact because everything loaded so far is identical.
    SP_RETURN_IF_ERROR(LoadExclusions(directory, &named));
    const std::string priorities = PathIn(directory, "priorities.csv");
    if (fast::LoadPreferences(PathIn(directory, "preferences.csv"), &named) &&
        (!std::filesystem::exists(priorities) || fast::LoadPriorities(priorities, &named))) {
      return named;
    }
  }
  return LoadInstanceExact(directory);
}

}  // namespace matchio
