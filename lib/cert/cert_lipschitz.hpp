// The trusted checker for claims of kind "lipschitz".
//
// Semantics: cert_lipschitz_verify returns "holds" when the certificate proves
//   lower <= L <= upper
// for the network, norm, domain and output selection in the claim's
// parameters, and "rejected" (with the first failing check) otherwise. L is
// the Lipschitz constant with the same lp norm on inputs and outputs.
// Everything is exact rational arithmetic: no floating point, no search. It
// uses only the network loader and exact evaluation of lib/net.
//
// What is checked:
// - The domain is reduced to a clamp-free network g on the box E = domain ∩
//   clamp box (global: the clamp box, or R^d without a clamp); coordinates with
//   lo = hi in E are fixed and their Jacobian columns dropped. (Lip over the
//   box = Lip of g over E: the clamp is a 1-Lipschitz coordinatewise retraction
//   onto E and equals the identity there.)
// - Upper, "box-partition": the preorder split tree (a coordinate c to bisect
//   E's current cell in c at its exact midpoint, or -1 for a leaf) covers E.
//   For each leaf, exact interval propagation marks neurons stable or
//   unstable; with at most 16 unstable neurons, every vertex Jacobian (unstable
//   D_ii in {0, 1}) must have norm <= the leaf's bound; otherwise the exact
//   interval Clarke enclosure's magnitude matrix must. Every Jacobian of g at a
//   differentiable point of the leaf is one of these vertices and lies in the
//   enclosure, and every norm must be <= the claimed upper.
// - Upper, "unbounded-all-unstable" (E = R^d): one leaf (tree [-1]), every
//   neuron unstable. "one-layer-regions": see RegionWalk.
// - The upper is canonical: 0, or a value m 2^e (2^52 <= m < 2^53: a double
//   without the exponent limits) that bounds every leaf while the grid value
//   just below it fails the test of leaf "argmax_leaf" (preorder index;
//   implicit for the single unbounded leaf).
// - Norm checks: l1/linf column/row sums; l2 by sum of squares for one row or
//   column, else an exact LDL^T proving U^2 I - A^T A positive semidefinite.
// - Upper, "global-activation" (E = R^d, two or more hidden layers): see
//   ActivationWalk: a tree of partial activation patterns fixed layer by
//   layer; leaves pass the vertex/Clarke test with the unfixed neurons
//   unstable, dropped nodes carry exact Motzkin certificates.
// - Lower: the witness point lies in E and is generic (exact): every hidden
//   pre-activation is non-zero there, or zero together with its gradient
//   along the point's pattern (then identically zero nearby), so g is affine
//   near it; and the claimed lower equals floor(||J|| 2^64) / 2^64 for the
//   exact Jacobian J there (l2 with a vector output: ||J v|| / ||v|| for the
//   given v), a value <= ||J|| <= L. Without a witness the lower must be 0.
// - Canonical form: the certificate holds only the members the checker reads
//   (a witness vector only for l2 with a vector output), and its lower is the
//   one value above, so every altered number is either refused or restates
//   an equally valid partition.
#pragma once
#include <memory>
#include <optional>

#include "cert/claim.hpp"
#include "net/eval.hpp"
#include "net/network.hpp"

namespace rl {

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

ClaimOutcome cert_lipschitz_verify(const Json& claim, const ClaimContext& context);

}  // namespace rl
