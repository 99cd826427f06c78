#include "lipschitz/matrix_norm.hpp"
#include "lipschitz/upper_bounds.hpp"

namespace rl {
namespace {

// ||W|| for l1 (largest column sum) or linf (largest row sum), exactly.
Rational layer_norm_exact(const Layer& l, Norm norm, const std::vector<bool>* free) {
  Rational best = 0;
  if (norm == Norm::Linf) {
    for (const auto& row : l.weights) {
      Rational s = 0;
      for (std::size_t c = 0; c < row.size(); ++c)
        if (!free || (*free)[c]) s += rational_abs(row[c]);
      if (s > best) best = s;
    }
  } else {
    for (std::size_t c = 0; c < l.in_dim(); ++c) {
      if (free && !(*free)[c]) continue;
      Rational s = 0;
      for (const auto& row : l.weights) s += rational_abs(row[c]);
      if (s > best) best = s;
    }
  }
  return best;
}

// A rational r >= sqrt(q), q >= 0: with q = a/b, sqrt(q) = sqrt(a b) / b <= (isqrt(a b) + 1) / b.
Rational rational_sqrt_upper(const Rational& q) {
  const Integer a = boost::multiprecision::numerator(q), b = boost::multiprecision::denominator(q);
  const Integer s = boost::multiprecision::sqrt(Integer(a * b));
  return s * s == a * b ? Rational(s) / Rational(b) : Rational(s + 1) / Rational(b);
}

// ||W||_F with fixed columns dropped, rounded up exactly.
Rational layer_frobenius_upper(const Layer& l, const std::vector<bool>* free) {
  Rational s = 0;
  for (const auto& row : l.weights)
    for (std::size_t c = 0; c < row.size(); ++c)
      if (!free || (*free)[c]) s += row[c] * row[c];
  return rational_sqrt_upper(s);
}

}  // namespace

Rational lipschitz_upper_magnitude(const LipProblem& p) {
  Rational product = 1;
  for (std::size_t k = 0; k < p.net.layers.size(); ++k) {
    const std::vector<bool>* free = k == 0 ? &p.free : nullptr;
    const Layer& l = p.net.layers[k];
    product *= p.norm == Norm::L2 ? layer_frobenius_upper(l, free) : layer_norm_exact(l, p.norm, free);
  }
  return product;
}

Rational lipschitz_upper_product(const LipProblem& p, const std::function<bool()>& out_of_time) {
  Rational product = 1;
  for (std::size_t k = 0; k < p.net.layers.size(); ++k) {
    const Layer& l = p.net.layers[k];
    const std::vector<bool>* free = k == 0 ? &p.free : nullptr;
    if (p.norm != Norm::L2) { product *= layer_norm_exact(l, p.norm, free); continue; }
    IntervalMatrix m{l.out_dim(), l.in_dim(), k == 0 ? p.first_weights_free : l.weights_i};
    double s = imatrix_spectral_upper(m, out_of_time);
    product *= std::isfinite(s) ? rational_from_double(s) : layer_frobenius_upper(l, k == 0 ? &p.free : nullptr);
  }
  return product;
}

const Rational& MagnitudeFallback::magnitude() const {
  std::call_once(once_, [this] { magnitude_ = lipschitz_upper_magnitude(p_); });
  return magnitude_;
}

double lipschitz_upper_clarke(const LipProblem& p, const BoxBounds& b) {
  IntervalMatrix j = net_jacobian_enclosure(p.net, b);
  for (std::size_t r = 0; r < j.rows; ++r)
    for (std::size_t c = 0; c < j.cols; ++c)
      if (!p.free[c]) j.at(r, c) = DInterval::point(0);
  return imatrix_norm_upper(j, p.norm);
}

}  // namespace rl
