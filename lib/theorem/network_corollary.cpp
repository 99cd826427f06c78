#include "theorem/network_corollary.hpp"

#include <boost/multiprecision/integer.hpp>

#include "arith/error.hpp"
#include "lipschitz/lipschitz.hpp"
#include "theorem/companions.hpp"

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

}  // namespace

NetworkCorollary network_corollary(const Network& net, const Rational& R, const Integer& Q, const std::optional<Rational>& W_inf) {
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
    out.layer_norms_squared.push_back({std::max(exact.lower, engine.lower), std::min(exact.upper, engine.upper)});
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
