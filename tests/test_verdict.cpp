// The typed verdict of "value <= bound" from enclosures: the rule at the
// end points, the combination over several claims, and the names; the typed
// claim verdict, its names and the words a claim file may expect.
#include <doctest/doctest.h>

#include "arith/error.hpp"
#include "arith/verdict.hpp"
#include "cert/claim_verdict.hpp"
#include "test_support.hpp"

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

TEST_CASE("claim verdict names: every verdict parses back, a claim file expects none of the reserved ones") {
  for (ClaimVerdict v : kClaimVerdicts) {
    CHECK(claim_verdict_parse(claim_verdict_name(v), "test") == v);
    const bool reserved = v == ClaimVerdict::Rejected || v == ClaimVerdict::Error;
    if (reserved) {
      CHECK_THROWS_AS(claim_expected_parse(claim_verdict_name(v), "claim.json"), InputError);
    } else {
      CHECK(claim_expected_parse(claim_verdict_name(v), "claim.json") == v);
    }
  }
  CHECK(claim_verdict_name(ClaimVerdict::BoundInRange) == "bound-in-range");
  for (const char* word : {"verified", "refuted", "Holds", "holds ", ""}) {
    INFO(word);
    CHECK_THROWS_AS(claim_verdict_parse(word, "test"), InputError);
    CHECK_THROWS_AS(claim_expected_parse(word, "claim.json"), InputError);
  }
  CHECK_THROWS_WITH_AS(claim_expected_parse("error", "dir/claim.json"),
                       "dir/claim.json: \"expected\" must be holds, violated, bound-in-range, inconclusive or undecided, not \"error\" "
                       "(\"rejected\" and \"error\" are the checker's own findings)",
                       InputError);
}

TEST_CASE("claim verdicts of numeric verdicts keep their meaning and name") {
  for (Verdict v : {Verdict::Holds, Verdict::Violated, Verdict::Inconclusive})
    CHECK(claim_verdict_name(claim_verdict_of(v)) == verdict_name(v));
}
