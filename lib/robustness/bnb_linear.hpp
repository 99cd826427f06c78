// Complete search with linear-relaxation bounds (lib/bounds): branch and
// bound over nodes = input box + fixed ReLU states.
//
// Semantics: as branch_and_bound (bnb.hpp): "verified" comes with a tree
// whose every leaf was re-proven with outward-rounded arithmetic by the same
// bounds core the checker runs; "refuted" with an exactly checked
// counterexample; "unknown" at the time limit, an interrupt or the memory cap.
//
// Search: in synchronous batches of fixed size whose nodes are evaluated in
// parallel (TBB, at most `threads` threads) and adopted in a fixed order, so
// the result does not depend on the thread count. Order: the node whose
// parent's attack came closest to a violation first, then the worst bound
// (the tree itself does not depend on the order, only how soon a
// counterexample is met). A node's bound per
// conjunction of the unsafe region is the alpha/beta-optimized
// back-substitution bound of lambda . atoms (optimize.hpp), warm-started from
// the parent's choice, over pre-activation bounds computed in outward-rounded
// arithmetic from the node's box intersected with its parent's bounds (a
// child's region lies in its parent's; the checker inherits them the same
// way, so a node's proof holds there). Where the search splits
// inputs (split = input, or auto on at most 16 inputs) a node the relaxation
// leaves unproven is tried by the mean-value form over its box (cheap there,
// and on some properties tighter than any relaxation; a ReLU split keeps its
// parent's box). An unproven node is split on an input coordinate (at
// the exact midpoint) or on an unstable ReLU (z <= 0 / z >= 0), per node:
// `split` decides (auto: inputs while the input dimension is small, else
// ReLUs; ReLUs once no input can be split). The input coordinate is the one
// whose halves' float bounds have the smallest sum (every coordinate tried); the
// ReLU is, among the 16 of highest BaBSR score, the one whose children's
// float bounds have the smallest sum (filtered smart branching). Candidates (the relaxation's maximizing corners,
// refined by linear programming on the node's box, and on a sparse schedule
// PGD from them; and, as the search's work grows,
// rounds of random-start PGD over the whole box) are checked exactly.
//
// Certificate tree, preorder (the checker's format, cert_robustness.cpp):
// an integer k splits the box at the midpoint of coordinate k; {"relu": [k, j]}
// splits hidden neuron j of layer k (children: inactive z <= 0, then active
// z >= 0); a leaf {"linear": [proof per conjunction]} with proof
// {"lambda": [per atom], "alpha": [[numerators of alpha * 65536] per hidden layer],
//  "beta": [[k, j, value], ...]} (lambda and beta as exact dyadic fractions "p/q"), or {"linear": []} when the split constraints
// contradict the node's bounds (the node holds no point); or a leaf "M" (the
// input-box search's mean-value leaf, bnb.hpp, over the node's whole box).
#pragma once
#include "robustness/bnb.hpp"

namespace rl {

BranchResult branch_and_bound_linear(const Network& net, const SafetyProperty& property, const BranchOptions& options);

}  // namespace rl
