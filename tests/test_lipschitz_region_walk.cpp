// The untrusted region walk of the lower-bound search: it never leaves the
// box, never ends below its start, and on a network whose steepest region is
// a neighbour of the start's it gets there.
#include <doctest/doctest.h>

#include <random>

#include "lipschitz/lipschitz.hpp"
#include "lipschitz/problem.hpp"
#include "lipschitz/witness.hpp"
#include "net/network.hpp"
#include "net/random_network.hpp"
#include "test_scale.hpp"

using namespace rl;

namespace {

LipProblem box_problem(const Network& net, std::size_t d) {
  LipschitzOptions o;
  o.norm = Norm::L2;
  o.domain.lo.assign(d, Rational(-1));
  o.domain.hi.assign(d, Rational(1));
  return lipschitz_problem(net, o);
}

}  // namespace

TEST_CASE("region walk: stays in the box and never ends below its start") {
  std::mt19937_64 rng(3);
  const int networks = test::scaled(30);
  std::size_t improved = 0;
  for (int n = 0; n < networks; ++n) {
    const Network net = random_network({2, 10, 10, 1}, 200 + std::uint64_t(n));
    const LipProblem p = box_problem(net, 2);
    const DBox box = lipschitz_problem_dbox(p);
    const std::vector<double> start = witness_random_point(p, box, rng);
    const std::vector<double> end = witness_region_walk(p, box, start, 16, [] { return true; });
    REQUIRE(end.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) CHECK((end[i] >= box[i].lo && end[i] <= box[i].hi));
    CHECK(witness_estimate(p, end) >= witness_estimate(p, start));
    improved += witness_estimate(p, end) > witness_estimate(p, start);
  }
  CHECK(improved > 0);
}

TEST_CASE("region walk: crosses to the steeper side of a single hyperplane") {
  // g(x) = relu(x1) + 3 relu(-x1) on [-1, 1]^2: slope 1 for x1 > 0, 3 for x1 < 0.
  const Network net = network_from_layers(2, {{{{1, 0}, {-1, 0}}, {0, 0}}, {{{1, 3}}, {0}}});
  const LipProblem p = box_problem(net, 2);
  const DBox box = lipschitz_problem_dbox(p);
  const std::vector<double> end = witness_region_walk(p, box, {0.5, 0.2}, 4, [] { return true; });
  CHECK(end[0] < 0);
  CHECK(witness_estimate(p, end) == doctest::Approx(3.0));
  // A search whose time is up stops the walk where it stands, and the walk
  // asks again before each neuron's move: one move is allowed here.
  CHECK(witness_region_walk(p, box, {0.5, 0.2}, 4, [] { return false; }) == std::vector<double>{0.5, 0.2});
  int asked = 0;
  witness_region_walk(p, box, {0.5, 0.2}, 4, [&asked] { return ++asked <= 3; });
  CHECK(asked == 4);
}
