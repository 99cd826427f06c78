// The checker's exact tests that the untrusted searches borrow to produce
// certificates the checker will accept. This header is the only door from the
// searches into lib/cert (the build enforces the direction: robustlaw_check
// never links search code, see CMakeLists.txt). Everything here is defined in
// the trusted checker (cert_lipschitz.cpp, cert_lipsdp.cpp) and runs exactly
// as the checker runs it; a producer that calls it still has its certificate
// re-verified by `robustlaw check`.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "io/json_exact.hpp"
#include "net/eval_exact.hpp"
#include "net/network.hpp"

namespace rl {

// ---- Lipschitz certificates (semantics: cert/cert_lipschitz.hpp) ----

// The exact leaf tests of a certificate's partition, as the checker runs them,
// for producers that make the upper canonical (lib/lipschitz). g is the
// clamp-free network; the domain is R^d (unbounded) or the box [lo, hi].
// Throws on a malformed tree. No upper is read from `cert`.
class CertLipschitzLeaves {
 public:
  CertLipschitzLeaves(const Network& g, const std::string& norm, bool unbounded, const std::vector<Rational>& lo,
                      const std::vector<Rational>& hi, const Json& cert);
  std::size_t size() const;
  // Every Jacobian the checker attributes to leaf i has norm <= u.
  bool leaf_at_most(std::size_t i, const Rational& u) const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

// The pre-activation bounds of every hidden layer on the box [lo, hi] that
// the checker's "box-activation" leaves start from (the outward-rounded
// bounds core, bounds::preactivation_bounds, on the box rounded outward), per
// layer [lo, hi].
std::vector<std::vector<std::pair<Rational, Rational>>> cert_lipschitz_box_preactivations(const Network& g, const std::vector<Rational>& lo,
                                                                                        const std::vector<Rational>& hi);

// The effective activation pattern (active iff the pre-activation is > 0) at
// a generic point x of the clamp-free network g: every hidden pre-activation
// is non-zero at x, or zero with a zero gradient along the pattern (so zero
// near x). g is then affine near x with the pattern's Jacobian. nullopt when
// x is not generic. Exact.
std::optional<ActivationPattern> cert_lipschitz_generic_pattern(const Network& g, const std::vector<Rational>& x);

// The lower bound a certificate must state for a witness whose exact Jacobian
// (free input columns only) is `jacobian`: floor(||J|| 2^64) / 2^64, or for
// l2 with a vector output floor(||J v|| / ||v|| 2^64) / 2^64. nullopt when v
// is zero or of the wrong size. norm: "l1", "l2" or "linf".
std::optional<Rational> cert_lipschitz_witness_floor(const std::vector<std::vector<Rational>>& jacobian,
                                                     const std::string& norm, const std::vector<Rational>& vector);

// ---- LipSDP-Neuron proofs (semantics: cert/cert_lipsdp.hpp) ----

// Slope bounds [alpha, beta] per hidden neuron (layer order): [0, 1], or on a
// box [1, 1] / [0, 0] for neurons that exact interval propagation over
// [lo, hi] proves active / inactive there. Defined in cert_lipschitz.cpp (it
// shares the exact propagation).
std::vector<std::pair<int, int>> cert_lipsdp_slopes(const Network& g, bool unbounded, const std::vector<Rational>& lo,
                                                    const std::vector<Rational>& hi);

// The reduced coordinates of the LMI (cert/cert_lipsdp.hpp): the inputs, then
// the hidden neurons whose slope bounds differ, in layer order; a neuron with
// alpha = beta is eliminated (position -1). rows[i] is hidden neuron i's
// pre-activation difference and outputs[o] output o's difference, as sparse
// rows over the reduced coordinates (sorted, no zeros).
using LipsdpRow = std::vector<std::pair<std::size_t, Rational>>;
struct LipsdpReduction {
  std::size_t size = 0;
  std::vector<long> position;
  std::vector<LipsdpRow> rows, outputs;
};
LipsdpReduction cert_lipsdp_reduction(const Network& g, const std::vector<std::pair<int, int>>& slopes);

// -M(rho, t) exactly, over the reduced coordinates (dense).
std::vector<std::vector<Rational>> cert_lipsdp_negated_lmi(const Network& g, const std::vector<std::pair<int, int>>& slopes,
                                                           const Rational& rho, const std::vector<Rational>& t);

struct LipsdpProof {
  Rational rho;
  std::vector<Rational> t;
  Rational sigma;
  std::vector<long> scale;               // S = diag(2^scale_i)
  std::vector<std::vector<Rational>> r;  // row i holds R_ii, ..., R_i,N-1 (dyadic)
};

// nullopt when the proof shows M(rho, t) <= 0 (cert/cert_lipsdp.hpp), else why not.
std::optional<std::string> cert_lipsdp_refutation(const Network& g, const std::vector<std::pair<int, int>>& slopes,
                                                  const LipsdpProof& proof);

// JSON form of a proof (the members cert_lipsdp_check reads).
Json cert_lipsdp_proof_json(const LipsdpProof& proof, const std::vector<std::pair<int, int>>& slopes);

}  // namespace rl
