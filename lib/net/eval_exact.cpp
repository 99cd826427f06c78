#include "net/eval_exact.hpp"

#include <stdexcept>

#include "arith/error.hpp"

namespace rl {

void net_check_input_dim(const Network& net, std::size_t n) {
  if (n != net.input_dim)
    throw InputError(net.source, "input has " + std::to_string(n) + " coordinates, the network expects " + std::to_string(net.input_dim));
}

bool ExactTrace::is_interior() const {
  for (int s : clamp_state) if (s == 2) return false;
  for (std::size_t k = 0; k + 1 < preactivations.size(); ++k)
    for (const Rational& z : preactivations[k]) if (z == 0) return false;
  return true;
}

ActivationPattern ExactTrace::pattern() const {
  ActivationPattern p;
  for (int s : clamp_state) p.input_active.push_back(s == 0 ? 1 : 0);
  for (std::size_t k = 0; k + 1 < preactivations.size(); ++k) {
    std::vector<std::uint8_t> a;
    for (const Rational& z : preactivations[k]) a.push_back(z > 0 ? 1 : 0);
    p.active.push_back(std::move(a));
  }
  return p;
}

namespace {

// sum_j a_j x_j over the non-zero x_j, in integers.
Integer dot_nonzero(const std::vector<Integer>& a, const std::vector<Integer>& x) {
  Integer acc = 0;
  for (std::size_t j = 0; j < x.size(); ++j)
    if (!x[j].is_zero()) mpz_addmul(integer_mpz(acc), integer_mpz(a[j]), integer_mpz(x[j]));
  return acc;
}

}  // namespace

// The pass runs in integers: a layer's input is X / s (X integers, s > 0) and,
// with W = A / D and b = B / E (layer_scaled), its pre-activations are
// (E (A X) + D s B) / (D s E). Each weight costs one integer product, where
// exact rationals would reduce every product by a gcd.
ExactTrace net_trace_exact(const Network& net, const std::vector<Rational>& x) {
  net_check_input_dim(net, x.size());
  ExactTrace t;
  t.clamped_input = x;
  if (net.clamp) {
    for (std::size_t i = 0; i < x.size(); ++i) {
      const Rational &lo = net.clamp->lo[i], &hi = net.clamp->hi[i];
      if (x[i] < lo) { t.clamped_input[i] = lo; t.clamp_state.push_back(-1); }
      else if (x[i] > hi) { t.clamped_input[i] = hi; t.clamp_state.push_back(1); }
      else t.clamp_state.push_back(x[i] == lo || x[i] == hi ? 2 : 0);
    }
  }
  std::vector<const Rational*> inputs;
  for (const Rational& q : t.clamped_input) inputs.push_back(&q);
  std::vector<Integer> cur;
  Integer s = rational_common_denominator(inputs, cur);
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const std::shared_ptr<const ScaledLayer> scaled = layer_scaled(net.layers[k]);
    const ScaledLayer& l = *scaled;
    const Integer bias_scale = l.d * s, den = bias_scale * l.e;
    std::vector<Integer> z(l.a.size());
    std::vector<Rational> exact;
    for (std::size_t i = 0; i < z.size(); ++i) {
      z[i] = dot_nonzero(l.a[i], cur) * l.e + l.b[i] * bias_scale;
      exact.emplace_back(z[i], den);
    }
    t.preactivations.push_back(std::move(exact));
    if (k + 1 < net.layers.size())
      for (Integer& v : z) if (v < 0) v = 0;
    cur = std::move(z);
    s = den;
  }
  return t;
}

std::vector<Rational> net_eval_exact(const Network& net, const std::vector<Rational>& x) {
  return net_trace_exact(net, x).output();
}

RationalMatrix net_jacobian_exact(const Network& net, const ActivationPattern& pattern) {
  if (pattern.active.size() != net.hidden_layer_count()) throw std::invalid_argument("pattern has the wrong number of layers");
  // M = I restricted by the clamp, then M <- D_k W_k M layer by layer, in
  // integers: with W_k = A_k / D_k, the product is (A_L ... A_1 M) / (D_L ... D_1).
  const std::size_t d = net.input_dim;
  std::vector<std::vector<Integer>> m(d, std::vector<Integer>(d, Integer(0)));  // column-major: m[c] is column c
  for (std::size_t i = 0; i < d; ++i)
    m[i][i] = (pattern.input_active.empty() || pattern.input_active[i]) ? 1 : 0;
  Integer den = 1;
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const std::shared_ptr<const ScaledLayer> scaled = layer_scaled(net.layers[k]);
    const ScaledLayer& l = *scaled;
    const bool hidden = k + 1 < net.layers.size();
    for (auto& column : m) {
      std::vector<Integer> next(l.a.size(), Integer(0));
      for (std::size_t i = 0; i < next.size(); ++i)
        if (!hidden || pattern.active[k][i]) next[i] = dot_nonzero(l.a[i], column);
      column = std::move(next);
    }
    den *= l.d;
  }
  const std::size_t out = net.output_dim();
  RationalMatrix j(out, std::vector<Rational>(d, Rational(0)));
  for (std::size_t c = 0; c < d; ++c)
    for (std::size_t i = 0; i < out; ++i)
      if (!m[c][i].is_zero()) j[i][c] = Rational(m[c][i], den);
  return j;
}

}  // namespace rl
