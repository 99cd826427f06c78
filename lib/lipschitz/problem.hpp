// The normalized Lipschitz problem the engine works on.
//
// Semantics: for a network f with an optional input clamp and a domain (box
// or global), LipProblem holds a clamp-free network g and an effective box E
// (possibly unbounded when global without a clamp) such that
//   Lip(f, domain) = Lip(g, E)   restricted to the free coordinates.
// Why: f = g o clamp, the clamp maps the box onto E = box ∩ clamp box
// coordinatewise and is 1-Lipschitz in every lp norm, and g = f on E. A box
// coordinate lying wholly outside the clamp range maps to one value, so it is
// fixed in E, like a coordinate with lo = hi. Fixed coordinates do not vary,
// so the Jacobian columns that count are the free ones.
#pragma once
#include <memory>
#include <mutex>
#include <vector>

#include "lipschitz/lipschitz.hpp"
#include "net/eval.hpp"

namespace rl {

// The last value of lipschitz_root_symbolic_bounds (symbolic_bounds.hpp)
// and the box it holds on. A copy starts empty, since copies change their box
// (the hybrid search's pieces), and a changed box is recomputed. The key is
// the box alone: nothing changes a problem's network or its float flags after
// lipschitz_problem made it.
struct RootBoundsCache {
  RootBoundsCache() = default;
  RootBoundsCache(const RootBoundsCache&) {}
  RootBoundsCache& operator=(const RootBoundsCache&) {
    std::lock_guard<std::mutex> hold(mutex);
    value.reset();
    return *this;
  }
  std::mutex mutex;
  bool unbounded = false;
  std::vector<Rational> lo, hi;
  std::shared_ptr<const BoxBounds> value;
};

struct LipProblem {
  Network net;                       // clamp-free
  Norm norm = Norm::L2;
  bool unbounded = false;            // E = R^d
  std::vector<Rational> lo, hi;      // E when bounded
  std::vector<bool> free;            // coordinates that vary in E
  std::vector<DInterval> first_weights_free;  // layer 1 DInterval weights with fixed columns zeroed
  std::vector<double> first_weights_free_f;   // the same, nearest doubles (the float vertex walk)
  // The float paths (vertex walk, symbolic bounds): usable when every weight is
  // 0 or of magnitude in [2^-200, 2^200]; vertex_float_error is the walk's
  // allowance for underflow, added to its running rounding-error bound.
  bool vertex_float_ok = false;
  double vertex_float_error = 0;
  mutable RootBoundsCache root_bounds;
};

LipProblem lipschitz_problem(const Network& net, const LipschitzOptions& options);

// Gray-code steps between two recomputations of a float accumulator.
constexpr std::size_t kVertexRebase = 64;

// Fills vertex_float_ok / vertex_float_error (called by lipschitz_problem).
void lipschitz_problem_float_error(LipProblem& p);

// The exact box E and a DInterval enclosure of it.
DBox lipschitz_problem_dbox(const LipProblem& p);

}  // namespace rl
