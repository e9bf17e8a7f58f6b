#include "matching/explain.h"

namespace matching {
namespace {

// The reasons that do not depend on the algorithm; kUnexplained otherwise.
RejectionReason ClosedReason(const Instance& in, int32_t position) {
  if (in.company_excluded[in.position_company[position]]) {
    return RejectionReason::kCompanyExcluded;
  }
  if (in.position_capacity[position] == 0) return RejectionReason::kNoCapacity;
  return RejectionReason::kUnexplained;
}

template <typename ExplainOpen>
std::vector<Explanation> ExplainAbovePlacement(const Instance& in, const Assignment& a,
                                               ExplainOpen explain_open) {
  std::vector<Explanation> out;
  for (int32_t s = 0; s < in.num_students; ++s) {
    int32_t stop = a.edge_of_student[s] >= 0 ? a.edge_of_student[s] : in.pref_begin[s + 1];
    for (int32_t e = in.pref_begin[s]; e < stop; ++e) {
      Explanation why;
      why.student = s;
      why.edge = e;
      why.reason = ClosedReason(in, in.pref_position[e]);
      if (why.reason == RejectionReason::kUnexplained) explain_open(why);
      out.push_back(why);
    }
  }
  return out;
}

}  // namespace

const char* RejectionReasonName(RejectionReason reason) {
  switch (reason) {
    case RejectionReason::kCompanyExcluded: return "company_excluded";
    case RejectionReason::kNoCapacity: return "no_capacity";
    case RejectionReason::kFullWithBetterPriority: return "full_with_better_priority";
    case RejectionReason::kFullAtHigherPrice: return "full_at_higher_price";
    case RejectionReason::kUnexplained: return "unexplained";
  }
  return "unexplained";
}

std::vector<Explanation> ExplainDeferredAcceptance(const Instance& in, const DaResult& result) {
  return ExplainAbovePlacement(in, result.assignment, [&](Explanation& why) {
    const PositionCutoff& cut = result.cutoff[in.pref_position[why.edge]];
    uint64_t own_key = AdmissionKey(in.pref_priority[why.edge], result.lottery[why.student]);
    if (cut.full && cut.cutoff_key < own_key) {
      why.reason = RejectionReason::kFullWithBetterPriority;
      why.cutoff_key = cut.cutoff_key;
    }
  });
}

std::vector<Explanation> ExplainOptimal(const Instance& in, const Assignment& assignment,
                                        const OptimalCertificate& certificate) {
  std::vector<int32_t> placed(in.num_positions(), 0);
  for (int32_t e : assignment.edge_of_student) {
    if (e >= 0) ++placed[in.pref_position[e]];
  }
  return ExplainAbovePlacement(in, assignment, [&](Explanation& why) {
    int32_t p = in.pref_position[why.edge];
    if (placed[p] >= in.position_capacity[p]) {
      why.reason = RejectionReason::kFullAtHigherPrice;
      why.price = certificate.PositionPrice(p);
    }
  });
}

}  // namespace matching
