// Robustness claims: brute force on tiny networks, float traps, certificates.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "arith/error.hpp"
#include "cert/claim.hpp"
#include "net/eval.hpp"
#include "net/load.hpp"
#include "robustness/ball.hpp"
#include "robustness/claim_file.hpp"
#include "robustness/margin.hpp"
#include "robustness/symbolic.hpp"
#include "test_scale.hpp"
#include "test_support.hpp"

using namespace rl::test;

using namespace rl;
namespace fs = std::filesystem;

namespace {

// A random network with small dyadic weights k/4, k in [-8, 8].
Network random_net(std::mt19937_64& rng, std::size_t in, std::vector<std::size_t> widths) {
  std::uniform_int_distribution<long> u(-8, 8);
  std::vector<std::pair<RationalMatrix, std::vector<Rational>>> layers;
  std::size_t prev = in;
  for (std::size_t w : widths) {
    RationalMatrix m(w, std::vector<Rational>(prev));
    std::vector<Rational> b(w);
    for (auto& row : m) for (auto& v : row) v = q(u(rng), 4);
    for (auto& v : b) v = q(u(rng), 4);
    layers.push_back({m, b});
    prev = w;
  }
  return network_from_layers(in, std::move(layers));
}

CertifyResult certify(const Network& net, const std::vector<Rational>& x, const Rational& r, Norm norm,
                      std::optional<std::size_t> label = std::nullopt, double seconds = 5) {
  RobustnessQuery query{Ball{x, r, norm}, label};
  CertifyOptions o;
  o.time_limit_seconds = seconds;
  return robustness_certify(net, query, o);
}

bool unsafe_at(const Network& net, std::size_t label, const std::vector<Rational>& y) {
  std::vector<Rational> out = net_eval_exact(net, y);
  for (std::size_t j = 0; j < out.size(); ++j)
    if (j != label && out[j] >= out[label]) return true;
  return false;
}

// The exact minimal adversarial distance around x of a 1-D network with one
// hidden layer, within distance `range`: between consecutive ReLU breakpoints
// every margin f_C - f_j is affine, so its zero set is read off the exact
// values at the piece ends. Returns range + 1 when nothing is found.
Rational true_radius_1d(const Network& net, const Rational& x, std::size_t label, const Rational& range) {
  std::vector<Rational> cuts{x - range, x + range};
  const Layer& first = net.layers[0];
  for (std::size_t i = 0; i < first.out_dim(); ++i)
    if (first.weights[i][0] != 0) {
      Rational t = -first.bias[i] / first.weights[i][0];
      if (t > x - range && t < x + range) cuts.push_back(t);
    }
  std::sort(cuts.begin(), cuts.end());
  Rational best = range + 1;
  auto dist_to = [&](const Rational& a, const Rational& b) {  // distance from x to [a, b]
    return x < a ? a - x : (x > b ? x - b : Rational(0));
  };
  for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
    const Rational &p = cuts[k], &r = cuts[k + 1];
    std::vector<Rational> yp = net_eval_exact(net, {p}), yr = net_eval_exact(net, {r});
    for (std::size_t j = 0; j < yp.size(); ++j) {
      if (j == label) continue;
      Rational a = yp[label] - yp[j], b = yr[label] - yr[j];
      Rational d = range + 1;
      if (a <= 0 && b <= 0) d = dist_to(p, r);
      else if (a <= 0) d = dist_to(p, p + a * (r - p) / (a - b));
      else if (b <= 0) d = dist_to(p + a * (r - p) / (a - b), r);
      if (d < best) best = d;
    }
  }
  return best;
}

struct TempModel {
  std::string path;
  explicit TempModel(const Network& net) {
    static int counter = 0;
    path = (fs::temp_directory_path() / ("robustlaw_test_rob_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".json")).string();
    std::ofstream(path) << network_to_json(net);
  }
  ~TempModel() { fs::remove(path); }
};

ClaimOutcome check_claim(const Json& claim) {
  ClaimContext ctx{"", "", ROBUSTLAW_SOURCE_DIR};
  return claim_kind_registry().at("robustness")(claim, ctx);
}

}  // namespace

TEST_CASE("robustness: the reasons of an unknown answer, as the reports print them") {
  CHECK(unknown_reason_name(UnknownReason::TimeLimit) == "time-limit");
  CHECK(unknown_reason_name(UnknownReason::Interrupted) == "interrupted");
  CHECK(unknown_reason_name(UnknownReason::MemoryLimit) == "memory-limit");
  CHECK(unknown_reason_name(UnknownReason::UndecidedPoint) == "undecided-point");
}

TEST_CASE("robustness: 1-D networks against the exact minimal adversarial radius") {
  std::mt19937_64 rng(11);
  std::size_t settled = 0, cases = test::scaled(24);
  for (std::size_t c = 0; c < cases; ++c) {
    Network net = random_net(rng, 1, {6, 3});
    Rational x = q(std::uniform_int_distribution<long>(-16, 16)(rng), 8);
    std::vector<Rational> y = net_eval_exact(net, {x});
    std::size_t label = 0;
    for (std::size_t j = 1; j < 3; ++j) if (y[j] > y[label]) label = j;
    if ((label != 0 && y[0] == y[label]) || (label != 1 && y[1] == y[label]) || (label != 2 && y[2] == y[label])) continue;
    Rational rho = true_radius_1d(net, x, label, 4);
    if (rho > 3 || rho == 0) continue;
    // The margin argument never claims more than the truth; the robust radius is rho (ball closed: rho itself is unsafe).
    MarginProblem mp = margin_problem(net, {x}, label, Norm::Linf);
    Rational mr = margin_certified_radius(mp);
    CHECK(mr < rho);
    for (Rational r : {rho * q(7, 10), rho * q(13, 10), rho}) {
      CertifyResult res = certify(net, {x}, r, Norm::Linf, std::nullopt, 2);
      CHECK(res.label == label);
      INFO("x=" << rational_to_string(x) << " R=" << rational_to_string(r) << " rho=" << rational_to_string(rho));
      if (r < rho) CHECK(res.verdict == PropertyVerdict::Verified);
      else CHECK(res.verdict == PropertyVerdict::Refuted);
      if (res.verdict == PropertyVerdict::Refuted) {
        REQUIRE(res.counterexample);
        CHECK(ball_contains(Ball{{x}, r, Norm::Linf}, res.counterexample->point));
        CHECK(unsafe_at(net, label, res.counterexample->point));
        CHECK(res.counterexample->distance.first >= rho);
      }
      CHECK(res.radius_lower < rho);
      ++settled;
    }
  }
  CHECK(settled >= cases);  // at least a third of the nets gave three cases each
}

TEST_CASE("robustness: 2-D networks, verified answers survive a dense exact grid") {
  std::mt19937_64 rng(12);
  std::size_t verified = 0, refuted = 0;
  // Not scaled down: fewer cases would not reach both verdicts, and 24 are cheap.
  for (std::size_t c = 0; c < 24; ++c) {
    Network net = random_net(rng, 2, {5, 4, 3});
    std::vector<Rational> x{q(std::uniform_int_distribution<long>(-8, 8)(rng), 8), q(std::uniform_int_distribution<long>(-8, 8)(rng), 8)};
    Norm norm = std::array<Norm, 3>{Norm::Linf, Norm::L2, Norm::L1}[c % 3];
    Rational r = q(std::uniform_int_distribution<long>(1, 12)(rng), 16);
    CertifyResult res;
    try {
      res = certify(net, x, r, norm, std::nullopt, 2);
    } catch (const InputError&) {
      continue;  // tied argmax at x
    }
    Ball ball{x, r, norm};
    if (res.verdict == PropertyVerdict::Verified) {
      ++verified;
      const int n = 24;
      for (int i = 0; i <= n; ++i)
        for (int k = 0; k <= n; ++k) {
          std::vector<Rational> y{x[0] - r + 2 * r * q(i, n), x[1] - r + 2 * r * q(k, n)};
          if (ball_contains(ball, y)) CHECK_FALSE(unsafe_at(net, res.label, y));
        }
      CHECK(check_claim(claim_robustness_ball("grid", TempModel(net).path, net, ball, res)).verdict == ClaimVerdict::Holds);
    } else if (res.verdict == PropertyVerdict::Refuted) {
      ++refuted;
      CHECK(ball_contains(ball, res.counterexample->point));
      CHECK(unsafe_at(net, res.label, res.counterexample->point));
      CHECK(check_claim(claim_robustness_ball("cex", TempModel(net).path, net, ball, res)).verdict == ClaimVerdict::Violated);
    }
  }
  CHECK(verified > 0);
  CHECK(refuted > 0);
}

TEST_CASE("robustness: weights 1 and 1 + 2^-60 (float64 ties, exact does not)") {
  Rational tiny = rational_pow2(-60);
  Network net = network_from_layers(1, {{{{q(1)}}, {q(0)}}, {{{1 + tiny}, {q(1)}}, {q(0), q(0)}}});
  std::vector<double> yd = net_eval_double(net, {1.0});
  REQUIRE(yd[0] == yd[1]);  // the trap: float64 cannot tell the classes apart
  CertifyResult res = certify(net, {q(1)}, q(1, 2), Norm::Linf);
  CHECK(res.label == 0);
  CHECK(res.verdict == PropertyVerdict::Verified);
  CHECK(check_claim(claim_robustness_ball("t", TempModel(net).path, net, Ball{{q(1)}, q(1, 2), Norm::Linf}, res)).verdict == ClaimVerdict::Holds);
  // Radius 2 reaches x <= 0, where both outputs are 0: a tie, so class 0 is not the unique argmax.
  CertifyResult far = certify(net, {q(1)}, q(2), Norm::Linf);
  CHECK(far.verdict == PropertyVerdict::Refuted);
  REQUIRE(far.counterexample);
  CHECK(far.counterexample->point[0] <= 0);
  CHECK(far.counterexample->argmax.size() == 2);
  CHECK(far.radius_lower < 1);
}

TEST_CASE("robustness: 0.1 + 0.2 against 0.3 (exact tie, float64 picks a class)") {
  // f0 = 0.1 relu(x) + 0.2 relu(x), f1 = 0.3 relu(x): equal in exact arithmetic.
  Network net = network_from_layers(1, {{{{q(1)}, {q(1)}}, {q(0), q(0)}}, {{{q(1, 10), q(2, 10)}, {q(3, 10), q(0)}}, {q(0), q(0)}}});
  std::vector<double> yd = net_eval_double(net, {1.0});
  REQUIRE(yd[0] != yd[1]);
  CHECK_THROWS_AS(certify(net, {q(1)}, q(1, 10), Norm::Linf), InputError);
  for (std::size_t label : {0, 1}) {
    CertifyResult res = certify(net, {q(1)}, q(1, 10), Norm::L2, label);
    CHECK(res.verdict == PropertyVerdict::Refuted);
    REQUIRE(res.counterexample);
    CHECK(res.counterexample->argmax.size() == 2);
  }
  // f1 = (0.3 + 2^-56) relu(x): class 1 wins exactly, float64 says class 0.
  Rational w = q(3, 10) + rational_pow2(-56);
  Network net2 = network_from_layers(1, {{{{q(1)}, {q(1)}}, {q(0), q(0)}}, {{{q(1, 10), q(2, 10)}, {w, q(0)}}, {q(0), q(0)}}});
  yd = net_eval_double(net2, {1.0});
  REQUIRE(yd[0] > yd[1]);
  CertifyResult res = certify(net2, {q(1)}, q(1, 4), Norm::L1);
  CHECK(res.label == 1);
  CHECK(res.verdict == PropertyVerdict::Verified);
  CHECK(certify(net2, {q(1)}, q(1, 4), Norm::L1, 0).verdict == PropertyVerdict::Refuted);
}

TEST_CASE("robustness: certificates round trip and tampering is rejected") {
  std::mt19937_64 rng(21);
  std::size_t tampered = 0;
  for (std::size_t c = 0; c < 80 && tampered < 4; ++c) {
    Network net = random_net(rng, 2, {6, 3});
    std::vector<Rational> x{q(1, 4), q(-1, 8)};
    Ball ball{x, q(long(c % 3) + 1, 8), Norm::L2};
    CertifyResult res;
    try { res = certify(net, x, ball.radius, ball.norm, std::nullopt, 2); } catch (const InputError&) { continue; }
    if (res.verdict != PropertyVerdict::Verified) continue;
    TempModel model(net);
    Json claim = claim_robustness_ball("tamper", model.path, net, ball, res);
    REQUIRE(check_claim(claim).verdict == ClaimVerdict::Holds);
    // A bigger radius than the one certified: the same tree must not pass if a counterexample exists there.
    Json bigger = claim;
    bigger["parameters"]["radius"] = "4";
    CertifyResult far = certify(net, x, q(4), Norm::L2, std::nullopt, 2);
    if (far.verdict == PropertyVerdict::Refuted) CHECK(check_claim(bigger).verdict == ClaimVerdict::Rejected);
    Json truncated = claim;
    truncated["certificate"]["tree"].erase(truncated["certificate"]["tree"].size() - 1);
    CHECK(check_claim(truncated).verdict == ClaimVerdict::Rejected);
    Json extra = claim;
    extra["certificate"]["tree"].push_back("I");
    CHECK(check_claim(extra).verdict == ClaimVerdict::Rejected);
    Json bad_dim = claim;
    bad_dim["certificate"]["tree"][0] = 7;
    CHECK(check_claim(bad_dim).verdict == ClaimVerdict::Rejected);
    Json outside = claim;  // every leaf claimed to miss the ball
    for (auto& t : outside["certificate"]["tree"]) if (t.is_string()) t = "O";
    CHECK(check_claim(outside).verdict == ClaimVerdict::Rejected);
    Json other_label = claim;
    other_label["parameters"]["label"] = (res.label + 1) % 3;
    CHECK(check_claim(other_label).verdict == ClaimVerdict::Rejected);
    ++tampered;
  }
  CHECK(tampered >= 3);
  // Counterexamples: valid, moved outside the ball, or safe.
  Network net = network_from_layers(1, {{{{q(1)}}, {q(0)}}, {{{q(1)}, {q(-1)}}, {q(0), q(1, 2)}}});
  CertifyResult res = certify(net, {q(1)}, q(1), Norm::Linf);
  REQUIRE(res.verdict == PropertyVerdict::Refuted);
  TempModel model(net);
  Json claim = claim_robustness_ball("cex", model.path, net, Ball{{q(1)}, q(1), Norm::Linf}, res);
  CHECK(check_claim(claim).verdict == ClaimVerdict::Violated);
  Json moved = claim;
  moved["certificate"]["counterexample"] = {"-1/2"};
  CHECK(check_claim(moved).verdict == ClaimVerdict::Rejected);
  Json safe = claim;
  safe["certificate"]["counterexample"] = {"3/2"};
  CHECK(check_claim(safe).verdict == ClaimVerdict::Rejected);
}

TEST_CASE("robustness: ACAS Xu network, a small verified ball and its certificate") {
  std::string path = std::string(ROBUSTLAW_SOURCE_DIR) + "/data/nets/acasxu/ACASXU_run2a_1_1_batch_2000.nnet";
  Network net = network_load(path);
  std::vector<Rational> x{q(20000), q(1, 2), q(-1, 2), q(600), q(500)};
  CertifyResult res = certify(net, x, q(1, 1000), Norm::Linf, std::nullopt, 10);
  CHECK(res.verdict == PropertyVerdict::Verified);
  CHECK(res.margin_radius > q(1, 1000));
  Json claim = claim_robustness_ball("acas", "data/nets/acasxu/ACASXU_run2a_1_1_batch_2000.nnet", net, Ball{x, q(1, 1000), Norm::Linf}, res);
  CHECK(check_claim(claim).verdict == ClaimVerdict::Holds);
  Json wrong = claim;  // the same certificate for a radius where the margin argument fails
  wrong["parameters"]["radius"] = "1/10";
  CHECK(check_claim(wrong).verdict == ClaimVerdict::Rejected);
}

TEST_CASE("robustness: every claim in proofs/robustness replays to its expected verdict") {
  fs::path dir = fs::path(ROBUSTLAW_SOURCE_DIR) / "proofs" / "robustness";
  std::size_t claims = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    Json claim = json_read_file_exact(e.path().string());
    REQUIRE(claim["kind"] == "robustness");
    ClaimContext ctx{e.path().string(), dir.string(), ROBUSTLAW_SOURCE_DIR};
    ClaimOutcome out = claim_kind_registry().at("robustness")(claim, ctx);
    INFO(e.path().filename().string() << ": " << out.detail);
    CHECK(out.verdict == claim_expected_parse(claim["expected"].get<std::string>(), e.path().string()));
    ++claims;
  }
  CHECK(claims >= 10);
}

TEST_CASE("robustness: symbolic interval bounds enclose the exact outputs and beat IBP on small boxes") {
  std::mt19937_64 rng(31);
  std::size_t tighter = 0, cases = test::scaled(60);
  for (std::size_t c = 0; c < cases; ++c) {
    Network net = random_net(rng, 3, {8, 8, 2});
    std::vector<Rational> lo, hi;
    std::uniform_int_distribution<long> u(-16, 16), w(1, 8);
    for (int i = 0; i < 3; ++i) {
      lo.push_back(q(u(rng), 16));
      hi.push_back(lo.back() + q(w(rng), c % 2 ? 64 : 8));
    }
    DBox box = dbox_from_rationals(lo, hi);
    std::vector<double> sym = symbolic_output_upper(net, box);
    BoxBounds ibp = net_ibp(net, box);
    for (int s = 0; s < 40; ++s) {
      std::vector<Rational> y;
      for (int i = 0; i < 3; ++i) y.push_back(lo[i] + (hi[i] - lo[i]) * q(std::uniform_int_distribution<long>(0, 32)(rng), 32));
      std::vector<Rational> out = net_eval_exact(net, y);
      for (std::size_t k = 0; k < out.size(); ++k) CHECK(out[k] <= rational_from_double(sym[k]));
    }
    for (std::size_t k = 0; k < sym.size(); ++k) tighter += sym[k] < ibp.output()[k].hi;
  }
  CHECK(tighter > cases / 2);
}
