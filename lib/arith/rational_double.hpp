// Whether an exact rational is a double, decided without rounding steps.
#pragma once
#include "arith/rational.hpp"

namespace rl {

// True, with `out` = q, when q is exactly a (normal or zero) double: a quick
// test that spares the exact rounding steps for weights read from floats.
bool rational_is_double(const Rational& q, double& out);

// When q rounded down (up) to a double is a normal double or zero: true, with
// `out` that double. One correctly rounded MPFR conversion (no gcd, which the
// exact comparisons of the general path cost); false near the subnormal and
// overflow ranges, which the callers handle on their general path.
bool rational_round_down_normal(const Rational& q, double& out);
bool rational_round_up_normal(const Rational& q, double& out);
// The same for the nearest double (ties to even), with `side` the sign of
// out - q: 0 when q is that double, else q lies strictly between out and its
// neighbour on the other side, which is then q rounded the other way.
bool rational_round_nearest_normal(const Rational& q, double& out, int& side);

}  // namespace rl
