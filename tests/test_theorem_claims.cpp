// The "theorem" claim verifier: every claim in proofs/theorem/ replays to its
// expected verdict, and tampered claims are caught.
#include <doctest/doctest.h>

#include <filesystem>

#include "arith/error.hpp"
#include "cert/claim.hpp"
#include "cert/claims.hpp"
#include "test_support.hpp"

using namespace rl;

namespace {

const std::string kTheoremProofs = std::string(ROBUSTLAW_SOURCE_DIR) + "/proofs/theorem";

ClaimOutcome run(const Json& claim, const std::string& path = "memory") {
  ClaimContext ctx{path, kTheoremProofs, ROBUSTLAW_SOURCE_DIR};
  return claim_kind_registry().at("theorem")(claim, ctx);
}

Json load(const std::string& name) { return json_read_file_exact(kTheoremProofs + "/" + name); }

}  // namespace

TEST_CASE("theorem claims: every file in proofs/theorem replays to its expected verdict") {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kTheoremProofs)) {
    if (entry.path().extension() != ".json") continue;
    Json claim = json_read_file_exact(entry.path().string());
    REQUIRE(claim["schema"] == "robustlaw-claim");
    REQUIRE(claim["kind"] == "theorem");
    ClaimOutcome o = run(claim, entry.path().string());
    INFO(entry.path().string(), ": ", o.detail);
    CHECK(o.verdict == claim_expected_parse(claim["expected"].get<std::string>(), entry.path().string()));
    ++count;
  }
  CHECK(count >= 12);
}

TEST_CASE("theorem claims: a tampered bound certificate or least n is caught") {
  Json c = load("bound_mnist_neurips2021.json");
  c["certificate"]["lower"] = "0.00059740159295070647175472744398";  // one unit above the exact bound's lower decimal
  c["certificate"]["upper"] = "0.000597401592950706471754727444";
  // The exact bound is 0.000597401592950706471754727443970...: still inside only if lower <= it.
  CHECK(run(c).verdict == ClaimVerdict::Violated);
  c = load("bound_imagenet_seed.json");
  c["parameters"]["sigma"] = "0.5";  // doubles K: far outside the certificate
  CHECK(run(c).verdict == ClaimVerdict::Violated);
  c = load("least_n_neurips2021.json");
  c["parameters"]["claimed"] = 2738018;  // (8) already holds at n - 1
  CHECK(run(c).verdict == ClaimVerdict::Violated);
  c = load("least_p_imagenet_neurips2021.json");
  c["parameters"]["claimed"] = 16696;  // the bound still exceeds 1 there
  CHECK(run(c).verdict == ClaimVerdict::Violated);
  c["parameters"]["claimed"] = 16698;  // not the least
  CHECK(run(c).verdict == ClaimVerdict::Violated);
  c = load("two_layer_p.json");
  c["parameters"]["claimed"] = 785000;
  CHECK(run(c).verdict == ClaimVerdict::Violated);
  c = load("corollary_J.json");
  c["parameters"]["D"] = 3;
  CHECK(run(c).verdict == ClaimVerdict::Violated);
}

TEST_CASE("theorem claims: malformed claims raise InputError") {
  Json c = load("condition8_mnist_seed.json");
  c["parameters"]["edition"] = "neurips";
  CHECK_THROWS_AS(run(c), InputError);
  c = load("condition8_mnist_seed.json");
  c["parameters"].erase("delta");
  CHECK_THROWS_AS(run(c), InputError);
  c = load("condition8_mnist_seed.json");
  c["parameters"]["quantity"] = "nonsense";
  CHECK_THROWS_AS(run(c), InputError);
  // A bound claim without its certificate: the certificate is not a proof,
  // "rejected" like every kind's (proofs/schema.md), not a parameter error.
  c = load("bound_mnist_seed.json");
  c.erase("certificate");
  CHECK_THROWS_AS(run(c), CertificateInvalid);
  CHECK(claim_verify(c, ClaimContext{"memory", kTheoremProofs, ROBUSTLAW_SOURCE_DIR}).verdict == ClaimVerdict::Rejected);
}

// Out-of-domain parameters were evaluated: "c": -1 with "expected":
// "violated" passed, and an unused "k": null was ignored.
TEST_CASE("theorem claims: a parameter outside the theorem's domain, or unknown, is an error") {
  const Json good = load("bound_mnist_seed.json");
  REQUIRE(run(good).verdict != ClaimVerdict::Violated);
  const std::vector<std::pair<std::string, Json>> bad{
      {"c", -1}, {"c", 0}, {"epsilon", 2}, {"epsilon", 0}, {"delta", 1}, {"sigma", "3/2"}, {"p", -5},
      {"p", "1/2"}, {"n", 0}, {"k", nullptr}, {"k", "nan"}, {"W", 0}, {"colour", 1}};
  for (const auto& member : bad) {  // no structured binding: clang refuses one inside INFO's lambda
    Json claim = good;
    claim["parameters"][member.first] = member.second;
    INFO(member.first << " = " << member.second.dump());
    CHECK_THROWS_AS(run(claim), InputError);
  }
  Json least_n = load("least_n_seed.json");
  least_n["parameters"]["epsilon"] = "-1/10";
  CHECK_THROWS_AS(run(least_n), InputError);
}
