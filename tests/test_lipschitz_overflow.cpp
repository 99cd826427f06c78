// The Lipschitz engine at the edges of double range (weights and boxes near
// 1e±300, subnormal weights) and under a memory cap: no exception, every pair
// encloses the exact gradient norms at sampled points, scaled networks agree
// with the unscaled ones through L(c f) = c L(f), and the certificates of the
// fallback verify exactly. The memory cap of the Lipschitz and robustness
// searches: a tiny cap stops them soundly, a generous one changes nothing.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "cert/claim.hpp"
#include "lipschitz/lipschitz.hpp"
#include "net/eval.hpp"
#include "net/load.hpp"
#include "net/random_network.hpp"
#include "robustness/bnb.hpp"
#include "vnnlib/vnnlib.hpp"
#include "test_cli_errors_support.hpp"
#include "test_support.hpp"

using namespace rl::test;

using namespace rl;
namespace fs = std::filesystem;

namespace {

// The network with its last layer (weights and bias) multiplied by 2^e: its
// constant is exactly 2^e times the original's.
Network scale_output(const Network& net, int e) {
  std::vector<std::pair<RationalMatrix, std::vector<Rational>>> layers;
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    RationalMatrix w = net.layers[k].weights;
    std::vector<Rational> b = net.layers[k].bias;
    if (k + 1 == net.layers.size()) {
      for (auto& row : w) for (Rational& q : row) q *= rational_pow2(e);
      for (Rational& q : b) q *= rational_pow2(e);
    }
    layers.emplace_back(std::move(w), std::move(b));
  }
  return network_from_layers(net.input_dim, std::move(layers));
}

// Every weight and bias of every layer multiplied by 2^e: the constant is 2^(e * layers) times the original's.
Network scale_all(const Network& net, int e) {
  std::vector<std::pair<RationalMatrix, std::vector<Rational>>> layers;
  Rational bias_scale = 1;
  for (const Layer& l : net.layers) {
    bias_scale *= rational_pow2(e);
    RationalMatrix w = l.weights;
    std::vector<Rational> b = l.bias;
    for (auto& row : w) for (Rational& q : row) q *= rational_pow2(e);
    for (Rational& q : b) q *= bias_scale;  // ReLU is positively homogeneous: the kinks stay where they were
    layers.emplace_back(std::move(w), std::move(b));
  }
  return network_from_layers(net.input_dim, std::move(layers));
}

LipschitzOptions box_options(Norm norm, std::size_t d, const Rational& lo, const Rational& hi) {
  LipschitzOptions o;
  o.norm = norm;
  o.domain.lo.assign(d, lo);
  o.domain.hi.assign(d, hi);
  o.threads = 1;
  o.node_limit = 400;
  return o;
}

// For a scalar output the constant is the dual norm of the gradient; returns,
// exactly, its square for l2, the sum of |g_i| for linf and max |g_i| for l1.
Rational gradient_norm_power(const RationalMatrix& j, Norm norm) {
  Rational s = 0;
  for (const Rational& g : j[0]) {
    if (norm == Norm::L2) s += g * g;
    else if (norm == Norm::Linf) s += rational_abs(g);
    else if (rational_abs(g) > s) s = rational_abs(g);
  }
  return s;
}

// Exact gradients at random rational points of the box (interior to a region)
// never exceed the upper bound, and the bounds are ordered.
void check_encloses(const Network& net, const LipschitzOptions& o, const LipschitzResult& r, std::uint64_t seed) {
  REQUIRE(r.lower <= r.upper);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> num(0, 1024);
  for (int t = 0; t < 40; ++t) {
    std::vector<Rational> x;
    for (std::size_t i = 0; i < net.input_dim; ++i)
      x.push_back(o.domain.lo[i] + (o.domain.hi[i] - o.domain.lo[i]) * Rational(num(rng), 1024));
    ExactTrace tr = net_trace_exact(net, x);
    if (!tr.is_interior()) continue;
    Rational g = gradient_norm_power(net_jacobian_exact(net, tr.pattern()), o.norm);
    CHECK(g <= (o.norm == Norm::L2 ? r.upper * r.upper : r.upper));
  }
}

// The certificate of r re-verified by the exact checker.
ClaimVerdict checker_verdict(const Network& net, const LipschitzOptions& o, const LipschitzResult& r, const std::string& name) {
  fs::path p = temp_dir("lipover") / name;
  std::ofstream(p) << network_to_json(net);
  Json box = Json::array();
  for (std::size_t i = 0; i < o.domain.lo.size(); ++i)
    box.push_back({rational_to_string(o.domain.lo[i]), rational_to_string(o.domain.hi[i])});
  Json claim{{"schema", "robustlaw-claim"}, {"version", 1}, {"id", "test"}, {"kind", "lipschitz"},
             {"statement", "test"}, {"reference", "docs/lipschitz.md"},
             {"parameters", {{"network", p.string()}, {"norm", norm_name(o.norm)}, {"domain", {{"box", box}}}, {"output", nullptr}}},
             {"expected", "holds"}, {"certificate", r.certificate}};
  ClaimOutcome out = claim_kind_registry().at("lipschitz")(claim, ClaimContext{"test.json", temp_dir("lipover").string(), ROBUSTLAW_SOURCE_DIR});
  INFO(out.detail);
  return out.verdict;
}

}  // namespace

TEST_CASE("lipschitz with weights near 1e200: no overflow error, sound bounds, scaling agrees, certificate verifies") {
  for (std::uint64_t seed : {5u, 6u, 7u}) {
    const Network base = random_network({2, 4, 4, 1}, seed);
    const Network huge = scale_all(base, 664);  // weights ~ 2^664 ~ 1e200: the second layer's values overflow
    for (Norm norm : {Norm::L2, Norm::L1, Norm::Linf}) {
      INFO("seed " << seed << " " << norm_name(norm));
      LipschitzOptions o = box_options(norm, 2, -1, 1);
      LipschitzResult small = lipschitz_bound(base, o);
      o.want_certificate = true;
      LipschitzResult r;
      REQUIRE_NOTHROW(r = lipschitz_bound(huge, o));
      check_encloses(huge, o, r, seed);
      // L(huge) = 2^(3 * 664) L(base) exactly.
      const Rational c = rational_pow2(3 * 664);
      CHECK(r.lower <= c * small.upper);
      CHECK(r.upper >= c * small.lower);
      REQUIRE(r.baselines);  // unconverged: UnboundedInDouble
      CHECK(r.baselines->product_upper >= r.lower);
      CHECK(r.baselines->clarke_upper >= r.lower);
      CHECK(r.status == SearchStatus::UnboundedInDouble);
      CHECK(checker_verdict(huge, o, r, "huge.json") == ClaimVerdict::Holds);
    }
  }
}

TEST_CASE("lipschitz with a 2^1100 output scale and 2^-1100 (subnormal, then zero in double) weights") {
  const Network base = random_network({3, 5, 1}, 11);
  LipschitzOptions o = box_options(Norm::L2, 3, -1, 1);
  LipschitzResult small = lipschitz_bound(base, o);
  REQUIRE(small.lower > 0);
  for (int e : {1100, -1060, -1100}) {
    INFO("scale 2^" << e);
    const Network net = scale_output(base, e);
    LipschitzResult r;
    REQUIRE_NOTHROW(r = lipschitz_bound(net, o));
    check_encloses(net, o, r, 3);
    CHECK(r.lower <= rational_pow2(e) * small.upper);
    CHECK(r.upper >= rational_pow2(e) * small.lower);
  }
}

TEST_CASE("lipschitz on the box [-1e300, 1e300]: no overflow error, sound bounds") {
  const Network net = random_network({2, 6, 6, 1}, 4);
  const Rational big = rational_parse("1e300");
  for (Norm norm : {Norm::L2, Norm::Linf}) {
    LipschitzOptions o = box_options(norm, 2, -big, big);
    LipschitzResult r;
    REQUIRE_NOTHROW(r = lipschitz_bound(net, o));
    check_encloses(net, o, r, 9);
    // The box holds [-1,1]^2, so its constant is at least that box's.
    LipschitzResult unit = lipschitz_bound(net, box_options(norm, 2, -1, 1));
    CHECK(r.upper >= unit.lower);
    CHECK(r.lower > 0);
  }
}

TEST_CASE("lipschitz --max-memory: a tiny cap stops with a sound pair, a generous one changes nothing") {
  const Network net = random_network({2, 8, 8, 8, 1}, 9);
  LipschitzOptions o = box_options(Norm::L2, 2, -1, 1);
  o.node_limit = 0;
  o.want_certificate = true;
  const LipschitzResult free = lipschitz_bound(net, o);
  REQUIRE(free.status == SearchStatus::Converged);
  INFO("nodes: ", free.nodes);
  REQUIRE(free.nodes > 40);
  o.max_memory_bytes = 2000;
  const LipschitzResult capped = lipschitz_bound(net, o);
  CHECK(capped.status == SearchStatus::MemoryLimit);
  CHECK(capped.nodes < free.nodes);
  CHECK(capped.lower <= free.upper);
  CHECK(capped.upper >= free.lower);
  check_encloses(net, o, capped, 1);
  CHECK(checker_verdict(net, o, capped, "capped.json") == ClaimVerdict::Holds);
  o.max_memory_bytes = std::size_t(1) << 30;
  const LipschitzResult generous = lipschitz_bound(net, o);
  CHECK(generous.status == free.status);
  CHECK(generous.lower == free.lower);
  CHECK(generous.upper == free.upper);
  CHECK(generous.nodes == free.nodes);
}

TEST_CASE("cli: --max-memory refuses 0, negative and non-numeric sizes; a tiny cap reports memory-limit") {
  using namespace rl::test;
  const std::string net = cli_scratch().write("mem.json", network_to_json(random_network({2, 12, 12, 1}, 8)));
  const std::string sisl = std::string(ROBUSTLAW_SOURCE_DIR) + "/data/nets/sisl/TestNetwork.nnet";
  std::vector<BadInput> cases;
  for (const std::string bad : {"0", "-1", "abc", "", "1/0"}) {
    cases.push_back({{"lipschitz", net, "--norm=l2", "--box=-1:1", "--max-memory=" + bad}, {"--max-memory"}});
    cases.push_back({{"certify", sisl, "--input=0,0,0,0,0", "--radius=1/100", "--max-memory=" + bad}, {"--max-memory"}});
  }
  CHECK(cli_check_all_refused(cases) == cases.size());
  const CliResult ok = cli_run({"lipschitz", net, "--norm=l2", "--box=-1:1", "--threads=1", "--json", "--max-memory=0.002"});
  REQUIRE(ok.exit_code == 0);
  const Json j = json_parse_exact(ok.out, "stdout");
  CHECK(j["status"] == "memory-limit");
  CHECK(rational_parse(j["lower_exact"].get<std::string>()) <= rational_parse(j["upper_exact"].get<std::string>()));
}

TEST_CASE("robustness branch and bound: a tiny memory cap answers unknown (memory-limit), a generous one changes nothing") {
  const std::string src = ROBUSTLAW_SOURCE_DIR;
  const Network net = network_load(src + "/proofs/robustness/nets/small_2d.json");
  const SafetyProperty property = vnnlib_read(src + "/bench/vnnlib/small_2d_margin.vnnlib", net.input_dim, net.output_dim());
  BranchOptions o;
  BranchOptions linear = o;
  linear.max_memory_bytes = 1;
  CHECK(branch_and_bound(net, property, linear).reason == UnknownReason::MemoryLimit);  // the linear-bounds search honours the cap too
  o.linear_bounds = false;  // the input-box search, whose stack and tree this test measures
  const BranchResult free = branch_and_bound(net, property, o);
  REQUIRE(free.status == PropertyVerdict::Verified);
  REQUIRE(free.nodes > 3);
  o.max_memory_bytes = 1;
  const BranchResult tiny = branch_and_bound(net, property, o);
  CHECK(tiny.status == PropertyVerdict::Unknown);
  CHECK(tiny.reason == UnknownReason::MemoryLimit);
  CHECK(tiny.tree.empty());
  o.max_memory_bytes = std::size_t(1) << 30;
  const BranchResult generous = branch_and_bound(net, property, o);
  CHECK(generous.status == PropertyVerdict::Verified);
  CHECK(generous.nodes == free.nodes);
  CHECK(generous.tree == free.tree);
}
