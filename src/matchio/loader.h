// File: matchio/loader.h
//
// Loads one matching round from a directory of CSV files (the interface in
// shared spec matching-io.md): students.csv, positions.csv, preferences.csv,
// and optionally priorities.csv and exclusions.csv. Columns may come in any
// order and extra columns are ignored. Files are streamed.
//
//   common::StatusOr<NamedInstance> round = LoadInstance("/data/round-3");
//   if (!round.ok()) { std::cerr << round.status().message(); ... }  // "FILE:LINE: ..."
//
// Rejected with InvalidArgument "FILE:LINE: what is wrong" (line 0 when the
// whole file is at fault): a missing file or column, a duplicate id, an
// unknown id in a reference, a duplicate rank (or a position ranked twice by
// one student), a number that is not a non-negative integer or exceeds
// 2147483647, an empty id, and text that is not UTF-8.
#pragma once

#include <string>

#include "common/status.h"
#include "matching/instance.h"
#include "matchio/id_table.h"

namespace matchio {

// An instance together with the names of its numbered entities.
struct NamedInstance {
  matching::Instance instance;
  IdTable students;   // student number -> student_id
  IdTable positions;  // position number -> position_id
  IdTable companies;  // company number -> company_id
};

// Large well-formed inputs take a fast path (mmap, two threads; see
// fast_loader.h); any error or unusual input is reloaded by the exact loader.
common::StatusOr<NamedInstance> LoadInstance(const std::string& directory);

// The exact streaming loader alone (one thread, ~1 MB buffer). Same result
// and errors as LoadInstance; used by it for error messages and by tests.
common::StatusOr<NamedInstance> LoadInstanceExact(const std::string& directory);

}  // namespace matchio
