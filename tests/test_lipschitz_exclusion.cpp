// Pattern exclusions (lib/lipschitz/pattern_region.hpp): proved exclusions
// hold against exact sampling, and certificates carrying them are checked
// exactly, in positive and tampered pairs.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include <unistd.h>

#include "cert/claim.hpp"
#include "io/json_exact.hpp"
#include "lipschitz/lipschitz.hpp"
#include "lipschitz/matrix_norm.hpp"
#include "lipschitz/pattern_region.hpp"
#include "lipschitz/problem.hpp"
#include "lipschitz/symbolic_bounds.hpp"
#include "lipschitz/upper_bounds.hpp"
#include "net/eval.hpp"
#include "net/eval_exact.hpp"
#include "net/load.hpp"
#include "net/random_network.hpp"
#include "test_scale.hpp"
#include "test_support.hpp"

using namespace rl;
namespace fs = std::filesystem;

namespace {

LipschitzOptions box_options(std::size_t d, const Rational& lo, const Rational& hi) {
  LipschitzOptions o;
  o.norm = Norm::L2;
  o.domain.lo.assign(d, lo);
  o.domain.hi.assign(d, hi);
  return o;
}

// Whether the exact pattern at x agrees with the key (a key neuron exactly at
// 0 agrees with either state: it lies on both closed regions).
bool agrees(const ExactTrace& t, const PatternExclusion& e) {
  for (const KeyNeuron& k : e.key) {
    const Rational& z = t.preactivations[k.layer][k.neuron];
    if (z == 0) continue;
    if ((z > 0) != (k.state == 1)) return false;
  }
  return true;
}

ClaimVerdict verdict(const Network& net, const LipschitzOptions& o, const Json& certificate) {
  const fs::path dir = fs::temp_directory_path() / ("robustlaw_exclusion_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "net.json";
  std::ofstream(file) << network_to_json(net);
  Json box = Json::array();
  for (std::size_t i = 0; i < o.domain.lo.size(); ++i) box.push_back({rational_to_string(o.domain.lo[i]), rational_to_string(o.domain.hi[i])});
  Json claim{{"schema", "robustlaw-claim"}, {"version", 1}, {"id", "t"}, {"kind", "lipschitz"}, {"statement", "t"},
             {"reference", "docs/lipschitz.md"},
             {"parameters", {{"network", file.string()}, {"norm", "l2"}, {"domain", {{"box", box}}}, {"output", nullptr}}},
             {"expected", "holds"}, {"certificate", certificate}};
  ClaimOutcome out = claim_kind_registry().at("lipschitz")(claim, ClaimContext{"t.json", dir.string(), ROBUSTLAW_SOURCE_DIR});
  INFO(out.detail);
  return out.verdict;
}

// The first tree node with exclusions, as a JSON pointer, or "".
std::string first_exclusion(const Json& tree) {
  for (std::size_t i = 0; i < tree.size(); ++i)
    if (tree[i].is_object()) return "/tree/" + std::to_string(i) + "/exclude/0";
  return "";
}

}  // namespace

TEST_CASE("pattern exclusions: no exactly evaluated point of the box has an excluded pattern") {
  std::mt19937_64 rng(11);
  std::size_t proved = 0, points = 0;
  const int networks = test::scaled(40);
  for (int n = 0; n < networks; ++n) {
    const std::vector<std::size_t> shape = n % 2 ? std::vector<std::size_t>{2, 8, 8, 1} : std::vector<std::size_t>{3, 6, 6, 6, 2};
    const Network net = random_network(shape, 100 + std::uint64_t(n));
    const LipProblem p = lipschitz_problem(net, box_options(shape[0], Rational(-1, 2), Rational(1, 2)));
    const DBox box = lipschitz_problem_dbox(p);
    const BoxBounds b = n % 3 ? lipschitz_symbolic_bounds(p, box) : net_ibp(p.net, box);
    for (int trial = 0; trial < 8; ++trial) {
      HiddenPattern pattern;
      for (std::size_t k = 0; k + 1 < p.net.layers.size(); ++k) {
        pattern.emplace_back();
        for (const DInterval& z : b.preactivations[k]) pattern.back().push_back(z.lo >= 0 ? 1 : (z.hi <= 0 ? 0 : rng() % 2));
      }
      const PatternRegion r = pattern_region_search(p, box, b, pattern);
      CHECK_FALSE((r.point && r.exclusion));
      if (!r.exclusion) continue;
      ++proved;
      CHECK(pattern_exclusion_matches(*r.exclusion, pattern));
      CHECK(pattern_exclusion_holds(p, box, b, *r.exclusion));
      for (int s = 0; s < 200; ++s) {
        std::vector<Rational> x;
        for (std::size_t i = 0; i < shape[0]; ++i) x.push_back(Rational(std::int64_t(rng() % 2001) - 1000, 2000));
        ++points;
        CHECK_FALSE(agrees(net_trace_exact(p.net, x), *r.exclusion));
      }
    }
  }
  MESSAGE(proved << " exclusions proved, " << points << " exact points outside their regions");
  CHECK(proved >= std::size_t(networks));
}

TEST_CASE("pattern exclusions: an altered multiplier vector fails the outward proof") {
  const Network net = random_network({2, 8, 8, 1}, 3);
  const LipProblem p = lipschitz_problem(net, box_options(2, -1, 1));
  const DBox box = lipschitz_problem_dbox(p);
  const BoxBounds b = lipschitz_symbolic_bounds(p, box);
  std::mt19937_64 rng(5);
  std::size_t tried = 0;
  for (int trial = 0; trial < 400 && tried < 10; ++trial) {
    HiddenPattern pattern;
    for (std::size_t k = 0; k + 1 < p.net.layers.size(); ++k) {
      pattern.emplace_back();
      for (const DInterval& z : b.preactivations[k]) pattern.back().push_back(z.lo >= 0 ? 1 : (z.hi <= 0 ? 0 : rng() % 2));
    }
    const PatternRegion r = pattern_region_search(p, box, b, pattern);
    if (!r.exclusion) continue;
    ++tried;
    PatternExclusion zero = *r.exclusion, flipped = *r.exclusion;
    for (KeyNeuron& k : zero.key) k.y = 0;
    CHECK_FALSE(pattern_exclusion_holds(p, box, b, zero));
    for (KeyNeuron& k : flipped.key) if (k.y > 0) k.state ^= 1;  // the other side of every hyperplane used
    CHECK_FALSE((pattern_exclusion_holds(p, box, b, flipped) && pattern_exclusion_matches(flipped, pattern)));
  }
  CHECK(tried >= 5);
}

TEST_CASE("lipschitz certificates with exclusions: accepted, and refused when an exclusion is tampered") {
  Network net;
  LipschitzOptions o = box_options(3, -1, 1);
  o.want_certificate = true;
  LipschitzResult r;
  std::string at;
  for (std::uint64_t seed = 1; seed < 40 && at.empty(); ++seed) {
    net = random_network({3, 8, 8, 1}, seed);
    r = lipschitz_bound(net, o);
    at = first_exclusion(r.certificate["tree"]);
  }
  REQUIRE_FALSE(at.empty());
  REQUIRE(r.status == SearchStatus::Converged);
  CHECK(verdict(net, o, r.certificate) == ClaimVerdict::Holds);
  const Json::json_pointer y(at + "/y"), key(at + "/key");
  std::size_t support = 0;
  while (r.certificate[y][support] == "0") ++support;

  Json doubled = r.certificate;  // another valid proof: the multipliers scaled by 2
  for (Json& v : doubled[y]) v = rational_to_string(2 * rational_parse(v.get<std::string>()));
  CHECK(verdict(net, o, doubled) == ClaimVerdict::Holds);

  Json negative = r.certificate;
  negative[y][support] = "-" + negative[y][support].get<std::string>();
  CHECK(verdict(net, o, negative) == ClaimVerdict::Rejected);

  Json zero = r.certificate;
  for (Json& v : zero[y]) v = "0";
  CHECK(verdict(net, o, zero) == ClaimVerdict::Rejected);

  Json shifted = r.certificate;  // the key names a neuron that does not exist
  shifted[key][0][1] = 1000;
  CHECK(verdict(net, o, shifted) == ClaimVerdict::Rejected);

  Json bad_state = r.certificate;
  bad_state[key][0][2] = 2;
  CHECK(verdict(net, o, bad_state) == ClaimVerdict::Rejected);

  Json length = r.certificate;
  length[y].push_back("1");
  CHECK(verdict(net, o, length) == ClaimVerdict::Rejected);

  Json extra = r.certificate;
  extra[Json::json_pointer(at.substr(0, at.rfind("/exclude")))]["note"] = 1;
  CHECK(verdict(net, o, extra) == ClaimVerdict::Rejected);
}

TEST_CASE("the problem's root bounds follow its box, and a copy does not reuse them") {
  const Network net = random_network({3, 6, 6, 1}, 11);
  LipProblem p = lipschitz_problem(net, box_options(3, -1, 1));
  auto same = [](const BoxBounds& a, const BoxBounds& b) {
    if (a.preactivations.size() != b.preactivations.size()) return false;
    for (std::size_t k = 0; k < a.preactivations.size(); ++k)
      for (std::size_t i = 0; i < a.preactivations[k].size(); ++i)
        if (a.preactivations[k][i].lo != b.preactivations[k][i].lo || a.preactivations[k][i].hi != b.preactivations[k][i].hi)
          return false;
    return true;
  };
  const auto whole = lipschitz_root_symbolic_bounds(p);
  CHECK(lipschitz_root_symbolic_bounds(p) == whole);  // kept while the box stays
  CHECK(same(*whole, lipschitz_symbolic_bounds(p, lipschitz_problem_dbox(p))));
  LipProblem piece = p;
  piece.lo = {Rational(1, 2), Rational(1, 2), Rational(1, 2)};
  const auto small = lipschitz_root_symbolic_bounds(piece);
  CHECK(small != whole);
  CHECK(same(*small, lipschitz_symbolic_bounds(piece, lipschitz_problem_dbox(piece))));
  CHECK_FALSE(same(*small, *whole));
  piece.lo = p.lo;  // back to p's box, on the copy: recomputed, equal to p's
  const auto again = lipschitz_root_symbolic_bounds(piece);
  CHECK(again != small);
  CHECK(same(*again, *whole));
}

TEST_CASE("vertex walks: the interval and the float walk agree and bound every exact Jacobian of the box") {
  std::mt19937_64 rng(23);
  std::uniform_int_distribution<int> coordinate(-1000, 1000);
  const int networks = int(scaled(40));
  int compared = 0;
  for (int n = 0; n < networks; ++n) {
    const std::vector<std::size_t> shape = n % 2 ? std::vector<std::size_t>{2, 5, 5, 3} : std::vector<std::size_t>{3, 4, 4, 4, 1};
    const Network net = random_network(shape, 700 + std::uint64_t(n));
    const Norm norm = n % 3 == 0 ? Norm::L2 : (n % 3 == 1 ? Norm::L1 : Norm::Linf);
    LipschitzOptions o = box_options(shape[0], Rational(-1, 4), Rational(1, 4));
    o.norm = norm;
    LipProblem p = lipschitz_problem(net, o);
    const BoxBounds b = lipschitz_symbolic_bounds(p, lipschitz_problem_dbox(p));
    if (b.unstable_count() > 12) continue;
    REQUIRE(p.vertex_float_ok);
    const double by_float = lipschitz_upper_vertex(p, b).upper;
    p.vertex_float_ok = false;
    const double by_interval = lipschitz_upper_vertex(p, b).upper;
    ++compared;
    // Both bound the same largest vertex norm; they differ by rounding only.
    CHECK(std::fabs(by_float - by_interval) <= 1e-9 * std::fmax(by_float, by_interval) + 1e-300);
    // That norm, by brute force: every pattern of the unstable neurons (the
    // stable ones as the bounds fix them), its exact Jacobian, its norm.
    ActivationPattern pattern;
    std::vector<std::pair<std::size_t, std::size_t>> unstable;
    for (std::size_t k = 0; k + 1 < p.net.layers.size(); ++k) {
      pattern.active.emplace_back();
      for (std::size_t i = 0; i < b.preactivations[k].size(); ++i) {
        const DInterval& z = b.preactivations[k][i];
        pattern.active.back().push_back(z.lo >= 0 ? 1 : 0);
        if (z.lo < 0 && z.hi > 0) unstable.emplace_back(k, i);
      }
    }
    double largest = 0;
    for (std::uint64_t bits = 0; bits < (std::uint64_t(1) << unstable.size()); ++bits) {
      for (std::size_t t = 0; t < unstable.size(); ++t) pattern.active[unstable[t].first][unstable[t].second] = (bits >> t) & 1;
      const RationalMatrix j = net_jacobian_exact(p.net, pattern);
      std::vector<double> flat;
      for (const auto& row : j) for (const Rational& q : row) flat.push_back(rational_to_double(q));
      largest = std::fmax(largest, dmatrix_norm(flat, j.size(), shape[0], norm));
    }
    CHECK(by_interval >= largest * (1 - 1e-12));
    // l1, linf and a scalar output: the walks' certified norms are the exact ones up to rounding.
    if (norm != Norm::L2 || shape.back() == 1) CHECK(by_float <= largest * (1 + 1e-9) + 1e-300);
    for (int s = 0; s < 50; ++s) {
      std::vector<Rational> x;
      for (std::size_t i = 0; i < shape[0]; ++i) x.push_back(Rational(coordinate(rng), 4000));
      const ExactTrace t = net_trace_exact(p.net, x);
      if (!t.is_interior()) continue;
      const RationalMatrix j = net_jacobian_exact(p.net, t.pattern());
      std::vector<double> flat;
      for (const auto& row : j) for (const Rational& q : row) flat.push_back(rational_to_double(q));
      const double exact = dmatrix_norm(flat, j.size(), shape[0], norm);
      CHECK(by_float >= exact * (1 - 1e-12));
      CHECK(by_interval >= exact * (1 - 1e-12));
    }
  }
  CHECK(compared >= networks / 2);
}
