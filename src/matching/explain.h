// File: matching/explain.h
//
// Why a student did not get a position they ranked above their placement (or
// any ranked position, when unplaced). One line per such (student, position),
// in student order and then list order, so a coordinator can read it top down.
//
//   std::vector<Explanation> why = ExplainDeferredAcceptance(instance, da_result);
#pragma once

#include <cstdint>
#include <vector>

#include "matching/deferred_acceptance.h"
#include "matching/instance.h"
#include "matching/verify.h"

namespace matching {

enum class RejectionReason {
  kCompanyExcluded,         // the company takes no students this round
  kNoCapacity,              // the position offers 0 places
  kFullWithBetterPriority,  // DA: all seats went to students with better keys
  kFullAtHigherPrice,       // optimal: the seats went to others; see price
  kUnexplained,             // not full: cannot happen for a correct result
};

// Stable machine name, e.g. "full_with_better_priority", for CSV and JSON.
const char* RejectionReasonName(RejectionReason reason);

struct Explanation {
  int32_t student = 0;
  int32_t edge = 0;  // the ranked position that was not obtained
  RejectionReason reason = RejectionReason::kUnexplained;
  // kFullWithBetterPriority: the cutoff (key of the last admitted student);
  // the student's own key is (pref_priority[edge], lottery[student]).
  uint64_t cutoff_key = 0;
  // kFullAtHigherPrice: the position's dual price (see OptimalCertificate).
  int64_t price = 0;
};

std::vector<Explanation> ExplainDeferredAcceptance(const Instance& instance,
                                                   const DaResult& result);

std::vector<Explanation> ExplainOptimal(const Instance& instance, const Assignment& assignment,
                                        const OptimalCertificate& certificate);

}  // namespace matching
