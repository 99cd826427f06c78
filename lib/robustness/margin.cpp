#include "robustness/margin.hpp"

#include "net/eval.hpp"
#include "robustness/ball.hpp"

namespace rl {
namespace {

// L_j(r) as an exact rational (the rounded-up double bound).
Rational lipschitz_upper(const MarginProblem& p, std::size_t k, const Rational& r) {
  std::vector<Rational> lo, hi;
  for (const Rational& c : p.center) { lo.push_back(c - r); hi.push_back(c + r); }
  BoxBounds b = net_ibp(p.differences[k], dbox_from_rationals(lo, hi));
  IntervalMatrix jac = net_jacobian_enclosure(p.differences[k], b);
  std::vector<double> mags;
  for (std::size_t i = 0; i < jac.cols; ++i) mags.push_back(jac.at(0, i).mag());
  return rational_from_double(ball_dual_norm_up(p.norm, mags));
}

}  // namespace

MarginProblem margin_problem(const Network& net, const std::vector<Rational>& x, std::size_t label, Norm norm) {
  MarginProblem p{x, label, norm, {}, {}, {}};
  std::vector<Rational> y = net_eval_exact(net, x);
  for (std::size_t j = 0; j < net.output_dim(); ++j) {
    if (j == label) continue;
    p.others.push_back(j);
    p.differences.push_back(network_output_difference(net, label, j));
    p.margins.push_back(y[label] - y[j]);
  }
  return p;
}

bool margin_proves(const MarginProblem& p, const Rational& r) {
  for (std::size_t k = 0; k < p.others.size(); ++k)
    if (!(p.margins[k] > lipschitz_upper(p, k, r) * r)) return false;
  return true;
}

Rational margin_certified_radius(const MarginProblem& p, const std::atomic<bool>* stop, int iterations) {
  for (const Rational& m : p.margins) if (m <= 0) return 0;
  if (p.others.empty()) return 0;
  // No radius beyond min_j m_j / L_j(0) can be proven: L_j(r) >= L_j(0).
  Rational hi = -1;
  for (std::size_t k = 0; k < p.others.size(); ++k) {
    Rational l0 = lipschitz_upper(p, k, 0);
    if (l0 > 0 && (hi < 0 || p.margins[k] / l0 < hi)) hi = p.margins[k] / l0;
  }
  Rational lo = 0;
  if (hi < 0) {  // every margin network is constant near x: grow until the argument fails
    hi = 1;
    for (int i = 0; i < 64 && margin_proves(p, hi); ++i) { lo = hi; hi *= 2; }
  } else if (margin_proves(p, hi)) {
    return hi;
  }
  for (int i = 0; i < iterations && !(stop && stop->load()); ++i) {
    Rational mid = rational_from_double(rational_to_double((lo + hi) / 2));
    if (!(mid > lo && mid < hi)) mid = (lo + hi) / 2;
    if (margin_proves(p, mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

}  // namespace rl
