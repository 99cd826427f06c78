// The Lipschitz constant on a box by input splits above activation branching
// (engine "box-hybrid").
//
// Semantics: box_hybrid_bound returns lower <= L <= upper for the problem's
// box E. It keeps a tree of pieces of E, each piece halved at the exact
// midpoint of one side (box_partition.hpp's split tree), and processes the
// open pieces best-first by upper bound. A piece on which symbolic
// propagation leaves more than options.hybrid.max_unstable neurons unstable
// (default: a third of the hidden neurons) is halved on the axis whose halves
// leave the fewest unstable (HybridSplit), unless no half has fewer; any
// other piece is searched by activation branching (global_activation.hpp)
// with prune_lower = the best lower bound certified so far on any piece,
// within a node budget, and halved when the search runs out of it (its
// halves get twice the budget). The first lower bound comes from random
// points of E and region walks from the best (witness.hpp), before any piece.
//
// Why it is sound: every node of the tree carries sound upper bounds on L
// over its box (its Clarke bound; its search's upper, the largest bound over
// the leaves of an activation tree that covers the piece), and a piece's
// bound is the least of its own and its ancestors' (a sub-box's constant is
// at most the box's). The pieces cover E and are convex, so L over E is the
// largest constant over the leaves (box_pieces.hpp), at most the largest
// bound. The lower is a certified witness point of E (seed or a piece's search).
// The reported upper is that largest bound: equivalently, the least over the
// cuts of the tree of the largest bound in the cut (a node's own bound holds
// for all its descendants), which is how the certificate is assembled.
//
// Certificate: kind "lipschitz-box-union" (cert_lipschitz_union.cpp) over
// the user's domain box, which must equal E (the box inside the network's
// clamp box, every coordinate free): the cut's split tree, and per piece its
// search's "box-activation" certificate or, without a search, a one-leaf
// "box-partition" certificate of its interval Clarke bound (a one-leaf
// "box-activation" one when that fails), each made canonical on its piece; the best
// witness is moved into a piece that contains it, so the union states the
// same lower.
//
// The searches run one at a time on one thread with node budgets (not time
// budgets), so the result does not depend on options.threads; only the time
// limit and the stop flag end it early, with the certified pair reached.
#pragma once
#include "lipschitz/lipschitz.hpp"
#include "lipschitz/problem.hpp"

namespace rl {

// The box equals the user's domain (inside any clamp box), every coordinate
// free, and box activation applies.
bool box_hybrid_applies(const LipProblem& p, const LipschitzOptions& options);

// Engine "box-hybrid", result.pieces set; with want_certificate a
// certificate of kind BoxUnion (already canonical), or certificate_error.
LipschitzResult box_hybrid_bound(const LipProblem& p, const LipschitzOptions& options);

}  // namespace rl
