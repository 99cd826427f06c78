// The typed verdict of "value <= bound" from enclosures: the rule at the
// end points, the combination over several claims, and the names.
#include <doctest/doctest.h>

#include "arith/error.hpp"
#include "arith/verdict.hpp"

using namespace rl;

TEST_CASE("verdict_of: holds, violated and inconclusive at the end points") {
  const Rational half(1, 2), one(1), two(2);
  CHECK(verdict_of(half, one, one, two) == Verdict::Holds);         // upper == bound lower: every value <= every bound
  CHECK(verdict_of(two, two, half, one) == Verdict::Violated);      // lower > bound upper
  CHECK(verdict_of(one, two, half, one) == Verdict::Inconclusive);  // lower == bound upper: not a violation
  CHECK(verdict_of(half, two, one, one) == Verdict::Inconclusive);  // straddles the bound
  CHECK(verdict_of(one, one, one) == Verdict::Holds);               // an exact bound
  CHECK(verdict_of(half, one, Interval(Rational(3, 4), 64)) == Verdict::Inconclusive);
  CHECK(verdict_of(Interval(two, 64), Interval(one, 64)) == Verdict::Violated);
}

TEST_CASE("verdict_all: one violation decides, else every claim must hold") {
  CHECK(verdict_all({}) == Verdict::Holds);
  CHECK(verdict_all({Verdict::Holds, Verdict::Holds}) == Verdict::Holds);
  CHECK(verdict_all({Verdict::Holds, Verdict::Inconclusive}) == Verdict::Inconclusive);
  CHECK(verdict_all({Verdict::Inconclusive, Verdict::Violated, Verdict::Holds}) == Verdict::Violated);
}

TEST_CASE("verdict names: printed and parsed at the boundary only") {
  for (Verdict v : {Verdict::Holds, Verdict::Violated, Verdict::Inconclusive}) CHECK(verdict_parse(verdict_name(v), "test") == v);
  CHECK(verdict_name(Verdict::Holds) == "holds");
  CHECK(verdict_name(Verdict::Violated) == "violated");
  CHECK(verdict_name(Verdict::Inconclusive) == "inconclusive");
  CHECK_THROWS_AS(verdict_parse("rejected", "--expect"), InputError);
}
