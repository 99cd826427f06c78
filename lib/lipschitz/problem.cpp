#include "lipschitz/problem.hpp"

#include "arith/error.hpp"

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
  return p;
}

DBox lipschitz_problem_dbox(const LipProblem& p) {
  if (p.unbounded) return DBox(p.net.input_dim, DInterval::whole());
  return dbox_from_rationals(p.lo, p.hi);
}

}  // namespace rl
