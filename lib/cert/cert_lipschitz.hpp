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
#include "cert/claim.hpp"

namespace rl {

ClaimOutcome cert_lipschitz_verify(const Json& claim, const ClaimContext& context);

}  // namespace rl
