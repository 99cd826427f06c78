// Verified LipSDP-Neuron: the bound is sound against the branch and bound's
// certified values and brute force, no larger than the product of norms (up
// to the back-off), the exact check refuses infeasible or tampered proofs,
// certificates replay, and bad options are refused.
#include <doctest/doctest.h>

#include <random>

#include "arith/error.hpp"
#include "cert/cert_lipsdp.hpp"
#include "cert/claims.hpp"
#include "lipschitz/lipsdp.hpp"
#include "lipschitz/problem.hpp"
#include "net/load.hpp"
#include "net/random_network.hpp"
#include "test_cli_errors_support.hpp"
#include "test_scale.hpp"
#include "test_support.hpp"

using namespace rl;
using namespace rl::test;

namespace {

const std::string kGlobalClaim = kSource + "/proofs/lipschitz/rand_2-16-16-1_global_l2_lipsdp.json";
const std::string kBoxClaim = kSource + "/proofs/lipschitz/rand_5-20-20-1_box_l2_lipsdp.json";

LipschitzOptions options_for(bool global, std::size_t d, const Rational& radius) {
  LipschitzOptions o;
  o.norm = Norm::L2;
  o.threads = 1;
  o.rel_gap = Rational(1, 1000000);
  o.node_limit = 20000;
  o.domain.global = global;
  if (!global) { o.domain.lo.assign(d, -radius); o.domain.hi.assign(d, radius); }
  return o;
}

LipsdpBound lipsdp_of(const Network& net, const LipschitzOptions& o) {
  std::string why;
  std::optional<LipsdpBound> b = lipschitz_upper_lipsdp(lipschitz_problem(net, o), 60, nullptr, why);
  INFO("LipSDP failed: " << why);
  REQUIRE(b.has_value());
  return *b;
}

ClaimOutcome verify(const Json& claim, const std::string& path) {
  return claim_verify(claim, ClaimContext{path, std::filesystem::path(path).parent_path().string(), kSource});
}

std::string next_below(const std::string& exact) {
  const double u = rational_to_double(rational_parse(exact, "upper"));
  return rational_to_string(rational_from_double(std::nextafter(u, 0.0)));
}

}  // namespace

TEST_CASE("lipsdp: the verified bound is >= the certified constant on small random networks, boxes and R^d") {
  std::mt19937_64 rng(31);
  const std::size_t cases = rl::test::scaled(24);
  for (std::size_t n = 0; n < cases; ++n) {
    const std::size_t d = 1 + rng() % 3, w = 2 + rng() % 5;
    const bool deep = n % 2 == 1, global = n % 3 == 0;
    Network net = deep ? random_network({d, w, w, 1 + rng() % 2}, 500 + n) : random_network({d, w, 1}, 500 + n);
    LipschitzOptions o = options_for(global, d, Rational(1 + rng() % 4, 4));
    o.baselines = true;
    const LipsdpBound b = lipsdp_of(net, o);
    const LipschitzResult r = lipschitz_bound(net, o);
    INFO("case " << n << " d " << d << " width " << w << " deep " << deep << " global " << global << ": LipSDP "
                 << rational_to_double(b.upper) << ", branch and bound [" << rational_to_double(r.lower) << ", "
                 << rational_to_double(r.upper) << "] " << search_status_name(r.status));
    CHECK(b.upper * b.upper >= b.rho);
    CHECK(b.upper >= r.lower);
    // A converged search knows L to within rel-gap: LipSDP must not be below it.
    if (r.status == SearchStatus::Converged) CHECK(b.upper * (1 + o.rel_gap) >= r.upper);
    // LipSDP-Neuron is never worse than the product of the layer norms; the
    // slack covers the back-off (1e-6) and the solve's margin.
    REQUIRE(r.baselines);
    CHECK(b.upper <= r.baselines->product_upper * Rational(10001, 10000));
  }
}

TEST_CASE("lipsdp: exact brute force on one neuron per layer, where LipSDP is tight") {
  // f(x) = 3 relu(2 x) - on R it has Lipschitz constant exactly 6; LipSDP gives 6 up to the back-off.
  Network net = network_from_layers(1, {{{{2}}, {0}}, {{{3}}, {0}}});
  const LipsdpBound b = lipsdp_of(net, options_for(true, 1, 0));
  CHECK(b.upper >= 6);
  CHECK(b.upper <= Rational(6) * Rational(100001, 100000));
}

TEST_CASE("lipsdp: the exact check refuses an infeasible or tampered LMI proof") {
  Network net = random_network({2, 8, 8, 1}, 7);
  const LipschitzOptions o = options_for(true, 2, 0);
  const LipsdpBound b = lipsdp_of(net, o);
  const LipProblem p = lipschitz_problem(net, o);
  auto check = [&](const Json& cert) { return cert_lipsdp_check(p.net, p.unbounded, p.lo, p.hi, cert); };
  CHECK(check(b.proof) == b.rho);
  // Below the true constant no LMI can hold: rho' < lower^2.
  const LipschitzResult r = lipschitz_bound(net, o);
  Json low = b.proof;
  low["rho"] = rational_to_string(r.lower * r.lower * Rational(99, 100));
  CHECK_THROWS_AS(check(low), InputError);
  Json shaved = b.proof;  // rho lowered by 1%: the factor no longer matches
  shaved["rho"] = rational_to_string(b.rho * Rational(99, 100));
  CHECK_THROWS_AS(check(shaved), InputError);
  Json negative = b.proof;
  negative["t"][0] = "-1/1024";
  CHECK_THROWS_AS(check(negative), InputError);
  Json sigma = b.proof;
  sigma["sigma"] = rational_to_string(rational_parse(b.proof["sigma"].get<std::string>(), "s") * 4);
  CHECK_THROWS_AS(check(sigma), InputError);
  Json factor = b.proof;
  factor["R"][3][0] = rational_to_string(rational_parse(factor["R"][3][0].get<std::string>(), "r") + Rational(1, 64));
  CHECK_THROWS_AS(check(factor), InputError);
  Json nondyadic = b.proof;
  nondyadic["R"][0][0] = "1/3";
  CHECK_THROWS_AS(check(nondyadic), InputError);
  Json ragged = b.proof;
  ragged["R"][1].erase(0);
  CHECK_THROWS_AS(check(ragged), InputError);
  Json slopes = b.proof;
  slopes["slopes"][0] = Json::array({1, 1});
  CHECK_THROWS_AS(check(slopes), InputError);
}

TEST_CASE("lipsdp: certificates in proofs/ hold, and tampered copies are refused") {
  for (const std::string& path : {kGlobalClaim, kBoxClaim}) {
    const Json good = json_read_file_exact(path);
    CHECK(verify(good, path).verdict == ClaimVerdict::Holds);
    Json upper = good;  // one grid step down: no longer the least grid value whose square is >= rho
    upper["certificate"]["upper"] = next_below(good["certificate"]["upper"].get<std::string>());
    CHECK(verify(upper, path).verdict == ClaimVerdict::Rejected);
    Json looser = good;  // one grid step up: not the least
    looser["certificate"]["upper"] = rational_to_string(
        rational_from_double(std::nextafter(rational_to_double(rational_parse(good["certificate"]["upper"].get<std::string>(), "u")), 1e300)));
    CHECK(verify(looser, path).verdict == ClaimVerdict::Rejected);
    Json extra = good;
    extra["certificate"]["note"] = "x";
    CHECK(verify(extra, path).verdict == ClaimVerdict::Rejected);
    Json linf = good;
    linf["parameters"]["norm"] = "linf";
    linf["certificate"]["norm"] = "linf";
    CHECK(verify(linf, path).verdict == ClaimVerdict::Rejected);
    Json witness = good;  // the witness no longer gives the claimed lower
    witness["certificate"]["lower"] = rational_to_string(rational_parse(good["certificate"]["lower"].get<std::string>(), "l") * 2);
    CHECK(verify(witness, path).verdict == ClaimVerdict::Rejected);
  }
  // The local variant's slopes come from the checker's own propagation: the
  // box certificate's proof is refused on R^d, where every slope is [0, 1].
  Json global = json_read_file_exact(kBoxClaim);
  global["parameters"]["domain"] = Json{{"global", true}};
  CHECK(verify(global, kBoxClaim).verdict == ClaimVerdict::Rejected);
}

TEST_CASE("lipsdp: lipschitz_bound reports the smaller upper, with a lipsdp certificate that replays") {
  Network net = random_network({2, 16, 16, 1}, 11);
  LipschitzOptions o = options_for(true, 2, 0);
  o.node_limit = 1;
  o.lipsdp = LipschitzOptions::Lipsdp::On;
  o.want_certificate = true;
  const LipschitzResult r = lipschitz_bound(net, o);
  REQUIRE(r.lipsdp_ran);
  REQUIRE(r.lipsdp_verified);
  CHECK(r.upper <= r.lipsdp_upper);
  CHECK(r.lower <= r.upper);
  CHECK(r.certificate["method"] == "lipsdp");
  CHECK(r.upper == r.lipsdp_upper);
  o.lipsdp = LipschitzOptions::Lipsdp::Off;
  const LipschitzResult off = lipschitz_bound(net, o);
  CHECK_FALSE(off.lipsdp_ran);
  CHECK(off.upper >= r.upper);
  // Auto does not run after a converged search.
  Network small = random_network({2, 3, 1}, 5);
  LipschitzOptions a = options_for(false, 2, 1);
  a.lipsdp = LipschitzOptions::Lipsdp::Auto;
  const LipschitzResult conv = lipschitz_bound(small, a);
  CHECK(conv.status == SearchStatus::Converged);
  CHECK_FALSE(conv.lipsdp_ran);
  // Auto runs after an unconverged search on R^d, never on a box.
  o.lipsdp = LipschitzOptions::Lipsdp::Auto;
  o.want_certificate = false;
  const LipschitzResult global_auto = lipschitz_bound(net, o);
  CHECK(global_auto.status != SearchStatus::Converged);
  CHECK(global_auto.lipsdp_ran);
  LipschitzOptions box = options_for(false, 2, 1);
  box.node_limit = 1;
  box.lipsdp = LipschitzOptions::Lipsdp::Auto;
  const LipschitzResult box_auto = lipschitz_bound(net, box);
  CHECK(box_auto.status == SearchStatus::NodeLimit);
  CHECK_FALSE(box_auto.lipsdp_ran);
}

TEST_CASE("lipsdp: under On on R^d the SDP is solved first, and a search that beats it writes its own certificate") {
  const std::string path = kSource + "/bench/nets/rand_2-16-16-1.json";
  const Network net = network_load(path);
  LipschitzOptions o = options_for(true, 2, 0);
  o.node_limit = 0;
  o.time_limit_seconds = 120;
  o.lipsdp = LipschitzOptions::Lipsdp::On;
  o.want_certificate = true;
  const LipschitzResult r = lipschitz_bound(net, o);
  REQUIRE(r.lipsdp_verified);
  CHECK(r.status == SearchStatus::Converged);
  CHECK(r.upper < r.lipsdp_upper);
  CHECK(r.certificate["method"] != "lipsdp");
  Json claim = json_read_file_exact(kGlobalClaim);
  claim["certificate"] = r.certificate;
  const ClaimOutcome v = verify(claim, kGlobalClaim);
  INFO(v.detail);
  CHECK(v.verdict == ClaimVerdict::Holds);
}

TEST_CASE("lipschitz_certificate_kept: a search keeps its certificate's time only while it beats the bound in hand") {
  LipschitzOptions o;
  CHECK(lipschitz_certificate_kept(o, 1e300, 2.5) == 2.5);
  CHECK(lipschitz_certificate_kept(o, std::numeric_limits<double>::infinity(), 2.5) == 2.5);  // an overflowed bound
  o.certificate_needed_below = 10;
  CHECK(lipschitz_certificate_kept(o, 9.5, 2.5) == 2.5);
  CHECK(lipschitz_certificate_kept(o, 10, 2.5) == 0);
  CHECK(lipschitz_certificate_kept(o, 11, 2.5) == 0);
}

TEST_CASE("lipsdp: the canonical upper is the least double whose square is >= rho") {
  for (const Rational& rho : {Rational(4), Rational(2), Rational(1, 3), Rational(1000000007, 3)}) {
    const Rational u = lipsdp_upper_of(rho);
    CHECK(u * u >= rho);
    const Rational below = rational_from_double(std::nextafter(rational_to_double(u), 0.0));
    CHECK(below * below < rho);
  }
  CHECK(lipsdp_upper_of(Rational(0)) == 0);
}

TEST_CASE("cli: lipschitz --lipsdp refuses bad values and other norms, and reports lipsdp_upper") {
  const std::string net = kSource + "/bench/nets/rand_2-8-1.json";
  cli_check_refused({{"lipschitz", net, "--norm=l1", "--global", "--lipsdp=on"}, {"--lipsdp", "l2"}});
  cli_check_refused({{"lipschitz", net, "--norm=l2", "--global", "--lipsdp=maybe"}, {"--lipsdp", "maybe"}});
  const CliResult ok = cli_run({"lipschitz", kSource + "/bench/nets/rand_2-16-16-1.json", "--norm=l2", "--global", "--lipsdp=on",
                                "--node-limit=1", "--json"});
  REQUIRE(ok.exit_code == 0);
  const Json j = Json::parse(ok.out);
  CHECK(j.contains("lipsdp_upper"));
  CHECK(j.contains("lipsdp_seconds"));
  CHECK(j["upper"] == j["lipsdp_upper"]);
}
