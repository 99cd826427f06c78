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
  std::vector<Rational> cur = t.clamped_input;
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    std::vector<Rational> z(l.bias);
    for (std::size_t i = 0; i < l.out_dim(); ++i)
      for (std::size_t j = 0; j < l.in_dim(); ++j)
        if (cur[j] != 0) z[i] += l.weights[i][j] * cur[j];
    t.preactivations.push_back(z);
    if (k + 1 < net.layers.size())
      for (Rational& v : z) if (v < 0) v = 0;
    cur = std::move(z);
  }
  return t;
}

std::vector<Rational> net_eval_exact(const Network& net, const std::vector<Rational>& x) {
  return net_trace_exact(net, x).output();
}

RationalMatrix net_jacobian_exact(const Network& net, const ActivationPattern& pattern) {
  if (pattern.active.size() != net.hidden_layer_count()) throw std::invalid_argument("pattern has the wrong number of layers");
  // M = I restricted by the clamp, then M <- D_k W_k M layer by layer.
  std::size_t d = net.input_dim;
  RationalMatrix m(d, std::vector<Rational>(d, Rational(0)));
  for (std::size_t i = 0; i < d; ++i)
    m[i][i] = (pattern.input_active.empty() || pattern.input_active[i]) ? 1 : 0;
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    RationalMatrix next(l.out_dim(), std::vector<Rational>(d, Rational(0)));
    for (std::size_t i = 0; i < l.out_dim(); ++i) {
      if (k + 1 < net.layers.size() && !pattern.active[k][i]) continue;
      for (std::size_t j = 0; j < l.in_dim(); ++j) {
        const Rational& w = l.weights[i][j];
        if (w == 0) continue;
        for (std::size_t c = 0; c < d; ++c)
          if (m[j][c] != 0) next[i][c] += w * m[j][c];
      }
    }
    m = std::move(next);
  }
  return m;
}

}  // namespace rl
