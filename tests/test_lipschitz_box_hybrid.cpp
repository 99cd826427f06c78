// Input splits above activation branching (engine "box-hybrid"): against the
// activation search on the whole box and exact Jacobians at sampled points,
// with a tuning that forces both kinds of pieces; its union certificates,
// accepted as produced and refused when a piece is dropped, a split axis
// altered or a piece's upper lowered; the time limit; the thread count; and
// the boxes it does not apply to.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "cert/claim.hpp"
#include "cert/claims.hpp"
#include "lipschitz/box_partition.hpp"
#include "lipschitz/box_pieces.hpp"
#include "lipschitz/lipschitz.hpp"
#include "net/load.hpp"
#include "net/random_network.hpp"
#include "test_lipschitz_support.hpp"
#include "test_scale.hpp"
#include "test_support.hpp"

using namespace rl;
using namespace rl::test;
namespace fs = std::filesystem;

namespace test_box_hybrid {

const Norm kHybridNorms[] = {Norm::L2, Norm::L1, Norm::Linf};

Network random_hybrid_net(std::mt19937_64& rng, std::uint64_t seed) {
  std::uniform_int_distribution<int> dim(1, 3), width(3, 8), outs(1, 2), depth(1, 3);
  std::vector<std::size_t> sizes{std::size_t(dim(rng))};
  const int hidden = depth(rng);
  for (int k = 0; k < hidden; ++k) sizes.push_back(std::size_t(width(rng)));
  sizes.push_back(std::size_t(outs(rng)));
  return random_network(sizes, seed);
}

// Forced splits: a piece with more than `unstable` unstable neurons is halved,
// and a search that takes more than `nodes` nodes halves its piece too.
LipschitzOptions hybrid_options(Norm norm, const std::vector<Rational>& lo, const std::vector<Rational>& hi,
                                std::size_t unstable = 2, std::uint64_t nodes = 40) {
  LipschitzOptions o = box_engine_options(norm, lo, hi, LipschitzOptions::Engine::BoxHybrid);
  o.hybrid.max_unstable = unstable;
  o.hybrid.piece_nodes = nodes;
  return o;
}

void random_hybrid_box(std::mt19937_64& rng, std::size_t d, std::vector<Rational>& lo, std::vector<Rational>& hi) {
  random_grid_box(rng, d, {0.1, 0.5, 1.0, 2.0}, 32, lo, hi);
}

Json hybrid_domain_json(const std::vector<Rational>& lo, const std::vector<Rational>& hi) { return Json{{"box", box_array_json(lo, hi)}}; }

ClaimOutcome union_verify(const Json& claim) {
  return claim_verify(claim, ClaimContext{"test.json", temp_dir("hybrid").string(), ROBUSTLAW_SOURCE_DIR});
}

Json union_claim(const std::string& network, Norm norm, const Json& domain, const Json& certificate) {
  Json c = lipschitz_claim(network, norm, domain, certificate);
  c["kind"] = "lipschitz-box-union";
  return c;
}

}  // namespace test_box_hybrid

using namespace test_box_hybrid;

TEST_CASE("box hybrid search: contains the activation search's constant and every sampled Jacobian, with both kinds of pieces") {
  std::mt19937_64 rng(777);
  const int cases = int(rl::test::scaled(90));
  int converged = 0, split = 0, searched_whole = 0;
  for (int n = 0; n < cases; ++n) {
    const Network net = random_hybrid_net(rng, 2100 + std::uint64_t(n));
    const Norm norm = kHybridNorms[n % 3];
    std::vector<Rational> lo, hi;
    random_hybrid_box(rng, net.input_dim, lo, hi);
    CAPTURE(n);
    const LipschitzResult r = lipschitz_bound(net, hybrid_options(norm, lo, hi));
    REQUIRE(r.engine == "box-hybrid");
    REQUIRE(r.lower <= r.upper);
    converged += r.status == SearchStatus::Converged;
    split += r.pieces > 1;
    searched_whole += r.pieces == 1;
    LipschitzOptions a = hybrid_options(norm, lo, hi);
    a.engine = LipschitzOptions::Engine::BoxActivation;
    const LipschitzResult exact = lipschitz_bound(net, a);
    REQUIRE(exact.engine == "box-activation");
    CHECK(r.lower <= exact.upper);
    CHECK(exact.lower <= r.upper);
    if (r.status == SearchStatus::Converged && exact.status == SearchStatus::Converged)
      CHECK(rational_to_double(r.upper) <= rational_to_double(exact.upper) * (1 + 1e-6) + 1e-300);
    const double upper = rational_to_double(r.upper) * (1 + 1e-9);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    double largest = 0;
    for (int s = 0; s < 200; ++s) {
      std::vector<Rational> x;
      for (std::size_t i = 0; i < net.input_dim; ++i) x.push_back(lo[i] + (hi[i] - lo[i]) * rational_from_double(u(rng)));
      largest = std::fmax(largest, exact_slope_at(net, x, norm));
    }
    CHECK(largest <= upper);
  }
  MESSAGE("converged " << converged << ", split " << split << ", one piece " << searched_whole << " of " << cases);
  CHECK(converged * 10 >= cases * 9);
  // Both kinds of piece must be a real share of the campaign at every test scale
  // (45 of 90 split at the normal scale, 3 of 10 at the small one).
  CHECK(split * 5 >= cases);
  CHECK(searched_whole * 5 >= cases);
}

TEST_CASE("box hybrid certificates: a union accepted, refused without a piece, with an altered axis or a lowered piece upper") {
  std::mt19937_64 rng(515);
  int made = 0, axes = 0, moved_refused = 0, lowered = 0;
  for (int n = 0; n < 12; ++n) {  // not scaled: every tamper kind must occur
    const Norm norm = kHybridNorms[n % 3];
    CAPTURE(n);
    const Network net = random_network({2, 6, 6, 1 + std::size_t(n % 2)}, 2600 + std::uint64_t(n));
    std::vector<Rational> lo, hi;
    random_hybrid_box(rng, net.input_dim, lo, hi);
    const fs::path path = temp_dir("hybrid") / ("hybrid" + std::to_string(n) + ".json");
    std::ofstream(path) << network_to_json(net);
    LipschitzOptions o = hybrid_options(norm, lo, hi);
    o.want_certificate = true;
    const LipschitzResult r = lipschitz_bound(net, o);
    INFO(r.certificate_error);
    REQUIRE(r.certificate_kind == CertificateKind::BoxUnion);
    REQUIRE(!r.certificate.is_null());
    CHECK(rational_from_json(r.certificate["lower"], "lower") == r.lower);
    CHECK(rational_from_json(r.certificate["upper"], "upper") == r.upper);
    const Json claim = union_claim(path.string(), norm, hybrid_domain_json(lo, hi), r.certificate);
    const ClaimOutcome ok = union_verify(claim);
    INFO(ok.detail);
    REQUIRE(ok.verdict == ClaimVerdict::Holds);
    ++made;
    const Json& tree = claim["certificate"]["tree"];
    const Json& pieces = claim["certificate"]["pieces"];
    if (pieces.size() < 2) continue;
    Json dropped = claim;  // a piece gone: the cover has a leaf without a proof
    dropped["certificate"]["pieces"].erase(pieces.size() - 1);
    CHECK(union_verify(dropped).verdict == ClaimVerdict::Rejected);
    // A split on the other axis moves the pieces' boxes: refused where a
    // piece's proof depends on its box (its stable fixes, refutations or
    // witness), which some pieces' do; one on no axis is always refused.
    for (std::size_t i = 0; i < tree.size(); ++i) {
      if (tree[i].get<long>() < 0) continue;
      Json other = claim;
      other["certificate"]["tree"][i] = 1 - tree[i].get<long>();
      ++axes;
      moved_refused += union_verify(other).verdict == ClaimVerdict::Rejected;
      other["certificate"]["tree"][i] = 2;
      CHECK(union_verify(other).verdict == ClaimVerdict::Rejected);
    }
    for (std::size_t k = 0; k < pieces.size(); ++k) {  // a piece's upper lowered below what it proves
      const Rational u = rational_from_json(pieces[k]["upper"], "upper");
      if (u <= 0) continue;
      Json low = claim;
      low["certificate"]["pieces"][k]["upper"] = rational_to_string(u * Rational(99, 100));
      CHECK(union_verify(low).verdict == ClaimVerdict::Rejected);
      ++lowered;
      break;
    }
  }
  CHECK(made == 12);
  MESSAGE(moved_refused << " of " << axes << " splits moved to the other axis refused");
  CHECK(axes > 0);
  CHECK(moved_refused * 2 >= axes);
  CHECK(lowered > 0);
}

TEST_CASE("box hybrid: the time limit stops it with a certified pair; the thread count changes nothing") {
  const Network net = random_network({4, 16, 16, 16, 2}, 5);
  const std::vector<Rational> lo(4, Rational(-50)), hi(4, Rational(50));
  LipschitzOptions limited = hybrid_options(Norm::L2, lo, hi, 20, 200);
  limited.time_limit_seconds = 0.3;
  limited.want_certificate = true;
  const auto start = std::chrono::steady_clock::now();
  const LipschitzResult r = lipschitz_bound(net, limited);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.engine == "box-hybrid");
  CHECK(r.status == SearchStatus::TimeLimit);
  CHECK(seconds < 5);
  CHECK(r.lower <= r.upper);
  const fs::path path = temp_dir("hybrid") / "hybrid_limit.json";
  std::ofstream(path) << network_to_json(net);
  REQUIRE(!r.certificate.is_null());
  const ClaimOutcome ok = union_verify(union_claim(path.string(), Norm::L2, hybrid_domain_json(lo, hi), r.certificate));
  INFO(ok.detail);
  CHECK(ok.verdict == ClaimVerdict::Holds);

  LipschitzOptions one = hybrid_options(Norm::Linf, std::vector<Rational>(4, Rational(-1)), std::vector<Rational>(4, Rational(1)), 8, 300);
  one.node_limit = 3000;
  LipschitzOptions two = one;
  two.threads = 2;
  const LipschitzResult a = lipschitz_bound(net, one), b = lipschitz_bound(net, two);
  CHECK(a.lower == b.lower);
  CHECK(a.upper == b.upper);
  CHECK(a.nodes == b.nodes);
  CHECK(a.pieces == b.pieces);
}

TEST_CASE("box hybrid: not on a box with a fixed coordinate or beyond the clamp box (the other engines run)") {
  const Network net = random_network({2, 6, 1}, 9);
  LipschitzOptions flat = hybrid_options(Norm::L2, {Rational(0), Rational(1)}, {Rational(1), Rational(1)});
  CHECK(lipschitz_bound(net, flat).engine != "box-hybrid");
  Network clamped = net;
  clamped.clamp = InputClamp{{Rational(-1), Rational(-1)}, {Rational(1), Rational(1)}};
  LipschitzOptions wide = hybrid_options(Norm::L2, {Rational(-2), Rational(-2)}, {Rational(2), Rational(2)});
  const LipschitzResult r = lipschitz_bound(clamped, wide);
  CHECK(r.engine != "box-hybrid");
  CHECK(r.status == SearchStatus::Converged);
}

TEST_CASE("box hybrid: auto takes it with 5 inputs and most neurons unstable; a union of hybrid pieces splices into one") {
  const Network net = random_network({5, 12, 12, 1}, 41);
  const std::vector<Rational> lo(5, Rational(-20)), hi(5, Rational(20));
  LipschitzOptions o = hybrid_options(Norm::L2, lo, hi);
  o.engine = LipschitzOptions::Engine::Auto;
  o.node_limit = 200;
  CHECK(lipschitz_bound(net, o).engine == "box-hybrid");
  const Network small = random_network({3, 8, 8, 1}, 42);
  LipschitzOptions three = hybrid_options(Norm::L2, std::vector<Rational>(3, Rational(-20)), std::vector<Rational>(3, Rational(20)));
  three.engine = LipschitzOptions::Engine::Auto;
  three.node_limit = 200;
  CHECK(lipschitz_bound(small, three).engine == "box-partition");

  // As lipschitz-mpi assembles its pieces: each piece's own union spliced in.
  const std::vector<Rational> plo(3, Rational(-1)), phi(3, Rational(1));
  const BoxPartition partition = box_partition_tree(RationalBox{plo, phi}, 2);
  std::vector<PieceOutcome> pieces;
  for (const RationalBox& b : partition.pieces) {
    LipschitzOptions q = hybrid_options(Norm::Linf, b.lo, b.hi);
    q.want_certificate = true;
    const LipschitzResult r = lipschitz_bound(small, q);
    REQUIRE(r.certificate_kind == CertificateKind::BoxUnion);
    PieceOutcome p;
    p.box = b;
    p.lower = r.lower;
    p.upper = r.upper;
    p.certificate = r.certificate;
    pieces.push_back(p);
  }
  const Json cert = lipschitz_pieces_certificate(partition.tree, pieces);
  REQUIRE(!cert.is_null());
  CHECK(cert["pieces"].size() >= 2);
  const fs::path path = temp_dir("hybrid") / "hybrid_spliced.json";
  std::ofstream(path) << network_to_json(small);
  const ClaimOutcome ok = union_verify(union_claim(path.string(), Norm::Linf, hybrid_domain_json(plo, phi), cert));
  INFO(ok.detail);
  CHECK(ok.verdict == ClaimVerdict::Holds);
}
