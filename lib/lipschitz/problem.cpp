#include "lipschitz/problem.hpp"

#include <cmath>

#include "arith/error.hpp"
#include "lipschitz/matrix_norm.hpp"
#include "lipschitz/tight_arith.hpp"

namespace rl {

std::size_t LipProblem::free_count() const {
  std::size_t n = 0;
  for (bool f : free) n += f;
  return n;
}

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

// The a-priori error of the float vertex walk. Write u = 2^-53, A_k = |W_k|
// (entrywise upper bounds of the exact weights, which also bound the nearest
// doubles), P_k = A_L ... A_k (rounded up). The walk holds B^ ~ B = W_L D ...
// W_{k+1} with |B^ - B| <= e_k P_{k+1}; layer k's accumulator is rebuilt from
// scratch at most kVertexRebase steps apart, so each entry sees at most
// T_k = n_k + kVertexRebase + 1 roundings of sums of at most (|B^| A_k) each, and
// products b^ w^ with |b^ w^ - b w| <= (e_k + u) (P_{k+1} A_k). Hence
//   e_{k-1} = e_k + u + 2 T_k u (1 + T_k u)(1 + e_k),   e_L = u,
// and every vertex Jacobian satisfies |J^ - J| <= e_0 M + tau (M = P_1, free
// columns), tau covering underflow (absolute errors 2^-1075 amplified by at most
// the layers' gains). ||J^ - J|| <= e_0 ||M|| + tau m d in each norm here.
void lipschitz_problem_float_error(LipProblem& p) {
  const double u = 0x1p-53;
  const std::size_t layers = p.net.layers.size();
  double gain = 1, steps = 0;
  for (const Layer& l : p.net.layers)
    for (const DInterval& w : l.weights_i) {
      double m = w.mag();
      if (m != 0 && (m < 0x1p-200 || m > 0x1p200)) return;
    }
  // P = A_L, then P <- P A_k for k = L-1 .. 1.
  const Layer& last = p.net.layers.back();
  std::size_t rows = last.out_dim(), cols = last.in_dim();
  std::vector<double> prod(rows * cols);
  for (std::size_t i = 0; i < prod.size(); ++i) prod[i] = last.weights_i[i].mag();
  double e = u;
  for (std::size_t k = layers - 1; k-- > 0;) {
    const Layer& l = p.net.layers[k];
    const std::size_t n = l.out_dim(), in = l.in_dim();
    const std::vector<DInterval>& w = k == 0 ? p.first_weights_free : l.weights_i;
    std::vector<double> next(rows * in, 0.0);
    double wmax = 0;
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t i = 0; i < n; ++i) {
        double b = prod[r * cols + i];
        if (b == 0) continue;
        for (std::size_t c = 0; c < in; ++c) next[r * in + c] = up_add(next[r * in + c], up_mul(b, w[i * in + c].mag()));
      }
    for (const DInterval& x : w) wmax = std::fmax(wmax, x.mag());
    prod = std::move(next);
    cols = in;
    const double t = double(n + kVertexRebase + 1);
    e = up_add(up_add(e, u), up_mul(up_mul(2 * t, u), up_mul(up_add(1, up_mul(t, u)), up_add(1, e))));
    gain = up_mul(gain, std::fmax(1.0, up_mul(double(n), wmax)));
    steps += t;
  }
  if (layers == 1) {  // J^ = W^_1: one rounding per weight
    for (std::size_t i = 0; i < prod.size(); ++i) prod[i] = p.first_weights_free[i].mag();
  }
  IntervalMatrix m{rows, cols, std::vector<DInterval>(rows * cols)};
  for (std::size_t i = 0; i < prod.size(); ++i) m.entries[i] = DInterval::point(prod[i]);
  const double tau = up_mul(up_mul(0x1p-1040, gain), up_add(steps, 1.0));
  const double err = up_add(up_mul(e, imatrix_norm_upper(m, p.norm)), up_mul(tau, double(rows * cols)));
  if (!std::isfinite(err) || tau > 1e-200) return;
  p.vertex_float_ok = true;
  p.vertex_float_error = err;
}

DBox lipschitz_problem_dbox(const LipProblem& p) {
  if (p.unbounded) return DBox(p.net.input_dim, DInterval::whole());
  return dbox_from_rationals(p.lo, p.hi);
}

}  // namespace rl
