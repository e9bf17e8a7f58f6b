#include "monitor/disclosure.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

namespace monitor {
namespace {

constexpr int64_t k = kMinCellCount;

// ---------------------------------------------------------------------------
// An attacker, written independently of the library: a small integer
// constraint solver (bounds propagation and splitting) over the hidden
// numbers. It knows every published number, that "<5" numbers lie in [0, k-1]
// and hidden ones in [k, big], and the table's sum relations. A hidden number
// is recovered when no solution gives it a value other than the true one.
// ---------------------------------------------------------------------------

struct Entry {
  int64_t value;
  Suppression suppression;
};

// sum(coef * entry) == 0, or >= 0 when !equality; coefficients are +1 or -1.
struct Relation {
  std::vector<std::pair<int, int>> terms;  // (entry, coef)
  bool equality = true;
};

struct Bounds {
  int64_t lo, hi;
};

class Attacker {
 public:
  Attacker(std::vector<Entry> entries, std::vector<Relation> relations)
      : entries_(std::move(entries)), relations_(std::move(relations)) {
    int64_t sum = 0;
    for (const Entry& e : entries_) sum += e.value;
    big_ = 2 * sum + 100;  // far above any value a ±1 change could need
  }

  // Indices of hidden entries whose value is forced by what is published.
  std::vector<int> Recovered() {
    std::vector<Bounds> start = Prior();
    std::vector<Bounds> truth;
    for (const Entry& e : entries_) truth.push_back({e.value, e.value});
    EXPECT_TRUE(Solve(truth)) << "the true table must satisfy the relations";
    std::vector<int> out;
    for (size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].suppression == Suppression::kNone) continue;
      std::vector<Bounds> above = start, below = start;
      above[i].lo = entries_[i].value + 1;
      below[i].hi = entries_[i].value - 1;
      if (!Solve(above) && !Solve(below)) out.push_back(static_cast<int>(i));
    }
    EXPECT_LT(nodes_, kBudget) << "search budget exhausted: result inconclusive";
    return out;
  }

 private:
  static constexpr int64_t kBudget = 2'000'000;

  std::vector<Bounds> Prior() const {
    std::vector<Bounds> b;
    for (const Entry& e : entries_) {
      switch (e.suppression) {
        case Suppression::kNone:
          b.push_back({e.value, e.value});
          break;
        case Suppression::kPrimary:
          b.push_back({0, k - 1});
          break;
        case Suppression::kSecondary:
          b.push_back({k, big_});
          break;
      }
    }
    return b;
  }

  // Tightens bounds until stable; false if some relation cannot hold.
  bool Propagate(std::vector<Bounds>& b) const {
    for (bool changed = true; changed;) {
      changed = false;
      for (const Relation& r : relations_) {
        int64_t smin = 0, smax = 0;
        for (auto [i, c] : r.terms) {
          smin += c > 0 ? b[i].lo : -b[i].hi;
          smax += c > 0 ? b[i].hi : -b[i].lo;
        }
        if (smax < 0 || (r.equality && smin > 0)) return false;
        for (auto [i, c] : r.terms) {
          int64_t tmin = c > 0 ? b[i].lo : -b[i].hi;
          int64_t tmax = c > 0 ? b[i].hi : -b[i].lo;
          // c * x must lie in [-(smax - tmax), -(smin - tmin)] (upper only for ==).
          int64_t lo = -(smax - tmax);
          int64_t hi = r.equality ? -(smin - tmin) : big_;
          Bounds nb = c > 0 ? Bounds{std::max(b[i].lo, lo), std::min(b[i].hi, hi)}
                            : Bounds{std::max(b[i].lo, -hi), std::min(b[i].hi, -lo)};
          if (nb.lo > nb.hi) return false;
          if (nb.lo != b[i].lo || nb.hi != b[i].hi) b[i] = nb, changed = true;
        }
      }
    }
    return true;
  }

  bool Solve(std::vector<Bounds> b) {
    if (++nodes_ > kBudget || !Propagate(b)) return false;
    int split = -1;
    for (size_t i = 0; i < b.size(); ++i) {
      if (b[i].lo < b[i].hi && (split < 0 || b[i].hi - b[i].lo < b[split].hi - b[split].lo)) {
        split = static_cast<int>(i);
      }
    }
    if (split < 0) return true;  // all fixed and propagation found no violation
    int64_t mid = b[split].lo + (b[split].hi - b[split].lo) / 2;
    std::vector<Bounds> left = b, right = b;
    left[split].hi = mid;
    right[split].lo = mid + 1;
    return Solve(left) || Solve(right);
  }

  std::vector<Entry> entries_;
  std::vector<Relation> relations_;
  int64_t big_;
  int64_t nodes_ = 0;
};

// Entries: cells, then the total.
std::vector<int> Recovered1D(const std::vector<Entry>& cells, Entry total, Coverage coverage) {
  std::vector<Entry> entries = cells;
  entries.push_back(total);
  const int t = static_cast<int>(cells.size());
  std::vector<Relation> rel;
  Relation sum{{}, coverage == Coverage::kPartition};
  for (int i = 0; i < t; ++i) sum.terms.push_back({i, 1});
  sum.terms.push_back({t, -1});
  rel.push_back(sum);
  if (coverage == Coverage::kOverlapping) {
    for (int i = 0; i < t; ++i) rel.push_back({{{t, 1}, {i, -1}}, false});  // cell <= total
  }
  return Attacker(entries, rel).Recovered();
}

// Entries: cells row by row, row totals, column totals, grand total.
std::vector<int> Recovered2D(const std::vector<std::vector<Entry>>& cells,
                             const std::vector<Entry>& rows, const std::vector<Entry>& cols,
                             Entry grand) {
  const int nr = static_cast<int>(rows.size()), nc = static_cast<int>(cols.size());
  std::vector<Entry> entries;
  for (const auto& row : cells) entries.insert(entries.end(), row.begin(), row.end());
  entries.insert(entries.end(), rows.begin(), rows.end());
  entries.insert(entries.end(), cols.begin(), cols.end());
  entries.push_back(grand);
  const int row0 = nr * nc, col0 = row0 + nr, g = col0 + nc;
  std::vector<Relation> rel;
  for (int i = 0; i < nr; ++i) {
    Relation r;
    for (int j = 0; j < nc; ++j) r.terms.push_back({i * nc + j, 1});
    r.terms.push_back({row0 + i, -1});
    rel.push_back(r);
  }
  for (int j = 0; j < nc; ++j) {
    Relation r;
    for (int i = 0; i < nr; ++i) r.terms.push_back({i * nc + j, 1});
    r.terms.push_back({col0 + j, -1});
    rel.push_back(r);
  }
  Relation by_rows, by_cols;
  for (int i = 0; i < nr; ++i) by_rows.terms.push_back({row0 + i, 1});
  for (int j = 0; j < nc; ++j) by_cols.terms.push_back({col0 + j, 1});
  by_rows.terms.push_back({g, -1});
  by_cols.terms.push_back({g, -1});
  rel.push_back(by_rows);
  rel.push_back(by_cols);
  return Attacker(entries, rel).Recovered();
}

Entry E(int64_t v, Suppression s = Suppression::kNone) { return {v, s}; }
constexpr Suppression P = Suppression::kPrimary;
constexpr Suppression S = Suppression::kSecondary;

// The attacker must have teeth: each of these publications gives a value away.
TEST(AttackerTest, CatchesKnownLeaks) {
  using V = std::vector<int>;
  // A lone hidden cell in a line: 40 - 12 - 25 = 3.
  EXPECT_EQ(Recovered1D({E(12), E(3, P), E(25)}, E(40), Coverage::kPartition), V{1});
  // Two "<5" cells that sum to 0, or to 8: both are forced.
  EXPECT_EQ(Recovered1D({E(0, P), E(0, P), E(20)}, E(20), Coverage::kPartition), (V{0, 1}));
  EXPECT_EQ(Recovered1D({E(4, P), E(4, P), E(30)}, E(38), Coverage::kPartition), (V{0, 1}));
  // A hidden cell is known to be >= 5, so hiding a 5 next to a 0 hides nothing.
  EXPECT_EQ(Recovered1D({E(0, P), E(5, S)}, E(5), Coverage::kPartition), (V{0, 1}));
  // Overlapping grounds: total 10, one ground 6, so the other is at least 4.
  EXPECT_EQ(Recovered1D({E(6), E(4, P)}, E(10), Coverage::kOverlapping), V{1});
  EXPECT_EQ(Recovered1D({E(4, P), E(4, P)}, E(8), Coverage::kOverlapping), (V{0, 1}));
  // 2-D: the 3 is alone in its row (and column).
  EXPECT_EQ(Recovered2D({{E(12), E(3, P)}, {E(20), E(30)}}, {E(15), E(50)}, {E(32), E(33)}, E(65)),
            V{1});
  // 2-D: cells hidden in pairs, but the row total of a small row follows
  // from the grand total and the other row total.
  EXPECT_EQ(Recovered2D({{E(1, P), E(2, P)}, {E(10, S), E(20, S)}}, {E(3, P), E(30)},
                        {E(11), E(22)}, E(33)),
            V{4});
}

TEST(AttackerTest, AcceptsSafeTables) {
  EXPECT_TRUE(Recovered1D({E(1, P), E(3, P), E(20)}, E(24), Coverage::kPartition).empty());
  EXPECT_TRUE(Recovered1D({E(12, S), E(3, P), E(25)}, E(40), Coverage::kPartition).empty());
  EXPECT_TRUE(Recovered1D({E(15), E(3, P), E(12)}, E(20), Coverage::kOverlapping).empty());
  EXPECT_TRUE(Recovered2D({{E(12, S), E(3, P)}, {E(20, S), E(30, S)}}, {E(15), E(50)},
                          {E(32), E(33)}, E(65))
                  .empty());
}

// ---------------------------------------------------------------------------
// Known answers
// ---------------------------------------------------------------------------

std::vector<Suppression> Kinds(const PublishedTable& t) {
  std::vector<Suppression> out;
  for (const auto& c : t.cells) out.push_back(c.suppression);
  return out;
}

std::vector<Cell> Cells(std::vector<int64_t> counts) {
  std::vector<Cell> out;
  for (size_t i = 0; i < counts.size(); ++i) out.push_back({"c" + std::to_string(i), counts[i]});
  return out;
}

constexpr Suppression N = Suppression::kNone;

TEST(Suppress1DTest, SmallestOtherCellProtectsALoneSmallOne) {
  auto t = Suppress1D({{"origin", 12}, {"religion", 3}, {"age", 25}}, 40, Coverage::kPartition);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(Kinds(*t), (std::vector{S, P, N}));
  EXPECT_EQ(t->cells[1].key, "religion");
  EXPECT_FALSE(t->cells[0].count.has_value());
  EXPECT_EQ(t->cells[2].count, 25);
  EXPECT_EQ(t->total.count, 40);
  EXPECT_FALSE(t->total.suppressed());
}

TEST(Suppress1DTest, NothingHiddenWhenAllLarge) {
  auto t = Suppress1D(Cells({5, 6, 30}), 41, Coverage::kPartition);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(Kinds(*t), (std::vector{N, N, N}));
}

TEST(Suppress1DTest, PairsThatForceTheirValuesGetAThirdCell) {
  // Two zeros hidden together would still say "nobody".
  EXPECT_EQ(Kinds(*Suppress1D(Cells({0, 0, 20, 30}), 50, Coverage::kPartition)),
            (std::vector{P, P, S, N}));
  EXPECT_EQ(Kinds(*Suppress1D(Cells({4, 4, 30, 20}), 58, Coverage::kPartition)),
            (std::vector{P, P, N, S}));
  // A pair that forces nothing still gives its sum away (24 - 20 = 4): the
  // next smallest cell joins it, so the hidden cells total at least 5.
  EXPECT_EQ(Kinds(*Suppress1D(Cells({1, 3, 20}), 24, Coverage::kPartition)),
            (std::vector{P, P, S}));
  EXPECT_EQ(Kinds(*Suppress1D(Cells({2, 3, 20}), 25, Coverage::kPartition)),
            (std::vector{P, P, N}));
}

TEST(Suppress1DTest, HiddenCellsCannotBeRecoveredFromTheTotal) {
  // Pathway: BOL 1, BBL 0, unknown 10, total 11. Hiding BOL and BBL alone
  // leaves "11 - 10 = 1 in BOL or BBL"; the smallest shown cell joins them.
  auto t = Suppress1D({{"BOL", 1}, {"BBL", 0}, {"unknown", 10}}, 11, Coverage::kPartition);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(Kinds(*t), (std::vector{P, P, S}));
  EXPECT_EQ(t->total.count, 11);
  // Smallest first: of the shown cells the 6 joins, the 30 stays shown.
  auto u = Suppress1D(Cells({2, 1, 30, 6}), 39, Coverage::kPartition);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(Kinds(*u), (std::vector{P, P, N, S}));
}

TEST(Suppress1DTest, TotalHiddenWhenOnlyItCanProtect) {
  auto t = Suppress1D(Cells({4, 4}), 8, Coverage::kPartition);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(Kinds(*t), (std::vector{P, P}));
  EXPECT_EQ(t->total.suppression, S);
  EXPECT_FALSE(t->total.count.has_value());
}

TEST(Suppress1DTest, SmallTotalHidesEverything) {
  for (Coverage cov : {Coverage::kPartition, Coverage::kOverlapping}) {
    auto t = Suppress1D(Cells({1, 2, 0}), 3, cov);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(Kinds(*t), (std::vector{P, P, P}));
    EXPECT_EQ(t->total.suppression, P);
  }
}

TEST(Suppress1DTest, OverlappingGrounds) {
  // Total 10, shown ground 6: the hidden one would be at least 4, so 4.
  EXPECT_EQ(Kinds(*Suppress1D(Cells({6, 4}), 10, Coverage::kOverlapping)), (std::vector{S, P}));
  // Here the grounds cannot pin the small one.
  EXPECT_EQ(Kinds(*Suppress1D(Cells({15, 3, 12}), 20, Coverage::kOverlapping)),
            (std::vector{N, P, N}));
  // Nine grounds of 4 with total 36: each report one ground, so all are 4
  // unless the total is hidden.
  auto t = Suppress1D(Cells({4, 4, 4, 4, 4, 4, 4, 4, 4}), 36, Coverage::kOverlapping);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->total.suppression, S);
}

TEST(Suppress1DTest, RejectsBadInput) {
  EXPECT_EQ(Suppress1D({}, 0, Coverage::kPartition).status().code(),
            common::StatusCode::kInvalidArgument);
  EXPECT_FALSE(Suppress1D(Cells({3, 4}), 8, Coverage::kPartition).ok());
  EXPECT_FALSE(Suppress1D(Cells({-1, 9}), 8, Coverage::kPartition).ok());
  EXPECT_FALSE(Suppress1D(Cells({9}), 8, Coverage::kOverlapping).ok());
  EXPECT_FALSE(Suppress1D(Cells({9}), 9, Coverage::kPartition, 1).ok());
}

TEST(Suppress2DTest, ClassicPattern) {
  auto t = Suppress2D({{"search", "internship"}, {"jan", "feb"}, {{12, 3}, {20, 30}}});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->cells[0][1].suppression, P);
  EXPECT_EQ(t->cells[0][0].suppression, S);
  EXPECT_EQ(t->cells[1][0].suppression, S);
  EXPECT_EQ(t->cells[1][1].suppression, S);
  EXPECT_EQ(t->row_totals[0].count, 15);
  EXPECT_EQ(t->col_totals[1].count, 33);
  EXPECT_EQ(t->total.count, 65);
  EXPECT_EQ(t->row_keys[1], "internship");
}

TEST(Suppress2DTest, SmallMarginsAreProtectedToo) {
  // Row 0 totals 3: its cells and total are "<5"; the grand total minus row
  // 1's total would give it away, so row 1's total is hidden as well.
  auto t = Suppress2D({{"a", "b"}, {"x", "y"}, {{1, 2}, {10, 20}}});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->row_totals[0].suppression, P);
  EXPECT_TRUE(t->row_totals[1].suppressed());
}

TEST(Suppress2DTest, SmallGrandTotalHidesEverything) {
  auto t = Suppress2D({{"a", "b"}, {"x", "y"}, {{1, 0}, {2, 1}}});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->total.suppression, P);
  for (const auto& row : t->cells) {
    for (const auto& c : row) EXPECT_EQ(c.suppression, P);
  }
}

TEST(Suppress2DTest, RejectsBadShapes) {
  EXPECT_FALSE(Suppress2D({{}, {"x"}, {}}).ok());
  EXPECT_FALSE(Suppress2D({{"a"}, {"x", "y"}, {{1}}}).ok());
  EXPECT_FALSE(Suppress2D({{"a"}, {"x"}, {{-1}}}).ok());
}

TEST(DrillDownTest, RefusesFewerThanK) {
  EXPECT_TRUE(CheckDrillDown(5).ok());
  EXPECT_TRUE(CheckDrillDown(120).ok());
  for (int64_t n : {0, 1, 4}) {
    common::Status s = CheckDrillDown(n, k, "school");
    EXPECT_EQ(s.code(), common::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(IsTooFewForDrillDown(s));
    EXPECT_EQ(s.field(), "school");
    EXPECT_EQ(s.message().find(std::to_string(n) + " student"), std::string::npos);
  }
  EXPECT_EQ(CheckDrillDown(-1).code(), common::StatusCode::kInvalidArgument);
  EXPECT_FALSE(IsTooFewForDrillDown(common::Status::FailedPrecondition("other")));
  EXPECT_EQ(kTooFewForDrillDown, "too_few_for_drilldown");
}

// ---------------------------------------------------------------------------
// Properties over random tables
// ---------------------------------------------------------------------------

// Skewed towards the values that matter: zeros, "<5", and values just above.
int64_t RandomCount(std::mt19937_64& rng) {
  int roll = static_cast<int>(rng() % 100);
  if (roll < 30) return 0;
  if (roll < 60) return 1 + static_cast<int64_t>(rng() % 4);
  if (roll < 80) return 5 + static_cast<int64_t>(rng() % 3);
  return 8 + static_cast<int64_t>(rng() % 40);
}

// Rule 5, checked by brute force and linear algebra, independently of the
// library's cut search: every set of hidden numbers whose sum follows from
// the published ones (its indicator vector, over the hidden numbers, is a
// combination of the equality relations restricted to them) totals at least
// k. Returns the smallest such sum below k, or -1.
int64_t SmallestIsolatableSum(const std::vector<Entry>& entries,
                              const std::vector<Relation>& relations, bool* checked = nullptr) {
  std::vector<int> hidden;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].suppression != Suppression::kNone) hidden.push_back(static_cast<int>(i));
  }
  const size_t h = hidden.size();
  if (checked) *checked = h <= 12;
  if (h == 0 || h > 12) return -1;
  // Row-reduce the relations over the hidden columns.
  std::vector<std::vector<double>> basis;
  std::vector<size_t> pivots;
  auto reduce = [&](std::vector<double> row) {
    for (size_t b = 0; b < basis.size(); ++b) {
      double f = row[pivots[b]];
      if (f == 0) continue;
      for (size_t j = 0; j < h; ++j) row[j] -= f * basis[b][j];
    }
    return row;
  };
  for (const Relation& r : relations) {
    if (!r.equality) continue;
    std::vector<double> row(h, 0.0);
    for (auto [i, c] : r.terms) {
      auto it = std::find(hidden.begin(), hidden.end(), i);
      if (it != hidden.end()) row[static_cast<size_t>(it - hidden.begin())] += c;
    }
    row = reduce(row);
    size_t p = 0;
    while (p < h && std::abs(row[p]) < 1e-9) ++p;
    if (p == h) continue;
    double f = row[p];
    for (double& v : row) v /= f;
    for (size_t b = 0; b < basis.size(); ++b) {  // keep the basis fully reduced
      double g = basis[b][p];
      if (g == 0) continue;
      for (size_t j = 0; j < h; ++j) basis[b][j] -= g * row[j];
    }
    basis.push_back(row);
    pivots.push_back(p);
  }
  int64_t smallest = -1;
  for (uint32_t set = 1; set < (uint32_t{1} << h); ++set) {
    std::vector<double> row(h, 0.0);
    int64_t sum = 0;
    for (size_t j = 0; j < h; ++j) {
      if ((set >> j) & 1) row[j] = 1.0, sum += entries[static_cast<size_t>(hidden[j])].value;
    }
    if (sum >= k || (smallest >= 0 && sum >= smallest)) continue;
    row = reduce(row);
    bool determined =
        std::all_of(row.begin(), row.end(), [](double v) { return std::abs(v) < 1e-9; });
    if (determined) smallest = sum;
  }
  return smallest;
}

std::vector<Relation> Relations1D(size_t n) {
  Relation sum;
  for (size_t i = 0; i < n; ++i) sum.terms.push_back({static_cast<int>(i), 1});
  sum.terms.push_back({static_cast<int>(n), -1});
  return {sum};
}

std::vector<Relation> Relations2D(int nr, int nc) {
  const int row0 = nr * nc, col0 = row0 + nr, g = col0 + nc;
  std::vector<Relation> rel;
  for (int i = 0; i < nr; ++i) {
    Relation r;
    for (int j = 0; j < nc; ++j) r.terms.push_back({i * nc + j, 1});
    r.terms.push_back({row0 + i, -1});
    rel.push_back(r);
  }
  for (int j = 0; j < nc; ++j) {
    Relation r;
    for (int i = 0; i < nr; ++i) r.terms.push_back({i * nc + j, 1});
    r.terms.push_back({col0 + j, -1});
    rel.push_back(r);
  }
  Relation by_rows, by_cols;
  for (int i = 0; i < nr; ++i) by_rows.terms.push_back({row0 + i, 1});
  for (int j = 0; j < nc; ++j) by_cols.terms.push_back({col0 + j, 1});
  by_rows.terms.push_back({g, -1});
  by_cols.terms.push_back({g, -1});
  rel.push_back(by_rows);
  rel.push_back(by_cols);
  return rel;
}

TEST(AttackerTest, FindsIsolatableSums) {
  // 11 - 10 = 1: the two "<5" cells hold one person between them.
  EXPECT_EQ(SmallestIsolatableSum({E(1, P), E(0, P), E(10), E(11)}, Relations1D(3)), 1);
  EXPECT_EQ(SmallestIsolatableSum({E(1, P), E(0, P), E(10, S), E(11)}, Relations1D(3)), -1);
  // With the total hidden too, no set of hidden numbers has a known sum.
  EXPECT_EQ(SmallestIsolatableSum({E(1, P), E(3, P), E(4, S)}, Relations1D(2)), -1);
}

// Property 1 and 3 for one number: shown numbers are true and >= k, "<5"
// exactly when the true value is below k, hidden ones are >= k.
void ExpectHonest(std::optional<int64_t> shown, Suppression s, int64_t truth) {
  EXPECT_EQ(s == P, truth < k);
  if (s == N) {
    ASSERT_TRUE(shown.has_value());
    EXPECT_EQ(*shown, truth);
    EXPECT_GE(*shown, k);
  } else {
    EXPECT_FALSE(shown.has_value());
  }
}

TEST(DisclosurePropertyTest, OneWayTables) {
  std::mt19937_64 rng(20240519);
  int leaks_without_secondary = 0;
  int small_sums_without_rule = 0;
  for (int round = 0; round < 3000; ++round) {
    const Coverage cov = round % 2 ? Coverage::kOverlapping : Coverage::kPartition;
    const size_t n = 1 + rng() % 7;
    std::vector<int64_t> counts(n, 0);
    int64_t total = 0;
    if (cov == Coverage::kPartition) {
      for (auto& c : counts) total += c = RandomCount(rng);
    } else {
      // Units that each name one or more categories, as reports name grounds.
      total = RandomCount(rng);
      for (int64_t u = 0; u < total; ++u) {
        std::vector<bool> named(n, false);
        named[rng() % n] = true;
        while (rng() % 3 == 0) named[rng() % n] = true;
        for (size_t i = 0; i < n; ++i) counts[i] += named[i];
      }
    }
    auto t = Suppress1D(Cells(counts), total, cov);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    ASSERT_EQ(t->cells.size(), n);
    std::vector<Entry> cells, primary_only;
    for (size_t i = 0; i < n; ++i) {
      ExpectHonest(t->cells[i].count, t->cells[i].suppression, counts[i]);
      cells.push_back(E(counts[i], t->cells[i].suppression));
      primary_only.push_back(E(counts[i], counts[i] < k ? P : N));
    }
    ExpectHonest(t->total.count, t->total.suppression, total);
    EXPECT_TRUE(Recovered1D(cells, E(total, t->total.suppression), cov).empty())
        << "round " << round;
    if (cov == Coverage::kPartition) {
      std::vector<Entry> entries = cells;
      entries.push_back(E(total, t->total.suppression));
      int64_t sum = SmallestIsolatableSum(entries, Relations1D(n));
      EXPECT_EQ(sum, -1) << "round " << round << ": hidden cells sum to " << sum;
      std::vector<Entry> plain = primary_only;
      plain.push_back(E(total, total < k ? P : N));
      small_sums_without_rule += SmallestIsolatableSum(plain, Relations1D(n)) >= 0;
    }
    leaks_without_secondary += !Recovered1D(primary_only, E(total, total < k ? P : N), cov).empty();
    auto again = Suppress1D(Cells(counts), total, cov);
    EXPECT_EQ(Kinds(*again), Kinds(*t));
    EXPECT_EQ(again->total.suppression, t->total.suppression);
    if (HasFailure()) FAIL() << "round " << round;
  }
  // The checker has something to catch: primary suppression alone leaks.
  EXPECT_GT(leaks_without_secondary, 100);
  EXPECT_GT(small_sums_without_rule, 100);
}

TEST(DisclosurePropertyTest, TwoWayTables) {
  std::mt19937_64 rng(7);
  int leaks_without_secondary = 0;
  int sums_checked = 0;  // tables with at most 12 hidden numbers
  for (int round = 0; round < 2000; ++round) {
    const size_t nr = 1 + rng() % 5, nc = 1 + rng() % 5;
    Table2D in;
    for (size_t i = 0; i < nr; ++i) in.row_keys.push_back("r" + std::to_string(i));
    for (size_t j = 0; j < nc; ++j) in.col_keys.push_back("c" + std::to_string(j));
    in.counts.assign(nr, std::vector<int64_t>(nc));
    for (auto& row : in.counts) {
      for (auto& c : row) c = RandomCount(rng);
    }
    auto t = Suppress2D(in);
    ASSERT_TRUE(t.ok()) << t.status().ToString();

    std::vector<std::vector<Entry>> cells(nr), plain(nr);
    std::vector<Entry> rows, cols, plain_rows, plain_cols;
    std::vector<int64_t> col_sum(nc, 0);
    int64_t grand = 0;
    auto plain_entry = [](int64_t v) { return E(v, v < k ? P : N); };
    for (size_t i = 0; i < nr; ++i) {
      int64_t row_sum = 0;
      for (size_t j = 0; j < nc; ++j) {
        const int64_t v = in.counts[i][j];
        ExpectHonest(t->cells[i][j].count, t->cells[i][j].suppression, v);
        cells[i].push_back(E(v, t->cells[i][j].suppression));
        plain[i].push_back(plain_entry(v));
        row_sum += v;
        col_sum[j] += v;
      }
      ExpectHonest(t->row_totals[i].count, t->row_totals[i].suppression, row_sum);
      rows.push_back(E(row_sum, t->row_totals[i].suppression));
      plain_rows.push_back(plain_entry(row_sum));
      grand += row_sum;
    }
    for (size_t j = 0; j < nc; ++j) {
      ExpectHonest(t->col_totals[j].count, t->col_totals[j].suppression, col_sum[j]);
      cols.push_back(E(col_sum[j], t->col_totals[j].suppression));
      plain_cols.push_back(plain_entry(col_sum[j]));
    }
    ExpectHonest(t->total.count, t->total.suppression, grand);
    EXPECT_TRUE(Recovered2D(cells, rows, cols, E(grand, t->total.suppression)).empty());
    {
      std::vector<Entry> entries;
      for (const auto& row : cells) entries.insert(entries.end(), row.begin(), row.end());
      entries.insert(entries.end(), rows.begin(), rows.end());
      entries.insert(entries.end(), cols.begin(), cols.end());
      entries.push_back(E(grand, t->total.suppression));
      bool checked = false;
      int64_t sum = SmallestIsolatableSum(
          entries, Relations2D(static_cast<int>(nr), static_cast<int>(nc)), &checked);
      EXPECT_EQ(sum, -1) << "hidden numbers sum to " << sum;
      sums_checked += checked;
    }
    leaks_without_secondary +=
        !Recovered2D(plain, plain_rows, plain_cols, plain_entry(grand)).empty();

    auto again = Suppress2D(in);
    for (size_t i = 0; i < nr; ++i) {
      for (size_t j = 0; j < nc; ++j) {
        EXPECT_EQ(again->cells[i][j].suppression, t->cells[i][j].suppression);
      }
      EXPECT_EQ(again->row_totals[i].suppression, t->row_totals[i].suppression);
    }
    for (size_t j = 0; j < nc; ++j) {
      EXPECT_EQ(again->col_totals[j].suppression, t->col_totals[j].suppression);
    }
    if (HasFailure()) FAIL() << "round " << round;
  }
  EXPECT_GT(leaks_without_secondary, 100);
  EXPECT_GT(sums_checked, 500) << sums_checked;
}

}  // namespace
}  // namespace monitor
