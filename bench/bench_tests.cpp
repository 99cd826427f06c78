// Tests of the benchmark's own arithmetic and search, and of the distributed
// search's partition and combination (run by ctest as bench_tests).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <random>

#include "arith/error.hpp"
#include "arith/interval.hpp"
#include "bench_baselines.hpp"
#include "bench_bnb.hpp"
#include "bench_interval.hpp"
#include "bench_norms.hpp"
#include "lipschitz/box_partition.hpp"
#include "lipschitz/box_pieces.hpp"
#include "lipschitz/lipschitz.hpp"
#include "net/eval.hpp"
#include "net/load.hpp"
#include "net/random_network.hpp"

using namespace rl;
using namespace rl::bench;

TEST_CASE("bench: UInterval under round-upward mode encloses exact sums and products") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-3, 3);
  int strict = 0;
  for (int i = 0; i < 20000; ++i) {
    double a = u(rng), b = u(rng), c = u(rng), d = u(rng);
    UInterval x{std::min(a, b), std::max(a, b)}, y{std::min(c, d), std::max(c, d)}, p, s;
    {
      UpwardRounding guard;
      p = x * y;
      s = x + y;
    }
    // The exact results at the interval ends (extremes of a bilinear form).
    Rational xl = rational_from_double(x.lo), xh = rational_from_double(x.hi);
    Rational yl = rational_from_double(y.lo), yh = rational_from_double(y.hi);
    for (const Rational& e : {xl * yl, xl * yh, xh * yl, xh * yh}) {
      CHECK(rational_from_double(p.lo) <= e);
      CHECK(e <= rational_from_double(p.hi));
    }
    CHECK(rational_from_double(s.lo) <= xl + yl);
    CHECK(xh + yh <= rational_from_double(s.hi));
    // A point product that is not a double must get a strictly wider interval:
    // this fails if the compiler folded -((-a)*b) into a*b.
    UInterval pa{a, a}, pb{c, c}, pp;
    {
      UpwardRounding guard;
      pp = pa * pb;
    }
    if (rational_from_double(a) * rational_from_double(c) != rational_from_double(a * c)) {
      CHECK(pp.lo < pp.hi);
      ++strict;
    }
  }
  CHECK(strict > 1000);
}

TEST_CASE("bench: certified spectral norm bounds the exact norm of 2x2 matrices, and is tight") {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(-2, 2);
  for (int i = 0; i < 2000; ++i) {
    double a = u(rng), b = u(rng), c = u(rng), d = u(rng);
    double n = spectral_norm_upper_certified({DInterval::point(a), DInterval::point(b), DInterval::point(c), DInterval::point(d)}, 2, 2);
    // n^2 I - M^T M is PSD iff its trace and determinant are >= 0 (exact).
    Rational A = rational_from_double(a), B = rational_from_double(b), C = rational_from_double(c), D = rational_from_double(d);
    Rational t = rational_from_double(n) * rational_from_double(n);
    Rational g11 = A * A + C * C, g12 = A * B + C * D, g22 = B * B + D * D;
    CHECK((t - g11) + (t - g22) >= 0);
    CHECK((t - g11) * (t - g22) - g12 * g12 >= 0);
    CHECK(n <= spectral_norm_estimate(DenseMatrix{2, 2, {a, b, c, d}}) * (1 + 1e-9) + 1e-300);
  }
}

namespace {

// The exact Jacobian norm (rounded down) at a random rational point, when it is interior.
bool exact_norm_at(const Network& net, const std::vector<Rational>& x, Rational& out) {
  ExactTrace trace = net_trace_exact(net, x);
  if (!trace.is_interior()) return false;
  RationalMatrix j = net_jacobian_exact(net, trace.pattern());
  if (j.size() != 1) return false;  // scalar outputs: the exact l2 norm of the gradient
  Rational s = 0;
  for (const Rational& g : j[0]) s += g * g;
  out = interval_sqrt(Interval(s)).lower();
  return true;
}

}  // namespace

TEST_CASE("bench: rigorous box branch and bound brackets exact gradients and agrees with its float twin") {
  std::mt19937_64 rng(11);
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    std::size_t d = 1 + seed % 3;
    std::size_t outputs = seed % 5 == 0 ? 3 : 1;
    Network net = random_network({d, 5 + seed % 4, 4 + seed % 3, outputs}, seed);
    BnbOptions o;
    o.lo.assign(d, Rational(-1));
    o.hi.assign(d, Rational(1));
    o.time_limit_seconds = 5;
    BnbResult rig = bnb_lipschitz_l2(net, o);
    o.arithmetic = Arithmetic::Float;
    BnbResult flt = bnb_lipschitz_l2(net, o);
    INFO("seed " << seed);
    REQUIRE(rig.status == "converged");
    CHECK(rig.lower <= rig.upper);
    CHECK(rig.upper <= rig.lower * (1 + Rational(1) / 100000000));
    CHECK(flt.lower >= rig.lower * (1 - Rational(1) / 1000000));
    CHECK(flt.lower <= rig.upper * (1 + Rational(1) / 1000000));
    if (net.output_dim() != 1) continue;
    std::uniform_int_distribution<int> coord(-1000, 1000);
    for (int k = 0; k < 200; ++k) {
      std::vector<Rational> x;
      for (std::size_t i = 0; i < d; ++i) x.push_back(Rational(coord(rng)) / 1000);
      Rational g;
      if (exact_norm_at(net, x, g)) CHECK(g <= rig.upper);
    }
  }
}

TEST_CASE("distributed: box_partition covers the box exactly") {
  RationalBox box{{Rational(-1), Rational(0), Rational(3)}, {Rational(1), Rational(1, 3), Rational(3)}};
  for (std::size_t n : {1, 2, 5, 8, 33}) {
    std::vector<RationalBox> pieces = box_partition(box, n);
    CHECK(pieces.size() >= n);
    // The free coordinates' volumes add up; each piece lies in the box.
    Rational total = 0;
    for (const RationalBox& p : pieces) {
      Rational v = 1;
      for (std::size_t i = 0; i < 3; ++i) {
        CHECK(box.lo[i] <= p.lo[i]);
        CHECK(p.hi[i] <= box.hi[i]);
        CHECK(p.lo[i] <= p.hi[i]);
        if (i != 2) v *= p.hi[i] - p.lo[i];
      }
      total += v;
    }
    CHECK(total == Rational(2) * Rational(1, 3));
    // Random points fall in some piece.
    std::mt19937_64 rng(n);
    std::uniform_int_distribution<int> t(0, 999);
    for (int k = 0; k < 200; ++k) {
      std::vector<Rational> x{Rational(-1) + Rational(2 * t(rng), 999), Rational(t(rng), 2997), Rational(3)};
      bool inside = false;
      for (const RationalBox& p : pieces) {
        bool in = true;
        for (std::size_t i = 0; i < 3; ++i) in = in && p.lo[i] <= x[i] && x[i] <= p.hi[i];
        inside = inside || in;
      }
      CHECK(inside);
    }
  }
  CHECK_THROWS_AS(box_parse("1:0", 2), InputError);
  CHECK_THROWS_AS(box_parse("0:1,0:1,0:1", 2), InputError);
  CHECK_THROWS_AS(box_parse("0;1", 1), InputError);
}

TEST_CASE("distributed: combining the pieces' bounds agrees with one search on the whole box") {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    Network net = random_network({2, 8, 6, 1}, seed);
    LipschitzOptions o;
    o.domain.lo.assign(2, Rational(-1));
    o.domain.hi.assign(2, Rational(1));
    o.threads = 1;
    o.time_limit_seconds = 10;
    LipschitzResult whole = lipschitz_bound(net, o);
    std::vector<PieceOutcome> pieces;
    for (const RationalBox& b : box_partition(RationalBox{o.domain.lo, o.domain.hi}, 6)) {
      LipschitzOptions po = o;
      po.domain.lo = b.lo;
      po.domain.hi = b.hi;
      LipschitzResult r = lipschitz_bound(net, po);
      CHECK(r.upper <= piece_clarke_upper(net, Norm::L2, b) * (1 + Rational(1, 1000000)));
      pieces.push_back(PieceOutcome{b, r.lower, r.upper, r.lower_method, r.upper_method, PieceRun::Searched, r.status, r.nodes, r.seconds, {}});
    }
    LipschitzResult c = lipschitz_combine(pieces, o.rel_gap);
    INFO("seed " << seed);
    REQUIRE(whole.status == SearchStatus::Converged);
    CHECK(c.status == SearchStatus::Converged);
    CHECK(c.lower <= whole.upper);
    CHECK(whole.lower <= c.upper);
    // A piece that was not searched keeps the combination sound but open.
    pieces.front().lower = 0;
    pieces.front().upper = piece_clarke_upper(net, Norm::L2, pieces.front().box);
    pieces.front().run = PieceRun::NotRun;
    LipschitzResult open = lipschitz_combine(pieces, o.rel_gap);
    CHECK(open.upper >= c.upper);
    CHECK(open.lower <= c.lower);
  }
}

TEST_CASE("bench: stability counts follow the pieces of the grid") {
  // Two hidden neurons on one input: z0 = 4 x - 1, unstable exactly on the
  // pieces whose x-range holds 1/4 strictly inside, and z1 = x + 3, active
  // everywhere; a second input that no neuron reads only multiplies the pieces.
  Network net = network_parse_json(R"({"format":"robustlaw-net","version":1,"input_dim":2,
      "layers":[{"weights":[[4,0],[1,0]],"bias":[-1,3]},{"weights":[[1,1]],"bias":[0]}]})", "two.json");
  const std::vector<Rational> lo{Rational(-1), Rational(-1)}, hi{Rational(1), Rational(1)};
  StabilityCount whole = baseline_stability(net, lo, hi, 1);
  CHECK(whole.neurons == 2);
  CHECK(whole.pieces == 1);
  CHECK(whole.worst_unstable == 1);
  StabilityCount halves = baseline_stability(net, lo, hi, 2);  // x in [0, 1] holds 1/4
  CHECK(halves.pieces == 4);
  CHECK(halves.worst_unstable == 1);
  CHECK(halves.mean_unstable == doctest::Approx(0.5));
  StabilityCount thirds = baseline_stability(net, lo, hi, 3);  // x in [-1/3, 1/3] holds it
  CHECK(thirds.pieces == 9);
  CHECK(thirds.mean_unstable == doctest::Approx(1.0 / 3));
  CHECK_THROWS_AS(baseline_stability(net, lo, hi, 1001), InputError);
}
