// Exact brute force for networks of one input: the network restricted to
// [a, b] is piecewise linear, and this computes its knots exactly.
//
// Semantics: brute_1d(net, a, b) returns knots a = x_0 < ... < x_m = b with the
// exact outputs at each; between consecutive knots every neuron is affine, so
// the network is affine there too. The Lipschitz constant of a scalar network
// on [a, b] (any norm, since the input is one-dimensional) is then the largest
// |slope| between consecutive knots: a region enumeration in exact rationals.
#pragma once
#include <algorithm>

#include "net/network.hpp"

namespace rl::soundness {

struct Knots {
  std::vector<Rational> x;
  std::vector<std::vector<Rational>> values;  // values[k][i]: neuron i at x[k]
};

// Inserts the zero crossings of every column that changes sign strictly
// between two knots, interpolating every column linearly (they are affine there).
inline Knots knots_split_at_zeros(const Knots& in) {
  Knots out;
  for (std::size_t k = 0; k + 1 < in.x.size(); ++k) {
    out.x.push_back(in.x[k]);
    out.values.push_back(in.values[k]);
    std::vector<Rational> ts;  // crossing positions as fractions of the segment
    for (std::size_t i = 0; i < in.values[k].size(); ++i) {
      const Rational &u = in.values[k][i], &v = in.values[k + 1][i];
      if ((u < 0 && v > 0) || (u > 0 && v < 0)) ts.push_back(u / (u - v));
    }
    std::sort(ts.begin(), ts.end());
    ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
    for (const Rational& t : ts) {
      out.x.push_back(in.x[k] + t * (in.x[k + 1] - in.x[k]));
      std::vector<Rational> v(in.values[k].size());
      for (std::size_t i = 0; i < v.size(); ++i) v[i] = in.values[k][i] + t * (in.values[k + 1][i] - in.values[k][i]);
      out.values.push_back(std::move(v));
    }
  }
  out.x.push_back(in.x.back());
  out.values.push_back(in.values.back());
  return out;
}

// The knots of the network's output on [a, b] (a < b; input_dim 1, no clamp).
inline Knots brute_1d(const Network& net, const Rational& a, const Rational& b) {
  Knots cur{{a, b}, {{a}, {b}}};
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    Knots pre{cur.x, {}};
    for (const auto& h : cur.values) {
      std::vector<Rational> z(l.bias);
      for (std::size_t i = 0; i < l.out_dim(); ++i)
        for (std::size_t j = 0; j < l.in_dim(); ++j) z[i] += l.weights[i][j] * h[j];
      pre.values.push_back(std::move(z));
    }
    if (k + 1 == net.layers.size()) return pre;
    cur = knots_split_at_zeros(pre);
    for (auto& v : cur.values)
      for (Rational& z : v) if (z < 0) z = 0;
  }
  return cur;
}

// The exact Lipschitz constant on [a, b] of output 0.
inline Rational brute_1d_lipschitz(const Network& net, const Rational& a, const Rational& b) {
  Knots k = brute_1d(net, a, b);
  Rational best = 0;
  for (std::size_t s = 0; s + 1 < k.x.size(); ++s) {
    if (k.x[s + 1] == k.x[s]) continue;
    Rational slope = (k.values[s + 1][0] - k.values[s][0]) / (k.x[s + 1] - k.x[s]);
    if (slope < 0) slope = -slope;
    if (slope > best) best = slope;
  }
  return best;
}

}  // namespace rl::soundness
