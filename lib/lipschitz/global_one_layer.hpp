// The exact global Lipschitz constant of a one-hidden-layer network on R^d.
//
// Semantics: L = max over the activation patterns P whose open region
// {x : s_j (w_j . x + b_j) > 0 for every hidden neuron j with w_j != 0} is
// non-empty of ||W_2 D_P W_1|| (neurons with w_j = 0 are constant and add
// nothing to any Jacobian). A depth-first search over the neurons decides each
// partial pattern with an untrusted GLPK linear program. A partial pattern the
// LP finds empty is discarded with a Motzkin certificate, verified exactly in
// rationals: y >= 0, y != 0, sum y_j s_j w_j = 0 and sum y_j s_j b_j <= 0 make
// the strict system infeasible. Without a certificate request, the search
// first enumerates the regions and then refutes only the empty partial
// patterns whose completions' bound (D_jj in [0, 1] for the undecided
// neurons) exceeds the upper bound over the regions; the others cannot raise
// the maximum. Every pattern not discarded counts in the upper bound
// (outward-rounded norm), so an uncertified infeasibility only loosens it;
// feasible ones yield certified witness points for the lower bound.
#pragma once
#include "lipschitz/problem.hpp"

namespace rl {

bool global_one_layer_applies(const LipProblem& p);
// Returns false when the search exceeds its budget or a region bound overflows
// in double (the caller then falls back to the general engine).
bool global_one_layer_bound(const LipProblem& p, const LipschitzOptions& options, LipschitzResult& result);

}  // namespace rl
