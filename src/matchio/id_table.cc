#include "matchio/id_table.h"

#include <cstring>

namespace matchio {

uint64_t IdTable::Hash(std::string_view id) {
  // Eight bytes at a time with a multiply-xorshift mix: ids are short, and
  // this is a few nanoseconds each.
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ id.size();
  size_t i = 0;
  for (; i + 8 <= id.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, id.data() + i, 8);
    h = (h ^ word) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
  }
  uint64_t tail = 0;
  std::memcpy(&tail, id.data() + i, id.size() - i);
  h = (h ^ tail) * 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 29;
  h *= 0x9e3779b97f4a7c15ULL;
  return h ^ (h >> 32);
}

namespace {
uint64_t Entry(uint64_t hash, int32_t index) {
  return (hash >> 32 << 32) | (static_cast<uint64_t>(index) + 1);
}
int32_t IndexOf(uint64_t entry) { return static_cast<int32_t>((entry & 0xffffffffu) - 1); }
bool SameTag(uint64_t entry, uint64_t hash) { return (entry >> 32) == (hash >> 32); }
}  // namespace

void IdTable::Grow() {
  size_t capacity = slots_.empty() ? 1024 : slots_.size() * 2;
  slots_.assign(capacity, 0);
  const size_t mask = capacity - 1;
  for (int32_t index = 0; index < size(); ++index) {
    uint64_t h = Hash(Name(index));
    size_t slot = h & mask;
    while (slots_[slot] != 0) slot = (slot + 1) & mask;
    slots_[slot] = Entry(h, index);
  }
}

int32_t IdTable::Find(std::string_view id) const {
  if (slots_.empty()) return kNotFound;
  const uint64_t h = Hash(id);
  const size_t mask = slots_.size() - 1;
  for (size_t slot = h & mask;; slot = (slot + 1) & mask) {
    uint64_t entry = slots_[slot];
    if (entry == 0) return kNotFound;
    if (SameTag(entry, h) && Name(IndexOf(entry)) == id) return IndexOf(entry);
  }
}

int32_t IdTable::Insert(std::string_view id, bool* inserted) {
  // Keep the load factor at or below one half.
  if (static_cast<size_t>(size() + 1) * 2 > slots_.size()) Grow();
  const uint64_t h = Hash(id);
  const size_t mask = slots_.size() - 1;
  size_t slot = h & mask;
  for (;; slot = (slot + 1) & mask) {
    uint64_t entry = slots_[slot];
    if (entry == 0) break;
    if (SameTag(entry, h) && Name(IndexOf(entry)) == id) {
      *inserted = false;
      return IndexOf(entry);
    }
  }
  const int32_t index = size();
  arena_.append(id);
  offsets_.push_back(arena_.size());
  slots_[slot] = Entry(h, index);
  *inserted = true;
  return index;
}

}  // namespace matchio
