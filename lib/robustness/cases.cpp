#include "robustness/cases.hpp"

#include <algorithm>
#include <chrono>

namespace rl {

CasesResult branch_and_bound_cases(const Network& net, const std::vector<SafetyProperty>& cases, const BranchOptions& options,
                                   const std::function<bool(const SafetyProperty&, const BranchResult&)>& redo) {
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  CasesResult out;
  for (const SafetyProperty& c : cases) {
    BranchOptions o = options;
    o.time_limit_seconds = std::max(0.0, options.time_limit_seconds - elapsed());
    BranchResult r = branch_and_bound(net, c, o);
    if (r.status == PropertyVerdict::Verified && redo && redo(c, r)) {
      o.symbolic = false;
      o.time_limit_seconds = std::max(1.0, options.time_limit_seconds - elapsed());
      r = branch_and_bound(net, c, o);
    }
    out.nodes += r.nodes;
    out.leaves += r.leaves;
    const PropertyVerdict status = r.status;
    const std::optional<UnknownReason> reason = r.reason;
    out.cases.push_back(std::move(r));
    if (status == PropertyVerdict::Refuted) { out.status = status; out.reason.reset(); break; }
    if (status == PropertyVerdict::Unknown && out.status == PropertyVerdict::Verified) { out.status = status; out.reason = reason; }
    if (status == PropertyVerdict::Unknown && reason != UnknownReason::TimeLimit) break;  // interrupted or out of memory: stop here
  }
  out.seconds = elapsed();
  return out;
}

}  // namespace rl
