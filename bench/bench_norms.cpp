#include "bench_norms.hpp"

#include <cmath>
#include <limits>

namespace rl::bench {
namespace {

// Division of intervals whose denominator is positive, outward rounded.
DInterval divide_positive(DInterval a, DInterval b) {
  double q[4] = {a.lo / b.lo, a.lo / b.hi, a.hi / b.lo, a.hi / b.hi};
  double lo = std::fmin(std::fmin(q[0], q[1]), std::fmin(q[2], q[3]));
  double hi = std::fmax(std::fmax(q[0], q[1]), std::fmax(q[2], q[3]));
  return {next_down(lo), next_up(hi)};
}

// True when every symmetric matrix in the interval matrix s (k x k) is
// positive definite: interval LDL^T with all pivots provably positive
// (each member's pivots lie in the interval pivots).
bool interval_positive_definite(std::vector<DInterval> s, std::size_t k) {
  for (std::size_t j = 0; j < k; ++j) {
    DInterval d = s[j * k + j];
    if (!(d.lo > 0)) return false;
    for (std::size_t i = j + 1; i < k; ++i) {
      DInterval l = divide_positive(s[i * k + j], d);
      // Only the lower triangle is read and written: s[c][j] with c > j.
      for (std::size_t c = j + 1; c <= i; ++c) s[i * k + c] = s[i * k + c] - l * s[c * k + j];
    }
  }
  return true;
}

// The Gram matrix G = A^T A or A A^T (the smaller), enclosing every member's.
std::vector<DInterval> gram(const std::vector<DInterval>& a, std::size_t rows, std::size_t cols, std::size_t& k) {
  bool by_cols = cols <= rows;
  k = by_cols ? cols : rows;
  std::size_t inner = by_cols ? rows : cols;
  auto at = [&](std::size_t i, std::size_t t) { return by_cols ? a[t * cols + i] : a[i * cols + t]; };
  std::vector<DInterval> g(k * k);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j <= i; ++j) {
      DInterval s = DInterval::point(0);
      for (std::size_t t = 0; t < inner; ++t) s += at(i, t) * at(j, t);
      g[i * k + j] = g[j * k + i] = s;
    }
  return g;
}

}  // namespace

double spectral_norm_estimate(const DenseMatrix& m) {
  std::vector<double> v(m.cols, 1.0), w(m.rows);
  double sigma = 0;
  for (int it = 0; it < 500; ++it) {
    for (std::size_t r = 0; r < m.rows; ++r) {
      double s = 0;
      for (std::size_t c = 0; c < m.cols; ++c) s += m.a[r * m.cols + c] * v[c];
      w[r] = s;
    }
    double nv = 0;
    for (std::size_t c = 0; c < m.cols; ++c) {
      double s = 0;
      for (std::size_t r = 0; r < m.rows; ++r) s += m.a[r * m.cols + c] * w[r];
      v[c] = s;
      nv += s * s;
    }
    nv = std::sqrt(nv);
    if (nv == 0) return 0;
    for (double& x : v) x /= nv;
    double next = std::sqrt(nv);
    if (std::fabs(next - sigma) <= 1e-15 * next) return next;
    sigma = next;
  }
  return sigma;
}

double spectral_norm_upper_certified(const std::vector<DInterval>& entries, std::size_t rows, std::size_t cols) {
  std::size_t k = 0;
  std::vector<DInterval> g = gram(entries, rows, cols, k);
  DenseMatrix mid{rows, cols, {}};
  for (const DInterval& e : entries) mid.a.push_back(0.5 * e.lo + 0.5 * e.hi);
  double est = spectral_norm_estimate(mid);
  double lambda = est * est;
  double slack = lambda * 1e-12 + std::numeric_limits<double>::min();
  for (int attempt = 0; attempt < 200; ++attempt, slack *= 4) {
    double t = lambda + slack;
    std::vector<DInterval> s(k * k);
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < k; ++j) s[i * k + j] = (i == j ? DInterval::point(t) : DInterval::point(0)) - g[i * k + j];
    if (interval_positive_definite(std::move(s), k)) return sqrt_up(t);
  }
  return std::numeric_limits<double>::infinity();
}

template <class I>
double interval_matrix_norm_upper(const std::vector<I>& entries, std::size_t rows, std::size_t cols) {
  I* tag = nullptr;
  double frob = 0;
  for (const I& e : entries) frob = up_add(tag, frob, up_mul(tag, ival_mag(e), ival_mag(e)));
  frob = up_sqrt(tag, frob);
  if (rows == 1 || cols == 1) return frob;
  // ||J|| <= ||mid|| + ||rad||, ||rad|| <= sqrt(||rad||_1 ||rad||_inf) (rad >= 0).
  std::vector<DInterval> mid(entries.size());
  std::vector<double> rad(entries.size());
  DenseMatrix mid_f{rows, cols, {}};
  for (std::size_t i = 0; i < entries.size(); ++i) {
    double m = 0.5 * entries[i].lo + 0.5 * entries[i].hi;  // any double will do
    mid[i] = DInterval::point(m);
    mid_f.a.push_back(m);
    rad[i] = std::fmax(up_add(tag, entries[i].hi, -m), up_add(tag, m, -entries[i].lo));
  }
  std::vector<double> col_sum(cols, 0.0);
  double row_max = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    double s = 0;
    for (std::size_t c = 0; c < cols; ++c) {
      s = up_add(tag, s, rad[r * cols + c]);
      col_sum[c] = up_add(tag, col_sum[c], rad[r * cols + c]);
    }
    row_max = std::fmax(row_max, s);
  }
  double col_max = 0;
  for (double s : col_sum) col_max = std::fmax(col_max, s);
  double rad_norm = up_sqrt(tag, up_mul(tag, row_max, col_max));
  double mid_norm = std::is_same_v<I, FInterval> ? spectral_norm_estimate(mid_f) : spectral_norm_upper_certified(mid, rows, cols);
  return std::fmin(frob, up_add(tag, mid_norm, rad_norm));
}

template double interval_matrix_norm_upper<DInterval>(const std::vector<DInterval>&, std::size_t, std::size_t);
template double interval_matrix_norm_upper<UInterval>(const std::vector<UInterval>&, std::size_t, std::size_t);
template double interval_matrix_norm_upper<FInterval>(const std::vector<FInterval>&, std::size_t, std::size_t);

}  // namespace rl::bench
