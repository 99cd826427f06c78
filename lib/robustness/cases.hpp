// Properties with several input boxes (VNN-LIB disjunctions such as ACAS Xu
// property 6), decided case by case.
//
// Semantics: the property holds ("verified") when every case does; one
// exactly checked counterexample of any case refutes it ("refuted"); otherwise
// "unknown" with the first case's reason. The cases share one time budget,
// taken in order.
#pragma once
#include <functional>
#include <vector>

#include "robustness/bnb.hpp"

namespace rl {

struct CasesResult {
  PropertyVerdict status = PropertyVerdict::Verified;
  std::optional<UnknownReason> reason;  // set when the status is unknown
  std::vector<BranchResult> cases;  // one per case decided, in order; a refuting case comes last
  std::uint64_t nodes = 0, leaves = 0;
  double seconds = 0;
  const BranchResult& refuting() const { return cases.back(); }
};

// `redo` (optional) is asked after each verified case whether its certificate
// should be searched again without symbolic-interval leaves (when the exact
// checker does not confirm them); the search then runs once more on that case.
CasesResult branch_and_bound_cases(const Network& net, const std::vector<SafetyProperty>& cases, const BranchOptions& options,
                                   const std::function<bool(const SafetyProperty&, const BranchResult&)>& redo = {});

}  // namespace rl
