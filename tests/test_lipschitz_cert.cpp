// Lipschitz certificates: engine -> certificate -> exact checker, and tampered
// certificates are rejected.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include "cert/claim.hpp"
#include "lipschitz/lipschitz.hpp"
#include "net/load.hpp"
#include "net/random_network.hpp"
#include "test_scale.hpp"
#include "test_support.hpp"

using namespace rl::test;

using namespace rl;
namespace fs = std::filesystem;

namespace {

struct Run {
  Json claim;
  LipschitzResult result;
};

std::string write_network(const Network& net, const std::string& name) {
  fs::path p = temp_dir("lipcert") / name;
  std::ofstream(p) << network_to_json(net);
  return p.string();
}

Json box_json(const std::vector<Rational>& lo, const std::vector<Rational>& hi) {
  Json box = Json::array();
  for (std::size_t i = 0; i < lo.size(); ++i) box.push_back({rational_to_string(lo[i]), rational_to_string(hi[i])});
  return Json{{"box", box}};
}

Run certify(const std::string& path, Norm norm, const LipschitzDomain& dom, std::uint64_t node_limit = 3000,
            LipschitzOptions::Engine engine = LipschitzOptions::Engine::Auto) {
  Network net = network_load(path);
  LipschitzOptions o;
  o.engine = engine;
  o.norm = norm;
  o.domain = dom;
  o.threads = 1;
  o.node_limit = node_limit;
  o.want_certificate = true;
  Run r;
  r.result = lipschitz_bound(net, o);
  Json domain = dom.global ? Json{{"global", true}} : box_json(dom.lo, dom.hi);
  r.claim = Json{{"schema", "robustlaw-claim"}, {"version", 1}, {"id", "test"}, {"kind", certificate_kind_name(r.result.certificate_kind)},
                 {"statement", "test"}, {"reference", "docs/lipschitz.md"},
                 {"parameters", {{"network", path}, {"norm", norm_name(norm)}, {"domain", domain}, {"output", nullptr}}},
                 {"expected", "holds"}, {"certificate", r.result.certificate}};
  return r;
}

ClaimOutcome verify(const Json& claim) {
  // The claim's kind: a box search by box-hybrid certifies a union of pieces.
  return claim_kind_registry().at(claim["kind"].get<std::string>())(claim, ClaimContext{"test.json", temp_dir("lipcert").string(), kSource});
}

LipschitzDomain box(std::vector<Rational> lo, std::vector<Rational> hi) {
  LipschitzDomain d;
  d.lo = std::move(lo);
  d.hi = std::move(hi);
  return d;
}

}  // namespace

TEST_CASE("lipschitz certificates verify exactly, for every norm, scalar and vector outputs") {
  int n = 0;
  for (auto sizes : {std::vector<std::size_t>{2, 8, 8, 1}, std::vector<std::size_t>{3, 6, 2}, std::vector<std::size_t>{2, 5, 5, 3}}) {
    std::string path = write_network(random_network(sizes, 40 + n), "net" + std::to_string(n) + ".json");
    ++n;
    for (Norm norm : {Norm::L1, Norm::L2, Norm::Linf}) {
      std::vector<Rational> lo(sizes[0], Rational(-1)), hi(sizes[0], Rational(1));
      hi[0] = Rational(1, 3);
      if (sizes[0] == 3) { lo[2] = Rational(1, 7); hi[2] = Rational(1, 7); }  // a fixed coordinate
      Run r = certify(path, norm, box(lo, hi));
      INFO(path << " " << norm_name(norm) << " " << rational_to_string(r.result.lower) << " " << rational_to_string(r.result.upper));
      CHECK(r.result.lower > 0);
      ClaimOutcome out = verify(r.claim);
      INFO(out.detail);
      CHECK(out.verdict == ClaimVerdict::Holds);
    }
  }
}

TEST_CASE("lipschitz certificates: tampering is rejected") {
  std::string path = write_network(random_network({2, 8, 8, 1}, 3), "tamper.json");
  Run r = certify(path, Norm::L2, box({-1, -1}, {1, 1}));
  REQUIRE(r.result.status == SearchStatus::Converged);
  REQUIRE(verify(r.claim).verdict == ClaimVerdict::Holds);
  const Json& cert = r.claim["certificate"];
  REQUIRE(cert["tree"].size() >= 3);

  // The claimed upper lowered by a relative 1e-12.
  Json a = r.claim;
  Rational upper = r.result.upper;
  a["certificate"]["upper"] = rational_to_string(upper - upper / Rational(1000000000000));
  CHECK(verify(a).verdict == ClaimVerdict::Rejected);
  // The claimed lower raised by a relative 1e-12 above what the witness proves.
  Json b = r.claim;
  b["certificate"]["lower"] = rational_to_string(r.result.lower + r.result.lower / Rational(1000000000000));
  CHECK(verify(b).verdict == ClaimVerdict::Rejected);
  // One leaf dropped from the partition.
  Json c = r.claim;
  c["certificate"]["tree"].erase(c["certificate"]["tree"].size() - 1);
  CHECK(verify(c).verdict == ClaimVerdict::Rejected);
  // The lower lowered: not the witness's value, refused although it is still a lower bound.
  Json d = r.claim;
  d["certificate"]["lower"] = rational_to_string(r.result.lower / 2);
  CHECK(verify(d).verdict == ClaimVerdict::Rejected);
  // A member the checker would not read.
  Json e = r.claim;
  e["certificate"]["leaf_bounds"] = Json::array({"1"});
  CHECK(verify(e).verdict == ClaimVerdict::Rejected);
  // The witness moved outside the box.
  Json f = r.claim;
  f["certificate"]["witness"]["point"][0] = "3";
  CHECK(verify(f).verdict == ClaimVerdict::Rejected);
  // A split on a coordinate that does not exist.
  Json g = r.claim;
  g["certificate"]["tree"][0] = 7;
  CHECK(verify(g).verdict == ClaimVerdict::Rejected);
  // A different norm.
  Json h = r.claim;
  h["parameters"]["norm"] = "l1";
  CHECK(verify(h).verdict == ClaimVerdict::Rejected);
}

TEST_CASE("lipschitz certificates: an upper below the largest leaf's vertex norm is rejected") {
  std::string path = write_network(random_network({2, 6, 6, 1}, 9), "largest.json");
  Run r = certify(path, Norm::Linf, box({-1, -1}, {1, 1}));
  REQUIRE(verify(r.claim).verdict == ClaimVerdict::Holds);
  REQUIRE(r.result.status == SearchStatus::Converged);
  // Between the lower (a true value of ||J||) and the upper: some leaf must fail.
  r.claim["certificate"]["upper"] = rational_to_string(r.result.lower - r.result.lower / Rational(1000000));
  r.claim["certificate"]["lower"] = "0";
  r.claim["certificate"].erase("witness");
  CHECK(verify(r.claim).verdict == ClaimVerdict::Rejected);
}

TEST_CASE("lipschitz certificates: global on R^d, and .nnet with its clamp") {
  std::string path = write_network(random_network({2, 4, 1}, 11), "global.json");
  LipschitzDomain g;
  g.global = true;
  Run r = certify(path, Norm::L2, g);
  ClaimOutcome out = verify(r.claim);
  INFO(out.detail);
  CHECK(out.verdict == ClaimVerdict::Holds);
  // Two hidden layers on R^d: activation branching, exact.
  std::string deep = write_network(random_network({2, 5, 5, 1}, 3), "deep.json");
  Run dr = certify(deep, Norm::L1, g);
  CHECK(dr.result.certificate["method"] == "global-activation");
  CHECK(dr.result.status == SearchStatus::Converged);
  CHECK(dr.result.lower > 0);
  out = verify(dr.claim);
  INFO(out.detail);
  CHECK(out.verdict == ClaimVerdict::Holds);
  Json bad = dr.claim;
  bad["certificate"]["upper"] = rational_to_string(dr.result.lower);
  CHECK((dr.result.upper == dr.result.lower || verify(bad).verdict == ClaimVerdict::Rejected));
  std::string nnet = kSource + "/data/nets/sisl/TestNetwork.nnet";
  // Input splits: `auto` would take box-hybrid on this 5-input box, whose
  // pieces each cost the checker exact propagation through 300 neurons (about
  // 0.3 s a piece, 20 pieces within these 40 nodes).
  Run s = certify(nnet, Norm::Linf, box({0, -1, -1, 100, 0}, {100, 1, 1, 101, 1}), 40, LipschitzOptions::Engine::BoxPartition);
  CHECK(s.result.lower > 0);
  out = verify(s.claim);
  INFO(out.detail);
  CHECK(out.verdict == ClaimVerdict::Holds);
}

TEST_CASE("robustlaw lipschitz --certificate writes a claim the checker accepts") {
  fs::path dir = temp_dir("lipcert");
  std::string net = write_network(random_network({2, 6, 1}, 21), "cli.json");
  std::string claim = (dir / "cli_claim.json").string(), out = (dir / "cli_out.json").string();
  std::string cmd = std::string(ROBUSTLAW_BINARY) + " lipschitz " + net + " --norm l2 --box=-1:1 --threads 1 --json --certificate " +
                    claim + " > " + out;
  REQUIRE(std::system(cmd.c_str()) == 0);
  Json result = json_read_file_exact(out);
  CHECK(result["status"] == "converged");
  CHECK(rational_parse(result["lower"].get<std::string>()) <= rational_parse(result["upper"].get<std::string>()));
  Json c = json_read_file_exact(claim);
  CHECK(c["kind"] == "lipschitz");
  ClaimOutcome v = claim_kind_registry().at("lipschitz")(c, ClaimContext{claim, dir.string(), kSource});
  INFO(v.detail);
  CHECK(v.verdict == ClaimVerdict::Holds);
}

// The certificate's leaf tests (made canonical, then replayed) come out of
// the time limit. Before the search kept time back for them, this run took
// about 6 s at a 2 s limit (60 s at 20 s).
TEST_CASE("robustlaw lipschitz --time-limit includes writing and replaying the certificate") {
  fs::path dir = temp_dir("lipcert");
  const std::string claim = (dir / "limited_claim.json").string(), out = (dir / "limited_out.json").string();
  const std::string cmd = std::string(ROBUSTLAW_BINARY) + " lipschitz " + kAcas +
                          " --norm l2 --global --lipsdp off --threads 1 --time-limit 2 --json --certificate " + claim + " > " + out;
  const auto start = std::chrono::steady_clock::now();
  REQUIRE(std::system(cmd.c_str()) == 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 2 + rl::test::time_limit_slack(2.5));  // the limit, start-up and a loaded machine's slack
  Json result = json_read_file_exact(out);
  CHECK(result["status"] == "time-limit");
  Json c = json_read_file_exact(claim);
  CHECK(c["certificate"]["upper"] == result["upper_exact"]);
  ClaimOutcome v = claim_kind_registry().at("lipschitz")(c, ClaimContext{claim, dir.string(), kSource});
  INFO(v.detail);
  CHECK(v.verdict == ClaimVerdict::Holds);
}

// A reserve that proves too small (here forced to nothing) must not cost the
// certificate: the time runs out before the search's tree is canonical, and
// the whole domain's one-leaf Clarke certificate, with the search's witness,
// takes its place (and its upper the result's).
TEST_CASE("lipschitz: out of time before the certificate is canonical, the whole domain's Clarke certificate") {
  const Network net = network_load(kAcas);
  LipschitzOptions o;
  o.norm = Norm::L2;
  o.domain.global = true;
  o.threads = 1;
  o.want_certificate = true;
  o.time_limit_seconds = 1;
  o.certificate_costs = {1e-12, 1e-12};  // measured costs would keep time back; these keep none
  const LipschitzResult r = lipschitz_bound(net, o);
  CHECK(r.status == SearchStatus::TimeLimit);
  REQUIRE(!r.certificate.is_null());
  CHECK(r.certificate["tree"] == Json::array({-1}));
  CHECK(r.upper_method.find("Clarke interval over the whole domain") != std::string::npos);
  CHECK(rational_from_json(r.certificate["upper"], "upper") == r.upper);
  CHECK(rational_from_json(r.certificate["lower"], "lower") == r.lower);
  CHECK(r.lower > 0);
  const Json claim{{"schema", "robustlaw-claim"}, {"version", 1}, {"id", "clarke_fallback"}, {"kind", "lipschitz"},
                   {"statement", "test"}, {"reference", "docs/lipschitz.md"},
                   {"parameters", {{"network", kAcas}, {"norm", "l2"}, {"domain", {{"global", true}}}, {"output", nullptr}}},
                   {"expected", "holds"}, {"certificate", r.certificate}};
  const ClaimOutcome v = verify(claim);
  INFO(v.detail);
  CHECK(v.verdict == ClaimVerdict::Holds);
}

TEST_CASE("lipschitz global one hidden layer: exact region enumeration, certified and checked") {
  std::mt19937_64 rng(77);
  std::uniform_int_distribution<int> dim(1, 4), width(1, 16), outs(1, 2), pick(0, 2);
  int converged = 0, with_farkas = 0;
  const int cases = int(rl::test::scaled(12));
  for (int n = 0; n < cases; ++n) {
    std::size_t d = dim(rng), k = width(rng);
    Network net = random_network({d, k, std::size_t(outs(rng))}, 500 + n);
    if (n % 3 == 0 && k > 2) {  // degenerate: a duplicate neuron and a zero row
      Network copy = net;
      copy.layers[0].weights[1] = copy.layers[0].weights[0];
      copy.layers[0].bias[1] = copy.layers[0].bias[0];
      for (Rational& w : copy.layers[0].weights[2]) w = 0;
      network_finalize(copy);
      net = copy;
    }
    std::string path = write_network(net, "g1l" + std::to_string(n) + ".json");
    Norm norm = pick(rng) == 0 ? Norm::L1 : (pick(rng) == 1 ? Norm::L2 : Norm::Linf);
    LipschitzDomain g;
    g.global = true;
    Run r = certify(path, norm, g);
    INFO("case " << n << " d " << d << " k " << k << " " << norm_name(norm) << " " << search_status_name(r.result.status));
    CHECK(r.result.certificate["method"] == "one-layer-regions");
    converged += r.result.status == SearchStatus::Converged;
    ClaimOutcome out = verify(r.claim);
    INFO(out.detail);
    CHECK(out.verdict == ClaimVerdict::Holds);
    // Tampering with a Motzkin certificate or the last region bound is rejected.
    Json& tree = r.claim["certificate"]["tree"];
    for (auto& e : tree)
      if (e.is_object()) {
        ++with_farkas;
        Json t = r.claim;
        for (auto& f : t["certificate"]["tree"])
          if (f.is_object()) { f["farkas"][0] = "-1"; break; }
        CHECK(verify(t).verdict == ClaimVerdict::Rejected);
        break;
      }
    Json u = r.claim;
    u["certificate"]["upper"] = rational_to_string(r.result.upper * Rational(999, 1000));
    CHECK(verify(u).verdict == ClaimVerdict::Rejected);
  }
  CHECK(converged * 10 >= cases * 9);
  CHECK(with_farkas > 0);
}

TEST_CASE("lipschitz claims in proofs/lipschitz verify") {
  int count = 0;
  for (const auto& e : fs::directory_iterator(kSource + "/proofs/lipschitz")) {
    Json doc = json_read_file_exact(e.path().string());
    if (!doc.is_object() || doc.value("schema", std::string()) != "robustlaw-claim") continue;
    ++count;
    const std::string kind = doc["kind"].get<std::string>();
    CHECK((kind == "lipschitz" || kind == "lipschitz-box-union"));
    ClaimOutcome out = claim_kind_registry().at(kind)(doc, ClaimContext{e.path().string(), e.path().parent_path().string(), kSource});
    INFO(e.path().string() << ": " << out.detail);
    CHECK(out.verdict == claim_expected_parse(doc["expected"].get<std::string>(), e.path().string()));
  }
  CHECK(count >= 3);
}
