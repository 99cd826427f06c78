// Fixtures of the Lipschitz search tests: the exact slope at a point (a lower
// estimate of L for brute force), one engine's options on a box, random
// boxes, and lipschitz claims verified in memory.
#pragma once
#include <array>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "cert/claim.hpp"
#include "lipschitz/lipschitz.hpp"
#include "lipschitz/matrix_norm.hpp"
#include "net/eval.hpp"
#include "test_support.hpp"

namespace rl::test {

// The norm of the exact Jacobian at x, in double; 0 on a ReLU boundary.
inline double exact_slope_at(const Network& net, const std::vector<Rational>& x, Norm norm) {
  ExactTrace t = net_trace_exact(net, x);
  if (!t.is_interior()) return 0;
  auto j = net_jacobian_exact(net, t.pattern());
  std::vector<double> m;
  for (const auto& row : j)
    for (const Rational& q : row) m.push_back(rational_to_double(q));
  return dmatrix_norm(m, j.size(), j[0].size(), norm);
}

// One engine on the box [lo, hi], one thread, no LipSDP.
inline LipschitzOptions box_engine_options(Norm norm, const std::vector<Rational>& lo, const std::vector<Rational>& hi,
                                           LipschitzOptions::Engine engine) {
  LipschitzOptions o;
  o.norm = norm;
  o.domain.lo = lo;
  o.domain.hi = hi;
  o.threads = 1;
  o.lipsdp = LipschitzOptions::Lipsdp::Off;
  o.engine = engine;
  return o;
}

// A random box: centre N(0, 1) per coordinate rounded to a multiple of 1/grid,
// one half-width drawn from `widths`.
inline void random_grid_box(std::mt19937_64& rng, std::size_t d, const std::array<double, 4>& widths, double grid,
                            std::vector<Rational>& lo, std::vector<Rational>& hi) {
  std::normal_distribution<double> g(0.0, 1.0);
  const Rational w = rational_from_double(widths[rng() % 4]);
  lo.clear();
  hi.clear();
  for (std::size_t i = 0; i < d; ++i) {
    const Rational c = rational_from_double(std::round(g(rng) * grid) / grid);
    lo.push_back(c - w);
    hi.push_back(c + w);
  }
}

// The box as a claim's [[lo, hi], ...] array.
inline Json box_array_json(const std::vector<Rational>& lo, const std::vector<Rational>& hi) {
  Json box = Json::array();
  for (std::size_t i = 0; i < lo.size(); ++i) box.push_back(Json::array({rational_to_string(lo[i]), rational_to_string(hi[i])}));
  return box;
}

// A lipschitz claim on `domain` ({"box": [[lo, hi], ...]} or {"global": true}).
inline Json lipschitz_claim(const std::string& network, Norm norm, const Json& domain, const Json& certificate) {
  return Json{{"schema", "robustlaw-claim"}, {"version", 1}, {"id", "test"}, {"kind", "lipschitz"}, {"statement", "test"},
              {"reference", "docs/lipschitz.md"},
              {"parameters", {{"network", network}, {"norm", norm_name(norm)}, {"domain", domain}, {"output", nullptr}}},
              {"expected", "holds"}, {"certificate", certificate}};
}

// The lipschitz verifier on a claim, its paths relative to temp_dir(purpose).
inline ClaimOutcome lipschitz_claim_verify(const Json& claim, const std::string& purpose) {
  return claim_kind_registry().at("lipschitz")(claim, ClaimContext{"test.json", temp_dir(purpose).string(), ROBUSTLAW_SOURCE_DIR});
}

}  // namespace rl::test
