// File: matchio/id_table.h
//
// Interns string ids (student_id, position_id, company_id) to dense numbers
// 0..n-1 in order of first insertion. All names live in one arena; the hash
// table holds numbers plus the first eight bytes of each id, so looking up an
// id of at most eight bytes touches one cache line (the common case: ids like
// "P123456"). Not thread-safe for Insert; Find/Prefetch are const and may run
// concurrently from several threads once inserting has stopped.
//
//   uint64_t h = IdTable::Hash(id);  ids.Prefetch(h);  ...later...
//   int32_t n = ids.FindHashed(id, h);   // same as ids.Find(id)
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
  // Adds `id` as number size() without checking for a duplicate. The table
  // must then be completed with Index() before Find or Insert.
  void Append(std::string_view id);
  // Builds the lookup index (numeric when the ids allow it, else the hash
  // table). False if two appended ids are equal; the table is then unusable.
  bool Index();
  // True when lookups use the numeric index (hashing them is wasted work).
  bool numeric() const { return numeric_; }
  // Returns the number of `id`, or kNotFound.
  int32_t Find(std::string_view id) const {
    return numeric_ ? FindNumeric(id) : FindHashed(id, Hash(id));
  }
  // Find with a precomputed hash (must be Hash(id)).
  int32_t FindHashed(std::string_view id, uint64_t hash) const {
    return numeric_ ? FindNumeric(id) : FindInSlots(id, hash);
  }
  // Hints the CPU to load the slot FindHashed(.., hash) will probe first, so
  // a batch of lookups overlaps its cache misses.
  void Prefetch(uint64_t hash) const {
    if (!numeric_ && !slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }
  // The id with number `index`; valid until the next Insert.
  std::string_view Name(int32_t index) const {
    return std::string_view(arena_).substr(offsets_[index], offsets_[index + 1] - offsets_[index]);
  }
  int32_t size() const { return static_cast<int32_t>(offsets_.size()) - 1; }

  static uint64_t Hash(std::string_view id);

 private:
  // Open addressing, load factor <= 1/2. `tag` is the high hash bits with
  // the id length (capped at 255) in the low byte, `prefix` the first eight
  // bytes zero-padded: for ids of <= 8 bytes tag + prefix equality is id
  // equality, so the arena is not touched.
  struct Slot {
    uint64_t prefix;
    uint32_t tag;
    int32_t index_plus_one;  // 0 = empty
  };
  static uint32_t TagOf(std::string_view id, uint64_t hash);
  static uint64_t PrefixOf(std::string_view id);
  bool Matches(const Slot& slot, std::string_view id, uint32_t tag, uint64_t prefix) const;
  int32_t FindInSlots(std::string_view id, uint64_t hash) const;
  int32_t FindNumeric(std::string_view id) const;
  // Rebuilds the hash table with `capacity` slots from the arena; false if
  // two ids are equal.
  bool Rehash(size_t capacity);
  // Builds by_number_: 1 = done, 0 = ids do not fit the form, -1 = duplicate.
  int TryNumericIndex();

  std::string arena_;
  std::vector<uint64_t> offsets_ = {0};
  std::vector<Slot> slots_;
  bool hashed_ = true;  // slots_ holds every id (false after Append)
  // Numeric index: every id is number_prefix_ + a decimal without leading
  // zeros, and by_number_[number] = index + 1 (0 = no such id).
  bool numeric_ = false;
  std::string number_prefix_;
  std::vector<int32_t> by_number_;
  bool identity_ = false;  // by_number_[k] == k + 1 for every k
};

}  // namespace matchio
