// The double evaluations of lib/cert/relu_enclosure against the exact ones on
// thousands of random networks, boxes and activation states: every exact end
// point lies in its enclosure, and every Holds / Violated / state that the
// double evaluation decides is the exact evaluation's answer.
#include <doctest/doctest.h>

#include <random>

#include "cert/relu_enclosure.hpp"
#include "net/eval_exact.hpp"
#include "test_scale.hpp"
#include "test_support.hpp"

using namespace rl;
using namespace rl::test;

namespace test_relu_enclosure {

// Weights k/999 (not doubles, so their enclosures have width) or exact
// doubles, sizes {d, hidden..., outputs}.
Network random_rational_network(const std::vector<std::size_t>& sizes, std::mt19937_64& rng) {
  std::uniform_int_distribution<long> num(-1000, 1000);
  const bool doubles = rng() % 2;
  auto draw = [&]() { return doubles ? rational_from_double(double(num(rng)) / 1024) : q(num(rng), 999); };
  std::vector<std::pair<RationalMatrix, std::vector<Rational>>> layers;
  for (std::size_t k = 1; k < sizes.size(); ++k) {
    RationalMatrix w(sizes[k], std::vector<Rational>(sizes[k - 1]));
    std::vector<Rational> b(sizes[k]);
    for (auto& row : w) for (Rational& x : row) x = rng() % 5 == 0 ? Rational(0) : draw();
    for (Rational& x : b) x = draw();
    layers.emplace_back(std::move(w), std::move(b));
  }
  return network_from_layers(sizes.front(), std::move(layers));
}

std::vector<std::size_t> random_sizes(std::mt19937_64& rng) {
  std::vector<std::size_t> sizes{2 + rng() % 3};
  for (std::size_t k = 0, depth = 1 + rng() % 3; k < depth; ++k) sizes.push_back(2 + rng() % 5);
  sizes.push_back(1 + rng() % 3);
  return sizes;
}

// A box around a random point; some coordinates fixed (lo = hi), some with
// an end point at 0, where a first-layer bound can land exactly on 0.
std::vector<RInterval> random_box(std::size_t d, std::mt19937_64& rng) {
  std::vector<RInterval> box;
  for (std::size_t i = 0; i < d; ++i) {
    const Rational c = q(long(rng() % 2001) - 1000, 700), h = q(long(rng() % 300), 1000);
    switch (rng() % 4) {
      case 0: box.push_back({c, c}); break;
      case 1: box.push_back({Rational(0), h}); break;
      default: box.push_back({c - h, c + h});
    }
  }
  return box;
}

NeuronStates random_states(const Network& g, std::mt19937_64& rng, bool vertex) {
  NeuronStates s;
  for (std::size_t k = 0; k + 1 < g.layers.size(); ++k) {
    s.emplace_back();
    for (std::size_t i = 0; i < g.layers[k].out_dim(); ++i) s.back().push_back(int(rng() % (vertex ? 2 : 3)));
  }
  return s;
}

// The exact value of ||M|| in l1 / linf (largest column / row sum of |M|).
Rational sum_norm(const RMatrix& m, OperatorNorm norm) {
  Rational best = 0;
  const std::size_t rows = m.size(), cols = m.front().size();
  for (std::size_t a = 0; a < (norm == OperatorNorm::Linf ? rows : cols); ++a) {
    Rational s = 0;
    for (std::size_t b = 0; b < (norm == OperatorNorm::Linf ? cols : rows); ++b)
      s += rational_abs(norm == OperatorNorm::Linf ? m[a][b] : m[b][a]);
    best = std::max(best, s);
  }
  return best;
}

// Bounds to test at: for l1 / linf the exact norm and its neighbours 2^-80
// away (ties the double evaluation must leave to the exact one), and coarser
// ones; for l2 the Frobenius norm (>= the l2 norm) and fractions of it.
std::vector<Rational> bounds_near(const RMatrix& m, OperatorNorm norm) {
  const Rational tiny = Rational(1) / rational_pow2(80);
  if (norm != OperatorNorm::L2) {
    const Rational n = sum_norm(m, norm);
    return {n, n - tiny, n + tiny, n * q(999, 1000), n * q(1001, 1000), Rational(0)};
  }
  Rational frob2 = 0;
  for (const auto& row : m) for (const Rational& x : row) frob2 += x * x;
  const Rational f = rational_from_double(std::sqrt(rational_to_double(frob2)));
  return {f * 2, f, f * q(9, 10), f * q(7, 10), f * q(1, 2), f * q(1, 4), Rational(0)};
}

RMatrix magnitudes(const Grid<RInterval>& m) {
  RMatrix out(m.size());
  for (std::size_t r = 0; r < m.size(); ++r)
    for (const RInterval& v : m[r]) out[r].push_back(std::max(rational_abs(v.lo), rational_abs(v.hi)));
  return out;
}

std::vector<bool> random_free(std::size_t d, std::mt19937_64& rng) {
  std::vector<bool> free(d, true);
  if (rng() % 3 == 0) free[rng() % d] = false;
  return free;
}

struct Tally {
  std::size_t decided = 0, inconclusive = 0;
};

void check_decision(Verdict v, bool exact, Tally& t) {
  if (v == Verdict::Inconclusive) { ++t.inconclusive; return; }
  ++t.decided;
  CHECK((v == Verdict::Holds) == exact);
}

}  // namespace test_relu_enclosure

using namespace test_relu_enclosure;

TEST_CASE("relu_enclosure: pre-activation end points enclosed, and the decided states are the exact ones") {
  std::mt19937_64 rng(20261202);
  std::size_t decided = 0, undecided = 0, outside = 0;
  for (std::size_t n = 0; n < scaled(2000); ++n) {
    const Network g = random_rational_network(random_sizes(rng), rng);
    const std::vector<RInterval> box = random_box(g.input_dim, rng);
    const Grid<RInterval> exact = preactivation_intervals_exact(g, box);
    const std::optional<NeuronStates> s = preactivation_states_decide(g, box);
    if (!s) { ++undecided; continue; }
    ++decided;
    REQUIRE(s->size() + 1 == exact.size());
    for (std::size_t k = 0; k < s->size(); ++k)
      for (std::size_t i = 0; i < exact[k].size(); ++i) {
        const RInterval& z = exact[k][i];
        const int want = z.lo >= 0 ? 1 : (z.hi <= 0 ? 0 : 2);
        outside += (*s)[k][i] != want;
      }
  }
  CHECK(outside == 0);
  CHECK(decided > 9 * undecided);  // the double evaluation does the work
  // An end point exactly at 0 after a rounded product: 1/3 times [0, 3].
  const Network g = network_from_layers(1, {{{{q(1, 3)}}, {Rational(0)}}, {{{Rational(1)}}, {Rational(0)}}});
  CHECK_FALSE(preactivation_states_decide(g, {{Rational(0), Rational(3)}}).has_value());
  CHECK(preactivation_intervals_exact(g, {{Rational(0), Rational(3)}})[0][0].lo == 0);
}

TEST_CASE("relu_enclosure: Clarke enclosures contain the exact end points, and their decisions are exact") {
  std::mt19937_64 rng(7);
  Tally tally;
  std::size_t outside = 0;
  for (std::size_t n = 0; n < scaled(1500); ++n) {
    const Network g = random_rational_network(random_sizes(rng), rng);
    const NeuronStates s = random_states(g, rng, false);
    const std::vector<bool> free = random_free(g.input_dim, rng);
    const Grid<RInterval> exact = jacobian_enclosure_exact(g, s, free);
    const Grid<EndEnclosures> ends = jacobian_enclosure_ends(g, s, free);
    for (std::size_t r = 0; r < exact.size(); ++r)
      for (std::size_t c = 0; c < exact[r].size(); ++c)
        outside += !ends[r][c].lo.contains(exact[r][c].lo) || !ends[r][c].hi.contains(exact[r][c].hi);
    for (OperatorNorm norm : {OperatorNorm::L1, OperatorNorm::L2, OperatorNorm::Linf})
      for (const Rational& u : bounds_near(magnitudes(exact), norm))
        check_decision(magnitude_norm_decide(ends, norm, u), norm_at_most(magnitude_matrix(exact), norm, u), tally);
  }
  CHECK(outside == 0);
  CHECK(tally.decided > 2 * tally.inconclusive);
  CHECK(tally.inconclusive > 0);  // the ties at the exact l1 / linf norms
}

TEST_CASE("relu_enclosure: vertex Jacobians, l2 with signs kept, decided as the exact Jacobian's norm") {
  std::mt19937_64 rng(11);
  Tally tally;
  for (std::size_t n = 0; n < scaled(1500); ++n) {
    const Network g = random_rational_network(random_sizes(rng), rng);
    const NeuronStates s = random_states(g, rng, true);
    const std::vector<bool> free = random_free(g.input_dim, rng);
    ActivationPattern pattern;
    for (const auto& layer : s) pattern.active.emplace_back(layer.begin(), layer.end());
    RMatrix j = net_jacobian_exact(g, pattern);
    for (auto& row : j)
      for (std::size_t c = 0; c < row.size(); ++c) if (!free[c]) row[c] = 0;
    const Grid<EndEnclosures> ends = jacobian_enclosure_ends(g, s, free);
    for (OperatorNorm norm : {OperatorNorm::L1, OperatorNorm::L2, OperatorNorm::Linf})
      for (const Rational& u : bounds_near(j, norm)) check_decision(point_norm_decide(ends, norm, u), norm_at_most(j, norm, u), tally);
  }
  CHECK(tally.decided > 2 * tally.inconclusive);
}

// The exact l2 test in integers (fraction-free elimination), against exact
// norms: diagonal matrices (the largest magnitude), zero rows and columns
// (zero pivots), both orientations, and rank-one matrices a = v w^T, whose
// norm |v| |w| is tested by its square: (|v| |w|)^2 is rational.
TEST_CASE("relu_enclosure: norm_at_most in l2 is exact at the norm and just below it") {
  const auto q = [](long a, long b = 1) { return Rational(a) / Rational(b); };
  const Rational tiny = rational_pow2(-200);
  const auto exactly = [&](const RMatrix& a, const Rational& norm) {
    INFO(a.size() << "x" << a[0].size() << " at " << rational_to_string(norm));
    CHECK(norm_at_most(a, OperatorNorm::L2, norm));
    CHECK_FALSE(norm_at_most(a, OperatorNorm::L2, norm - tiny));
  };
  exactly({{q(3, 7), q(0)}, {q(0), q(-4, 7)}}, q(4, 7));
  exactly({{q(0), q(0), q(0)}, {q(0), q(5), q(0)}, {q(0), q(0), q(-1, 3)}}, q(5));  // zero first row and column
  exactly({{q(0), q(3)}, {q(0), q(0)}, {q(0), q(-4)}}, q(5));  // a zero column, as rows > cols
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<long> digit(-9, 9), den(1, 64);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t rows = 1 + trial % 4, cols = 1 + (trial / 4) % 4;
    std::vector<Rational> v(rows), w(cols);
    Rational vv = 0, ww = 0;
    for (Rational& x : v) { x = q(digit(rng), den(rng)); vv += x * x; }
    for (Rational& x : w) { x = q(digit(rng), den(rng)); ww += x * x; }
    RMatrix a(rows, std::vector<Rational>(cols));
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < cols; ++c) a[r][c] = v[r] * w[c];
    const Rational square = vv * ww;  // the norm's square
    INFO("trial " << trial);
    // u with u^2 just above / below the norm's square: from a rational square root bracket.
    const double approx = std::sqrt(rational_to_double(square));
    Rational above = rational_from_double(approx), below = above;
    while (above * above < square) above += rational_pow2(-60);
    while (below > 0 && below * below >= square) below -= rational_pow2(-60);
    CHECK(norm_at_most(a, OperatorNorm::L2, above));
    if (square > 0) CHECK_FALSE(norm_at_most(a, OperatorNorm::L2, below));
    if (square == 0) CHECK(norm_at_most(a, OperatorNorm::L2, Rational(0)));
  }
}
