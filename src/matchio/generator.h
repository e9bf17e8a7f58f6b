// File: matchio/generator.h
//
// Synthetic but realistic rounds for tests and benchmarks: companies sit in
// regions and sectors, a few companies are far more popular than the rest
// (Zipf-like), students mostly list positions in their own region and sector,
// list lengths vary between 1 and 20 around the requested mean, and the
// neutral priority is a travel-time band (0 own region, 1 neighbouring, 2
// further). The same options always give the same instance.
//
//   GeneratorOptions options;
//   options.students = 200000; options.companies = 40000; options.choices = 10;
//   SP_RETURN_IF_ERROR(WriteGeneratedInstance("/tmp/national", options));
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"
#include "matching/instance.h"

namespace matchio {

struct GeneratorOptions {
  int32_t students = 1500;
  int32_t companies = 300;
  int32_t choices = 10;          // mean list length; lists range over 1..20 (or exactly
                                 // `choices` when it is above 20)
  uint64_t seed = 1;
  double places_per_student = 1.1;  // total capacity / students
  int32_t regions = 0;           // 0: one region per 1000 companies (at least 1)
  int32_t excluded_companies = 0;
  bool priorities = true;        // write priorities.csv (travel bands)
};

// Checks the options; InvalidArgument naming the bad one.
common::Status ValidateGeneratorOptions(const GeneratorOptions& options);

// The generated round, numbered: student s is "S<s>", position p "P<p>",
// company c "C<c>".
matching::Instance GenerateInstance(const GeneratorOptions& options);

// Generates and writes students.csv, positions.csv, preferences.csv, and
// priorities.csv / exclusions.csv when asked, creating `directory` if needed.
common::Status WriteGeneratedInstance(const std::string& directory,
                                      const GeneratorOptions& options);

}  // namespace matchio
