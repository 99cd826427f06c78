#include "arith/arb_bridge.hpp"

#include <stdexcept>

namespace rl {

void arb_from_interval(arb_t out, const Interval& x) {
  mpfr_t lo, hi;
  mpfr_init2(lo, x.precision());
  mpfr_init2(hi, x.precision());
  mpfi_get_left(lo, x.raw());
  mpfi_get_right(hi, x.raw());
  // arb_set_interval_mpfr rounds the midpoint and radius outward.
  arb_set_interval_mpfr(out, lo, hi, x.precision() + 16);
  mpfr_clear(lo);
  mpfr_clear(hi);
}

Interval interval_from_arb(arb_srcptr b, mpfr_prec_t prec) {
  if (!arb_is_finite(b)) throw std::domain_error("Arb ball is not finite");
  mpfr_t lo, hi;
  mpfr_init2(lo, prec);
  mpfr_init2(hi, prec);
  // Rounds lo down and hi up, so [lo, hi] contains the ball.
  arb_get_interval_mpfr(lo, hi, b);
  Interval r(prec);
  mpfi_interv_fr(r.raw(), lo, hi);
  mpfr_clear(lo);
  mpfr_clear(hi);
  return r;
}

}  // namespace rl
