// A verified LipSDP-Neuron upper bound on the l2 Lipschitz constant.
//
// Semantics: lipschitz_upper_lipsdp returns rho and upper with
//   L <= sqrt(rho) <= upper,
// L the l2 constant of p.net on p's domain (spectral norm for a vector output),
// proved in exact rationals by cert_lipsdp_refutation (lib/cert): the SDP
// solve, the rounding and the floating Cholesky factor are untrusted search.
// upper is the least double whose square is >= rho. The local variant (slope
// bounds [1, 1] / [0, 0] for neurons stable on a bounded domain) applies
// whenever the domain is bounded.
#pragma once
#include <optional>
#include <string>

#include "lipschitz/problem.hpp"

namespace rl {

struct LipsdpBound {
  Rational rho, upper;
  Json proof;  // the certificate members of cert_lipsdp_proof_json
};

// nullopt, with the reason in `why`, when no solve within the budget verifies.
std::optional<LipsdpBound> lipschitz_upper_lipsdp(const LipProblem& p, double budget_seconds, std::string& why);

// The least double u >= 0 with u^2 >= rho (0 when rho <= 0); rho below the double range squared.
Rational lipsdp_upper_of(const Rational& rho);

}  // namespace rl
