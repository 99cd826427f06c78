// Verified LipSDP-Neuron: the bound is sound against the branch and bound's
// certified values and brute force, no larger than the product of norms (up
// to the back-off), the exact check refuses infeasible or tampered proofs,
// certificates replay, and bad options are refused.
#include <doctest/doctest.h>

#include <limits>
#include <random>

#include "arith/error.hpp"
#include "cert/cert_lipsdp.hpp"
#include "cert/claims.hpp"
#include "cert/producer_api.hpp"
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
  // -2^63 (or 2^63, read as a long) passed the range check through abs's
  // overflow, and GMP aborted on a power of 2^63 bits.
  for (const Json& far : {Json(std::numeric_limits<long>::min()), Json(std::uint64_t(1) << 63), Json(4097), Json(-4097)}) {
    Json scale = b.proof;
    for (auto& s : scale["scale"]) s = far;
    CHECK_THROWS_WITH_AS(check(scale), doctest::Contains("'scale'"), InputError);
  }
  Json slopes = b.proof;
  slopes["slopes"][0] = Json::array({1, 1});
  CHECK_THROWS_AS(check(slopes), InputError);
}

namespace lipsdp_test {

using RMatrix = std::vector<std::vector<Rational>>;

// -M(rho, t) over the full stack (x, phi_1, ..., phi_{L-1}), as
// cert/cert_lipsdp.hpp writes it, written out here independently.
RMatrix full_negated_lmi(const Network& g, const std::vector<std::pair<int, int>>& slopes, const Rational& rho,
                         const std::vector<Rational>& t) {
  const std::size_t n = g.input_dim + g.hidden_neuron_count();
  RMatrix a(n, std::vector<Rational>(n));
  for (std::size_t i = 0; i < g.input_dim; ++i) a[i][i] = rho;
  std::size_t prev = 0, pos = g.input_dim, neuron = 0;
  for (std::size_t k = 0; k + 1 < g.layers.size(); ++k) {
    for (std::size_t r = 0; r < g.layers[k].out_dim(); ++r, ++neuron) {
      const auto& w = g.layers[k].weights[r];
      const Rational al = slopes[neuron].first, be = slopes[neuron].second;
      for (std::size_t i = 0; i < w.size(); ++i) {
        for (std::size_t j = 0; j < w.size(); ++j) a[prev + i][prev + j] += 2 * al * be * t[neuron] * w[i] * w[j];
        a[prev + i][pos + r] -= (al + be) * t[neuron] * w[i];
        a[pos + r][prev + i] -= (al + be) * t[neuron] * w[i];
      }
      a[pos + r][pos + r] += 2 * t[neuron];
    }
    prev = pos;
    pos += g.layers[k].out_dim();
  }
  const Layer& out = g.layers.back();
  for (const auto& row : out.weights)
    for (std::size_t i = 0; i < row.size(); ++i)
      for (std::size_t j = 0; j < row.size(); ++j) a[prev + i][prev + j] -= row[i] * row[j];
  return a;
}

// E: each full coordinate over the reduced ones (a kept neuron is its own
// coordinate, an eliminated one alpha times its pre-activation's row).
RMatrix elimination_map(const Network& g, const std::vector<std::pair<int, int>>& slopes, std::size_t reduced) {
  RMatrix e;
  for (std::size_t i = 0; i < g.input_dim; ++i) {
    e.emplace_back(reduced);
    e.back()[i] = 1;
  }
  std::size_t prev = 0, next_kept = g.input_dim, neuron = 0;
  for (std::size_t k = 0; k + 1 < g.layers.size(); ++k) {
    const std::size_t layer_start = e.size();
    for (std::size_t r = 0; r < g.layers[k].out_dim(); ++r, ++neuron) {
      std::vector<Rational> row(reduced);
      if (slopes[neuron].first != slopes[neuron].second) row[next_kept++] = 1;
      else
        for (std::size_t j = 0; j < g.layers[k].in_dim(); ++j)
          for (std::size_t c = 0; c < reduced; ++c) row[c] += slopes[neuron].first * g.layers[k].weights[r][j] * e[prev + j][c];
      e.push_back(std::move(row));
    }
    prev = layer_start;
  }
  return e;
}

}  // namespace lipsdp_test

// The reduced LMI is E^T M E: the trusted code builds it from composed rows,
// the test multiplies the full matrix by the elimination map.
TEST_CASE("lipsdp: the reduced LMI equals E^T M E computed from the full LMI") {
  std::mt19937_64 rng(5);
  std::size_t eliminated_in_all = 0;
  for (int n = 0; n < 12; ++n) {
    const Network net = random_network({2 + std::size_t(n % 3), 5, 4, 3, 2}, 900 + n);
    std::vector<Rational> lo(net.input_dim), hi(net.input_dim);
    for (std::size_t i = 0; i < net.input_dim; ++i) {
      lo[i] = Rational(long(rng() % 9) - 4, 8);
      hi[i] = lo[i] + Rational(1 + long(rng() % 4), 16);
    }
    const std::vector<std::pair<int, int>> slopes = cert_lipsdp_slopes(net, false, lo, hi);
    const LipsdpReduction red = cert_lipsdp_reduction(net, slopes);
    std::size_t eliminated = 0;
    std::vector<Rational> t;
    for (const auto& [al, be] : slopes) {
      eliminated += al == be;
      t.push_back(al == be ? Rational(0) : Rational(1 + long(rng() % 7), 3));
    }
    CHECK(red.size + eliminated == net.input_dim + net.hidden_neuron_count());
    const Rational rho(7, 2);
    const lipsdp_test::RMatrix full = lipsdp_test::full_negated_lmi(net, slopes, rho, t);
    const lipsdp_test::RMatrix e = lipsdp_test::elimination_map(net, slopes, red.size);
    const lipsdp_test::RMatrix reduced = cert_lipsdp_negated_lmi(net, slopes, rho, t);
    REQUIRE(reduced.size() == red.size);
    bool equal = true;
    for (std::size_t i = 0; i < red.size; ++i)
      for (std::size_t j = 0; j < red.size; ++j) {
        Rational v = 0;
        for (std::size_t a = 0; a < full.size(); ++a)
          for (std::size_t b = 0; b < full.size(); ++b) v += e[a][i] * full[a][b] * e[b][j];
        equal = equal && v == reduced[i][j];
      }
    INFO("case " << n << ": " << eliminated << " neurons eliminated");
    CHECK(equal);
    eliminated_in_all += eliminated;
  }
  CHECK(eliminated_in_all > 0);
}

// With the stable neurons' terms in the LMI (the earlier form), a solve with a
// margin lost most of what they give: on ACAS Xu 1_1 over [-0.1, 0.1]^5
// (normalized) the verified bound was 4.1e5, against 8.8e4 over R^d.
TEST_CASE("lipsdp: on a box the local bound is at most the global one, and a stable neuron's multiplier is refused") {
  int tampered_cases = 0;
  for (int n = 0; n < 6; ++n) {
    const Network net = random_network({3, 12, 12, 1}, 40 + n);
    LipschitzOptions box = options_for(false, 3, Rational(1, 10));
    const LipsdpBound local = lipsdp_of(net, box);
    const LipsdpBound global = lipsdp_of(net, options_for(true, 3, 0));
    const LipschitzResult exact = lipschitz_bound(net, box);
    INFO("case " << n << ": local " << rational_to_double(local.upper) << ", global " << rational_to_double(global.upper)
                 << ", box constant <= " << rational_to_double(exact.upper));
    CHECK(local.upper <= global.upper * Rational(1001, 1000));
    CHECK(local.upper >= exact.lower);
    const LipProblem p = lipschitz_problem(net, box);
    // [0, 1] holds for every ReLU: the proof over R^d, every neuron kept, holds on the box.
    CHECK(cert_lipsdp_check(p.net, p.unbounded, p.lo, p.hi, global.proof) == global.rho);
    std::size_t stable = 0;
    while (stable < local.proof["slopes"].size() && local.proof["slopes"][stable][0] != local.proof["slopes"][stable][1]) ++stable;
    if (stable == local.proof["slopes"].size()) continue;
    Json tampered = local.proof;
    tampered["t"][stable] = "1/1024";
    CHECK_THROWS_WITH_AS(cert_lipsdp_check(p.net, p.unbounded, p.lo, p.hi, tampered), doctest::Contains("eliminated"), InputError);
    ++tampered_cases;
  }
  CHECK(tampered_cases > 0);
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
