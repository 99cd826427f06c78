// Conversions between MPFI intervals and Arb balls, both directions outward.
//
// Semantics: arb_from_interval(x) is a ball containing every real in x;
// interval_from_arb(b, prec) is an interval containing every real in b.
#pragma once
#include <arb.h>

#include "arith/interval.hpp"

namespace rl {

// RAII holder for an arb_t.
class ArbBall {
 public:
  ArbBall() { arb_init(v_); }
  ~ArbBall() { arb_clear(v_); }
  ArbBall(const ArbBall&) = delete;
  ArbBall& operator=(const ArbBall&) = delete;
  arb_ptr get() { return v_; }
  arb_srcptr get() const { return v_; }

 private:
  arb_t v_;
};

void arb_from_interval(arb_t out, const Interval& x);
Interval interval_from_arb(arb_srcptr b, mpfr_prec_t prec);

}  // namespace rl
