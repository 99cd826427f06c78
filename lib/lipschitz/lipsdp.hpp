// A verified LipSDP-Neuron upper bound on the l2 Lipschitz constant.
//
// Semantics: lipschitz_upper_lipsdp returns rho and upper with
//   L <= sqrt(rho) <= upper,
// L the l2 constant of p.net on p's domain (spectral norm for a vector output),
// proved in exact rationals by cert_lipsdp_refutation (lib/cert): the SDP
// solve, the rounding and the floating Cholesky factor are untrusted search.
// upper is the least double whose square is >= rho. The local variant (the
// neurons stable on a bounded domain eliminated from the LMI) applies
// whenever the domain is bounded; when SDPA does not reach pdOPT on it, the
// form with every neuron kept at slopes [0, 1] is solved too and the smaller
// bound returned.
#pragma once
#include <atomic>
#include <optional>
#include <string>

#include "lipschitz/problem.hpp"

namespace rl {

struct LipsdpBound {
  Rational rho, upper;
  Json proof;  // the certificate members of cert_lipsdp_proof_json
};

// nullopt, with the reason in `why`, when no solve verifies within the budget
// (a solve still running when it ends, or when `stop` is set, is killed).
std::optional<LipsdpBound> lipschitz_upper_lipsdp(const LipProblem& p, double budget_seconds, const std::atomic<bool>* stop,
                                                  std::string& why);

// A machine-dependent estimate of one solve's seconds (an SDPA iteration
// costs about m N^2 operations for N LMI rows and m unknowns; about 35
// iterations), used to share a time limit.
double lipschitz_lipsdp_estimated_seconds(const Network& g);

// The least double u >= 0 with u^2 >= rho (0 when rho <= 0), for rho within the double range.
Rational lipsdp_upper_of(const Rational& rho);

}  // namespace rl
