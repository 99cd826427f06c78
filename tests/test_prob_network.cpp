// A ReLU network divided by its certified Lipschitz upper bound as a test function.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <algorithm>

#include "arith/error.hpp"
#include "prob/concentration_mc.hpp"
#include "prob/network_function.hpp"

using namespace rl;

namespace {

// f(x) = relu(x_1) - relu(-x_1) = x_1 on R^3 (and a two-output variant).
std::string write_identity_net(bool two_outputs) {
  auto path = std::filesystem::temp_directory_path() / (two_outputs ? "rl_prob_net2.json" : "rl_prob_net1.json");
  std::ofstream f(path);
  f << R"({"format": "robustlaw-net", "version": 1, "input_dim": 3, "layers": [
        {"weights": [["1", "0", "0"], ["-1", "0", "0"]], "bias": ["0", "0"]},
        {"weights": [["1", "-1"])" << (two_outputs ? R"(, ["2", "0"])" : "") << R"(], "bias": ["0")"
    << (two_outputs ? R"(, "0")" : "") << "]}]}";
  return path.string();
}

}  // namespace

TEST_CASE("prob network: f / U is 1-Lipschitz with U a certified bound, and bad inputs are refused") {
  std::string one = write_identity_net(false), two = write_identity_net(true);
  TestFunction phi = network_test_function(one, 3, "test");
  CHECK(phi.lipschitz_squared == 1);
  // f = x_1 has Lip 1 and the layer-norm product gives 2, so phi(x) = x_1 / U with 1 <= U <= 2.
  DInterval v = phi.eval({0.5, 3.0, -2.0});
  // An outward enclosure of x_1 / U: a few ulps wide, around a value in [1/4, 1/2].
  CHECK(v.hi <= 0.5 + 1e-14);
  CHECK(v.lo >= 0.25 - 1e-12);
  CHECK(v.hi - v.lo < 1e-14);
  // Output 1 of the two-output network is 2 relu(x_1): Lip 2, phi = 2 relu(x_1) / U.
  TestFunction second = network_test_function(two + "#1", 3, "test");
  CHECK(second.eval({0.25, 0, 0}).hi <= 0.25 + 1e-12);
  CHECK(second.eval({-0.25, 0, 0}).contains(0.0));
  CHECK(second.eval({-0.25, 0, 0}).mag() < 1e-300);
  CHECK_THROWS_AS(network_test_function(two, 3, "test"), InputError);       // vector output
  CHECK_THROWS_AS(network_test_function(one, 4, "test"), InputError);       // wrong d
  CHECK_THROWS_AS(network_test_function(two + "#2", 3, "test"), InputError);  // no such output
}

TEST_CASE("prob network: the Monte Carlo tail of x_1 / U on the sphere lies below the exact tail of x_1") {
  std::string one = write_identity_net(false);
  TestFunction phi = network_test_function(one, 3, "test");
  Measure m = measure_parse("sphere", 3, "test");
  ConcentrationBound b;
  b.c = constant_parse("1", "test");
  b.d = 3;
  McOptions o;
  o.samples = 20000;
  McResult r = concentration_check_mc(m, phi, b, {Rational(1, 4), Rational(1, 2)}, o);
  // On S^2, x_1 is uniform on [-1, 1]: P(|x_1 / U| > t) = max(0, 1 - t U).
  double u = 1.0 / phi.eval({1.0, 0.0, 0.0}).hi;
  for (std::size_t k = 0; k < 2; ++k) {
    double exact = std::max(0.0, 1 - rational_to_double(r.points[k].t) * u);
    CHECK(rational_to_double(r.points[k].lower) <= exact + 1e-9);
    CHECK(exact <= rational_to_double(r.points[k].upper) + 1e-9);
  }
}
