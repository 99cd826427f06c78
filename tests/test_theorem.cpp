// The theorem's enclosures and decisions, checked against an independent
// evaluation: exact rational bounds on log from the atanh series, at two
// truncation orders, never touching MPFI.
#include <doctest/doctest.h>

#include <random>

#include "arith/error.hpp"
#include "test_scale.hpp"
#include "theorem/companions.hpp"
#include "theorem/evaluate.hpp"
#include "theorem/formulas.hpp"
#include "theorem/network_corollary.hpp"
#include "net/network.hpp"

using namespace rl;

namespace {

struct Bounds { Rational lo, hi; };

// lo <= log(x) <= hi, x > 0: x = 2^m y with y in [1, 2), log y = 2 atanh(z),
// z = (y-1)/(y+1) in [0, 1/3), log 2 = 2 atanh(1/3), and
// 0 <= atanh(z) - sum_{j<N} z^(2j+1)/(2j+1) <= z^(2N+1) / ((2N+1)(1-z^2)).
Bounds atanh_series(const Rational& z, int terms) {
  Rational sum = 0, power = z, z2 = z * z;
  for (int j = 0; j < terms; ++j) { sum += power / (2 * j + 1); power *= z2; }
  return {sum, sum + power / ((2 * terms + 1) * (1 - z2))};
}

Bounds log_series(const Rational& x, int terms) {
  long m = 0;
  Rational y = x;
  while (y >= 2) { y /= 2; ++m; }
  while (y < 1) { y *= 2; --m; }
  Bounds l2 = atanh_series(Rational(1) / 3, terms), ly = atanh_series((y - 1) / (y + 1), terms);
  Rational mlo = m >= 0 ? 2 * m * l2.lo : 2 * m * l2.hi, mhi = m >= 0 ? 2 * m * l2.hi : 2 * m * l2.lo;
  return {2 * ly.lo + mlo, 2 * ly.hi + mhi};
}

// Independent enclosures of the theorem's quantities from the series.
Bounds series_condition8_margin(const TheoremParams& t, int terms) {
  Rational A = t.edition == Edition::Seed ? Rational(10000) : Rational(8 * 8 * 8 * 8);
  Bounds l = log_series(8 * t.k / t.delta, terms);
  Rational rhs = t.n * t.epsilon * t.epsilon;
  return {rhs - A * t.k * l.hi, rhs - A * t.k * l.lo};
}

Bounds series_bound_squared(const TheoremParams& t, int terms) {
  Rational G = 60 * t.W * t.J / t.epsilon + (t.edition == Edition::Seed ? 1 : 0);
  Bounds lg = log_series(G, terms), l4 = log_series(4 / t.delta, terms);
  Rational sigma = t.sigma ? *t.sigma : Rational(1);
  Rational X = t.edition == Edition::Seed ? sigma * sigma * (t.C2 ? *t.C2 : Rational(1)) * t.c : Rational(262144) * t.c;
  Rational num = t.epsilon * t.epsilon * t.n * t.d / X;
  Rational caplo = t.p * lg.lo + l4.lo, caphi = t.p * lg.hi + l4.hi;
  REQUIRE(caplo > 0);
  return {num / caphi, num / caplo};
}

// Decides sign with the series at growing orders; 0 when undecided.
template <class F>
int series_sign(F bounds) {
  for (int terms : {20, 60, 140}) {
    Bounds b = bounds(terms);
    if (b.lo > 0) return 1;
    if (b.hi < 0) return -1;
  }
  return 0;
}

Rational random_bounded_rational(std::mt19937_64& rng, long num_max, long den_max) {
  std::uniform_int_distribution<long> num(1, num_max), den(1, den_max);
  return Rational(Integer(num(rng)), Integer(den(rng)));
}

TheoremParams random_params(std::mt19937_64& rng) {
  std::uniform_int_distribution<long> big(1, 100000000), mid(1, 1000000), small(1, 20), per(1, 999);
  TheoremParams t;
  t.edition = rng() % 2 ? Edition::Seed : Edition::NeurIPS2021;
  t.n = big(rng); t.d = mid(rng); t.p = big(rng); t.k = small(rng);
  t.epsilon = Rational(Integer(per(rng)), Integer(1000));
  t.delta = Rational(Integer(per(rng)), Integer(1000));
  t.c = random_bounded_rational(rng, 100, 10);
  t.W = random_bounded_rational(rng, 1000, 10);
  t.J = random_bounded_rational(rng, 1000, 10);
  if (t.edition == Edition::Seed) { t.sigma = Rational(Integer(per(rng)), Integer(1000)); t.C2 = random_bounded_rational(rng, 100, 10); }
  return t;
}

TheoremParams mnist(Edition e) {
  TheoremParams t;
  t.edition = e;
  t.n = 60000; t.d = 784; t.p = 786000;
  t.epsilon = Rational(1) / 10; t.delta = Rational(1) / 100;
  t.c = 1; t.W = 1; t.J = 1;
  return t;
}

}  // namespace

TEST_CASE("theorem: log series bounds at two orders overlap the MPFI log") {
  std::mt19937_64 rng(11);
  for (std::size_t i = 0; i < test::scaled(200); ++i) {
    Rational x = random_bounded_rational(rng, 1000000, 1000);
    Bounds a = log_series(x, 15), b = log_series(x, 50);
    Interval m = interval_log(Interval(x, 256));
    CHECK(a.lo <= a.hi);
    CHECK(std::max({a.lo, b.lo, m.lower()}) <= std::min({a.hi, b.hi, m.upper()}));
    CHECK(b.hi - b.lo < a.hi - a.lo + Rational(1) / 1000000);
  }
}

TEST_CASE("theorem: bound (10) enclosures agree with the series evaluation") {
  std::mt19937_64 rng(12);
  for (std::size_t i = 0; i < test::scaled(60); ++i) {
    TheoremParams t = random_params(rng);
    if (edition_log_defect(t)) continue;
    TheoremEvaluation e = theorem_evaluate(t, 30);
    REQUIRE(e.bound.status == BoundValue::Status::Valid);
    REQUIRE(e.bound.value.reached);
    Bounds s = series_bound_squared(t, 80);
    Rational lo2 = e.bound.value.lower * e.bound.value.lower, hi2 = e.bound.value.upper * e.bound.value.upper;
    // The exact bound^2 lies in both enclosures, so they intersect, and the
    // refined one is at least as tight as 30 digits.
    CHECK(std::max(lo2, s.lo) <= std::min(hi2, s.hi));
    CHECK(e.bound.value.upper - e.bound.value.lower <= e.bound.value.upper * rational_pow10(-30));
    // Printed decimals are outward.
    CHECK(rational_parse(decimal_lower(e.bound.value.lower, 30)) <= e.bound.value.lower);
  }
}

TEST_CASE("theorem: condition (8) near its boundary matches the series decision") {
  std::mt19937_64 rng(13);
  for (std::size_t i = 0; i < test::scaled(30); ++i) {
    TheoremParams t = random_params(rng);
    // eps within 10^-25 of sqrt(A k log(8k/delta) / n): the margin is tiny.
    t.n = 100000000;
    Enclosure root = theorem_epsilon_min_condition8(t, 40);
    if (root.upper >= 1) continue;
    Rational scale = rational_pow10(25);
    Rational base = Rational(rational_floor(root.lower * scale)) / scale;
    for (int off : {-1, 0, 1, 2}) {
      t.epsilon = base + Rational(off) / scale;
      Condition8 c = theorem_condition8(t);
      REQUIRE(c.holds.has_value());
      CHECK(c.margin.precision > kRefineStartPrecision);  // 64 bits cannot see a 1e-25 relative margin
      int s = series_sign([&](int terms) { return series_condition8_margin(t, terms); });
      CHECK(s == (*c.holds ? 1 : -1));
    }
  }
}

TEST_CASE("theorem: least n satisfies (8) and n-1 does not, by the series") {
  std::mt19937_64 rng(14);
  for (std::size_t i = 0; i < test::scaled(40); ++i) {
    TheoremParams t = random_params(rng);
    LeastInteger l = theorem_least_n(t);
    REQUIRE(l.value.has_value());
    CHECK(l.verified);
    t.n = Rational(*l.value);
    CHECK(series_sign([&](int terms) { return series_condition8_margin(t, terms); }) == 1);
    if (*l.value > 1) {
      t.n = Rational(*l.value - 1);
      CHECK(series_sign([&](int terms) { return series_condition8_margin(t, terms); }) == -1);
    }
  }
}

TEST_CASE("theorem: least n at the paper's MNIST size, both editions") {
  for (Edition e : {Edition::Seed, Edition::NeurIPS2021}) {
    TheoremParams t = mnist(e);
    TheoremEvaluation ev = theorem_evaluate(t, 30);
    REQUIRE(ev.condition8.holds.has_value());
    CHECK_FALSE(*ev.condition8.holds);
    REQUIRE(ev.least_n.value.has_value());
    CHECK(*ev.least_n.value > 60000);
    // A log(800)/eps^2 with log(800) in [6.68461, 6.68462].
    Rational A = e == Edition::Seed ? 10000 : 4096;
    CHECK(Rational(*ev.least_n.value) >= A * rational_parse("6.68461") * 100);
    CHECK(Rational(*ev.least_n.value) <= A * rational_parse("6.68462") * 100 + 1);
  }
}

TEST_CASE("theorem: least p and the eps threshold, checked at their neighbours by the series") {
  std::mt19937_64 rng(15);
  for (std::size_t i = 0; i < test::scaled(25); ++i) {
    TheoremParams t = random_params(rng);
    if (edition_log_defect(t)) continue;
    Bounds b2 = series_bound_squared(t, 60);
    t.L = Rational(rational_floor(b2.lo * 1000)) / 3000 + Rational(1) / 1000000;  // about bound/sqrt(3)
    LeastInteger lp = theorem_least_p(t);
    REQUIRE(lp.value.has_value());
    CHECK(lp.verified);
    Rational L2 = *t.L * *t.L;
    TheoremParams at = t;
    at.p = Rational(*lp.value);
    CHECK(series_bound_squared(at, 80).hi <= L2);
    if (*lp.value > 1) {
      at.p = Rational(*lp.value - 1);
      CHECK(series_bound_squared(at, 80).lo > L2);
    }
    EpsilonThreshold th = theorem_epsilon_threshold(t, 25);
    if (th.kind != EpsilonThreshold::Kind::Enclosed) continue;
    TheoremParams lo = t, hi = t;
    lo.epsilon = th.lower;
    hi.epsilon = th.upper;
    if (lo.epsilon > 0) CHECK(series_bound_squared(lo, 140).hi <= L2);
    CHECK(series_bound_squared(hi, 140).lo > L2);
    CHECK(th.upper - th.lower <= th.upper * rational_pow10(-26));
  }
}

TEST_CASE("theorem: condition (9) is exact, equality included, and least d is tight") {
  TheoremParams t = mnist(Edition::Seed);
  t.C1 = 2; t.L = 3; t.sigma = Rational(1) / 2;
  // rhs = 2 * 1 * 9 * 1/4 / (1/100) = 450.
  t.d = 450;
  CHECK(theorem_condition9(t).holds);
  CHECK(theorem_condition9(t).rhs == 450);
  t.d = 449;
  CHECK_FALSE(theorem_condition9(t).holds);
  CHECK(theorem_least_d(t) == 450);
  t.C1 = Rational(1) / 3;  // rhs = 75
  CHECK(theorem_least_d(t) == 75);
  t.C1 = Rational(1) / 7;  // rhs = 450/14 = 32.14...
  CHECK(theorem_least_d(t) == 33);
}

TEST_CASE("theorem: an exact zero is reported undecided, not looped on") {
  SignDecision s = refine_sign([](mpfr_prec_t prec) {
    return interval_log(Interval(Rational(3), prec)) - interval_log(Interval(Rational(3), prec));
  });
  CHECK(s.sign == Sign::Undecided);
  CHECK(s.precision == kRefineMaxPrecision);
}

TEST_CASE("theorem: the NeurIPS negative log is flagged, never silently evaluated") {
  TheoremParams t = mnist(Edition::NeurIPS2021);
  t.W = Rational(1) / 100; t.J = Rational(1) / 100; t.epsilon = Rational(1) / 2;  // 60WJ/eps = 3/250
  TheoremEvaluation e = theorem_evaluate(t, 30);
  CHECK(e.log_defect);
  CHECK_FALSE(e.defects.empty());
  CHECK(e.log_term.upper < 0);
  CHECK(e.bound.status == BoundValue::Status::Undefined);  // 786000 log(3/250) + log(400) < 0
  Json j = theorem_evaluation_json(e);
  CHECK(j["log_defect"] == true);
  CHECK(j["lipschitz_lower_bound"]["lower"].is_null());
  // Small p: the denominator stays positive, the literal value is marked defective.
  t.p = 1;
  e = theorem_evaluate(t, 30);
  CHECK(e.bound.status == BoundValue::Status::Defective);
  // The edge 60WJ = eps exactly: log = 0, still a defect.
  t.W = 1; t.J = Rational(1) / 120;
  e = theorem_evaluate(t, 30);
  CHECK(e.log_defect);
  CHECK(e.log_term.lower == 0);
  CHECK(e.log_term.upper == 0);
  // The seed edition at the same point has log(1 + 60WJ/eps) > 0 and no defect.
  t.edition = Edition::Seed;
  CHECK_FALSE(theorem_evaluate(t, 30).log_defect);
  t.L = 1; t.edition = Edition::NeurIPS2021;
  CHECK_THROWS_AS(theorem_least_p(t), InputError);
}

TEST_CASE("theorem: malformed or out-of-range parameters raise InputError") {
  auto bad = [](auto mutate) {
    TheoremParams t = mnist(Edition::Seed);
    mutate(t);
    CHECK_THROWS_AS(theorem_evaluate(t, 30), InputError);
  };
  bad([](TheoremParams& t) { t.epsilon = 0; });
  bad([](TheoremParams& t) { t.epsilon = 1; });
  bad([](TheoremParams& t) { t.delta = Rational(3) / 2; });
  bad([](TheoremParams& t) { t.delta = -1; });
  bad([](TheoremParams& t) { t.n = Rational(3) / 2; });
  bad([](TheoremParams& t) { t.n = 0; });
  bad([](TheoremParams& t) { t.d = -4; });
  bad([](TheoremParams& t) { t.p = 0; });
  bad([](TheoremParams& t) { t.k = Rational(1) / 2; });
  bad([](TheoremParams& t) { t.c = 0; });
  bad([](TheoremParams& t) { t.W = -1; });
  bad([](TheoremParams& t) { t.J = 0; });
  bad([](TheoremParams& t) { t.sigma = Rational(2); });
  bad([](TheoremParams& t) { t.sigma = Rational(0); });
  bad([](TheoremParams& t) { t.sparsity = Rational(786001); });
  bad([](TheoremParams& t) { t.C2 = Rational(-1); });
  CHECK_THROWS_AS(edition_parse("neurips"), InputError);
  CHECK_THROWS_AS(rational_parse("0.1.2", "--epsilon"), InputError);
  TheoremParams t = mnist(Edition::Seed);
  CHECK_THROWS_AS(theorem_least_p(t), InputError);  // needs --L
  t.L = 1;
  CHECK_THROWS_AS(theorem_least_p(t), InputError);  // seed needs --C2
}

TEST_CASE("theorem: sparse bound (11) exceeds (10) when s log(pG) < p log G") {
  TheoremParams t = mnist(Edition::Seed);
  t.sparsity = 100;
  TheoremEvaluation e = theorem_evaluate(t, 30);
  REQUIRE(e.sparse_bound.has_value());
  CHECK(e.sparse_bound->value.lower > e.bound.value.upper);
  // Independent: s log(p G) + log(4/delta) with the series.
  Bounds lpg = log_series(t.p * 601, 60), l4 = log_series(Rational(400), 60);
  Rational num = Rational(1) / 100 * 60000 * 784;
  Rational lo2 = num / (100 * lpg.hi + l4.hi), hi2 = num / (100 * lpg.lo + l4.lo);
  Rational a = e.sparse_bound->value.lower, b = e.sparse_bound->value.upper;
  CHECK(std::max(a * a, lo2) <= std::min(b * b, hi2));
}

TEST_CASE("theorem: p = k(d+2) counts a bias-free-output two-layer network") {
  for (int k : {1, 3, 7}) for (int d : {1, 2, 5}) {
    RationalMatrix w1(k, std::vector<Rational>(d, Rational(1))), w2(1, std::vector<Rational>(k, Rational(1)));
    Network net = network_from_layers(d, {{w1, std::vector<Rational>(k, Rational(0))}, {w2, {Rational(0)}}});
    // The network format carries an output bias the seed's h(x) = sum a_i relu(w_i.x + b_i) lacks.
    CHECK(Integer(net.parameter_count() - 1) == two_layer_parameter_count(k, d));
  }
  CHECK_THROWS_AS(two_layer_parameter_count(0, 3), InputError);
}

TEST_CASE("theorem: corollary J = R (W Q p)^D is exact") {
  CHECK(corollary_lipschitz_J(28, 1, 1, 786000, 2) == Rational(28) * 786000 * 786000);
  CHECK(corollary_lipschitz_J(Rational(1) / 2, Rational(3) / 2, 2, 5, 3) == Rational(1) / 2 * 15 * 15 * 15);
  CHECK_THROWS_AS(corollary_lipschitz_J(1, Rational(1) / 2, 1, 5, 2), InputError);  // W >= 1
}

TEST_CASE("theorem: Theorem 1 and No Free Prune enclosures square back to their exact values") {
  Enclosure t1 = theorem1_explicit(2, 3, Rational(1) / 10, Rational(1) / 2, 60000, 784, 786000, 30);
  Rational sq = Rational(4) / 100 * 60000 * 784 / (Rational(1) / 4 * 786000 * 9);
  CHECK(t1.lower * t1.lower <= sq);
  CHECK(t1.upper * t1.upper >= sq);
  Enclosure nfp = no_free_prune_value(Rational(1) / 10, 60000, 784, 1000, 9000, 30);
  Rational sq2 = Rational(1) / 100 * 60000 * 784 / 10000;
  CHECK(nfp.lower * nfp.lower <= sq2);
  CHECK(nfp.upper * nfp.upper >= sq2);
  CHECK_THROWS_AS(no_free_prune_value(Rational(1) / 10, 1, 1, 0, 0, 30), InputError);
}

TEST_CASE("theorem: layer spectral-norm enclosures contain the 2x2 closed form") {
  std::mt19937_64 rng(16);
  std::uniform_int_distribution<long> num(-50, 50);
  for (std::size_t i = 0; i < test::scaled(40); ++i) {
    RationalMatrix a(2, std::vector<Rational>(2));
    for (auto& row : a) for (Rational& v : row) v = Rational(Integer(num(rng)), Integer(7));
    // sigma_max^2 = (T + sqrt(T^2 - 4 det^2)) / 2, T = ||A||_F^2.
    Rational T = 0;
    for (auto& row : a) for (Rational& v : row) T += v * v;
    Rational det = a[0][0] * a[1][1] - a[0][1] * a[1][0];
    Interval exact = (Interval(T, 256) + interval_sqrt(Interval(T * T - 4 * det * det, 256))) / Interval(Rational(2), 256);
    Network net = network_from_layers(2, {{a, {Rational(0), Rational(0)}}, {{{Rational(1), Rational(1)}}, {Rational(0)}}});
    SquaredEnclosure crude = layer_operator_norm_squared(net.layers[0]);
    CHECK(crude.lower <= exact.upper());
    CHECK(exact.lower() <= crude.upper);
    NetworkCorollary c = network_corollary(net, 1, 1);
    CHECK(c.layer_norms_squared[0].lower <= exact.upper());
    CHECK(exact.lower() <= c.layer_norms_squared[0].upper);
    CHECK(c.layer_norms_squared[0].lower <= c.layer_norms_squared[0].upper);
    // B(w) for two layers: max(||A_2||, ||A_1||) since each product omits one factor.
    CHECK(c.B_squared.upper >= std::max(c.layer_norms_squared[0].lower, c.layer_norms_squared[1].lower));
    CHECK(c.layer_norms_squared[1].lower <= 2);  // the row (1, 1) has norm^2 2
    CHECK(c.layer_norms_squared[1].upper >= 2);
  }
}

// The inertia bisection of ||A||_2^2 against matrices whose spectral norm is known exactly.
TEST_CASE("theorem: spectral_squared_refine encloses ||A||_2^2 to the digits asked") {
  // A = [[3, 0], [4, 5]]: A^T A = [[25, 20], [20, 25]], eigenvalues 45 and 5.
  Layer a;
  a.weights = {{3, 0}, {4, 5}};
  a.bias = {0, 0};
  SquaredEnclosure e = spectral_squared_refine(a, {Rational(25), Rational(50)}, 30);
  CHECK(e.lower <= 45);
  CHECK(45 <= e.upper);
  CHECK(e.upper - e.lower <= 45 * rational_pow10(-30));
  // A random 12 x 9 matrix: the bisection agrees with the row/column bounds and narrows them.
  std::mt19937_64 rng(4);
  Layer r;
  for (int i = 0; i < 12; ++i) {
    r.weights.emplace_back();
    for (int j = 0; j < 9; ++j) r.weights.back().push_back(Rational(static_cast<long>(rng() % 2001) - 1000, 1000));
    r.bias.push_back(0);
  }
  SquaredEnclosure start = layer_operator_norm_squared(r), tight = spectral_squared_refine(r, start, 25);
  CHECK(start.lower <= tight.lower);
  CHECK(tight.upper <= start.upper);
  CHECK(tight.upper - tight.lower <= tight.upper * rational_pow10(-25));
  // Rayleigh quotients of random vectors never pass the certified upper end.
  for (int k = 0; k < 20; ++k) {
    std::vector<Rational> v(9);
    for (auto& x : v) x = Rational(static_cast<long>(rng() % 201) - 100);
    Rational num = 0, den = 0;
    for (const auto& row : r.weights) {
      Rational s = 0;
      for (int j = 0; j < 9; ++j) s += row[j] * v[j];
      num += s * s;
    }
    for (const auto& x : v) den += x * x;
    if (den > 0) CHECK(num / den <= tight.upper);
  }
}
