// Soundness campaign for the linear-bounds branch and bound and its
// certificates: random small networks with random linear output properties.
// Every "verified" is replayed by the checker and tested against exact
// values on a dense grid; every "refuted" is replayed too. ReLU-split and
// input-split trees are both exercised, and certificates are tampered with.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "cert/claim.hpp"
#include "net/load.hpp"
#include "robustness/bnb_linear.hpp"
#include "robustness/claim_file.hpp"
#include "soundness/soundness_support.hpp"
#include "test_support.hpp"

using namespace rl;
using namespace rl::soundness;
namespace fs = std::filesystem;

namespace {

// A property on a random box: one or two conjunctions of one or two atoms,
// each atom's constant drawn around the atom's value at the box center so
// that both verdicts occur.
SafetyProperty random_property(Rng& rng, const Network& net) {
  SafetyProperty p;
  for (const Rational& c : random_point(rng, net.input_dim)) {
    p.lo.push_back(c - Rational(Integer(uniform(rng, 1, 8)), Integer(uniform(rng, 1, 8))));
    p.hi.push_back(c + Rational(Integer(uniform(rng, 1, 8)), Integer(uniform(rng, 1, 8))));
  }
  std::vector<Rational> center;
  for (std::size_t i = 0; i < p.lo.size(); ++i) center.push_back((p.lo[i] + p.hi[i]) / 2);
  std::vector<Rational> y = net_eval_exact(net, center);
  const long conjunctions = uniform(rng, 1, 2);
  for (long c = 0; c < conjunctions; ++c) {
    OutputConjunction conj;
    const long atoms = uniform(rng, 1, 2);
    for (long a = 0; a < atoms; ++a) {
      OutputAtom atom{std::vector<Rational>(net.output_dim()), 0, uniform(rng, 0, 3) == 0};
      for (Rational& v : atom.coefficients) v = Rational(Integer(uniform(rng, -3, 3)));
      atom.constant = -property_atom_value(atom, y) - Rational(Integer(uniform(rng, -4, 12)), Integer(4));
      conj.push_back(atom);
    }
    p.unsafe.push_back(conj);
  }
  return p;
}

// Is some point of a dense grid of the box unsafe (exactly)?
bool grid_finds_unsafe(const Network& net, const SafetyProperty& p, std::size_t steps) {
  const std::size_t d = p.lo.size();
  std::vector<std::size_t> k(d, 0);
  while (true) {
    std::vector<Rational> x;
    for (std::size_t i = 0; i < d; ++i) x.push_back(p.lo[i] + (p.hi[i] - p.lo[i]) * Rational(Integer(static_cast<long>(k[i])), Integer(static_cast<long>(steps))));
    if (property_output_unsafe(p, net_eval_exact(net, x))) return true;
    std::size_t i = 0;
    while (i < d && ++k[i] > steps) k[i++] = 0;
    if (i == d) return false;
  }
}

struct TempNet {
  std::string path;
  explicit TempNet(const Network& net, const std::string& tag) {
    path = (fs::temp_directory_path() / ("robustlaw_bnb_linear_" + tag + "_" + std::to_string(::getpid()) + ".json")).string();
    std::ofstream(path) << network_to_json(net);
  }
  ~TempNet() { fs::remove(path); }
};

ClaimVerdict replay(const Json& claim) {
  ClaimContext ctx{"", "", ROBUSTLAW_SOURCE_DIR};
  return claim_kind_registry().at("robustness")(claim, ctx).verdict;
}

std::size_t count_relu_splits(const Json& tree) {
  std::size_t n = 0;
  for (const Json& t : tree) n += t.is_object() && t.contains("relu");
  return n;
}

}  // namespace

TEST_CASE("soundness: linear-bounds branch and bound against exact grids, every certificate replayed") {
  Rng rng(4242);
  const std::size_t cases = soundness_cases(150);
  std::size_t verified = 0, refuted = 0, unknown = 0, relu_trees = 0;
  for (std::size_t c = 0; c < cases; ++c) {
    Network net = random_small_network(rng);
    SafetyProperty p = random_property(rng, net);
    BranchOptions o;
    o.time_limit_seconds = 2;
    o.split = c % 3 == 0 ? SplitMode::input : (c % 3 == 1 ? SplitMode::relu : SplitMode::automatic);
    BranchResult r = branch_and_bound_linear(net, p, o);
    INFO("case " << c << " status " << property_verdict_name(r.status));
    if (r.status == PropertyVerdict::Unknown) { ++unknown; continue; }
    TempNet file(net, std::to_string(c));
    Json claim = claim_robustness_property("c", "s", file.path, net, p, r);
    if (r.status == PropertyVerdict::Verified) {
      ++verified;
      relu_trees += count_relu_splits(r.tree) > 0;
      REQUIRE(replay(claim) == ClaimVerdict::Holds);
      REQUIRE_FALSE(grid_finds_unsafe(net, p, net.input_dim <= 2 ? 24 : 6));
    } else {
      ++refuted;
      REQUIRE(property_output_unsafe(p, net_eval_exact(net, *r.counterexample)));
      REQUIRE(replay(claim) == ClaimVerdict::Violated);
    }
  }
  MESSAGE(cases << " properties: " << verified << " verified (" << relu_trees << " with ReLU splits), " << refuted << " refuted, " << unknown
                << " unknown");
  CHECK(verified > 0);
  CHECK(refuted > cases / 10);
  // (ReLU-split trees: most of these small properties close at the root; the
  // next test searches for properties that need ReLU splits and replays them.)
  CHECK(unknown * 10 < cases);
}

TEST_CASE("linear-bounds certificates: ReLU splits replayed, and tampered copies refused") {
  // Search random properties until one needs ReLU splits, then tamper with its certificate.
  Rng rng(99);
  for (int attempt = 0; attempt < 400; ++attempt) {
    Network net = random_small_network(rng);
    SafetyProperty p = random_property(rng, net);
    BranchOptions o;
    o.time_limit_seconds = 2;
    o.split = SplitMode::relu;
    BranchResult r = branch_and_bound_linear(net, p, o);
    if (r.status != PropertyVerdict::Verified || count_relu_splits(r.tree) == 0) continue;
    bool has_beta = false, has_alpha = false;
    for (const Json& t : r.tree)
      if (t.is_object() && t.contains("linear"))
        for (const Json& proof : t["linear"]) {
          has_beta |= !proof["beta"].empty();
          has_alpha |= !proof["alpha"].empty() && !proof["alpha"][0].empty();
        }
    TempNet file(net, "tamper");
    Json claim = claim_robustness_property("t", "s", file.path, net, p, r);
    REQUIRE(replay(claim) == ClaimVerdict::Holds);
    Json& tree = claim["certificate"]["tree"];
    std::size_t split = 0;
    while (!tree[split].is_object() || !tree[split].contains("relu")) ++split;
    std::size_t leaf = 0;
    while (!tree[leaf].is_object() || !tree[leaf].contains("linear") || tree[leaf]["linear"].empty()) ++leaf;
    auto tampered = [&](auto edit) {
      Json t = claim;
      edit(t["certificate"]["tree"]);
      return replay(t);
    };
    // Drop a split (the tree no longer covers the node as stated).
    CHECK(tampered([&](Json& t) { t.erase(split); }) == ClaimVerdict::Rejected);
    // A neuron split twice on one path, and a neuron out of range.
    CHECK(tampered([&](Json& t) { t.insert(t.begin() + static_cast<long>(split) + 1, t[split]); }) == ClaimVerdict::Rejected);
    CHECK(tampered([&](Json& t) { t[split]["relu"][1] = 1000; }) == ClaimVerdict::Rejected);
    // Slopes outside [0, 1], negative or non-finite multipliers, a lambda missing.
    if (has_alpha) {
      CHECK(tampered([&](Json& t) { t[leaf]["linear"][0]["alpha"][0][0] = 65537; }) == ClaimVerdict::Rejected);
      CHECK(tampered([&](Json& t) { t[leaf]["linear"][0]["alpha"][0][0] = -1; }) == ClaimVerdict::Rejected);
    }
    CHECK(tampered([&](Json& t) { t[leaf]["linear"][0]["lambda"][0] = "-1/2"; }) == ClaimVerdict::Rejected);
    CHECK(tampered([&](Json& t) { t[leaf]["linear"][0]["lambda"].push_back("1"); }) == ClaimVerdict::Rejected);
    CHECK(tampered([&](Json& t) { t[leaf]["linear"][0]["beta"] = Json::array({Json::array({0, 1000, "1"})}); }) == ClaimVerdict::Rejected);
    if (has_beta) {
      CHECK(tampered([&](Json& t) {
              for (Json& l : t)
                if (l.is_object() && l.contains("linear"))
                  for (Json& proof : l["linear"])
                    for (Json& b : proof["beta"]) b[2] = "-1";
            }) == ClaimVerdict::Rejected);
    }
    // A leaf without its proofs.
    CHECK(tampered([&](Json& t) { t[leaf]["linear"] = Json::array(); }) == ClaimVerdict::Rejected);
    // The same tree for a property that is false (a counterexample exists): never accepted.
    Json altered = claim;
    std::vector<Rational> center;
    for (std::size_t i = 0; i < p.lo.size(); ++i) center.push_back((p.lo[i] + p.hi[i]) / 2);
    std::vector<Rational> y = net_eval_exact(net, center);
    for (std::size_t c = 0; c < p.unsafe.size(); ++c)
      for (std::size_t a = 0; a < p.unsafe[c].size(); ++a) {
        OutputAtom atom = p.unsafe[c][a];
        atom.constant = 0;
        altered["parameters"]["unsafe"][c][a]["constant"] = rational_to_string(-property_atom_value(atom, y));
        altered["parameters"]["unsafe"][c][a]["strict"] = false;
      }
    CHECK(replay(altered) == ClaimVerdict::Rejected);
    return;
  }
  FAIL("no random property needed ReLU splits");
}

namespace test_inherit {

bool is_leaf(const Json& e) { return e.is_string() || (e.is_object() && e.contains("linear")); }

// One past the last entry of the subtree that starts at `i` (preorder).
std::size_t subtree_end(const Json& tree, std::size_t i) { return is_leaf(tree[i]) ? i + 1 : subtree_end(tree, subtree_end(tree, i + 1)); }

// The input split at `i` with its two halves' subtrees exchanged.
Json halves_swapped(const Json& tree, std::size_t i) {
  const std::size_t mid = subtree_end(tree, i + 1), end = subtree_end(tree, mid);
  Json out = Json::array();
  for (std::size_t k = 0; k <= i; ++k) out.push_back(tree[k]);
  for (std::size_t k = mid; k < end; ++k) out.push_back(tree[k]);
  for (std::size_t k = i + 1; k < mid; ++k) out.push_back(tree[k]);
  for (std::size_t k = end; k < tree.size(); ++k) out.push_back(tree[k]);
  return out;
}

}  // namespace test_inherit

// A leaf's bounds are inherited from its ancestors (the checker recomputes
// them down the path): certificates of input-split searches replay, and
// with the two halves of a split exchanged (each leaf then checked on the
// other half, under bounds inherited through the wrong box) some are refused.
TEST_CASE("linear-bounds certificates: bounds inherited down input splits replay, halves exchanged are refused") {
  using namespace test_inherit;
  Rng rng(1203);
  std::size_t replayed = 0, swaps = 0, swaps_refused = 0;
  for (int attempt = 0; attempt < 400 && replayed < 12; ++attempt) {
    Network net = random_small_network(rng);
    SafetyProperty p = random_property(rng, net);
    BranchOptions o;
    o.time_limit_seconds = 2;
    o.split = SplitMode::input;
    BranchResult r = branch_and_bound_linear(net, p, o);
    if (r.status != PropertyVerdict::Verified || r.tree.size() < 3) continue;
    TempNet file(net, "inherit");
    Json claim = claim_robustness_property("t", "s", file.path, net, p, r);
    REQUIRE(replay(claim) == ClaimVerdict::Holds);
    ++replayed;
    const Json tree = claim["certificate"]["tree"];
    for (std::size_t i = 0; i < tree.size(); ++i) {
      if (!tree[i].is_number_integer()) continue;
      Json swapped = claim;
      swapped["certificate"]["tree"] = halves_swapped(tree, i);
      ++swaps;
      swaps_refused += replay(swapped) == ClaimVerdict::Rejected;
    }
  }
  MESSAGE(replayed << " certificates replayed, " << swaps_refused << " of " << swaps << " exchanged halves refused");
  CHECK(replayed >= 5);
  CHECK(swaps_refused >= 1);
}
