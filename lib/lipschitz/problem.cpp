#include "lipschitz/problem.hpp"

#include <cmath>

#include "arith/error.hpp"
#include "lipschitz/matrix_norm.hpp"
#include "lipschitz/tight_arith.hpp"

namespace rl {

LipProblem lipschitz_problem(const Network& net, const LipschitzOptions& options) {
  const std::size_t d = net.input_dim;
  LipProblem p;
  p.net = net;
  p.net.clamp.reset();
  p.norm = options.norm;
  const LipschitzDomain& dom = options.domain;
  if (dom.global) {
    if (net.clamp) { p.lo = net.clamp->lo; p.hi = net.clamp->hi; }
    else p.unbounded = true;
  } else {
    if (dom.lo.size() != d || dom.hi.size() != d)
      throw InputError("--box", "has " + std::to_string(dom.lo.size()) + " coordinates, the network has " + std::to_string(d) + " inputs");
    p.lo = dom.lo;
    p.hi = dom.hi;
    for (std::size_t i = 0; i < d; ++i) {
      if (p.lo[i] > p.hi[i]) throw InputError("--box", "coordinate " + std::to_string(i + 1) + " has LO > HI");
      if (!net.clamp) continue;
      const Rational &cl = net.clamp->lo[i], &ch = net.clamp->hi[i];
      // Intersect with the clamp box; a box wholly outside maps to one clamp bound.
      if (p.hi[i] <= cl) { p.lo[i] = cl; p.hi[i] = cl; }
      else if (p.lo[i] >= ch) { p.lo[i] = ch; p.hi[i] = ch; }
      else { if (p.lo[i] < cl) p.lo[i] = cl; if (p.hi[i] > ch) p.hi[i] = ch; }
    }
  }
  p.free.assign(d, true);
  if (!p.unbounded)
    for (std::size_t i = 0; i < d; ++i) p.free[i] = p.lo[i] < p.hi[i];
  const Layer& first = p.net.layers.front();
  p.first_weights_free = first.weights_i;
  for (std::size_t r = 0; r < first.out_dim(); ++r)
    for (std::size_t c = 0; c < d; ++c)
      if (!p.free[c]) p.first_weights_free[r * d + c] = DInterval::point(0);
  p.first_weights_free_f = first.weights_f;
  for (std::size_t r = 0; r < first.out_dim(); ++r)
    for (std::size_t c = 0; c < d; ++c)
      if (!p.free[c]) p.first_weights_free_f[r * d + c] = 0;
  lipschitz_problem_float_error(p);
  return p;
}

// The float paths need weights in the normal range (so that rounding a weight
// to the nearest double errs by at most u |w|). Underflow in the float vertex
// walk adds absolute errors of at most 2^-1075 per operation, amplified by at
// most the layers' gains n_k max|w|; vertex_float_error bounds the resulting
// norm (m d entries).
void lipschitz_problem_float_error(LipProblem& p) {
  double gain = 1, steps = 1;
  for (const Layer& l : p.net.layers) {
    double wmax = 0;
    for (const DInterval& w : l.weights_i) {
      double m = w.mag();
      if (m != 0 && (m < 0x1p-200 || m > 0x1p200)) return;
      wmax = std::fmax(wmax, m);
    }
    gain = up_mul(gain, std::fmax(1.0, up_mul(double(l.in_dim()), wmax)));
    steps = up_add(steps, double(l.out_dim() + kVertexRebase + 1));
  }
  const double tau = up_mul(up_mul(0x1p-1040, gain), steps);
  if (!std::isfinite(tau) || tau > 1e-200) return;
  p.vertex_float_ok = true;
  p.vertex_float_error = up_mul(tau, double(p.net.output_dim() * p.net.input_dim));
}

DBox lipschitz_problem_dbox(const LipProblem& p) {
  if (p.unbounded) return DBox(p.net.input_dim, DInterval::whole());
  return dbox_from_rationals(p.lo, p.hi);
}

}  // namespace rl
