// File: monitor/disclosure.h
//
// Disclosure control for the monitor (promise P19): aggregate figures must not
// let anyone re-identify a student. Pure functions, no I/O: the statistics
// handlers count, these functions decide what may be shown, and the web layer
// turns the result into `{"cells": [...], "total": 40, "total_suppressed": false}`.
//
//   SP_ASSIGN_OR_RETURN(monitor::PublishedTable table,
//                       monitor::Suppress1D(cells, total, monitor::Coverage::kPartition));
//
// The rules, and why they are safe:
//
// 1. Primary suppression. Every count below k (kMinCellCount = 5), zero
//    included, is shown as "<5". Zero is not special: "nobody" is exactly what
//    an attacker must not learn, and showing 0 while hiding 1..4 would reveal
//    that a hidden cell holds someone.
// 2. Complementary (secondary) suppression. Published margins turn a table into
//    equations; a hidden cell that the equations pin to one value is no better
//    than a shown one. So more cells are hidden (shown as hidden, not as "<5")
//    until every hidden number, the totals included, can take at least two
//    values consistent with everything published. The attacker is assumed to
//    know the rules: a "<5" cell lies in [0, k-1], a hidden one in [k, ∞) (it
//    was chosen among shown cells), and the table's sum relations.
// 3. The check behind rule 2 is exact, not a heuristic. The table with its
//    margins is a circulation in a small network (one node per row, column,
//    and the two margin lines; one edge per count), and a hidden count can
//    change while every published number stays put exactly when a cycle of
//    ±1 changes through it respects every bound. Hidden cells are added with
//    the classic heuristic (a line with exactly one hidden cell gets a second
//    one: the smallest, preferring lines that already hide something), then
//    the exact check adds cells until no hidden number is pinned. This also
//    catches what the line rule misses, such as two "<5" cells that sum to 0
//    (both are 0) or to 2(k-1) (both are k-1).
// 4. If a grand total is below k, everything in the table is "<5".
// 5. Sums of hidden cells. A value that stays unknown can still be a known
//    sum: total 11, "unknown" 10, BOL and BBL "<5" tells that one student is
//    BOL or BBL. So in every published table (totals, "unknown" and "other"
//    cells included) each set of hidden numbers whose sum follows from the
//    published ones by subtraction totals at least k; otherwise the smallest
//    shown count that the sum runs through is hidden as well. In a one-way
//    table with its total shown: the hidden cells together are at least k,
//    also when only one is "<5" and its partner was hidden by rule 2. Such
//    sets are exactly the hidden counts that cross a cut of the network of
//    rule 3 in one direction; every cut is checked (networks up to 16 nodes:
//    every one-way table and two-way tables up to 7 x 7; larger ones are
//    refused with kTooFewForDrillDown rather than published unchecked).
//
// Not covered here (the callers' duty): differences between overlapping
// queries (two date ranges one day apart, or a table and its drill-down)
// defeat any per-table suppression, so the statistics API must only offer
// fixed periods and refuse small drill-downs with CheckDrillDown. The choice
// of secondary cells (smallest first) is deterministic and public; it tells an
// attacker only an upper bound, never a value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace monitor {

// The policy minimum (k): smaller counts are never shown.
inline constexpr int64_t kMinCellCount = 5;

// Stable error code for a refused drill-down (see IsTooFewForDrillDown).
inline constexpr std::string_view kTooFewForDrillDown = "too_few_for_drilldown";

struct Cell {
  std::string key;
  int64_t count = 0;
};

enum class Suppression {
  kNone,
  kPrimary,    // count < k: shown as "<5"
  kSecondary,  // count >= k, hidden so that no "<5" cell can be derived
};

// A number as published: `count` is empty exactly when it is suppressed.
struct PublishedCount {
  std::optional<int64_t> count;
  Suppression suppression = Suppression::kNone;
  bool suppressed() const { return suppression != Suppression::kNone; }
};

struct PublishedCell {
  std::string key;
  std::optional<int64_t> count;
  Suppression suppression = Suppression::kNone;
  bool suppressed() const { return suppression != Suppression::kNone; }
};

struct PublishedTable {
  std::vector<PublishedCell> cells;  // same order and keys as the input
  PublishedCount total;              // JSON: total = total.count, total_suppressed
};

// How the cells of a one-way table relate to its total.
enum class Coverage {
  // Every unit is in exactly one cell (phase, status, month): the cells sum to
  // the total, so hidden cells are protected against that equation.
  kPartition,
  // A unit may be in several cells (a report names one or more grounds): the
  // cells do not sum to the total. Primary suppression alone is not enough:
  // the public facts "each cell <= total" and "cells sum to >= total" (every
  // report has a ground) can still pin a "<5" cell, e.g. total 10, shown
  // ground 6, one hidden ground => it is 4. Secondary cells are added until
  // that cannot happen; if every cell is "<5" and they can only just reach the
  // total (nine grounds of 4, total 36), the total is hidden instead. If some
  // units are in no cell the attacker knows less, so the result is still safe.
  kOverlapping,
};

// One-way table with its total. Fails with kInvalidArgument for no cells, a
// negative count, k < 2 (with k = 1 a hidden cell could only be 0), cells that do not sum to
// `total` (kPartition) or a cell above `total` (kOverlapping), and with kFailedPrecondition
// (kTooFewForDrillDown) if no safe publication exists.
common::StatusOr<PublishedTable> Suppress1D(const std::vector<Cell>& cells, int64_t total,
                                            Coverage coverage, int64_t k = kMinCellCount);

// Two-way table in which every unit is in exactly one row and one column
// (e.g. phase x month). The margins are computed here. Overlapping categories
// (grounds) do not fit this model: publish them as one-way tables per slice.
struct Table2D {
  std::vector<std::string> row_keys;
  std::vector<std::string> col_keys;
  std::vector<std::vector<int64_t>> counts;  // [row][col]
};

struct Published2D {
  std::vector<std::string> row_keys;
  std::vector<std::string> col_keys;
  std::vector<std::vector<PublishedCount>> cells;  // [row][col]
  std::vector<PublishedCount> row_totals;
  std::vector<PublishedCount> col_totals;
  PublishedCount total;
};

// Fails with kInvalidArgument for no rows or columns, a ragged or negative
// `counts` or k < 2, and with kFailedPrecondition (kTooFewForDrillDown) if no
// safe publication exists.
common::StatusOr<Published2D> Suppress2D(const Table2D& table, int64_t k = kMinCellCount);

// A filter (e.g. one school, one period, one background) that selects fewer
// than k students is refused before anything is counted or shown, with
// kFailedPrecondition; zero is refused too. The message never states the
// population. `field` names the filter input for forms.
common::Status CheckDrillDown(int64_t population, int64_t k = kMinCellCount,
                              std::string field = {});

// True for the refusals above. common::Status has no slot for an error code,
// so the web layer asks this to answer with code kTooFewForDrillDown.
bool IsTooFewForDrillDown(const common::Status& status);

}  // namespace monitor
