// Canonical certificate upper bounds (the form lib/cert/cert_lipschitz.hpp
// requires): the least grid value that bounds every leaf as the checker tests it,
// and the leaf that needs it. The grid is that of doubles without exponent
// limits, so huge or tiny bounds (past double overflow) have one too.
#pragma once
#include "lipschitz/lipschitz.hpp"
#include "lipschitz/problem.hpp"

namespace rl {

// Untrusted: a bisection over the checker's grid guided by the checker's exact leaf
// tests; `r.upper` (which must bound every leaf) decreases, or rises by one
// grid step when it was not on the grid, and the
// checker re-verifies the result. Updates r.upper, r.certificate["upper"] and
// r.certificate["argmax_leaf"]. Returns false, leaving r unchanged, when
// r.upper does not bound some leaf under the exact tests.
bool lipschitz_certificate_canonicalize(const LipProblem& p, LipschitzResult& r);

}  // namespace rl
