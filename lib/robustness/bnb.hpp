// Complete search: branch and bound on input boxes.
//
// Semantics: status "verified" means every box of a partition of the
// property's box was shown safe with sound double-interval arithmetic (the
// tree is the certificate the exact checker replays); "refuted" carries a
// counterexample checked exactly (counterexample_check); "unknown" means the
// time limit, an interrupt or the memory cap came first.
//
// Memory: the search is depth-first, so its stack holds at most one sibling
// per level; what grows is the certificate tree. max_memory_bytes caps the
// estimate (stacked boxes: their rationals' limbs; tree: one Json value per
// node), a deterministic count rather than the process RSS; past it the search
// answers unknown with reason "memory-limit".
//
// A box is shown safe when, for every conjunction of the unsafe region, some
// atom g has an upper bound < 0 on the box by
//   I: interval bound propagation (net_ibp) of the atom network g;
//   S: symbolic interval propagation (symbolic.hpp);
//   M: the mean-value form g(c) + sum_i |G_i| r_i, where c is the box center,
//      r its half-widths and G an enclosure of the Clarke gradient of g over
//      the box (net_jacobian_enclosure); g(c) is computed exactly when
//      rounding leaves its sign undecided, or
//   L: (boxes holding the ball center x) g(x) + ||G||_dual R, the Lipschitz
//      margin argument on the ball;
// or when it misses the ball (O). Boxes are split at exact rational midpoints.
//
// Certificate tree, in preorder: an integer k splits the current box at the
// midpoint of coordinate k (left half first); "I" is a leaf proven by I;
// "M" a leaf proven by I, M or L (per conjunction); "S" a leaf proven by I,
// S, M or L; "O" a leaf outside the ball.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "io/json_exact.hpp"
#include "robustness/property.hpp"

namespace rl {

// The answer of a robustness or property search. Its name ("verified",
// "refuted", "unknown") appears only in output (property_verdict_name).
enum class PropertyVerdict { Verified, Refuted, Unknown };
std::string property_verdict_name(PropertyVerdict verdict);

// Why a search answered unknown: out of time, stopped by a signal, past its
// memory cap, or at a point it could not decide. Its name ("time-limit",
// "interrupted", "memory-limit", "undecided-point") appears only in output.
enum class UnknownReason { TimeLimit, Interrupted, MemoryLimit, UndecidedPoint };
std::string unknown_reason_name(UnknownReason reason);

// How the linear-bounds search splits a node (bnb_linear.hpp).
enum class SplitMode : std::uint8_t { automatic, input, relu };

// What a running search reports, about once a second (BranchOptions::progress).
struct BranchProgress {
  std::uint64_t nodes = 0, leaves = 0;  // evaluated nodes, and proven leaves among them
  std::uint64_t open = 0;               // nodes waiting
  double seconds = 0;
};

struct BranchOptions {
  double time_limit_seconds = 60;
  std::function<void(const BranchProgress&)> progress;  // called about once a second while a search runs
  const std::atomic<bool>* stop = nullptr;
  std::uint64_t seed = 1;
  bool want_certificate = true;
  bool symbolic = true;  // use S bounds (their exact replay may be looser, see checkers/certify.cpp)
  std::size_t max_memory_bytes = 0;  // 0: no limit
  // Linear-relaxation bounds with ReLU and input splits (bnb_linear.hpp)
  // where they apply (no ball, or an linf ball, and no empty conjunction);
  // false: the input-box search below.
  bool linear_bounds = true;
  SplitMode split = SplitMode::automatic;
  unsigned threads = 1;  // the linear search's worker threads; results do not depend on it
};

// Calls options.progress with a search's counts when a second has passed since its last call.
class BranchProgressClock {
 public:
  explicit BranchProgressClock(const BranchOptions& options) : options_(options) {}
  void tick(std::uint64_t nodes, std::uint64_t leaves, std::uint64_t open);

 private:
  const BranchOptions& options_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_ = start_;
};

struct BranchResult {
  PropertyVerdict status = PropertyVerdict::Unknown;
  std::optional<UnknownReason> reason;  // set when the status is unknown
  std::optional<std::vector<Rational>> counterexample;
  Json tree = Json::array();
  std::uint64_t nodes = 0, leaves = 0;
  std::string counterexample_source;  // "probe point", "pgd", "box-center"
  double seconds = 0;
};

// Dispatches to branch_and_bound_linear when options.linear_bounds applies, else runs the input-box search.
BranchResult branch_and_bound(const Network& net, const SafetyProperty& property, const BranchOptions& options);

}  // namespace rl
