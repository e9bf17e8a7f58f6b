// File: matchio/fast_loader.h
//
// Fast path of LoadInstance (loader.h) for large, well-formed inputs: files
// are memory-mapped and scanned in place (fast_csv.h), id lookups are batched
// with prefetching, and preferences.csv is parsed by two threads. Each
// function returns true when it loaded its file exactly as the slow loader
// would have, and false ("bail") on anything unusual or wrong: quotes, a BOM,
// an unknown or duplicate id, a bad number, a duplicate rank... It never
// produces error messages: on false the caller discards everything and runs
// the exact streaming loader, which reports "FILE:LINE: message".
//
// The functions must run in this order on one NamedInstance, with the slow
// loader's exclusions step (if any) between positions and preferences.
#pragma once

#include <string>

#include "matchio/loader.h"

namespace matchio::fast {

bool LoadStudents(const std::string& path, NamedInstance* out);
bool LoadPositions(const std::string& path, NamedInstance* out);
bool LoadPreferences(const std::string& path, NamedInstance* out);
// Only called when priorities.csv exists.
bool LoadPriorities(const std::string& path, NamedInstance* out);

}  // namespace matchio::fast
