// Robustness claims: "every point of the closed ball B(x, R) in the given
// norm is classified C", answered verified / refuted / unknown.
//
// Tie semantics: a point y is classified C when f_C(y) > f_j(y) for every
// j != C (C is the unique argmax, in exact arithmetic). A point where some
// f_j(y) = f_C(y) is therefore a counterexample. Without a label, C is the
// exact argmax at x, and a tie at x is refused.
//
// Steps: (1) the Lipschitz margin argument (margin.hpp) at R and, by
// bisection, the largest radius it proves; (2) when that does not settle R,
// the exact center check, float attacks checked exactly, and branch and bound
// (bnb.hpp). Every "verified" comes with a box-partition certificate and
// every "refuted" with an exactly checked counterexample.
#pragma once
#include <atomic>
#include <optional>
#include <string>

#include "io/json_exact.hpp"
#include "robustness/bnb.hpp"
#include "robustness/property.hpp"

namespace rl {

struct RobustnessQuery {
  Ball ball;
  std::optional<std::size_t> label;
};

struct CertifyOptions {
  double time_limit_seconds = 60;
  const std::atomic<bool>* stop = nullptr;
  std::uint64_t seed = 1;
  bool symbolic = true;
  std::size_t max_memory_bytes = 0;  // the branch and bound's cap (BranchOptions), 0: no limit
  std::function<void(const BranchProgress&)> progress;  // the branch and bound's (BranchOptions)
};

struct Counterexample {
  std::vector<Rational> point;
  std::vector<Rational> output;
  std::vector<std::size_t> argmax;        // every class attaining the maximum (one unless tied)
  std::pair<Rational, Rational> distance; // enclosure of ||point - x||
};

struct CertifyResult {
  PropertyVerdict verdict = PropertyVerdict::Unknown;
  std::string method;   // what settled it
  std::optional<UnknownReason> reason;  // set when the verdict is unknown
  std::size_t label = 0;
  Rational margin_radius;   // proven by the Lipschitz margin argument
  Rational product_radius;  // min_j m_j / L_j with L_j the product of layer norms of f_C - f_j (global)
  Rational radius_lower;    // robust radius >= this (margin radius, or R when verified)
  std::optional<Counterexample> counterexample;  // robust radius <= its distance
  Json tree = Json::array();  // box-partition certificate when verified
  std::uint64_t nodes = 0, leaves = 0;
  double seconds = 0;
};

// The exact argmax of f(x); throws InputError when it is tied.
std::size_t robustness_label(const Network& net, const std::vector<Rational>& x);

Counterexample robustness_counterexample(const Network& net, const Ball& ball, const std::vector<Rational>& point);

CertifyResult robustness_certify(const Network& net, const RobustnessQuery& query, const CertifyOptions& options);

}  // namespace rl
