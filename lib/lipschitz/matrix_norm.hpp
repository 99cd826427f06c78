// Operator norms of matrices, with the same lp norm on both sides:
//   l1 -> largest absolute column sum, linf -> largest absolute row sum,
//   l2 -> spectral norm (for one row or column: the Euclidean norm).
//
// Semantics:
// - imatrix_norm_upper(m) >= ||A|| for EVERY real matrix A with entries in m
//   (outward rounding throughout). The spectral norm of a thin interval matrix
//   is certified by an interval LDL^T proving t I - A^T A positive definite;
//   otherwise ||A||_2 <= || |A| ||_2, bounded by the Collatz-Wielandt
//   inequality rho(M) <= max_i (M v)_i / v_i for the non-negative M = |A|^T|A|.
// - imatrix_norm_lower(m, v) <= ||A|| for every A in m (for l2, through
//   ||A v|| / ||v|| with the given vector v).
// - dmatrix_* are plain floating point, for untrusted searches only.
#pragma once
#include <functional>
#include <vector>

#include "arith/dinterval.hpp"
#include "lipschitz/lipschitz.hpp"
#include "net/eval.hpp"

namespace rl {

double imatrix_norm_upper(const IntervalMatrix& m, Norm norm);
double imatrix_norm_lower(const IntervalMatrix& m, Norm norm, const std::vector<double>& v);

// True when every symmetric matrix whose lower triangle lies in `a` (n x n,
// row-major) is positive definite: the interval LDL^T has positive pivots.
bool dinterval_symmetric_positive_definite(const std::vector<DInterval>& a, std::size_t n);

// Upper bound on the spectral norm of every matrix in m (any widths). The
// interval LDL^T refinement, O(n^3) per attempt, is skipped once
// `out_of_time` answers true (checked before each attempt): the Frobenius and
// magnitude bounds remain.
double imatrix_spectral_upper(const IntervalMatrix& m, const std::function<bool()>& out_of_time = {});

// Untrusted: the norm of a double matrix, and for l2 its top right singular vector.
double dmatrix_norm(const std::vector<double>& a, std::size_t rows, std::size_t cols, Norm norm,
                    std::vector<double>* top_vector = nullptr);

}  // namespace rl
