#include "prob/variance_proxy.hpp"

#include <algorithm>
#include <queue>
#include <stdexcept>

namespace rl {
namespace {

bool is_gaussian(const ScaledVariable& v) { return v.x.kind == DistributionKind::Gaussian; }

Interval second_derivative_sum(const std::vector<ScaledVariable>& terms, const Interval& box) {
  const mpfr_prec_t prec = box.precision();
  Interval sum(prec);
  for (const auto& v : terms) {
    if (is_gaussian(v)) continue;
    Interval s(v.scale, prec);
    sum += Interval::from_int(v.count, prec) * interval_sqr(s) * log_mgf_second_derivative(v.x, s * box);
  }
  return sum;
}

// sup of sum_i s_i^2 K_i''(s_i mu) over mu in [0, r] (sign +1) or [-r, 0]
// (sign -1), as a step function of r: [0, Lambda] is cut into pieces
// [0, min(Lambda 2^-40, 2^-10)] (the second for the huge Lambda ~ 4/p of a
// Bernoulli with tiny p, whose K'' peaks at lambda ~ log(1/p)), then ratio
// 1 + 1/64, and the running maximum of the
// pieces' enclosures is kept. With the mean-value form, 2K(l)/l^2 <=
// running_max(|l|) on that side.
class SecondDerivativeEnvelope {
 public:
  SecondDerivativeEnvelope(const std::vector<ScaledVariable>& terms, const Rational& lambda_max, int sign,
                           mpfr_prec_t prec) {
    Rational lo = 0, hi = std::min(lambda_max * rational_pow2(-40), rational_pow2(-10)), running = 0;
    while (true) {
      Interval piece = sign > 0 ? Interval(lo, hi, prec) : Interval(-hi, -lo, prec);
      running = std::max(running, second_derivative_sum(terms, piece).upper());
      ends_.push_back(hi);
      max_.push_back(running);
      if (hi >= lambda_max) break;
      lo = hi;
      // Rounded up to 64 bits: exact powers of 65/64 grow by 7 bits a piece,
      // and a Bernoulli with p = 1e-300 needs about 45 000 pieces.
      hi = std::min(lambda_max, Interval(hi * Rational(65, 64), 64).upper());
    }
  }
  // An upper bound of K''-sum over [0, r] on this side, r <= Lambda.
  Rational sup_up_to(const Rational& r) const {
    auto it = std::lower_bound(ends_.begin(), ends_.end(), r);
    return max_[std::min<std::size_t>(it - ends_.begin(), max_.size() - 1)];
  }

 private:
  std::vector<Rational> ends_, max_;
};

Interval point_ratio(const std::vector<ScaledVariable>& terms, const Rational& lambda, mpfr_prec_t prec) {
  Interval l(lambda, prec), k(prec);
  for (const auto& v : terms)
    if (!is_gaussian(v)) k += Interval::from_int(v.count, prec) * log_mgf(v.x, Interval(v.scale, prec) * l);
  return Interval::from_int(2, prec) * k / interval_sqr(l);
}

// Upper bound of the ratio (Gaussian terms excluded) on a box.
Rational box_ratio_upper(const std::vector<ScaledVariable>& terms, const Interval& box,
                         const SecondDerivativeEnvelope& pos, const SecondDerivativeEnvelope& neg) {
  const mpfr_prec_t prec = box.precision();
  Rational mean_value = 0;
  if (box.upper() > 0) mean_value = std::max(mean_value, pos.sup_up_to(box.upper()));
  if (box.lower() < 0) mean_value = std::max(mean_value, neg.sup_up_to(-box.lower()));
  if (box.contains_zero()) return mean_value;
  Interval k(prec);
  for (const auto& v : terms)
    if (!is_gaussian(v)) k += Interval::from_int(v.count, prec) * log_mgf(v.x, Interval(v.scale, prec) * box);
  Interval direct = Interval::from_int(2, prec) * k / interval_sqr(box);
  // Centered form: psi(B) in psi(m) + psi'(B) (B - m), with
  // psi'(l) = (2 / l^2) (K'(l) - 2 K(l) / l); second order near an interior maximum.
  Interval k1(prec);
  for (const auto& v : terms)
    if (!is_gaussian(v))
      k1 += Interval(v.scale * v.count, prec) * log_mgf_derivative(v.x, Interval(v.scale, prec) * box);
  Interval two = Interval::from_int(2, prec);
  Interval slope = two / interval_sqr(box) * (k1 - two * k / box);
  Rational mid = (box.lower() + box.upper()) / 2;
  Interval centered = point_ratio(terms, mid, prec) + slope * (box - Interval(mid, prec));
  return std::min({direct.upper(), centered.upper(), mean_value});
}


}  // namespace

Interval variance_proxy_ratio(const std::vector<ScaledVariable>& terms, const Rational& lambda, mpfr_prec_t prec) {
  if (lambda == 0) throw std::invalid_argument("variance_proxy_ratio at 0");
  Interval gauss(prec);
  for (const auto& v : terms)
    if (is_gaussian(v)) gauss += Interval(v.count * v.scale * v.scale, prec);
  return point_ratio(terms, lambda, prec) + gauss;
}

ProxyResult variance_proxy(const std::vector<ScaledVariable>& terms, const Rational& rel_tol, std::size_t budget,
                           mpfr_prec_t prec) {
  ProxyResult out;
  Rational var = 0, dev = 0, gauss = 0;
  bool bounded_part = false;
  for (const auto& v : terms) {
    if (is_gaussian(v)) { gauss += v.count * v.scale * v.scale; continue; }
    bounded_part = true;
    var += v.count * v.scale * v.scale * v.x.variance();
    dev += v.count * rational_abs(v.scale) * *v.x.deviation_max();
  }
  if (!bounded_part) {  // only Gaussian terms: the ratio is constant
    out.lower = out.upper = gauss;
    out.argument = "Gaussian: K(lambda) = s^2 lambda^2 / 2 exactly, so the ratio is constant";
    return out;
  }
  // Lambda: a dyadic >= 4 M / Var.
  Integer lam = rational_ceil(4 * dev / var);
  out.lambda_max = Rational(lam);
  out.argument =
      "lambda -> 0: 2K(l)/l^2 = 2 int_0^1 (1-s) K''(s l) ds is enclosed by K'' on hull(0, box); "
      "|lambda| > " + rational_to_string(out.lambda_max) + ": K(l) <= |l| M with M = sup|X - EX| = " +
      rational_to_string(dev) + ", so the ratio is <= 2M/Lambda < Var = " + rational_to_string(var) +
      " <= sup (the limit at 0)";
  out.lower = var;  // the limit as lambda -> 0
  out.lambda_star = 0;
  struct Box {
    Rational upper, a, b;
    bool operator<(const Box& o) const { return upper < o.upper; }
  };
  std::priority_queue<Box> queue;
  const SecondDerivativeEnvelope pos(terms, out.lambda_max, 1, prec), neg(terms, out.lambda_max, -1, prec);
  auto push = [&](const Rational& a, const Rational& b) {
    Interval box(a, b, prec);
    queue.push({box_ratio_upper(terms, box, pos, neg), a, b});
    Rational mid = (a + b) / 2;
    if (mid != 0) {
      Rational v = point_ratio(terms, mid, prec).lower();
      if (v > out.lower) { out.lower = v; out.lambda_star = mid; }
    }
    ++out.boxes;
  };
  const int initial = 32;
  for (int i = -initial; i < initial; ++i)
    push(out.lambda_max * Rational(i, initial), out.lambda_max * Rational(i + 1, initial));
  while (queue.top().upper > out.lower * (1 + rel_tol) && out.boxes < budget) {
    Box b = queue.top();
    queue.pop();
    Rational mid = (b.a + b.b) / 2;
    push(b.a, mid);
    push(mid, b.b);
  }
  out.upper = std::max(queue.top().upper, out.lower);
  out.lower += gauss;
  out.upper += gauss;
  return out;
}

}  // namespace rl
