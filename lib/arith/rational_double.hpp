// Whether an exact rational is a double, decided without rounding steps.
#pragma once
#include "arith/rational.hpp"

namespace rl {

// True, with `out` = q, when q is exactly a (normal or zero) double: a quick
// test that spares the exact rounding steps for weights read from floats.
bool rational_is_double(const Rational& q, double& out);

}  // namespace rl
