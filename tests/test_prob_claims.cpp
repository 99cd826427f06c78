// Replays every claim in proofs/prob through the registered trusted
// verifiers and compares the verdict with the expected one.
#include <doctest/doctest.h>

#include <filesystem>
#include <utility>
#include <vector>

#include "arith/error.hpp"
#include "cert/claim.hpp"
#include "io/json_exact.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

rl::ClaimOutcome replay(const fs::path& path) {
  rl::Json claim = rl::json_read_file_exact(path.string());
  auto& registry = rl::claim_kind_registry();
  auto it = registry.find(claim.at("kind").get<std::string>());
  REQUIRE(it != registry.end());
  return it->second(claim, rl::ClaimContext{path.string(), path.parent_path().string(), ROBUSTLAW_SOURCE_DIR});
}

}  // namespace

namespace prob_claims_test {

// The registered verifier's verdict, with its exceptions read as the checker reads them.
rl::ClaimVerdict verdict_of(const rl::Json& claim) {
  try {
    return rl::claim_kind_registry().at(claim.at("kind").get<std::string>())(claim, {}).verdict;
  } catch (const rl::InputError&) {
    return rl::ClaimVerdict::Error;
  } catch (const rl::CertificateInvalid&) {
    return rl::ClaimVerdict::Rejected;
  }
}

}  // namespace prob_claims_test

TEST_CASE("prob claims: every proofs/prob claim verifies with its expected verdict") {
  fs::path dir = fs::path(ROBUSTLAW_SOURCE_DIR) / "proofs" / "prob";
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    rl::Json claim = rl::json_read_file_exact(entry.path().string());
    rl::ClaimOutcome out = replay(entry.path());
    INFO(entry.path().filename().string() << ": " << out.detail);
    CHECK(out.verdict == rl::claim_expected_parse(claim.at("expected").get<std::string>(), entry.path().string()));
    ++count;
  }
  CHECK(count >= 12);
}

TEST_CASE("prob claims: a tampered certificate is not accepted") {
  fs::path dir = fs::path(ROBUSTLAW_SOURCE_DIR) / "proofs" / "prob";
  auto& registry = rl::claim_kind_registry();
  // The seed's sphere claim at d = 100 is not violated at a t where the tail is below the bound.
  rl::Json claim = rl::json_read_file_exact((dir / "sphere-seed-1-over-sqrt-d-violated-d100.json").string());
  claim["certificate"]["t"] = "1/20";
  CHECK(registry.at("concentration")(claim, {}).verdict != rl::ClaimVerdict::Violated);
  // The corrected constant with too few cells is not proved.
  rl::Json holds = rl::json_read_file_exact((dir / "sphere-log-sobolev-holds-d1000.json").string());
  holds["certificate"]["cells"] = 4;
  CHECK(registry.at("concentration")(holds, {}).verdict != rl::ClaimVerdict::Holds);
  // A Kearns-Saul range that excludes the true value is rejected.
  rl::Json ks = rl::json_read_file_exact((dir / "kearns-saul-bernoulli-1_10.json").string());
  ks["parameters"]["upper"] = "0.18204784532";
  CHECK(registry.at("subgaussian")(ks, {}).verdict != rl::ClaimVerdict::BoundInRange);
  // A claimed least c that is too small fails its staircase.
  rl::Json lc = rl::json_read_file_exact((dir / "sphere-least-c-sqrt-d-d100.json").string());
  lc["parameters"]["upper"] = "1.2201";
  CHECK(registry.at("concentration")(lc, {}).verdict != rl::ClaimVerdict::BoundInRange);
}

// Claims the verifiers once read as other claims, and passed: one point
// "proving" holds, a negative t refuting, d wrapping in 64 bits, unknown
// form / quantity / measure / function values read as defaults, and a poor
// lambda* read as a refutation.
TEST_CASE("prob claims: misread parameters and one-point certificates never pass") {
  const fs::path dir = fs::path(ROBUSTLAW_SOURCE_DIR) / "proofs" / "prob";
  const auto load = [&](const char* name) { return rl::json_read_file_exact((dir / name).string()); };
  const auto verdict = prob_claims_test::verdict_of;
  // A violated claim with expected "holds" and one point: no proof of holds.
  rl::Json one = load("sphere-seed-1-over-sqrt-d-violated-d100.json");
  one["expected"] = "holds";
  one["certificate"] = {{"t", "0"}};
  CHECK(verdict(one) != rl::ClaimVerdict::Holds);
  // A proved claim "refuted" at t < 0.
  rl::Json negative = load("sphere-log-sobolev-holds-d1000.json");
  negative["expected"] = "violated";
  negative["certificate"] = {{"t", "-10"}};
  CHECK(verdict(negative) != rl::ClaimVerdict::Violated);
  // d = 2^32 made d * d wrap to 0: "Var <= 4c/d" with a tiny c held.
  rl::Json wrap = load("erratum-variance-at-most-4c-over-d.json");
  wrap["parameters"]["d"] = 4294967296ULL;
  wrap["parameters"]["c"] = "1/10000000000000000000000000000";
  CHECK(verdict(wrap) == rl::ClaimVerdict::Violated);
  for (const auto& change : std::vector<std::pair<const char*, rl::Json>>{
           {"d", -1}, {"d", 1}, {"form", "definition3"}, {"form", ""}, {"quantity", "tails"}, {"measure", "ball"}, {"function", "norm"}}) {
    rl::Json bad = load("sphere-log-sobolev-holds-d10.json");
    bad["parameters"][change.first] = change.second;
    const std::string key = change.first;
    CHECK_MESSAGE(verdict(bad) == rl::ClaimVerdict::Error, key);
  }
  // lambda* far from the maximizer: its ratio lies below the range, which refutes nothing.
  rl::Json ks = load("kearns-saul-bernoulli-1_10.json");
  ks["expected"] = "violated";
  ks["certificate"]["lambda_star"] = "1/1000";
  CHECK(verdict(ks) == rl::ClaimVerdict::Rejected);
  rl::Json sigma = load("definition5-rademacher-sigma-1.json");
  sigma["parameters"]["sigma"] = "-1";
  CHECK(verdict(sigma) == rl::ClaimVerdict::Error);
}

// Members a verifier would not read were ignored: a least c claim carried an
// unused c, a variance claim's form was never compared with its relation, a
// misspelled "quantity" read as a tail claim, and an assertion after a false
// one was never parsed.
TEST_CASE("prob claims: every member is read; unread or mismatched ones are refused") {
  const fs::path dir = fs::path(ROBUSTLAW_SOURCE_DIR) / "proofs";
  const auto load = [&](const char* name) { return rl::json_read_file_exact((dir / name).string()); };
  const auto verdict = prob_claims_test::verdict_of;
  struct Change {
    const char* file;
    const char* where;  // "parameters" or "certificate"
    const char* key;
    rl::Json value;
    rl::ClaimVerdict expected;
  };
  const std::vector<Change> changes{
      {"prob/sphere-least-c-sqrt-d-d100.json", "parameters", "c", "1", rl::ClaimVerdict::Error},
      {"prob/sphere-least-c-sqrt-d-d100.json", "parameters", "form", "isoperimetry", rl::ClaimVerdict::Error},
      {"prob/sphere-least-c-sqrt-d-d100.json", "certificate", "cells_extra", 4, rl::ClaimVerdict::Rejected},
      {"prob/erratum-variance-at-most-4c-over-d.json", "parameters", "form", "definition2", rl::ClaimVerdict::Error},
      {"prob/erratum-c-is-not-the-variance.json", "parameters", "form", "isoperimetry", rl::ClaimVerdict::Error},
      {"prob/erratum-c-is-not-the-variance.json", "parameters", "relation", "equal_c", rl::ClaimVerdict::Error},
      {"prob/sphere-log-sobolev-holds-d10.json", "parameters", "quantiy", "least_c_sqrt_d", rl::ClaimVerdict::Error},
      {"prob/sphere-log-sobolev-holds-d10.json", "parameters", "relation", "equals_c", rl::ClaimVerdict::Error},
      {"prob/sphere-log-sobolev-holds-d10.json", "certificate", "t", "1/10", rl::ClaimVerdict::Rejected},
      {"prob/sphere-seed-1-over-sqrt-d-violated-d100.json", "certificate", "cells", 4, rl::ClaimVerdict::Rejected},
      {"prob/kearns-saul-bernoulli-1_10.json", "parameters", "sigma", "1", rl::ClaimVerdict::Error},
      {"prob/kearns-saul-bernoulli-1_10.json", "certificate", "cells", 4, rl::ClaimVerdict::Rejected},
      {"prob/lemma2-mean-of-10-bernoulli-1_10.json", "parameters", "n", "10", rl::ClaimVerdict::Error},
      {"prob/lemma2-mean-of-10-bernoulli-1_10.json", "parameters", "n", 0, rl::ClaimVerdict::Error},
      {"prob/hoeffding-lemma-uniform.json", "parameters", "sigma", "1", rl::ClaimVerdict::Error},
      {"prob/definition5-rademacher-sigma-1.json", "certificate", "lambda_star", "1", rl::ClaimVerdict::Rejected},
      {"prob/lemma1-uniform.json", "parameters", "sigma", "1", rl::ClaimVerdict::Error},
      {"arith/hoeffding-proxies.json", "parameters", "asert", "1 == 2", rl::ClaimVerdict::Error},
      {"arith/least-n-condition8-seed.json", "certificate", "note_unread", "x", rl::ClaimVerdict::Error},
  };
  for (const Change& c : changes) {
    rl::Json claim = load(c.file);
    REQUIRE(verdict(claim) == rl::claim_expected_parse(claim.at("expected").get<std::string>(), c.file));
    if (!claim.contains(c.where)) claim[c.where] = rl::Json::object();
    claim[c.where][c.key] = c.value;
    const std::string label = std::string(c.file) + " " + c.where + "." + c.key;
    CHECK_MESSAGE(verdict(claim) == c.expected, label);
  }
  // An exact-identity whose first assertion is false still reads the rest: a
  // malformed one, or an inequality in an exact-identity, is an error.
  rl::Json identity = load("arith/hoeffding-proxies.json");
  identity["expected"] = "violated";
  identity["parameters"]["assert"] = {"(b-a)^2/4 == 2", "(b-a)^2/4 == 1"};
  CHECK(verdict(identity) == rl::ClaimVerdict::Violated);
  for (const char* later : {"(b-a)^2/4 <= 1", "(b-a)^2/4 == (", "(b-a)^2/4 == c"}) {
    identity["parameters"]["assert"] = {"(b-a)^2/4 == 2", later};
    CHECK_MESSAGE(verdict(identity) == rl::ClaimVerdict::Error, later);
  }
  // The same across cases: a later malformed case is an error after a violated one.
  identity["parameters"]["assert"] = "(b-a)^2/4 == 1";
  identity["parameters"]["cases"] = {{{"b", "3"}}, {{"b", "1"}}};
  identity["parameters"]["let"] = rl::Json::array({rl::Json::array({"a", -1})});
  CHECK(verdict(identity) == rl::ClaimVerdict::Violated);
  identity["parameters"]["cases"] = {{{"b", "3"}}, {{"b", "1/"}}};
  CHECK(verdict(identity) == rl::ClaimVerdict::Error);
}
