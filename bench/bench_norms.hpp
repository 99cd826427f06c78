// Spectral-norm bounds used by the benchmark's baselines and branch and bound.
//
// Semantics:
// - spectral_norm_upper_certified(A): a double u with ||A||_2 <= u for every
//   matrix A whose entries lie in the given DInterval entries. Proven by an
//   interval LDL^T showing u^2 I - A^T A positive definite.
// - spectral_norm_estimate(A): plain power iteration (float, no guarantee).
// - interval_matrix_norm_upper<I>(J): for DInterval, an upper bound on ||J||_2
//   over all J in the interval matrix (min of the Frobenius norm of |J| and
//   ||mid|| + ||rad||), likewise for UInterval under round-upward mode; for
//   FInterval, the same formula in plain doubles.
#pragma once
#include <cstddef>
#include <vector>

#include "bench_interval.hpp"

namespace rl::bench {

struct DenseMatrix {
  std::size_t rows = 0, cols = 0;
  std::vector<double> a;  // row-major
};

double spectral_norm_estimate(const DenseMatrix& m);
double spectral_norm_upper_certified(const std::vector<DInterval>& entries, std::size_t rows, std::size_t cols);

template <class I>
double interval_matrix_norm_upper(const std::vector<I>& entries, std::size_t rows, std::size_t cols);

}  // namespace rl::bench
