// Soundness campaign for properties at the edge: random small networks and
// random linear output properties whose constants are set from an exact
// witness so that the property is violated by exactly 1e-5 there (the
// margins of the ACAS Xu counterexamples that a gradient attack missed), or
// holds at the witness by 1e-5. A barely violated property must never be
// verified, and the linear search (with its linear-programming attack) must
// refute nearly all of them; a barely holding one, when verified, has its
// certificate replayed and a dense exact grid searched for a counterexample.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "cert/claim.hpp"
#include "net/load.hpp"
#include "robustness/attack.hpp"
#include "robustness/bnb_linear.hpp"
#include "robustness/claim_file.hpp"
#include "soundness/soundness_support.hpp"
#include "test_support.hpp"

using namespace rl;
using namespace rl::soundness;

namespace test_attack_margin {

// One conjunction of one to three atoms on a random box; constants zero.
SafetyProperty random_shape(Rng& rng, const Network& net) {
  SafetyProperty p;
  for (const Rational& c : random_point(rng, net.input_dim)) {
    p.lo.push_back(c - Rational(Integer(uniform(rng, 1, 8)), Integer(uniform(rng, 1, 8))));
    p.hi.push_back(c + Rational(Integer(uniform(rng, 1, 8)), Integer(uniform(rng, 1, 8))));
  }
  OutputConjunction conj;
  const long atoms = uniform(rng, 1, 3);
  for (long a = 0; a < atoms; ++a) {
    OutputAtom atom{std::vector<Rational>(net.output_dim()), 0, false};
    for (Rational& v : atom.coefficients) v = Rational(Integer(uniform(rng, -3, 3)));
    conj.push_back(atom);
  }
  p.unsafe.push_back(conj);
  return p;
}

// A point of the box where min over atoms is large (untrusted search), snapped to an exact rational in the box.
std::vector<Rational> witness(const Network& net, const SafetyProperty& p, Rng& rng) {
  auto ends = attack_pgd(net, p, p.lo, p.hi, rng, AttackOptions{4, 40, {}});
  std::vector<double> lo, hi;
  for (std::size_t i = 0; i < p.lo.size(); ++i) {
    lo.push_back(rational_to_double(p.lo[i]));
    hi.push_back(rational_to_double(p.hi[i]));
  }
  std::vector<double> y = attack_refine(net, p, lo, hi, ends.front(), 40);
  std::vector<Rational> x;
  for (std::size_t i = 0; i < y.size(); ++i) {
    Rational q = rational_from_double(y[i]);
    x.push_back(q < p.lo[i] ? p.lo[i] : (q > p.hi[i] ? p.hi[i] : q));
  }
  return x;
}

// Sets every atom's constant so that min over atoms at x is exactly `margin`.
void set_margin(SafetyProperty& p, const Network& net, const std::vector<Rational>& x, const Rational& margin) {
  std::vector<Rational> y = net_eval_exact(net, x);
  Rational least;
  bool first = true;
  for (const OutputAtom& a : p.unsafe[0]) {
    Rational v = property_atom_value(a, y);
    if (first || v < least) least = v;
    first = false;
  }
  for (OutputAtom& a : p.unsafe[0]) a.constant = a.constant - least + margin;
}

bool grid_unsafe(const Network& net, const SafetyProperty& p, std::size_t steps) {
  const std::size_t d = p.lo.size();
  std::vector<std::size_t> k(d, 0);
  while (true) {
    std::vector<Rational> x;
    for (std::size_t i = 0; i < d; ++i)
      x.push_back(p.lo[i] + (p.hi[i] - p.lo[i]) * Rational(Integer(static_cast<long>(k[i])), Integer(static_cast<long>(steps))));
    if (property_output_unsafe(p, net_eval_exact(net, x))) return true;
    std::size_t i = 0;
    while (i < d && ++k[i] > steps) k[i++] = 0;
    if (i == d) return false;
  }
}

ClaimVerdict replay(const Network& net, const SafetyProperty& p, const BranchResult& r, const std::string& tag) {
  std::string path = (std::filesystem::temp_directory_path() / ("robustlaw_attack_margin_" + tag + "_" + std::to_string(::getpid()) + ".json")).string();
  std::ofstream(path) << network_to_json(net);
  Json claim = claim_robustness_property("m", "s", path, net, p, r);
  ClaimContext ctx{"", "", ROBUSTLAW_SOURCE_DIR};
  ClaimVerdict verdict = claim_kind_registry().at("robustness")(claim, ctx).verdict;
  std::filesystem::remove(path);
  return verdict;
}

}  // namespace test_attack_margin

TEST_CASE("soundness: properties violated by 1e-5 are refuted, never verified; those holding by 1e-5 at a witness are checked") {
  using namespace test_attack_margin;
  Rng rng(20261202);
  const std::size_t cases = soundness_cases(60);
  const Rational margin(Integer(1), Integer(100000));
  std::size_t violated_refuted = 0, violated_unknown = 0, near_verified = 0, near_refuted = 0;
  for (std::size_t c = 0; c < cases; ++c) {
    Network net = random_small_network(rng);
    SafetyProperty p = random_shape(rng, net);
    std::vector<Rational> x = witness(net, p, rng);
    BranchOptions o;
    o.time_limit_seconds = 1;
    o.seed = c + 1;
    o.split = c % 2 == 0 ? SplitMode::automatic : SplitMode::relu;
    INFO("case " << c);

    SafetyProperty violated = p;
    set_margin(violated, net, x, margin);
    REQUIRE(property_output_unsafe(violated, net_eval_exact(net, x)));
    BranchResult r = branch_and_bound_linear(net, violated, o);
    REQUIRE(r.status != PropertyVerdict::Verified);
    if (r.status == PropertyVerdict::Refuted) {
      ++violated_refuted;
      REQUIRE(property_output_unsafe(violated, net_eval_exact(net, *r.counterexample)));
      REQUIRE(replay(net, violated, r, std::to_string(c) + "v") == ClaimVerdict::Violated);
    } else {
      ++violated_unknown;
    }

    SafetyProperty near = p;
    set_margin(near, net, x, -margin);
    BranchResult s = branch_and_bound_linear(net, near, o);
    if (s.status == PropertyVerdict::Verified) {
      ++near_verified;
      REQUIRE(replay(net, near, s, std::to_string(c) + "n") == ClaimVerdict::Holds);
      REQUIRE_FALSE(grid_unsafe(net, near, net.input_dim <= 2 ? 24 : 6));
    } else if (s.status == PropertyVerdict::Refuted) {
      ++near_refuted;
      REQUIRE(property_output_unsafe(near, net_eval_exact(net, *s.counterexample)));
    }
  }
  MESSAGE(cases << " networks: violated by 1e-5: " << violated_refuted << " refuted, " << violated_unknown
                << " unknown; holding by 1e-5 at the witness: " << near_verified << " verified, " << near_refuted << " refuted");
  CHECK(violated_refuted * 10 >= cases * 9);
  CHECK(near_verified > 0);
}
