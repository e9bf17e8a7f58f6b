// File: matchio/id_table.h
//
// Interns string ids (student_id, position_id, company_id) to dense numbers
// 0..n-1 in order of first insertion. All names live in one arena and the
// hash table holds only numbers, which keeps a million ids to a few tens of
// megabytes. Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace matchio {

class IdTable {
 public:
  static constexpr int32_t kNotFound = -1;

  // Returns the number of `id` and whether it was newly added.
  int32_t Insert(std::string_view id, bool* inserted);
  // Returns the number of `id`, or kNotFound.
  int32_t Find(std::string_view id) const;
  // The id with number `index`; valid until the next Insert.
  std::string_view Name(int32_t index) const {
    return std::string_view(arena_).substr(offsets_[index], offsets_[index + 1] - offsets_[index]);
  }
  int32_t size() const { return static_cast<int32_t>(offsets_.size()) - 1; }

 private:
  static uint64_t Hash(std::string_view id);
  void Grow();

  std::string arena_;
  std::vector<uint64_t> offsets_ = {0};
  // Open addressing; one 8-byte entry per slot (hash tag << 32 | number + 1,
  // 0 = empty) so a probe costs one cache miss, not two.
  std::vector<uint64_t> slots_;
};

}  // namespace matchio
