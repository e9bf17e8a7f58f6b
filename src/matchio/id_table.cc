#include "matchio/id_table.h"

#include <algorithm>
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

uint32_t IdTable::TagOf(std::string_view id, uint64_t hash) {
  return (static_cast<uint32_t>(hash >> 32) & ~0xffu) |
         static_cast<uint32_t>(std::min<size_t>(id.size(), 255));
}

uint64_t IdTable::PrefixOf(std::string_view id) {
  uint64_t prefix = 0;
  std::memcpy(&prefix, id.data(), std::min<size_t>(id.size(), 8));
  return prefix;
}

bool IdTable::Matches(const Slot& slot, std::string_view id, uint32_t tag, uint64_t prefix) const {
  if (slot.tag != tag || slot.prefix != prefix) return false;
  return id.size() <= 8 || Name(slot.index_plus_one - 1) == id;
}

bool IdTable::Rehash(size_t capacity) {
  slots_.assign(capacity, Slot{0, 0, 0});
  hashed_ = true;
  const size_t mask = capacity - 1;
  for (int32_t index = 0; index < size(); ++index) {
    std::string_view id = Name(index);
    const uint64_t h = Hash(id);
    const Slot entry{PrefixOf(id), TagOf(id, h), index + 1};
    size_t slot = h & mask;
    for (; slots_[slot].index_plus_one != 0; slot = (slot + 1) & mask) {
      if (Matches(slots_[slot], id, entry.tag, entry.prefix)) return false;
    }
    slots_[slot] = entry;
  }
  return true;
}

void IdTable::Append(std::string_view id) {
  arena_.append(id);
  offsets_.push_back(arena_.size());
  hashed_ = false;
  numeric_ = false;
}

bool IdTable::Index() {
  int numeric = TryNumericIndex();
  if (numeric != 0) return numeric > 0;
  size_t capacity = 1024;
  while (capacity < 2 * static_cast<size_t>(size())) capacity *= 2;
  return Rehash(capacity);
}

namespace {
// Parses a canonical decimal (no sign, no leading zero) below 10^9.
bool ParseCanonical(std::string_view digits, uint32_t* out) {
  if (digits.empty() || digits.size() > 9 || (digits[0] == '0' && digits.size() > 1)) {
    return false;
  }
  uint32_t value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  *out = value;
  return true;
}
}  // namespace

int IdTable::TryNumericIndex() {
  if (size() == 0) return 0;
  std::string_view first = Name(0);
  size_t digits = 0;
  while (digits < first.size() && first[first.size() - 1 - digits] >= '0' &&
         first[first.size() - 1 - digits] <= '9') {
    ++digits;
  }
  const std::string_view prefix = first.substr(0, first.size() - digits);
  // Numbers must be dense enough that the array stays small.
  const uint64_t limit = 4 * static_cast<uint64_t>(size()) + 1024;
  uint32_t max_number = 0;
  for (int32_t i = 0; i < size(); ++i) {
    std::string_view id = Name(i);
    uint32_t number = 0;
    if (id.substr(0, prefix.size()) != prefix ||
        !ParseCanonical(id.substr(prefix.size()), &number) || number >= limit) {
      return 0;
    }
    max_number = std::max(max_number, number);
  }
  std::vector<int32_t> by_number(static_cast<size_t>(max_number) + 1, 0);
  for (int32_t i = 0; i < size(); ++i) {
    uint32_t number = 0;
    ParseCanonical(Name(i).substr(prefix.size()), &number);
    if (by_number[number] != 0) return -1;
    by_number[number] = i + 1;
  }
  number_prefix_ = std::string(prefix);
  identity_ = true;
  for (size_t k = 0; k < by_number.size() && identity_; ++k) {
    identity_ = by_number[k] == static_cast<int32_t>(k) + 1;
  }
  by_number_ = std::move(by_number);
  numeric_ = true;
  return 1;
}

int32_t IdTable::FindNumeric(std::string_view id) const {
  const size_t skip = number_prefix_.size();
  if (id.size() <= skip) return kNotFound;
  for (size_t i = 0; i < skip; ++i) {  // prefixes are short: no memcmp call
    if (id[i] != number_prefix_[i]) return kNotFound;
  }
  uint32_t number = 0;
  if (!ParseCanonical(id.substr(skip), &number) || number >= by_number_.size()) {
    return kNotFound;
  }
  // Ids numbered in file order ("P0", "P1", ...) need no array access.
  return identity_ ? static_cast<int32_t>(number) : by_number_[number] - 1;
}

int32_t IdTable::FindInSlots(std::string_view id, uint64_t hash) const {
  if (slots_.empty() || !hashed_) return kNotFound;
  const uint32_t tag = TagOf(id, hash);
  const uint64_t prefix = PrefixOf(id);
  const size_t mask = slots_.size() - 1;
  for (size_t slot = hash & mask;; slot = (slot + 1) & mask) {
    const Slot& entry = slots_[slot];
    if (entry.index_plus_one == 0) return kNotFound;
    if (Matches(entry, id, tag, prefix)) return entry.index_plus_one - 1;
  }
}

int32_t IdTable::Insert(std::string_view id, bool* inserted) {
  // The numeric index would need updating; Insert after Index() is rare.
  numeric_ = false;
  by_number_.clear();
  // Keep the load factor at or below one half. (After Append the table was
  // already required to be free of duplicates by Index().)
  if (!hashed_ || static_cast<size_t>(size() + 1) * 2 > slots_.size()) {
    size_t capacity = slots_.empty() ? 1024 : slots_.size();
    while (static_cast<size_t>(size() + 1) * 2 > capacity) capacity *= 2;
    Rehash(capacity);
  }
  const uint64_t h = Hash(id);
  const uint32_t tag = TagOf(id, h);
  const uint64_t prefix = PrefixOf(id);
  const size_t mask = slots_.size() - 1;
  size_t slot = h & mask;
  for (;; slot = (slot + 1) & mask) {
    const Slot& entry = slots_[slot];
    if (entry.index_plus_one == 0) break;
    if (Matches(entry, id, tag, prefix)) {
      *inserted = false;
      return entry.index_plus_one - 1;
    }
  }
  const int32_t index = size();
  arena_.append(id);
  offsets_.push_back(arena_.size());
  slots_[slot] = Slot{prefix, tag, index + 1};
  *inserted = true;
  return index;
}

}  // namespace matchio
