// Motzkin certificates of strict systems with box rows (lipschitz/strict_system.hpp):
// every certificate returned satisfies the Motzkin conditions exactly, none is
// returned for a system with a point that satisfies every row (checked
// exactly), and both the cheap box-cancelled certificate (not normalized) and
// the exact solve (sum y = 1) occur.
#include <doctest/doctest.h>

#include <random>

#include "lipschitz/strict_system.hpp"

using namespace rl;

namespace test_strict_system {

struct BoxSystem {
  std::size_t d = 0;
  std::vector<ExactRow> exact;  // neuron rows, then x_c + 1 > 0 and 1 - x_c > 0 per coordinate
  std::vector<StrictRow> rows;
};

// k random rows with small dyadic coefficients, then the box [-1, 1]^d.
BoxSystem random_box_system(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> dim(1, 3), count(1, 5), coef(-8, 8);
  BoxSystem s;
  s.d = std::size_t(dim(rng));
  const int k = count(rng);
  for (int t = 0; t < k; ++t) {
    ExactRow r{std::vector<Rational>(s.d), Rational(coef(rng), 4)};
    for (std::size_t c = 0; c < s.d; ++c) r.a[c] = Rational(coef(rng), 4);
    s.exact.push_back(r);
  }
  for (std::size_t c = 0; c < s.d; ++c)
    for (int side = 0; side < 2; ++side) {
      ExactRow r{std::vector<Rational>(s.d, Rational(0)), Rational(1)};
      r.a[c] = side ? -1 : 1;
      s.exact.push_back(r);
    }
  for (const ExactRow& r : s.exact) {
    StrictRow f{{}, rational_to_double(r.c)};
    for (const Rational& v : r.a) f.a.push_back(rational_to_double(v));
    s.rows.push_back(f);
  }
  return s;
}

// y >= 0, y != 0, sum y_t a_t = 0 and sum y_t c_t <= 0, exactly.
bool motzkin_holds(const BoxSystem& s, const std::vector<Rational>& y) {
  if (y.size() != s.exact.size()) return false;
  std::vector<Rational> sum(s.d, Rational(0));
  Rational c = 0;
  bool nonzero = false;
  for (std::size_t t = 0; t < y.size(); ++t) {
    if (y[t] < 0) return false;
    nonzero |= y[t] != 0;
    for (std::size_t col = 0; col < s.d; ++col) sum[col] += y[t] * s.exact[t].a[col];
    c += y[t] * s.exact[t].c;
  }
  for (const Rational& v : sum) if (v != 0) return false;
  return nonzero && c <= 0;
}

bool satisfies_every_row(const BoxSystem& s, const std::vector<double>& x) {
  for (const ExactRow& r : s.exact) {
    Rational z = r.c;
    for (std::size_t c = 0; c < s.d; ++c) z += r.a[c] * rational_from_double(x[c]);
    if (!(z > 0)) return false;
  }
  return true;
}

}  // namespace test_strict_system

using namespace test_strict_system;

TEST_CASE("strict systems with box rows: certificates hold exactly, none for a system with a point, both kinds occur") {
  std::mt19937_64 rng(2026);
  int refuted = 0, cheap = 0, normalized = 0, feasible = 0, from_slack = 0;
  for (int n = 0; n < 400; ++n) {
    CAPTURE(n);
    const BoxSystem s = random_box_system(rng);
    const std::size_t box_from = s.exact.size() - 2 * s.d;
    const auto exact_row = [&s](std::size_t t) { return s.exact[t]; };
    for (bool with_box : {true, false}) {
      const auto y = strict_system_refutation(s.rows, s.d, exact_row,
                                              with_box ? std::optional<std::size_t>(box_from) : std::nullopt);
      const auto x = strict_system_point(s.rows, s.d);
      // The point's LP hands its multipliers to the refutation instead of a second solve.
      const StrictSlack slack = strict_system_slack(s.rows, s.d);
      CHECK(slack.point.has_value() == x.has_value());
      if (!slack.point) {
        const auto z = strict_system_refutation(s.rows, s.d, exact_row,
                                                with_box ? std::optional<std::size_t>(box_from) : std::nullopt, &slack.multipliers);
        if (z) {
          CHECK(motzkin_holds(s, *z));
          ++from_slack;
        }
      }
      if (x) {
        CHECK(satisfies_every_row(s, *x));  // its slack is checked at x itself
        ++feasible;
        CHECK(!y);
      }
      if (!y) continue;
      CHECK(motzkin_holds(s, *y));
      ++refuted;
      Rational total = 0;
      for (const Rational& v : *y) total += v;
      (total == 1 ? normalized : cheap) += 1;
    }
  }
  CHECK(feasible > 50);
  CHECK(refuted > 50);
  CHECK(from_slack > 50);
  CHECK(cheap > 10);
  CHECK(normalized > 10);
}
