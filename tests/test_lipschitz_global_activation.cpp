// The exact global constant of networks with several hidden layers
// (activation-space branching over R^d): against exact Jacobians at sampled
// points, the box search on a box around the witness, the one-hidden-layer
// region enumeration, the other branching rule; and its certificates,
// accepted as produced and refused when tampered.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "cert/claim.hpp"
#include "lipschitz/global_activation.hpp"
#include "lipschitz/global_one_layer.hpp"
#include "lipschitz/lipschitz.hpp"
#include "lipschitz/matrix_norm.hpp"
#include "net/eval.hpp"
#include "net/load.hpp"
#include "net/random_network.hpp"
#include "test_scale.hpp"
#include "test_lipschitz_support.hpp"
#include "test_support.hpp"

using namespace rl::test;

using namespace rl;
namespace fs = std::filesystem;

namespace {

const Norm kNorms[] = {Norm::L2, Norm::L1, Norm::Linf};

// Degenerate variants: a duplicate neuron, a parallel one and a neuron that is zero wherever its inputs are off.
Network degenerate(Network net) {
  Layer& l = net.layers[1];
  if (l.out_dim() < 3) return net;
  l.weights[1] = l.weights[0];
  l.bias[1] = l.bias[0];
  for (std::size_t c = 0; c < l.in_dim(); ++c) l.weights[2][c] = 3 * l.weights[0][c];
  l.bias[2] = 3 * l.bias[0];
  l.bias[0] = 0;
  network_finalize(net);
  return net;
}

Network random_deep(std::mt19937_64& rng, std::uint64_t seed) {
  std::uniform_int_distribution<int> dim(1, 3), width(2, 6), outs(1, 2), depth(2, 3);
  std::vector<std::size_t> sizes{std::size_t(dim(rng))};
  const int hidden = depth(rng);
  for (int k = 0; k < hidden; ++k) sizes.push_back(std::size_t(width(rng)));
  sizes.push_back(std::size_t(outs(rng)));
  return random_network(sizes, seed);
}

LipschitzOptions global_options(Norm norm) {
  LipschitzOptions o;
  o.norm = norm;
  o.domain.global = true;
  o.threads = 1;
  o.lipsdp = LipschitzOptions::Lipsdp::Off;
  return o;
}

}  // namespace

TEST_CASE("global activation search: converged, above every sampled Jacobian, and consistent with the box search") {
  std::mt19937_64 rng(2027);
  std::normal_distribution<double> g(0.0, 1.0);
  std::uniform_real_distribution<double> exponent(-2, 3);
  const int cases = int(rl::test::scaled(30));
  int converged = 0;
  for (int n = 0; n < cases; ++n) {
    Network net = random_deep(rng, 900 + std::uint64_t(n));
    if (n % 4 == 1) net = degenerate(net);
    const Norm norm = kNorms[n % 3];
    CAPTURE(n);
    CAPTURE(norm_name(norm));
    LipschitzOptions o = global_options(norm);
    o.baselines = true;
    LipschitzResult r = lipschitz_bound(net, o);
    converged += r.status == SearchStatus::Converged;
    CHECK(r.lower <= r.upper);
    REQUIRE(r.baselines);
    CHECK(r.upper <= r.baselines->clarke_upper);
    const double upper = rational_to_double(r.upper) * (1 + 1e-9);
    double largest = 0, largest_in_box = 0;
    for (int s = 0; s < 400; ++s) {
      const double scale = std::pow(10.0, exponent(rng));
      std::vector<Rational> x;
      bool in_box = true;
      for (std::size_t i = 0; i < net.input_dim; ++i) {
        x.push_back(rational_from_double(scale * g(rng)));
        in_box &= rational_abs(x.back()) <= 1000;
      }
      const double slope = exact_slope_at(net, x, norm);
      largest = std::fmax(largest, slope);
      if (in_box) largest_in_box = std::fmax(largest_in_box, slope);
    }
    CHECK(largest <= upper);
    // The box search on a box around the origin that holds a point of every
    // sampled region: its constant is at most the global one.
    LipschitzOptions b = global_options(norm);
    b.domain.global = false;
    b.domain.lo.assign(net.input_dim, Rational(-1000));
    b.domain.hi.assign(net.input_dim, Rational(1000));
    b.node_limit = 400;
    LipschitzResult box = lipschitz_bound(net, b);
    CHECK(box.lower <= r.upper);
    CHECK(box.upper >= largest_in_box * (1 - 1e-9));
  }
  MESSAGE("converged: " << converged << " of " << cases);
  CHECK(converged * 10 >= cases * 9);
}

TEST_CASE("global activation search: one hidden layer agrees with region enumeration; both branching rules agree") {
  std::mt19937_64 rng(41);
  std::uniform_int_distribution<int> dim(1, 4), width(2, 10), outs(1, 2);
  const int cases = int(rl::test::scaled(12));
  for (int n = 0; n < cases; ++n) {
    const Norm norm = kNorms[n % 3];
    CAPTURE(n);
    Network shallow = random_network({std::size_t(dim(rng)), std::size_t(width(rng)), std::size_t(outs(rng))}, 300 + std::uint64_t(n));
    LipschitzOptions o = global_options(norm);
    LipProblem p = lipschitz_problem(shallow, o);
    LipschitzResult enumerated, branched;
    REQUIRE(global_one_layer_bound(p, o, enumerated));
    REQUIRE(global_activation_bound(p, o, branched));
    REQUIRE(enumerated.status == SearchStatus::Converged);
    REQUIRE(branched.status == SearchStatus::Converged);
    CHECK(branched.lower <= enumerated.upper);
    CHECK(enumerated.lower <= branched.upper);

    Network deep = random_deep(rng, 400 + std::uint64_t(n));
    LipProblem q = lipschitz_problem(deep, o);
    LipschitzResult lowest, ordered;
    REQUIRE(global_activation_bound(q, o, lowest, ActivationBranching::LowestBound));
    REQUIRE(global_activation_bound(q, o, ordered, ActivationBranching::LayerOrder));
    CHECK(lowest.lower <= ordered.upper);
    CHECK(ordered.lower <= lowest.upper);
  }
}

TEST_CASE("global activation certificates: accepted, and refused when a split, a state or a multiplier is tampered") {
  std::mt19937_64 rng(77);
  const int cases = 9;  // not scaled: every tamper kind must occur, even in the sanitized build
  int dropped = 0, flipped = 0, altered = 0;
  for (int n = 0; n < cases; ++n) {
    const Norm norm = kNorms[n % 3];
    CAPTURE(n);
    Network net = random_deep(rng, 600 + std::uint64_t(n));
    if (n % 3 == 2) net = degenerate(net);
    const fs::path path = temp_dir("globalact") / ("deep" + std::to_string(n) + ".json");
    std::ofstream(path) << network_to_json(net);
    LipschitzOptions o = global_options(norm);
    o.want_certificate = true;
    LipschitzResult r = lipschitz_bound(net, o);
    REQUIRE(r.certificate["method"] == "global-activation");
    const Json claim = lipschitz_claim(path.string(), norm, {{"global", true}}, r.certificate);
    ClaimOutcome ok = lipschitz_claim_verify(claim, "globalact");
    INFO(ok.detail);
    REQUIRE(ok.verdict == ClaimVerdict::Holds);
    const Json& tree = claim["certificate"]["tree"];
    // A split dropped: its two subtrees no longer parse as one.
    for (std::size_t i = 0; i < tree.size(); ++i)
      if (tree[i].is_array()) {
        Json t = claim;
        t["certificate"]["tree"].erase(i);
        CHECK(lipschitz_claim_verify(t, "globalact").verdict == ClaimVerdict::Rejected);
        ++dropped;
        break;
      }
    // A state flipped: a split whose inactive child is refuted and whose active child is a leaf, swapped.
    for (std::size_t i = 0; i + 2 < tree.size(); ++i)
      if (tree[i].is_array() && tree[i + 1].is_object() && tree[i + 2] == -1) {
        Json t = claim;
        std::swap(t["certificate"]["tree"][i + 1], t["certificate"]["tree"][i + 2]);
        CHECK(lipschitz_claim_verify(t, "globalact").verdict == ClaimVerdict::Rejected);
        ++flipped;
        break;
      }
    // A multiplier altered: one of several positive ones raised, or one made negative.
    for (std::size_t i = 0; i < tree.size(); ++i) {
      if (!tree[i].is_object()) continue;
      const Json& y = tree[i]["farkas"];
      std::vector<std::size_t> positive;
      for (std::size_t t = 0; t < y.size(); ++t)
        if (rational_parse(y[t].get<std::string>()) > 0) positive.push_back(t);
      Json neg = claim;
      neg["certificate"]["tree"][i]["farkas"][positive[0]] = "-1";
      CHECK(lipschitz_claim_verify(neg, "globalact").verdict == ClaimVerdict::Rejected);
      if (positive.size() < 2) continue;
      Json t = claim;
      Json& e = t["certificate"]["tree"][i]["farkas"][positive[0]];
      e = rational_to_string(rational_parse(e.get<std::string>()) + Rational(1, 7));
      CHECK(lipschitz_claim_verify(t, "globalact").verdict == ClaimVerdict::Rejected);
      ++altered;
      break;
    }
    if (r.lower > 0) {  // an upper below the witness's value
      Json low = claim;
      low["certificate"]["upper"] = rational_to_string(r.lower * Rational(999, 1000));
      CHECK(lipschitz_claim_verify(low, "globalact").verdict == ClaimVerdict::Rejected);
    }
  }
  CHECK(dropped > 0);
  CHECK(flipped > 0);
  CHECK(altered > 0);
}

// f(x) = 2 relu(relu(-x)) + relu(relu(x)): on x < 0 the second layer's first
// neuron is identically zero (its input and bias are 0), on x > 0 the second
// one is, so no point has every pre-activation non-zero. L = 2 on x < 0: only
// a generic witness (a zero pre-activation with a zero gradient) reaches it.
TEST_CASE("global activation search: a witness where a neuron is identically zero") {
  const Network net = network_from_layers(1, {{{{Rational(1)}, {Rational(-1)}}, {Rational(0), Rational(0)}},
                                              {{{Rational(1), Rational(0)}, {Rational(0), Rational(1)}}, {Rational(0), Rational(0)}},
                                              {{{Rational(1), Rational(2)}}, {Rational(0)}}});
  const fs::path path = temp_dir("globalact") / "zero_neurons.json";
  std::ofstream(path) << network_to_json(net);
  for (Norm norm : kNorms) {
    LipschitzOptions o = global_options(norm);
    o.want_certificate = true;
    const LipschitzResult r = lipschitz_bound(net, o);
    CHECK(r.status == SearchStatus::Converged);
    CHECK(r.lower == 2);
    CHECK(r.upper == 2);
    const ClaimOutcome out = lipschitz_claim_verify(lipschitz_claim(path.string(), norm, {{"global", true}}, r.certificate), "globalact");
    INFO(out.detail);
    CHECK(out.verdict == ClaimVerdict::Holds);
  }
}
