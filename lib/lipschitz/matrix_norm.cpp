#include "lipschitz/matrix_norm.hpp"

#include <algorithm>
#include <cmath>

#include "lipschitz/tight_arith.hpp"

namespace rl {
namespace {

double mul_down_nonneg(double a, double b) { return std::fmax(0.0, down_mul(a, b)); }
double mig(const DInterval& x) { return x.lo > 0 ? x.lo : (x.hi < 0 ? -x.hi : 0.0); }

// Interval quotient for a denominator with b.lo > 0.
DInterval div_positive(DInterval a, DInterval b) {
  double q1 = a.lo / b.lo, q2 = a.lo / b.hi, q3 = a.hi / b.lo, q4 = a.hi / b.hi;
  double lo = std::fmin(std::fmin(q1, q2), std::fmin(q3, q4)), hi = std::fmax(std::fmax(q1, q2), std::fmax(q3, q4));
  if (std::isnan(lo) || std::isnan(hi)) return DInterval::whole();
  return {next_down(lo), next_up(hi)};
}

double frobenius_upper(const IntervalMatrix& m) {
  double s = 0;
  for (const DInterval& x : m.entries) s = up_add(s, up_mul(x.mag(), x.mag()));
  return up_sqrt(s);
}

// Untrusted top eigenvector of a symmetric non-negative-definite double matrix by power iteration.
std::vector<double> power_iteration(const std::vector<double>& g, std::size_t n, int iterations) {
  std::vector<double> v(n), w(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = 1.0 + 0.01 * double(i % 7);
  for (int it = 0; it < iterations; ++it) {
    double norm = 0;
    for (std::size_t i = 0; i < n; ++i) {
      double s = 0;
      for (std::size_t j = 0; j < n; ++j) s += g[i * n + j] * v[j];
      w[i] = s;
      norm += s * s;
    }
    norm = std::sqrt(norm);
    if (!(norm > 0) || !std::isfinite(norm)) break;
    for (std::size_t i = 0; i < n; ++i) v[i] = w[i] / norm;
  }
  return v;
}

double rayleigh(const std::vector<double>& g, std::size_t n, const std::vector<double>& v) {
  double num = 0, den = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double s = 0;
    for (std::size_t j = 0; j < n; ++j) s += g[i * n + j] * v[j];
    num += v[i] * s;
    den += v[i] * v[i];
  }
  return den > 0 ? num / den : 0;
}

// Spectral bound through t I - G > 0 with G = A^T A (or A A^T, the smaller);
// +inf when no attempt succeeds or time runs out first.
double spectral_upper_ldlt(const IntervalMatrix& m, const std::function<bool()>& out_of_time) {
  constexpr double kNone = std::numeric_limits<double>::infinity();
  if (out_of_time && out_of_time()) return kNone;
  const bool gram_cols = m.cols <= m.rows;
  const std::size_t n = gram_cols ? m.cols : m.rows, k = gram_cols ? m.rows : m.cols;
  auto at = [&](std::size_t inner, std::size_t outer) -> const DInterval& {
    return gram_cols ? m.at(inner, outer) : m.at(outer, inner);
  };
  std::vector<DInterval> g(n * n);
  std::vector<double> mid(n * n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j <= i; ++j) {
      DInterval s = DInterval::point(0);
      for (std::size_t r = 0; r < k; ++r) s = tight_add(s, i == j ? tight_sqr(at(r, i)) : tight_mul(at(r, i), at(r, j)));
      g[i * n + j] = g[j * n + i] = s;
      mid[i * n + j] = mid[j * n + i] = 0.5 * (s.lo + s.hi);
    }
  double lambda = rayleigh(mid, n, power_iteration(mid, n, 60));
  double scale = 0;
  for (const DInterval& x : g) scale = std::fmax(scale, x.mag());
  for (double eps : {1e-13, 1e-10, 1e-7, 1e-4, 1e-1}) {
    if (out_of_time && out_of_time()) return kNone;
    double t = lambda * (1 + eps) + eps * scale + std::numeric_limits<double>::min();
    std::vector<DInterval> a(n * n);
    for (std::size_t i = 0; i < n * n; ++i) a[i] = -g[i];
    for (std::size_t i = 0; i < n; ++i) a[i * n + i] = tight_sub(DInterval::point(t), g[i * n + i]);
    if (dinterval_symmetric_positive_definite(a, n)) return up_sqrt(t);
  }
  return kNone;
}

// ||A||_2 <= || |A| ||_2 = sqrt(rho(M^T M)), M = |A| entrywise magnitudes.
double spectral_upper_magnitude(const IntervalMatrix& m) {
  const std::size_t r = m.rows, c = m.cols;
  std::vector<double> mag(r * c);
  for (std::size_t i = 0; i < r * c; ++i) mag[i] = m.entries[i].mag();
  std::vector<double> g(c * c, 0.0);
  for (std::size_t i = 0; i < c; ++i)
    for (std::size_t j = 0; j < c; ++j) {
      double s = 0;
      for (std::size_t k = 0; k < r; ++k) s += mag[k * c + i] * mag[k * c + j];
      g[i * c + j] = s;
    }
  std::vector<double> v = power_iteration(g, c, 60);
  double vmax = 0;
  for (double x : v) vmax = std::fmax(vmax, std::fabs(x));
  if (!(vmax > 0)) vmax = 1;
  for (double& x : v) x = std::fmax(std::fabs(x), vmax * 1e-9);
  // y = M v, z = M^T y, rounded up: all terms are non-negative.
  std::vector<double> y(r, 0.0);
  for (std::size_t k = 0; k < r; ++k)
    for (std::size_t j = 0; j < c; ++j) y[k] = up_add(y[k], up_mul(mag[k * c + j], v[j]));
  double rho = 0;
  for (std::size_t j = 0; j < c; ++j) {
    double z = 0;
    for (std::size_t k = 0; k < r; ++k) z = up_add(z, up_mul(mag[k * c + j], y[k]));
    rho = std::fmax(rho, up_div(z, v[j]));
  }
  return up_sqrt(rho);
}

}  // namespace

bool dinterval_symmetric_positive_definite(const std::vector<DInterval>& a, std::size_t n) {
  // A = L D L^T; e(i,k) = L(i,k) D(k).
  std::vector<DInterval> l(n * n), e(n * n), dg(n);
  for (std::size_t j = 0; j < n; ++j) {
    DInterval dj = a[j * n + j];
    for (std::size_t k = 0; k < j; ++k) dj = tight_sub(dj, tight_mul(l[j * n + k], e[j * n + k]));
    if (!(dj.lo > 0)) return false;
    dg[j] = dj;
    for (std::size_t i = j + 1; i < n; ++i) {
      DInterval s = a[i * n + j];
      for (std::size_t k = 0; k < j; ++k) s = tight_sub(s, tight_mul(l[i * n + k], e[j * n + k]));
      e[i * n + j] = s;
      l[i * n + j] = div_positive(s, dj);
    }
  }
  return true;
}

double imatrix_spectral_upper(const IntervalMatrix& m, const std::function<bool()>& out_of_time) {
  double best = frobenius_upper(m);
  if (best == 0 || m.rows == 1 || m.cols == 1) return best;
  best = std::fmin(best, spectral_upper_magnitude(m));
  double width = 0, scale = 0;
  for (const DInterval& x : m.entries) { width = std::fmax(width, x.hi - x.lo); scale = std::fmax(scale, x.mag()); }
  // For thin intervals the LDL^T bound is nearly exact; wide ones would make it fail.
  if (width <= 1e-6 * scale) best = std::fmin(best, spectral_upper_ldlt(m, out_of_time));
  return best;
}

double imatrix_norm_upper(const IntervalMatrix& m, Norm norm) {
  if (norm == Norm::L2) return imatrix_spectral_upper(m);
  double best = 0;
  if (norm == Norm::Linf) {
    for (std::size_t r = 0; r < m.rows; ++r) {
      double s = 0;
      for (std::size_t c = 0; c < m.cols; ++c) s = up_add(s, m.at(r, c).mag());
      best = std::fmax(best, s);
    }
  } else {
    for (std::size_t c = 0; c < m.cols; ++c) {
      double s = 0;
      for (std::size_t r = 0; r < m.rows; ++r) s = up_add(s, m.at(r, c).mag());
      best = std::fmax(best, s);
    }
  }
  return best;
}

double imatrix_norm_lower(const IntervalMatrix& m, Norm norm, const std::vector<double>& v) {
  double best = 0;
  if (norm == Norm::Linf) {
    for (std::size_t r = 0; r < m.rows; ++r) {
      double s = 0;
      for (std::size_t c = 0; c < m.cols; ++c) s = down_add(s, mig(m.at(r, c)));
      best = std::fmax(best, s);
    }
    return best;
  }
  if (norm == Norm::L1) {
    for (std::size_t c = 0; c < m.cols; ++c) {
      double s = 0;
      for (std::size_t r = 0; r < m.rows; ++r) s = down_add(s, mig(m.at(r, c)));
      best = std::fmax(best, s);
    }
    return best;
  }
  if (m.rows == 1 || m.cols == 1) {
    double s = 0;
    for (const DInterval& x : m.entries) s = down_add(s, mul_down_nonneg(mig(x), mig(x)));
    return down_sqrt(s);
  }
  // ||A|| >= ||A v|| / ||v||.
  double num = 0, den = 0;
  for (std::size_t r = 0; r < m.rows; ++r) {
    DInterval s = DInterval::point(0);
    for (std::size_t c = 0; c < m.cols; ++c) s = tight_add(s, tight_mul(m.at(r, c), DInterval::point(v[c])));
    num = down_add(num, mul_down_nonneg(mig(s), mig(s)));
  }
  for (double x : v) den = up_add(den, up_mul(std::fabs(x), std::fabs(x)));
  if (!(den > 0) || !std::isfinite(den)) return 0;
  return down_sqrt(down_div(num, den));
}

double dmatrix_norm(const std::vector<double>& a, std::size_t rows, std::size_t cols, Norm norm, std::vector<double>* top_vector) {
  double best = 0;
  if (norm == Norm::Linf) {
    for (std::size_t r = 0; r < rows; ++r) {
      double s = 0;
      for (std::size_t c = 0; c < cols; ++c) s += std::fabs(a[r * cols + c]);
      best = std::fmax(best, s);
    }
    return best;
  }
  if (norm == Norm::L1) {
    for (std::size_t c = 0; c < cols; ++c) {
      double s = 0;
      for (std::size_t r = 0; r < rows; ++r) s += std::fabs(a[r * cols + c]);
      best = std::fmax(best, s);
    }
    return best;
  }
  std::vector<double> g(cols * cols, 0.0);
  for (std::size_t i = 0; i < cols; ++i)
    for (std::size_t j = 0; j < cols; ++j) {
      double s = 0;
      for (std::size_t k = 0; k < rows; ++k) s += a[k * cols + i] * a[k * cols + j];
      g[i * cols + j] = s;
    }
  std::vector<double> v = rows == 1 ? std::vector<double>(a.begin(), a.end()) : power_iteration(g, cols, 80);
  if (top_vector) *top_vector = v;
  return std::sqrt(std::fmax(0.0, rayleigh(g, cols, v)));
}

}  // namespace rl
