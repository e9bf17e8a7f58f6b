#include "monitor/disclosure.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <utility>

namespace monitor {

namespace {

// Refusal message: a fixed prefix so IsTooFewForDrillDown can recognise it,
// and no population figure, which would defeat the point of refusing.
constexpr std::string_view kTooFewPrefix = "Too few students in this selection";

common::Status TooFew(int64_t k, std::string field = {}) {
  return common::Status::FailedPrecondition(std::string(kTooFewPrefix) +
                                                " to show figures (fewer than " +
                                                std::to_string(k) + "); choose a wider filter",
                                            std::move(field));
}

// A hidden secondary count has no upper bound an attacker knows of, other than
// what the sums imply; the residual search below treats this as infinity.
constexpr int64_t kUnbounded = std::numeric_limits<int64_t>::max() / 4;

// Which number an edge carries, in the order secondaries are preferred:
// hiding an inner cell costs less than hiding a margin, and the grand total
// is hidden last.
enum Rank { kInner = 0, kMargin = 1, kGrand = 2 };

struct Edge {
  int from;
  int to;
  int64_t value;
  int rank;
  Suppression suppression = Suppression::kNone;
};

// A table as a circulation: flow conservation at every node is one published
// sum relation ("line"), every edge one count. See rule 3 in the header.
class Network {
 public:
  Network(int nodes, int64_t k) : nodes_(nodes), k_(k), incident_(static_cast<size_t>(nodes)) {}

  int Add(int from, int to, int64_t value, int rank) {
    edges_.push_back(
        {from, to, value, rank, value < k_ ? Suppression::kPrimary : Suppression::kNone});
    const int id = static_cast<int>(edges_.size()) - 1;
    incident_[static_cast<size_t>(from)].push_back(id);
    incident_[static_cast<size_t>(to)].push_back(id);
    return id;
  }

  const Edge& edge(int e) const { return edges_[static_cast<size_t>(e)]; }

  // Adds secondary suppressions until no suppressed count is pinned and no
  // set of suppressed counts with a published sum totals less than k (rule 5).
  // Returns false if even hiding everything leaves one pinned (then nothing
  // may be shown at all), or if the network is too large for the exact sum
  // check.
  bool Protect() {
    if (nodes_ > kMaxCutNodes) return false;
    for (;;) {
      if (ApplyLineRule()) continue;
      bool changed = false;
      for (int e = 0; e < Size() && !changed; ++e) {
        if (!Pinned(e)) continue;
        std::optional<int> pick = PickForPinned(e);
        if (!pick) return false;
        Hide(*pick);
        changed = true;
      }
      if (changed) continue;
      std::optional<std::optional<int>> small = PickForSmallSum();
      if (!small) return true;
      if (!*small) return false;
      Hide(**small);
    }
  }

 private:
  // Rule 5 enumerates every cut of the network: 2^nodes subsets. One-way
  // tables have 2 nodes; two-way tables up to 7 x 7 fit.
  static constexpr int kMaxCutNodes = 16;
  int Size() const { return static_cast<int>(edges_.size()); }
  void Hide(int e) { edges_[static_cast<size_t>(e)].suppression = Suppression::kSecondary; }

  // The attacker's bounds for a count (see rule 2 in the header).
  int64_t Lo(const Edge& e) const {
    switch (e.suppression) {
      case Suppression::kNone:
        return e.value;
      case Suppression::kPrimary:
        return 0;
      case Suppression::kSecondary:
        return k_;
    }
    return e.value;
  }
  int64_t Hi(const Edge& e) const {
    switch (e.suppression) {
      case Suppression::kNone:
        return e.value;
      case Suppression::kPrimary:
        return k_ - 1;
      case Suppression::kSecondary:
        return kUnbounded;
    }
    return e.value;
  }

  int SuppressedAt(int node) const {
    int n = 0;
    for (int i : incident_[static_cast<size_t>(node)]) {
      if (edge(i).suppression != Suppression::kNone) ++n;
    }
    return n;
  }

  // Is there a path from `src` to `dst` in the residual graph of the true
  // counts, not using edge `skip`? Forward arcs where a count may grow,
  // backward arcs where it may shrink.
  bool ResidualPath(int src, int dst, int skip) const {
    std::vector<char> seen(static_cast<size_t>(nodes_), 0);
    std::vector<int> queue{src};
    seen[static_cast<size_t>(src)] = 1;
    for (size_t head = 0; head < queue.size(); ++head) {
      int u = queue[head];
      if (u == dst) return true;
      for (int i : incident_[static_cast<size_t>(u)]) {
        if (i == skip) continue;
        const Edge& e = edge(i);
        int next = -1;
        if (e.from == u && e.value < Hi(e)) {
          next = e.to;
        } else if (e.to == u && e.value > Lo(e)) {
          next = e.from;
        }
        if (next >= 0 && !seen[static_cast<size_t>(next)]) {
          seen[static_cast<size_t>(next)] = 1;
          queue.push_back(next);
        }
      }
    }
    return false;
  }

  // A suppressed count is pinned when no other solution of the published
  // equations and bounds gives it a different value. Two integer solutions
  // differ by a sum of ±1 cycles, so it suffices to look for one cycle
  // through the edge: up by one (path back from head to tail) or down.
  bool Pinned(int i) const {
    const Edge& e = edge(i);
    if (e.suppression == Suppression::kNone) return false;
    bool up = e.value < Hi(e) && ResidualPath(e.to, e.from, i);
    bool down = !up && e.value > Lo(e) && ResidualPath(e.from, e.to, i);
    return !up && !down;
  }

  bool Touches(const Edge& e, int node) const { return e.from == node || e.to == node; }

  // The classic heuristic: a line with exactly one hidden count gets a
  // second one. Among the line's shown counts take the lowest rank, then one
  // whose other line already hides something (so it is unlikely to create a
  // new lone hidden count), then the smallest, then the first.
  bool ApplyLineRule() {
    bool changed = false;
    for (int node = 0; node < nodes_; ++node) {
      if (SuppressedAt(node) != 1) continue;
      std::optional<int> best;
      std::tuple<int, int, int64_t> best_key{};
      for (int i = 0; i < Size(); ++i) {
        const Edge& e = edge(i);
        if (e.suppression != Suppression::kNone || !Touches(e, node)) continue;
        int other = e.from == node ? e.to : e.from;
        std::tuple<int, int, int64_t> key{e.rank, SuppressedAt(other) > 0 ? 0 : 1, e.value};
        if (!best || key < best_key) best = i, best_key = key;
      }
      if (best) {
        Hide(*best);
        changed = true;
      }
    }
    return changed;
  }

  // For a pinned count `p`: the first shown count, in preference order (in
  // one of p's lines first, then rank, then smallest), whose hiding frees p;
  // if no single one does, the first in that order, and the loop continues.
  std::optional<int> PickForPinned(int p) {
    const Edge& pe = edge(p);
    std::vector<std::pair<std::tuple<int, int, int64_t, int>, int>> order;
    for (int i = 0; i < Size(); ++i) {
      const Edge& e = edge(i);
      if (e.suppression != Suppression::kNone) continue;
      bool near = Touches(e, pe.from) || Touches(e, pe.to);
      order.push_back({{near ? 0 : 1, e.rank, e.value, i}, i});
    }
    if (order.empty()) return std::nullopt;
    std::sort(order.begin(), order.end());
    for (const auto& [key, i] : order) {
      Hide(i);
      bool freed = !Pinned(p);
      edges_[static_cast<size_t>(i)].suppression = Suppression::kNone;
      if (freed) return i;
    }
    return order.front().second;
  }

  // Rule 5. The published numbers give away the sum of a set of hidden
  // counts exactly when that set is what crosses some cut of the network, all
  // in one direction (node potentials whose differences are 0 or 1 on hidden
  // edges; any such set is a disjoint union of one-cut sets, and counts are
  // never negative, so the one-cut sets are the smallest). For the first cut
  // whose hidden crossing set sums to less than k, returns the shown count to
  // hide: one crossing the cut, lowest rank then smallest first (hiding it
  // either adds at least k to the set or breaks its one direction). nullopt:
  // every such sum is at least k; an empty inner value: nothing left to hide.
  std::optional<std::optional<int>> PickForSmallSum() const {
    const uint32_t all = (uint32_t{1} << nodes_) - 1;
    for (uint32_t side = 1; side < all; ++side) {
      int64_t hidden_sum = 0;
      int into = 0, out_of = 0;
      std::optional<int> best;
      for (int i = 0; i < Size(); ++i) {
        const Edge& e = edge(i);
        bool from_in = (side >> e.from) & 1, to_in = (side >> e.to) & 1;
        if (from_in == to_in) continue;
        if (e.suppression == Suppression::kNone) {
          const Edge* b = best ? &edge(*best) : nullptr;
          if (!b || std::tie(e.rank, e.value) < std::tie(b->rank, b->value)) best = i;
          continue;
        }
        ++(to_in ? into : out_of);
        hidden_sum += e.value;
      }
      // Only the sets crossing into `side` are looked at: the other
      // direction is the same cut seen from the complement.
      if (into == 0 || out_of > 0 || hidden_sum >= k_) continue;
      return std::optional<std::optional<int>>(best);
    }
    return std::nullopt;
  }

  int nodes_;
  int64_t k_;
  std::vector<Edge> edges_;
  std::vector<std::vector<int>> incident_;  // edge ids per node
};

PublishedCount Publish(const Edge& e) {
  PublishedCount out;
  out.suppression = e.suppression;
  if (e.suppression == Suppression::kNone) out.count = e.value;
  return out;
}

PublishedCell PublishCell(const std::string& key, int64_t value, Suppression s) {
  PublishedCell out{key, std::nullopt, s};
  if (s == Suppression::kNone) out.count = value;
  return out;
}

// kOverlapping: the only relations are cell <= total and sum >= total. A
// hidden cell's possible values form the interval [max(lo, total - what the
// others can reach), hi]: raising a cell breaks nothing, so it is pinned only
// when the other cells at their highest still leave it at its highest. That
// condition is the same for every hidden cell: reach (published counts plus
// every hidden upper bound) <= total. One secondary cell (upper bound total)
// always lifts reach above the total.
std::optional<PublishedTable> SuppressOverlapping(const std::vector<Cell>& cells, int64_t total,
                                                  int64_t k) {
  std::vector<Suppression> s(cells.size(), Suppression::kNone);
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i].count < k) s[i] = Suppression::kPrimary;
  }
  auto pinned = [&] {
    bool any = false;
    int64_t reach = 0;
    for (size_t i = 0; i < cells.size(); ++i) {
      switch (s[i]) {
        case Suppression::kNone:
          reach += cells[i].count;
          break;
        case Suppression::kPrimary:
          reach += k - 1, any = true;
          break;
        case Suppression::kSecondary:
          reach += total, any = true;
          break;
      }
    }
    return any && reach <= total;
  };
  bool hide_total = false;
  while (pinned()) {
    std::optional<size_t> best;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (s[i] != Suppression::kNone) continue;
      if (!best || cells[i].count < cells[*best].count) best = i;
    }
    if (!best) {
      // Every cell is "<5" and they must all be k-1 to reach the total (nine
      // grounds of 4 each, total 36). Hiding the total leaves each cell in
      // [max(0, k - (n-1)(k-1)), k-1] and the total in [k, n(k-1)].
      const auto n = static_cast<int64_t>(cells.size());
      if (k - (n - 1) * (k - 1) >= k - 1 || n * (k - 1) <= k) return std::nullopt;
      hide_total = true;
      break;
    }
    s[*best] = Suppression::kSecondary;
  }
  PublishedTable out;
  for (size_t i = 0; i < cells.size(); ++i) {
    out.cells.push_back(PublishCell(cells[i].key, cells[i].count, s[i]));
  }
  if (hide_total) {
    out.total.suppression = Suppression::kSecondary;
  } else {
    out.total.count = total;
  }
  return out;
}

}  // namespace

common::StatusOr<PublishedTable> Suppress1D(const std::vector<Cell>& cells, int64_t total,
                                            Coverage coverage, int64_t k) {
  if (k < 2) return common::Status::InvalidArgument("k must be at least 2");
  if (cells.empty()) return common::Status::InvalidArgument("a table needs at least one cell");
  if (total < 0) return common::Status::InvalidArgument("negative total");
  int64_t sum = 0;
  for (const Cell& c : cells) {
    if (c.count < 0) return common::Status::InvalidArgument("negative count: " + c.key);
    if (coverage == Coverage::kOverlapping && c.count > total) {
      return common::Status::InvalidArgument("count above total: " + c.key);
    }
    sum += c.count;
  }
  if (coverage == Coverage::kPartition && sum != total) {
    return common::Status::InvalidArgument("cells do not sum to the total");
  }

  if (total < k) {  // rule 4: every cell is <= total < k
    PublishedTable out;
    for (const Cell& c : cells) out.cells.push_back({c.key, std::nullopt, Suppression::kPrimary});
    out.total.suppression = Suppression::kPrimary;
    return out;
  }
  if (coverage == Coverage::kOverlapping) {
    std::optional<PublishedTable> out = SuppressOverlapping(cells, total, k);
    if (!out) return TooFew(k);
    return *std::move(out);
  }

  // kPartition: two nodes; the cells flow one way, the total back.
  Network net(2, k);
  for (const Cell& c : cells) net.Add(0, 1, c.count, kInner);
  int total_edge = net.Add(1, 0, total, kGrand);
  if (!net.Protect()) return TooFew(k);
  PublishedTable out;
  for (size_t i = 0; i < cells.size(); ++i) {
    const Edge& e = net.edge(static_cast<int>(i));
    out.cells.push_back(PublishCell(cells[i].key, e.value, e.suppression));
  }
  out.total = Publish(net.edge(total_edge));
  return out;
}

common::StatusOr<Published2D> Suppress2D(const Table2D& table, int64_t k) {
  if (k < 2) return common::Status::InvalidArgument("k must be at least 2");
  const size_t rows = table.row_keys.size();
  const size_t cols = table.col_keys.size();
  if (rows == 0 || cols == 0) {
    return common::Status::InvalidArgument("a table needs at least one row and one column");
  }
  if (table.counts.size() != rows) return common::Status::InvalidArgument("row count mismatch");
  for (const auto& row : table.counts) {
    if (row.size() != cols) return common::Status::InvalidArgument("ragged table");
    for (int64_t v : row) {
      if (v < 0) return common::Status::InvalidArgument("negative count");
    }
  }

  // Nodes: rows 0..R-1, columns R..R+C-1, then the margin column's line
  // (row totals sum to the grand total) and the margin row's line.
  const int r = static_cast<int>(rows);
  const int c = static_cast<int>(cols);
  const int source = r + c;
  const int sink = r + c + 1;
  Network net(r + c + 2, k);
  std::vector<int64_t> row_sum(rows, 0);
  std::vector<int64_t> col_sum(cols, 0);
  int64_t grand = 0;
  std::vector<std::vector<int>> cell_edge(rows, std::vector<int>(cols));
  for (int i = 0; i < r; ++i) {
    for (int j = 0; j < c; ++j) {
      int64_t v = table.counts[static_cast<size_t>(i)][static_cast<size_t>(j)];
      cell_edge[static_cast<size_t>(i)][static_cast<size_t>(j)] = net.Add(i, r + j, v, kInner);
      row_sum[static_cast<size_t>(i)] += v;
      col_sum[static_cast<size_t>(j)] += v;
      grand += v;
    }
  }
  std::vector<int> row_edge;
  std::vector<int> col_edge;
  row_edge.reserve(static_cast<size_t>(r));
  col_edge.reserve(static_cast<size_t>(c));
  for (int i = 0; i < r; ++i) {
    row_edge.push_back(net.Add(source, i, row_sum[static_cast<size_t>(i)], kMargin));
  }
  for (int j = 0; j < c; ++j) {
    col_edge.push_back(net.Add(r + j, sink, col_sum[static_cast<size_t>(j)], kMargin));
  }
  int grand_edge = net.Add(sink, source, grand, kGrand);
  // Rule 4 needs no special case: with grand < k every count is primary.
  if (!net.Protect()) return TooFew(k);

  Published2D out;
  out.row_keys = table.row_keys;
  out.col_keys = table.col_keys;
  out.cells.resize(rows);
  for (size_t i = 0; i < rows; ++i) {
    for (size_t j = 0; j < cols; ++j) out.cells[i].push_back(Publish(net.edge(cell_edge[i][j])));
    out.row_totals.push_back(Publish(net.edge(row_edge[i])));
  }
  for (size_t j = 0; j < cols; ++j) out.col_totals.push_back(Publish(net.edge(col_edge[j])));
  out.total = Publish(net.edge(grand_edge));
  return out;
}

common::Status CheckDrillDown(int64_t population, int64_t k, std::string field) {
  if (k < 2) return common::Status::InvalidArgument("k must be at least 2");
  if (population < 0) return common::Status::InvalidArgument("negative population");
  if (population < k) return TooFew(k, std::move(field));
  return common::Status::Ok();
}

bool IsTooFewForDrillDown(const common::Status& status) {
  return status.code() == common::StatusCode::kFailedPrecondition &&
         std::string_view(status.message()).substr(0, kTooFewPrefix.size()) == kTooFewPrefix;
}

}  // namespace monitor
