// The untrusted region walk and region beam of the lower-bound search: they
// never leave the box, never end below their start, and on a network whose
// steepest region is a neighbour of the start's they get there.
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

TEST_CASE("region beam: stays in the box, never below its best start, and visits each region once") {
  std::mt19937_64 rng(5);
  const int networks = test::scaled(20);
  std::size_t improved = 0;
  for (int n = 0; n < networks; ++n) {
    const Network net = random_network({3, 12, 12, 2}, 400 + std::uint64_t(n));
    const LipProblem p = box_problem(net, 3);
    const DBox box = lipschitz_problem_dbox(p);
    std::vector<std::vector<double>> starts;
    double best_start = 0;
    for (int k = 0; k < 8; ++k) {
      starts.push_back(witness_random_point(p, box, rng));
      best_start = std::max(best_start, witness_estimate(p, starts.back()));
    }
    const auto found = witness_region_beam(p, box, starts, 4, 6, [] { return true; });
    REQUIRE(!found.empty());
    CHECK(found.size() <= 4);
    for (const auto& x : found)
      for (std::size_t i = 0; i < 3; ++i) CHECK((x[i] >= box[i].lo && x[i] <= box[i].hi));
    for (std::size_t k = 1; k < found.size(); ++k) CHECK(witness_estimate(p, found[k - 1]) >= witness_estimate(p, found[k]));
    CHECK(witness_estimate(p, found.front()) >= best_start);
    improved += witness_estimate(p, found.front()) > best_start;
  }
  CHECK(improved > 0);
  // g(x) = relu(x1) + 2 relu(x1 - 0.5) + 4 relu(-x1 - 0.5) on [-1, 1]^2: slopes
  // 1 on (0, 0.5), 3 above 0.5, 0 on (-0.5, 0), 4 below -0.5. From x1 = 0.25
  // the beam reaches the steepest region and returns the others after it.
  const Network steps = network_from_layers(2, {{{{1, 0}, {1, 0}, {-1, 0}}, {0, Rational(-1, 2), Rational(-1, 2)}}, {{{1, 2, 4}}, {0}}});
  const LipProblem q = box_problem(steps, 2);
  const DBox qbox = lipschitz_problem_dbox(q);
  const auto beam = witness_region_beam(q, qbox, {{0.25, 0.1}}, 4, 4, [] { return true; });
  CHECK(witness_estimate(q, beam.front()) == doctest::Approx(4.0));
  CHECK(beam.front()[0] < -0.5);
  REQUIRE(beam.size() == 4);  // the four regions, each once
  CHECK(witness_estimate(q, beam[1]) == doctest::Approx(3.0));
  CHECK(witness_estimate(q, beam[3]) == doctest::Approx(0.0));
  // A search whose time is up keeps its starts.
  const auto stopped = witness_region_beam(q, qbox, {{0.25, 0.1}}, 4, 4, [] { return false; });
  REQUIRE(stopped.size() == 1);
  CHECK(stopped.front() == std::vector<double>{0.25, 0.1});
}
