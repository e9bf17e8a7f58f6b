#include "matchio/fast_loader.h"

#include <algorithm>
#include <thread>
#include <utility>
#include <vector>

#include "matchio/fast_csv.h"

namespace matchio::fast {
namespace {

// Lookups are resolved in batches: hash and prefetch a batch of ids, then
// probe. At a million students the tables are far larger than the caches,
// and overlapping the misses is most of the speedup.
constexpr int kBatch = 32;
// Scanned file pages are dropped from the resident set every so often.
constexpr ptrdiff_t kReleaseBytes = 64 << 20;

// Resolves ids that usually repeat the previous row's (files are grouped by
// student), skipping the hash probe when they do.
class RepeatLookup {
 public:
  explicit RepeatLookup(const IdTable& ids) : ids_(ids) {}
  int32_t operator()(std::string_view id) {
    if (index_ < 0 || id != last_) {
      index_ = ids_.Find(id);
      last_ = id;
    }
    return index_;
  }

 private:
  const IdTable& ids_;
  std::string_view last_;  // points into the mapped file
  int32_t index_ = IdTable::kNotFound;
};

// One thread's share of preferences.csv, in file order.
struct PreferenceChunk {
  std::vector<int32_t> student, position, rank;
  void Reserve(size_t n) {
    student.reserve(n);
    position.reserve(n);
    rank.reserve(n);
  }
};

bool ParsePreferenceChunk(const MappedFile& file, const char* begin, const char* end,
                          const HeaderColumns& columns, const NamedInstance& named,
                          PreferenceChunk* out) {
  RowScanner rows(begin, end);
  RepeatLookup find_student(named.students);
  std::string_view fields[kMaxColumns];
  std::string_view ids[kBatch];
  uint64_t hashes[kBatch];
  const char* released = begin;
  RowScanner::Result result = RowScanner::kRow;
  while (result == RowScanner::kRow) {
    int n = 0;
    while (n < kBatch && (result = rows.Next(columns, fields)) == RowScanner::kRow) {
      int32_t student = find_student(fields[0]);
      int32_t rank = 0;
      if (student < 0 || !ParseSmallNumber(fields[2], &rank)) return false;
      out->student.push_back(student);
      out->rank.push_back(rank);
      if (named.positions.numeric()) {  // no hashing, no cache miss: resolve now
        int32_t position = named.positions.Find(fields[1]);
        if (position < 0) return false;
        out->position.push_back(position);
        continue;
      }
      ids[n] = fields[1];
      hashes[n] = IdTable::Hash(ids[n]);
      named.positions.Prefetch(hashes[n]);
      ++n;
    }
    if (result == RowScanner::kBail) return false;
    for (int i = 0; i < n; ++i) {
      int32_t position = named.positions.FindHashed(ids[i], hashes[i]);
      if (position < 0) return false;
      out->position.push_back(position);
    }
    if (rows.position() - released > kReleaseBytes) {
      file.Release(released, rows.position());
      released = rows.position();
    }
  }
  return true;
}

// Sorts each list by rank (a no-op for the usual sorted input) and rejects
// equal ranks and repeated positions, like the slow loader's CheckOneList.
bool SortAndCheckLists(matching::Instance* in) {
  std::vector<int32_t> listed_by(in->num_positions(), -1);
  for (int32_t s = 0; s < in->num_students; ++s) {
    const int32_t begin = in->pref_begin[s], end = in->pref_begin[s + 1];
    int32_t* rank = in->pref_rank.data();
    int32_t* position = in->pref_position.data();
    for (int32_t i = begin + 1; i < end; ++i) {  // insertion sort: lists are short
      for (int32_t j = i; j > begin && rank[j] < rank[j - 1]; --j) {
        std::swap(rank[j], rank[j - 1]);
        std::swap(position[j], position[j - 1]);
      }
    }
    for (int32_t e = begin; e < end; ++e) {
      if (e > begin && rank[e] == rank[e - 1]) return false;
      if (listed_by[position[e]] == s) return false;
      listed_by[position[e]] = s;
    }
  }
  return true;
}

// Builds the compressed lists from rows in file order; a stable counting
// sort by student when the file is not grouped by student.
bool BuildLists(PreferenceChunk rows, matching::Instance* in) {
  if (rows.student.size() > static_cast<size_t>(INT32_MAX)) return false;
  in->pref_begin.assign(in->num_students + 1, 0);
  for (int32_t s : rows.student) ++in->pref_begin[s + 1];
  for (int32_t s = 0; s < in->num_students; ++s) in->pref_begin[s + 1] += in->pref_begin[s];
  if (std::is_sorted(rows.student.begin(), rows.student.end())) {
    in->pref_position = std::move(rows.position);
    in->pref_rank = std::move(rows.rank);
  } else {
    in->pref_position.resize(rows.student.size());
    in->pref_rank.resize(rows.student.size());
    std::vector<int32_t> fill(in->pref_begin.begin(), in->pref_begin.end() - 1);
    for (size_t i = 0; i < rows.student.size(); ++i) {
      int32_t e = fill[rows.student[i]]++;
      in->pref_position[e] = rows.position[i];
      in->pref_rank[e] = rows.rank[i];
    }
  }
  rows = {};
  if (!SortAndCheckLists(in)) return false;
  in->pref_priority.assign(in->pref_position.size(), 0);
  return true;
}

}  // namespace

bool LoadStudents(const std::string& path, NamedInstance* out) {
  MappedFile file;
  if (!file.Open(path)) return false;
  RowScanner rows(file.data(), file.data() + file.size());
  HeaderColumns columns;
  if (!rows.ReadHeader({"student_id"}, &columns)) return false;
  std::string_view fields[kMaxColumns];
  RowScanner::Result result;
  while ((result = rows.Next(columns, fields)) == RowScanner::kRow) {
    if (!IsPlainId(fields[0])) return false;
    out->students.Append(fields[0]);
  }
  out->instance.num_students = out->students.size();
  // Duplicates are found when indexing, all at once.
  return result == RowScanner::kEnd && out->students.Index();
}

bool LoadPositions(const std::string& path, NamedInstance* out) {
  MappedFile file;
  if (!file.Open(path)) return false;
  RowScanner rows(file.data(), file.data() + file.size());
  HeaderColumns columns;
  if (!rows.ReadHeader({"position_id", "company_id", "capacity"}, &columns)) return false;
  matching::Instance& in = out->instance;
  std::string_view fields[kMaxColumns];
  RowScanner::Result result;
  while ((result = rows.Next(columns, fields)) == RowScanner::kRow) {
    bool inserted = false;
    int32_t capacity = 0;
    if (!IsPlainId(fields[0]) || !IsPlainId(fields[1]) || !ParseSmallNumber(fields[2], &capacity)) {
      return false;
    }
    out->positions.Append(fields[0]);
    in.position_company.push_back(out->companies.Insert(fields[1], &inserted));
    in.position_capacity.push_back(capacity);
  }
  in.num_companies = out->companies.size();
  in.company_excluded.assign(in.num_companies, 0);
  return result == RowScanner::kEnd && out->positions.Index();
}

bool LoadPreferences(const std::string& path, NamedInstance* out) {
  MappedFile file;
  if (!file.Open(path)) return false;
  const char* end = file.data() + file.size();
  RowScanner header(file.data(), end);
  HeaderColumns columns;
  if (!header.ReadHeader({"student_id", "position_id", "rank"}, &columns)) return false;
  // Two halves split at a line boundary, parsed concurrently (the tables are
  // only read now), then concatenated in file order.
  const char* body = header.position();
  const char* middle = NextLineStart(body + (end - body) / 2, body, end);
  const size_t estimate = file.size() / 16 + 16;  // lines are >= ~16 bytes in practice
  PreferenceChunk first, second;
  first.Reserve(estimate);
  second.Reserve(estimate / 2 + 16);
  bool second_ok = false;
  std::thread worker(
      [&] { second_ok = ParsePreferenceChunk(file, middle, end, columns, *out, &second); });
  bool first_ok = ParsePreferenceChunk(file, body, middle, columns, *out, &first);
  worker.join();
  if (!first_ok || !second_ok) return false;
  first.student.insert(first.student.end(), second.student.begin(), second.student.end());
  first.position.insert(first.position.end(), second.position.begin(), second.position.end());
  first.rank.insert(first.rank.end(), second.rank.begin(), second.rank.end());
  second = {};
  return BuildLists(std::move(first), &out->instance);
}

bool LoadPriorities(const std::string& path, NamedInstance* out) {
  MappedFile file;
  if (!file.Open(path)) return false;
  RowScanner rows(file.data(), file.data() + file.size());
  HeaderColumns columns;
  if (!rows.ReadHeader({"position_id", "student_id", "priority"}, &columns)) return false;
  matching::Instance& in = out->instance;
  std::vector<uint8_t> is_set(in.num_edges(), 0);  // to reject a pair given twice
  RepeatLookup find_student(out->students);
  std::string_view fields[kMaxColumns];
  std::string_view ids[kBatch];
  uint64_t hashes[kBatch];
  int32_t students[kBatch], priorities[kBatch];
  RowScanner::Result result = RowScanner::kRow;
  while (result == RowScanner::kRow) {
    int n = 0;
    while (n < kBatch && (result = rows.Next(columns, fields)) == RowScanner::kRow) {
      students[n] = find_student(fields[1]);
      if (students[n] < 0 || !ParseSmallNumber(fields[2], &priorities[n])) return false;
      ids[n] = fields[0];
      hashes[n] = IdTable::Hash(ids[n]);
      out->positions.Prefetch(hashes[n]);
      ++n;
    }
    if (result == RowScanner::kBail) return false;
    for (int i = 0; i < n; ++i) {
      int32_t position = out->positions.FindHashed(ids[i], hashes[i]);
      if (position < 0) return false;
      for (int32_t e = in.pref_begin[students[i]]; e < in.pref_begin[students[i] + 1]; ++e) {
        if (in.pref_position[e] != position) continue;
        if (is_set[e]) return false;
        is_set[e] = 1;
        in.pref_priority[e] = priorities[i];
        break;
      }
    }
  }
  return true;
}

}  // namespace matchio::fast
