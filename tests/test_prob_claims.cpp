// Replays every claim in proofs/prob through the registered trusted
// verifiers and compares the verdict with the expected one.
#include <doctest/doctest.h>

#include <filesystem>

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
