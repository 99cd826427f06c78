#include "prob/clopper_pearson.hpp"

#include <arb_hypgeom.h>

#include <boost/math/special_functions/beta.hpp>
#include <stdexcept>

#include "arith/arb_bridge.hpp"

namespace rl {
namespace {

constexpr slong kPrec = 128;

Interval incomplete_beta(const Rational& p, std::uint64_t a, std::uint64_t b) {
  ArbBall ab, bb, z, r;
  arb_set_ui(ab.get(), a);
  arb_set_ui(bb.get(), b);
  arb_from_interval(z.get(), Interval(p, kPrec));
  arb_hypgeom_beta_lower(r.get(), ab.get(), bb.get(), z.get(), 1, kPrec);
  if (!arb_is_finite(r.get())) throw std::runtime_error("incomplete beta enclosure failed");
  return interval_from_arb(r.get(), kPrec);
}

// Untrusted: the double solution of I_p(a, b) = level, clamped into (0, 1).
double beta_quantile_guess(std::uint64_t a, std::uint64_t b, const Rational& level) {
  try {
    return boost::math::ibeta_inv(static_cast<double>(a), static_cast<double>(b), rational_to_double(level));
  } catch (...) {
    return 0.5;
  }
}

}  // namespace

bool incomplete_beta_at_most(const Rational& p, std::uint64_t a, std::uint64_t b, const Rational& level) {
  return incomplete_beta(p, a, b).upper() <= level;
}

bool incomplete_beta_at_least(const Rational& p, std::uint64_t a, std::uint64_t b, const Rational& level) {
  return incomplete_beta(p, a, b).lower() >= level;
}

Rational clopper_pearson_lower(std::uint64_t k, std::uint64_t n, const Rational& alpha) {
  if (k > n) throw std::invalid_argument("clopper_pearson_lower: k > n");
  if (k == 0) return 0;
  // I_p(k, n-k+1) is increasing in p: step down until the enclosure proves <= alpha.
  Rational p = rational_from_double(beta_quantile_guess(k, n - k + 1, alpha));
  Rational step = p * rational_pow2(-30);
  for (int i = 0; i < 200; ++i) {
    if (p > 0 && incomplete_beta_at_most(p, k, n - k + 1, alpha)) return p;
    p -= step;
    step *= 2;
    if (p <= 0) return 0;
  }
  return 0;
}

Rational clopper_pearson_upper(std::uint64_t k, std::uint64_t n, const Rational& alpha) {
  if (k > n) throw std::invalid_argument("clopper_pearson_upper: k > n");
  if (k == n) return 1;
  // P(Bin <= k) = 1 - I_p(k+1, n-k), decreasing in p: step up until it is proved <= alpha.
  Rational level = Rational(1) - alpha;
  Rational p = rational_from_double(beta_quantile_guess(k + 1, n - k, level));
  Rational step = (1 - p) * rational_pow2(-30) + rational_pow2(-80);
  for (int i = 0; i < 200; ++i) {
    if (p < 1 && incomplete_beta_at_least(p, k + 1, n - k, level)) return p;
    p += step;
    step *= 2;
    if (p >= 1) return 1;
  }
  return 1;
}

}  // namespace rl
