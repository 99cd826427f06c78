#include "cert/linear_exact.hpp"

#include <cmath>

namespace rl {
namespace {

std::optional<Rational> exact(double x) {
  if (!std::isfinite(x)) return std::nullopt;
  return rational_from_double(x);
}

// Coefficients on z_k from the exact coefficients `lambda` on h_k = relu(z_k);
// the relaxation's constant is added to `constant`.
std::optional<std::vector<Rational>> relax_exact(std::size_t k, const std::vector<Rational>& lambda, const bounds::PreBounds& pb,
                                                 const bounds::StateMatrix& states, const bounds::NeuronValues& alpha,
                                                 const bounds::NeuronValues& beta, Rational& constant) {
  std::vector<Rational> mu(lambda.size(), Rational(0));
  for (std::size_t j = 0; j < lambda.size(); ++j) {
    const double lo = pb.lo[k][j], hi = pb.hi[k][j];
    switch (bounds::relu_gate(lo, hi, states[k][j])) {
      case bounds::Gate::dead: break;
      case bounds::Gate::pass: mu[j] = lambda[j]; break;
      case bounds::Gate::unstable: {
        if (lambda[j] < 0) {
          mu[j] = lambda[j] * rational_from_double(alpha[k][j]);
          break;
        }
        double s, t_rounded;
        bounds::chord<bounds::OutwardArith>(lo, hi, s, t_rounded);
        auto l = exact(lo), h = exact(hi);
        if (!l || !h) return std::nullopt;
        Rational sq = rational_from_double(s), t = 0;
        if (-sq * *l > t) t = -sq * *l;
        if (*h - sq * *h > t) t = *h - sq * *h;
        mu[j] = lambda[j] * sq;
        constant += lambda[j] * t;
        break;
      }
    }
    if (states[k][j] != 0 && beta[k][j] != 0) {
      Rational b = rational_from_double(beta[k][j]);
      mu[j] += states[k][j] > 0 ? b : Rational(-b);
    }
  }
  return mu;
}

}  // namespace

std::optional<Rational> linear_spec_upper_exact(const Network& net, const bounds::PreBounds& pb, const bounds::StateMatrix& states,
                                                const std::vector<double>& row, const bounds::NeuronValues& alpha,
                                                const bounds::NeuronValues& beta) {
  std::vector<Rational> mu;
  for (double r : row) {
    auto q = exact(r);
    if (!q) return std::nullopt;
    mu.push_back(*q);
  }
  Rational constant = 0;
  for (std::size_t k = net.layers.size(); k-- > 0;) {
    const Layer& l = net.layers[k];
    std::vector<Rational> lambda(l.in_dim(), Rational(0));
    for (std::size_t i = 0; i < mu.size(); ++i) {
      if (mu[i] == 0) continue;
      constant += mu[i] * l.bias[i];
      for (std::size_t j = 0; j < l.in_dim(); ++j)
        if (l.weights[i][j] != 0) lambda[j] += mu[i] * l.weights[i][j];
    }
    if (k == 0) {
      for (std::size_t j = 0; j < lambda.size(); ++j) {
        if (lambda[j] == 0) continue;
        auto x = exact(lambda[j] > 0 ? pb.in_hi[j] : pb.in_lo[j]);
        if (!x) return std::nullopt;
        constant += lambda[j] * *x;
      }
      return constant;
    }
    auto next = relax_exact(k - 1, lambda, pb, states, alpha, beta, constant);
    if (!next) return std::nullopt;
    mu = std::move(*next);
  }
  return constant;  // not reached: layer 0 returns
}

}  // namespace rl
