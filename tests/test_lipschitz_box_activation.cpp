// Activation-space branching on a box (engine "box-activation"): against
// exact Jacobians at sampled points of the box and the input-box search
// (box-partition) on the same box; its certificates, accepted as produced and
// refused when a split is dropped, a stable state flipped, a multiplier
// altered or the box changed; the engine choice and the time limit.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "cert/claim.hpp"
#include "lipschitz/lipschitz.hpp"
#include "lipschitz/matrix_norm.hpp"
#include "net/eval.hpp"
#include "net/load.hpp"
#include "net/random_network.hpp"
#include "test_scale.hpp"
#include "test_lipschitz_support.hpp"
#include "test_support.hpp"

using namespace rl;
using namespace rl::test;
namespace fs = std::filesystem;

namespace test_box_activation {

const Norm kBoxNorms[] = {Norm::L2, Norm::L1, Norm::Linf};

Network random_box_net(std::mt19937_64& rng, std::uint64_t seed) {
  std::uniform_int_distribution<int> dim(1, 4), width(2, 8), outs(1, 2), depth(1, 3);
  std::vector<std::size_t> sizes{std::size_t(dim(rng))};
  const int hidden = depth(rng);
  for (int k = 0; k < hidden; ++k) sizes.push_back(std::size_t(width(rng)));
  sizes.push_back(std::size_t(outs(rng)));
  return random_network(sizes, seed);
}

// The same network with every weight rounded to 6 decimals and every bias to
// a multiple of 1/3: rationals that are not dyadic, as in .nnet files, so the
// checker's forms need denominators other than powers of two.
Network with_decimal_weights(const Network& net) {
  std::vector<std::pair<RationalMatrix, std::vector<Rational>>> layers;
  for (const Layer& l : net.layers) {
    RationalMatrix w = l.weights;
    for (auto& row : w) for (Rational& x : row) x = Rational(rational_floor(x * 1000000)) / 1000000;
    std::vector<Rational> b = l.bias;
    for (Rational& x : b) x = Rational(rational_floor(x * 3)) / 3;
    layers.emplace_back(std::move(w), std::move(b));
  }
  return network_from_layers(net.input_dim, std::move(layers), "decimal");
}

void random_box(std::mt19937_64& rng, std::size_t d, std::vector<Rational>& lo, std::vector<Rational>& hi) {
  random_grid_box(rng, d, {0.05, 0.3, 1.0, 3.0}, 64, lo, hi);
}

Json box_json(const std::vector<Rational>& lo, const std::vector<Rational>& hi) { return box_array_json(lo, hi); }

}  // namespace test_box_activation

using namespace test_box_activation;

TEST_CASE("box activation search: converged, above every sampled Jacobian, and overlapping the box-partition search") {
  std::mt19937_64 rng(4242);
  const int cases = int(rl::test::scaled(40));
  int converged = 0;
  for (int n = 0; n < cases; ++n) {
    const Network net = random_box_net(rng, 1300 + std::uint64_t(n));
    const Norm norm = kBoxNorms[n % 3];
    std::vector<Rational> lo, hi;
    random_box(rng, net.input_dim, lo, hi);
    CAPTURE(n);
    LipschitzResult r = lipschitz_bound(net, box_engine_options(norm, lo, hi, LipschitzOptions::Engine::BoxActivation));
    REQUIRE(r.engine == "box-activation");
    converged += r.status == SearchStatus::Converged;
    CHECK(r.lower <= r.upper);
    const double upper = rational_to_double(r.upper) * (1 + 1e-9);
    double largest = 0;
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int s = 0; s < 300; ++s) {
      std::vector<Rational> x;
      for (std::size_t i = 0; i < net.input_dim; ++i) x.push_back(lo[i] + (hi[i] - lo[i]) * rational_from_double(u(rng)));
      largest = std::fmax(largest, exact_slope_at(net, x, norm));
    }
    CHECK(largest <= upper);
    LipschitzOptions b = box_engine_options(norm, lo, hi, LipschitzOptions::Engine::BoxPartition);
    b.node_limit = 3000;
    const LipschitzResult partition = lipschitz_bound(net, b);
    CHECK(partition.engine == "box-partition");
    CHECK(partition.lower <= r.upper);
    CHECK(r.lower <= partition.upper);
  }
  MESSAGE("converged: " << converged << " of " << cases);
  CHECK(converged * 10 >= cases * 9);
}

TEST_CASE("box activation certificates: accepted, and refused when tampered") {
  std::mt19937_64 rng(91);
  const int cases = 12;  // not scaled: every tamper kind must occur
  int dropped = 0, flipped = 0, altered = 0, box_altered = 0, moved = 0, witnessed = 0;
  for (int n = 0; n < cases; ++n) {
    const Norm norm = kBoxNorms[n % 3];
    CAPTURE(n);
    const Network dyadic = random_box_net(rng, 1700 + std::uint64_t(n));
    const Network net = n % 2 ? with_decimal_weights(dyadic) : dyadic;
    std::vector<Rational> lo, hi;
    random_box(rng, net.input_dim, lo, hi);
    const fs::path path = temp_dir("boxact") / ("boxact" + std::to_string(n) + ".json");
    std::ofstream(path) << network_to_json(net);
    LipschitzOptions o = box_engine_options(norm, lo, hi, LipschitzOptions::Engine::BoxActivation);
    o.want_certificate = true;
    const LipschitzResult r = lipschitz_bound(net, o);
    REQUIRE(r.certificate["method"] == "box-activation");
    const Json claim = lipschitz_claim(path.string(), norm, {{"box", box_json(lo, hi)}}, r.certificate);
    const ClaimOutcome ok = lipschitz_claim_verify(claim, "boxact");
    INFO(ok.detail);
    REQUIRE(ok.verdict == ClaimVerdict::Holds);
    const Json& tree = claim["certificate"]["tree"];
    for (std::size_t i = 0; i < tree.size(); ++i)  // a split dropped
      if (tree[i].is_array()) {
        Json t = claim;
        t["certificate"]["tree"].erase(i);
        CHECK(lipschitz_claim_verify(t, "boxact").verdict == ClaimVerdict::Rejected);
        ++dropped;
        break;
      }
    for (std::size_t i = 0; i < tree.size(); ++i)  // a stable state flipped
      if (tree[i].is_object() && tree[i].contains("stable")) {
        Json t = claim;
        Json& s = t["certificate"]["tree"][i]["stable"][2];
        s = 1 - s.get<int>();
        CHECK(lipschitz_claim_verify(t, "boxact").verdict == ClaimVerdict::Rejected);
        ++flipped;
        break;
      }
    for (std::size_t i = 0; i < tree.size(); ++i) {  // a multiplier altered (a neuron's, then a box row's)
      if (!tree[i].is_object() || !tree[i].contains("farkas")) continue;
      const Json& y = tree[i]["farkas"];
      const std::size_t box_rows = 2 * net.input_dim;
      REQUIRE(y.size() >= box_rows);
      for (std::size_t t = 0; t < y.size(); ++t) {
        if (rational_parse(y[t].get<std::string>()) <= 0) continue;
        Json c = claim;
        Json& e = c["certificate"]["tree"][i]["farkas"][t];
        e = rational_to_string(rational_parse(e.get<std::string>()) + Rational(1, 7));
        CHECK(lipschitz_claim_verify(c, "boxact").verdict == ClaimVerdict::Rejected);
        (t + box_rows >= y.size() ? box_altered : altered) += 1;
      }
      Json shorter = claim;  // the box rows' multipliers left out
      for (std::size_t t = 0; t < box_rows; ++t) shorter["certificate"]["tree"][i]["farkas"].erase(y.size() - 1 - t);
      CHECK(lipschitz_claim_verify(shorter, "boxact").verdict == ClaimVerdict::Rejected);
      break;
    }
    {  // the box changed: one coordinate fixed (no interior), then the box moved away
      std::vector<Rational> flat_hi = hi;
      flat_hi[0] = lo[0];
      CHECK(lipschitz_claim_verify(lipschitz_claim(path.string(), norm, {{"box", box_json(lo, flat_hi)}}, r.certificate), "boxact").verdict == ClaimVerdict::Rejected);
      std::vector<Rational> far_lo = lo, far_hi = hi;
      for (std::size_t i = 0; i < lo.size(); ++i) { far_lo[i] += 50; far_hi[i] += 50; }
      if (r.lower > 0) {  // the witness lies outside the moved box
        ++witnessed;
        moved += lipschitz_claim_verify(lipschitz_claim(path.string(), norm, {{"box", box_json(far_lo, far_hi)}}, r.certificate), "boxact").verdict == ClaimVerdict::Rejected;
      }
    }
    if (r.lower > 0) {  // an upper below the witness's value
      Json low = claim;
      low["certificate"]["upper"] = rational_to_string(r.lower * Rational(999, 1000));
      CHECK(lipschitz_claim_verify(low, "boxact").verdict == ClaimVerdict::Rejected);
    }
  }
  CHECK(dropped > 0);
  CHECK(flipped > 0);
  CHECK(altered > 0);
  CHECK(box_altered > 0);
  CHECK(witnessed > 0);
  CHECK(moved == witnessed);
}

TEST_CASE("box activation: auto picks it on a small box, keeps input splits on a wide one; honours the time limit") {
  const Network net = random_network({4, 16, 16, 16, 2}, 5);
  const std::vector<Rational> small_lo(4, Rational(-1, 1000)), small_hi(4, Rational(1, 1000));
  const std::vector<Rational> wide_lo(4, Rational(-50)), wide_hi(4, Rational(50));
  const LipschitzResult small = lipschitz_bound(net, box_engine_options(Norm::L2, small_lo, small_hi, LipschitzOptions::Engine::Auto));
  CHECK(small.engine == "box-activation");
  CHECK(small.status == SearchStatus::Converged);
  LipschitzOptions wide = box_engine_options(Norm::L2, wide_lo, wide_hi, LipschitzOptions::Engine::Auto);
  wide.node_limit = 50;
  CHECK(lipschitz_bound(net, wide).engine == "box-partition");
  LipschitzOptions limited = box_engine_options(Norm::L2, wide_lo, wide_hi, LipschitzOptions::Engine::BoxActivation);
  limited.time_limit_seconds = 0.2;
  const auto start = std::chrono::steady_clock::now();
  const LipschitzResult r = lipschitz_bound(net, limited);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.engine == "box-activation");
  CHECK(r.status == SearchStatus::TimeLimit);
  CHECK(seconds < 3);
  CHECK(r.lower <= r.upper);
}
