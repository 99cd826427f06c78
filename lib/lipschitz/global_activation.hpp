// The exact Lipschitz constant on R^d of a network with several hidden
// layers: branch and bound over activation patterns (no input box).
//
// Semantics. Call a point x generic when every hidden pre-activation is either
// non-zero at x or identically zero near x; generic points form an open set of
// full measure, g is affine near each, and L = sup over generic x of ||J(x)||.
// The effective pattern of a generic point marks a neuron active iff its
// pre-activation is > 0 there. Along a partial pattern fixed layer by layer,
// each fixed neuron's pre-activation is one affine form z_t(x) (the layers
// before it are fixed), and a generic point whose effective pattern agrees
// with the partial pattern satisfies sigma_t z_t(x) > 0 for every fixed neuron
// (sigma = +1 active, -1 inactive) except an inactive one whose form is
// identically zero, which constrains nothing. So:
// - a node (a partial pattern) whose strict system has a Motzkin certificate
//   (strict_system.hpp, verified exactly) holds no generic point and is
//   dropped;
// - every other node is a leaf or is split on one neuron of the first layer
//   with unfixed neurons (inactive child, active child), so the leaves and
//   dropped nodes cover every effective pattern;
// - a leaf's bound is the Clarke-style bound with unfixed neurons' D_ii in
//   [0, 1] and fixed ones 0 or 1, and, with few unfixed neurons, the largest
//   norm over its vertex patterns (upper_bounds.hpp, with the node's states in
//   place of box bounds); it bounds ||J(x)|| for every generic x of the leaf.
// The reported upper is the largest leaf bound; the lower is a certified
// witness point (witness.hpp). The search is best-first by bound; GLPK
// (untrusted) finds points inside regions and the supports of certificates.
// Neurons implied stable on a node (the other state's system refuted) are
// fixed first; among the others the search splits the one whose children's
// larger Clarke bound is smallest.
#pragma once
#include "lipschitz/problem.hpp"

namespace rl {

// Unbounded (R^d without a clamp), at least two hidden layers, at most 128 hidden neurons.
bool global_activation_applies(const LipProblem& p);

// On a box E with every coordinate free (lo < hi), at least one hidden layer,
// weights in the float paths' range (p.vertex_float_ok). The same search then
// adds E's strict rows x_c > lo_c, x_c < hi_c to every node's system (L over
// E is the supremum of ||J|| over the generic points of E's interior), fixes
// without a linear program each neuron whose form's range over E excludes 0
// (certificate entry "stable", re-proved exactly by the checker), and bounds
// a node's unfixed neurons by those ranges, interval propagation and the
// checker's own root bounds on E (cert_lipschitz_box_preactivations).
bool box_activation_applies(const LipProblem& p);

// Fills result (status, bounds, certificate when asked); false when the root
// bound overflows in double (the caller then uses the general engine).
bool global_activation_bound(const LipProblem& p, const LipschitzOptions& options, LipschitzResult& result);

// Which unstable neuron of the current layer a node splits on (exposed for measurements).
enum class ActivationBranching { LowestBound, LayerOrder };
bool global_activation_bound(const LipProblem& p, const LipschitzOptions& options, LipschitzResult& result,
                             ActivationBranching branching);

}  // namespace rl
