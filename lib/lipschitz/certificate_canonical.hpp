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
// r.certificate["argmax_leaf"]. A leaf may need a bound far below r.upper
// (any number of binades): the search for a grid value that does not bound
// it steps down without limit, to the grid's least exponent 2^-(2^20).
// Returns false, leaving r unchanged, when r.upper does not bound some leaf
// under the exact tests, or (beyond any network with weights of sane size)
// a leaf's least bound is positive but below 2^-(2^20). The caller must then
// not state the certificate: the checker would refuse it.
[[nodiscard]] bool lipschitz_certificate_canonicalize(const LipProblem& p, LipschitzResult& r);

}  // namespace rl
