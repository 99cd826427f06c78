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
  auto& registry = rl::claim_kind_registry();
  const auto load = [&](const char* name) { return rl::json_read_file_exact((dir / name).string()); };
  const auto verdict = [&](const rl::Json& claim) {
    try {
      return registry.at(claim.at("kind").get<std::string>())(claim, {}).verdict;
    } catch (const rl::InputError&) {
      return rl::ClaimVerdict::Error;
    } catch (const rl::CertificateInvalid&) {
      return rl::ClaimVerdict::Rejected;
    }
  };
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
