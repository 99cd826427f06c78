#include "theorem/network_corollary.hpp"

#include <boost/multiprecision/integer.hpp>

#include "arith/error.hpp"
#include "lipschitz/lipschitz.hpp"
#include "theorem/companions.hpp"
#include "theorem/params.hpp"

namespace rl {

Integer integer_ceil_sqrt(const Integer& v) {
  Integer r = boost::multiprecision::sqrt(v);  // floor
  return r * r == v ? r : r + 1;
}

SquaredEnclosure layer_operator_norm_squared(const Layer& layer) {
  std::size_t rows = layer.out_dim(), cols = layer.in_dim();
  std::vector<Rational> col_sq(cols, Rational(0)), col_abs(cols, Rational(0));
  Rational frob = 0, max_row_sq = 0, max_row_abs = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    Rational row_sq = 0, row_abs = 0;
    for (std::size_t c = 0; c < cols; ++c) {
      const Rational& w = layer.weights[r][c];
      Rational sq = w * w, a = rational_abs(w);
      row_sq += sq; row_abs += a; col_sq[c] += sq; col_abs[c] += a;
    }
    frob += row_sq;
    max_row_sq = std::max(max_row_sq, row_sq);
    max_row_abs = std::max(max_row_abs, row_abs);
  }
  Rational max_col_sq = *std::max_element(col_sq.begin(), col_sq.end());
  Rational max_col_abs = *std::max_element(col_abs.begin(), col_abs.end());
  // ||A||_2 >= ||A e_c|| and ||A^T e_r||; ||A||_2^2 <= ||A||_F^2 and <= ||A||_1 ||A||_inf.
  return {std::max(max_row_sq, max_col_sq), std::min(frob, max_col_abs * max_row_abs)};
}

namespace {

// ||A||_2 of one layer from the Lipschitz engine: the network x -> A x + b
// alone (no ReLU) has Lipschitz constant ||A||_2 in l2.
SquaredEnclosure layer_norm_squared_engine(const Layer& layer) {
  Network single = network_from_layers(layer.in_dim(), {{layer.weights, layer.bias}});
  LipschitzOptions o;
  o.domain.global = true;
  o.threads = 1;
  o.time_limit_seconds = 5;
  LipschitzResult r = lipschitz_bound(single, o);
  return {r.lower * r.lower, r.upper * r.upper};
}

// The sign of t - lambda_max(M) for M = A^T A (exact rationals), decided by
// an MPFI LDL^T of t I - M: +1 (positive definite), -1 (a pivot certainly
// negative after certainly positive ones), 0 (a sign not decided).
int lambda_max_side(const std::vector<std::vector<Rational>>& m, const Rational& t, mpfr_prec_t prec) {
  const std::size_t n = m.size();
  std::vector<std::vector<Interval>> l(n, std::vector<Interval>(n, Interval(prec)));
  std::vector<Interval> pivot(n, Interval(prec));
  for (std::size_t j = 0; j < n; ++j) {
    Interval d(t - m[j][j], prec);
    for (std::size_t k = 0; k < j; ++k) d -= interval_sqr(l[j][k]) * pivot[k];
    if (d.upper() < 0) return -1;
    if (!(d.lower() > 0)) return 0;
    pivot[j] = d;
    for (std::size_t i = j + 1; i < n; ++i) {
      Interval s(-m[i][j], prec);
      for (std::size_t k = 0; k < j; ++k) s -= l[i][k] * l[j][k] * pivot[k];
      l[i][j] = s / d;
    }
  }
  return 1;
}

std::vector<std::vector<Rational>> gram(const Layer& layer) {
  const std::size_t cols = layer.in_dim();
  std::vector<std::vector<Rational>> m(cols, std::vector<Rational>(cols, Rational(0)));
  for (const auto& row : layer.weights)
    for (std::size_t i = 0; i < cols; ++i)
      for (std::size_t j = 0; j <= i; ++j) m[i][j] += row[i] * row[j];
  for (std::size_t i = 0; i < cols; ++i)
    for (std::size_t j = 0; j < i; ++j) m[j][i] = m[i][j];
  return m;
}

}  // namespace

SquaredEnclosure spectral_squared_refine(const Layer& layer, SquaredEnclosure e, int digits) {
  const std::vector<std::vector<Rational>> m = gram(layer);
  const mpfr_prec_t prec = 64 + 8 * static_cast<mpfr_prec_t>(digits);
  const Rational tolerance = rational_pow10(-digits);
  // Midpoints rounded to prec/2 bits keep the rationals short.
  while (e.upper - e.lower > e.upper * tolerance) {
    const Rational mid = Interval((e.lower + e.upper) / 2, prec / 2).lower();
    if (mid <= e.lower || mid >= e.upper) break;
    const int side = lambda_max_side(m, mid, prec);
    if (side > 0) e.upper = mid;
    else if (side < 0) e.lower = mid;
    else break;
  }
  return e;
}

NetworkCorollary network_corollary(const Network& net, const Rational& R, const Integer& Q, const std::optional<Rational>& W_inf,
                                   int digits) {
  // Bad options are refused before the layer norms, which take seconds.
  params_require_positive(R, "--R");
  if (Q < 1) throw InputError("--Q", "must be a positive integer");
  NetworkCorollary out;
  out.p = Integer(net.parameter_count());
  out.depth = Integer(net.layers.size());
  out.Q = Q;
  out.R = R;
  out.weight_max = 0;
  for (const Layer& l : net.layers) {
    for (const auto& row : l.weights)
      for (const Rational& w : row) out.weight_max = std::max(out.weight_max, rational_abs(w));
    for (const Rational& b : l.bias) out.weight_max = std::max(out.weight_max, rational_abs(b));
    SquaredEnclosure exact = layer_operator_norm_squared(l), engine = layer_norm_squared_engine(l);
    const SquaredEnclosure both{std::max(exact.lower, engine.lower), std::min(exact.upper, engine.upper)};
    out.layer_norms_squared.push_back(digits > 0 ? spectral_squared_refine(l, both, digits) : both);
  }
  if (W_inf && *W_inf < out.weight_max)
    throw InputError("--W", "the class bound " + rational_to_string(*W_inf) + " is below the network's largest |w| " + rational_to_string(out.weight_max));
  out.W = std::max(W_inf ? *W_inf : out.weight_max, Rational(1));
  out.J = corollary_lipschitz_J(R, out.W, Q, out.p, out.depth);
  out.diameter_upper = 2 * out.W * Rational(integer_ceil_sqrt(out.p));
  out.B_squared = {0, 0};
  for (std::size_t i = 0; i < out.layer_norms_squared.size(); ++i) {
    Rational lo = 1, hi = 1;
    for (std::size_t j = 0; j < out.layer_norms_squared.size(); ++j)
      if (j != i) { lo *= out.layer_norms_squared[j].lower; hi *= out.layer_norms_squared[j].upper; }
    out.B_squared.lower = std::max(out.B_squared.lower, lo);
    out.B_squared.upper = std::max(out.B_squared.upper, hi);
  }
  return out;
}

}  // namespace rl
