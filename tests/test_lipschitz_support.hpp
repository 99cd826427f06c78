// Fixtures of the Lipschitz search tests: the exact slope at a point (a lower
// estimate of L for brute force) and lipschitz claims verified in memory.
#pragma once
#include <string>
#include <vector>

#include "cert/claim.hpp"
#include "lipschitz/lipschitz.hpp"
#include "lipschitz/matrix_norm.hpp"
#include "net/eval.hpp"
#include "test_support.hpp"

namespace rl::test {

// The norm of the exact Jacobian at x, in double; 0 on a ReLU boundary.
inline double exact_slope_at(const Network& net, const std::vector<Rational>& x, Norm norm) {
  ExactTrace t = net_trace_exact(net, x);
  if (!t.is_interior()) return 0;
  auto j = net_jacobian_exact(net, t.pattern());
  std::vector<double> m;
  for (const auto& row : j)
    for (const Rational& q : row) m.push_back(rational_to_double(q));
  return dmatrix_norm(m, j.size(), j[0].size(), norm);
}

// A lipschitz claim on `domain` ({"box": [[lo, hi], ...]} or {"global": true}).
inline Json lipschitz_claim(const std::string& network, Norm norm, const Json& domain, const Json& certificate) {
  return Json{{"schema", "robustlaw-claim"}, {"version", 1}, {"id", "test"}, {"kind", "lipschitz"}, {"statement", "test"},
              {"reference", "docs/lipschitz.md"},
              {"parameters", {{"network", network}, {"norm", norm_name(norm)}, {"domain", domain}, {"output", nullptr}}},
              {"expected", "holds"}, {"certificate", certificate}};
}

// The lipschitz verifier on a claim, its paths relative to temp_dir(purpose).
inline ClaimOutcome lipschitz_claim_verify(const Json& claim, const std::string& purpose) {
  return claim_kind_registry().at("lipschitz")(claim, ClaimContext{"test.json", temp_dir(purpose).string(), ROBUSTLAW_SOURCE_DIR});
}

}  // namespace rl::test
