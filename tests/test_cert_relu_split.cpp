// ReLU-split certificates of the linear branch and bound (kind robustness,
// linear leaves): the certificate in proofs/ passes, and each way of
// tampering with its splits, slopes and multipliers is refused. The generic
// campaign (test_check_mutation.cpp) tampers it too; here every tamper is
// one that a checker which re-decided the relaxation, or skipped a check,
// would accept.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "cert/claims.hpp"
#include "io/json_exact.hpp"
#include "test_support.hpp"

namespace rl::test_relu_split {

using test::kSource;
const std::string kClaim = kSource + "/proofs/robustness/small_classifier_relu_split_verified.json";

ClaimOutcome verify(const Json& claim) {
  ClaimContext context{kClaim, std::filesystem::path(kClaim).parent_path().string(), kSource};
  return claim_verify(claim, context);
}

Json& tree_of(Json& claim) { return claim["certificate"]["tree"]; }

bool is_leaf(const Json& entry) { return entry.is_string() || (entry.is_object() && entry.contains("linear")); }

// One past the last entry of the subtree that starts at `i` (preorder).
std::size_t subtree_end(const Json& tree, std::size_t i) {
  if (is_leaf(tree[i])) return i + 1;
  return subtree_end(tree, subtree_end(tree, i + 1));
}

std::vector<std::size_t> relu_entries(const Json& tree) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < tree.size(); ++i)
    if (tree[i].is_object() && tree[i].contains("relu")) out.push_back(i);
  return out;
}

std::vector<std::size_t> linear_leaves(const Json& tree) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < tree.size(); ++i)
    if (tree[i].is_object() && tree[i].contains("linear") && !tree[i]["linear"].empty()) out.push_back(i);
  return out;
}

// The relu node at `i` with its two children exchanged: the same leaves
// under the opposite split states.
Json states_flipped(const Json& claim, std::size_t i) {
  Json out = claim;
  const Json& tree = claim["certificate"]["tree"];
  std::size_t mid = subtree_end(tree, i + 1), end = subtree_end(tree, mid);
  Json flipped = Json::array();
  for (std::size_t k = 0; k <= i; ++k) flipped.push_back(tree[k]);
  for (std::size_t k = mid; k < end; ++k) flipped.push_back(tree[k]);
  for (std::size_t k = i + 1; k < mid; ++k) flipped.push_back(tree[k]);
  for (std::size_t k = end; k < tree.size(); ++k) flipped.push_back(tree[k]);
  tree_of(out) = flipped;
  return out;
}

TEST_CASE("relu-split certificate: the certificate in proofs/ holds, with ReLU splits and linear leaves") {
  Json claim = json_read_file_exact(kClaim);
  ClaimOutcome o = verify(claim);
  CHECK(o.verdict == ClaimVerdict::Holds);
  CHECK(relu_entries(tree_of(claim)).size() >= 2);
  CHECK(linear_leaves(tree_of(claim)).size() >= 3);
}

TEST_CASE("relu-split certificate: a dropped split, flipped states, a split of no neuron or of a split neuron are refused") {
  const Json claim = json_read_file_exact(kClaim);
  const Json& tree = claim["certificate"]["tree"];
  std::size_t flipped_refused = 0, pruned_refused = 0;
  for (std::size_t i : relu_entries(tree)) {
    INFO("relu entry " << i);
    Json dropped = claim;
    tree_of(dropped).erase(i);
    CHECK(verify(dropped).verdict == ClaimVerdict::Rejected);
    // Drop the split with one of its subtrees: the other subtree's leaves
    // then claim the whole node, while their proofs used the split.
    Json pruned = claim;
    std::size_t mid = subtree_end(tree, i + 1), end = subtree_end(tree, mid);
    Json& t = tree_of(pruned);
    t.erase(t.begin() + static_cast<std::ptrdiff_t>(mid), t.begin() + static_cast<std::ptrdiff_t>(end));
    t.erase(t.begin() + static_cast<std::ptrdiff_t>(i));
    pruned["certificate"]["leaves"] = std::count_if(t.begin(), t.end(), is_leaf);
    pruned_refused += verify(pruned).verdict == ClaimVerdict::Rejected;
    flipped_refused += verify(states_flipped(claim, i)).verdict == ClaimVerdict::Rejected;
    Json nowhere = claim;
    tree_of(nowhere)[i]["relu"][1] = 10000;
    CHECK(verify(nowhere).verdict == ClaimVerdict::Rejected);
  }
  CHECK(flipped_refused >= 1);  // a leaf proved under z <= 0 does not hold under z >= 0
  CHECK(pruned_refused >= 1);   // nor without the split
  // The same neuron split again below its own split: a leaf becomes that split with two copies of the leaf.
  Json twice = claim;
  std::size_t first = tree.size();  // the first split whose first child is a leaf
  for (std::size_t i : relu_entries(tree))
    if (first == tree.size() && is_leaf(tree[i + 1])) first = i;
  REQUIRE(first < tree.size());
  Json& t = tree_of(twice);
  const Json leaf = t[first + 1];
  t[first + 1] = tree[first];
  t.insert(t.begin() + static_cast<std::ptrdiff_t>(first + 2), leaf);
  t.insert(t.begin() + static_cast<std::ptrdiff_t>(first + 2), leaf);
  twice["certificate"]["leaves"] = claim["certificate"]["leaves"].get<std::size_t>() + 1;
  ClaimOutcome o = verify(twice);
  CHECK(o.verdict == ClaimVerdict::Rejected);
  CHECK(o.detail.find("already split") != std::string::npos);
}

TEST_CASE("relu-split certificate: slopes outside [0, 1], and slopes or multipliers that break the bound, are refused") {
  const Json claim = json_read_file_exact(kClaim);
  const std::vector<std::size_t> leaves = linear_leaves(claim["certificate"]["tree"]);
  REQUIRE_FALSE(leaves.empty());
  std::size_t slopes_refused = 0, lambdas_refused = 0, stable_refused = 0;
  for (std::size_t leaf : leaves) {
    const Json& proofs = claim["certificate"]["tree"][leaf]["linear"];
    for (std::size_t c = 0; c < proofs.size(); ++c) {
      INFO("leaf entry " << leaf << ", conjunction " << c);
      for (long long outside : {65537LL, -1LL}) {
        Json bad = claim;
        tree_of(bad)[leaf]["linear"][c]["alpha"][0][0] = outside;
        CHECK(verify(bad).verdict == ClaimVerdict::Rejected);
      }
      // Every recorded slope set to 0: the recorded slopes are applied, so
      // some such change breaks some bound.
      Json moved = claim;
      for (Json& layer : tree_of(moved)[leaf]["linear"][c]["alpha"])
        for (Json& a : layer) a = 0;
      slopes_refused += verify(moved).verdict == ClaimVerdict::Rejected;
      // A slope on a neuron the node leaves stable (where it is unused) is
      // refused (some first-layer neurons of each leaf are stable).
      for (std::size_t j = 0; j < proofs[c]["alpha"][0].size(); ++j) {
        Json unused = claim;
        tree_of(unused)[leaf]["linear"][c]["alpha"][0][j] = 1;
        ClaimOutcome o = verify(unused);
        stable_refused += o.verdict == ClaimVerdict::Rejected && o.detail.find("not unstable") != std::string::npos;
      }
      // The weight moved to the other atom of a two-atom conjunction.
      const Json& lambda = proofs[c]["lambda"];
      if (lambda.size() == 2) {
        Json swapped = claim;
        tree_of(swapped)[leaf]["linear"][c]["lambda"] = Json::array({"0", "1"});
        lambdas_refused += verify(swapped).verdict == ClaimVerdict::Rejected;
      }
      // Not a double, negative, or a huge split multiplier.
      Json third = claim;
      tree_of(third)[leaf]["linear"][c]["lambda"][0] = "1/3";
      CHECK(verify(third).verdict == ClaimVerdict::Rejected);
      Json negative = claim;
      tree_of(negative)[leaf]["linear"][c]["lambda"][0] = "-1";
      CHECK(verify(negative).verdict == ClaimVerdict::Rejected);
    }
  }
  CHECK(slopes_refused >= 1);
  CHECK(lambdas_refused >= 1);
  CHECK(stable_refused >= 1);
}

TEST_CASE("relu-split certificate: a multiplier on an unsplit neuron, or one large enough to break the bound, is refused") {
  const Json claim = json_read_file_exact(kClaim);
  const Json& tree = claim["certificate"]["tree"];
  const std::size_t first = relu_entries(tree).front();
  const Json neuron = tree[first]["relu"];
  // The leaves below the first split carry its state; a multiplier there is legal.
  std::size_t leaf = first + 1;
  while (!is_leaf(tree[leaf])) ++leaf;
  REQUIRE(tree[leaf].contains("linear"));
  Json legal = claim;
  tree_of(legal)[leaf]["linear"][0]["beta"] = Json::array({Json::array({neuron[0], neuron[1], "1/1024"})});
  CHECK(verify(legal).verdict == ClaimVerdict::Holds);  // a small beta keeps the bound below 0
  Json huge = claim;
  tree_of(huge)[leaf]["linear"][0]["beta"] = Json::array({Json::array({neuron[0], neuron[1], "1048576"})});
  CHECK(verify(huge).verdict == ClaimVerdict::Rejected);
  Json negative = claim;
  tree_of(negative)[leaf]["linear"][0]["beta"] = Json::array({Json::array({neuron[0], neuron[1], "-1/1024"})});
  CHECK(verify(negative).verdict == ClaimVerdict::Rejected);
  // A neuron that no split above the leaf fixes.
  Json unsplit = claim;
  const std::size_t other = neuron[1].get<std::size_t>() == 0 ? 1 : 0;
  tree_of(unsplit)[leaf]["linear"][0]["beta"] = Json::array({Json::array({neuron[0], other, "1/1024"})});
  CHECK(verify(unsplit).verdict == ClaimVerdict::Rejected);
}

TEST_CASE("relu-split certificate: each proof is read against its own conjunction's atoms, wherever the conjunction stands") {
  // The checker bounds lambda . atoms on one network holding every atom of every
  // conjunction as an output row; a conjunction's proof must land on its own rows.
  const Json claim = json_read_file_exact(kClaim);
  REQUIRE(claim["parameters"]["unsafe"].size() == 2);
  REQUIRE(claim["parameters"]["unsafe"][0].size() != claim["parameters"]["unsafe"][1].size());
  auto reversed = [](Json a) { std::reverse(a.begin(), a.end()); return a; };
  Json both = claim;  // conjunctions and every leaf's proofs reversed together: the same statement and proofs
  both["parameters"]["unsafe"] = reversed(claim["parameters"]["unsafe"]);
  for (std::size_t leaf : linear_leaves(claim["certificate"]["tree"])) tree_of(both)[leaf]["linear"] = reversed(claim["certificate"]["tree"][leaf]["linear"]);
  CHECK(verify(both).verdict == ClaimVerdict::Holds);
  // The two-atom conjunction's atoms exchanged (its proofs kept): the weights now land on the other atom.
  Json atoms = claim;
  const std::size_t two = claim["parameters"]["unsafe"][0].size() == 2 ? 0 : 1;
  atoms["parameters"]["unsafe"][two] = reversed(claim["parameters"]["unsafe"][two]);
  CHECK(verify(atoms).verdict == ClaimVerdict::Rejected);
}

TEST_CASE("relu-split certificate: a .nnet claim says which network form its splits refer to") {
  // parameters.normalized must be a boolean; the checker loads the form it names.
  Json claim = json_read_file_exact(kClaim);
  claim["parameters"]["normalized"] = "yes";
  CHECK(verify(claim).verdict == ClaimVerdict::Error);
  claim["parameters"]["normalized"] = false;
  CHECK(verify(claim).verdict == ClaimVerdict::Holds);
}

}  // namespace rl::test_relu_split
