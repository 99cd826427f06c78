// A minimal input-box branch and bound for the l2 Lipschitz constant, written
// twice over the same logic: once rigorous, once in plain floating point, so
// that the benchmark measures what rigour costs instead of guessing it.
//
// Semantics:
// - Arithmetic::Rigorous: returns exact rationals lower <= L <= upper, where L
//   is the l2 Lipschitz constant (spectral norm of the Jacobian for vector
//   outputs) of the exact network on the box. Upper: outward-rounded bound
//   propagation and Clarke-Jacobian enclosure on each leaf box, certified norm
//   bounds, max over the leaves. Lower: ||J v|| / ||v|| computed in exact
//   rationals at a box centre that is exactly checked to be interior to a
//   linear region.
// - Arithmetic::Float: the same search in round-to-nearest doubles; its pair is
//   an untrusted float estimate, not a bound.
// Splits the widest coordinate at its midpoint; explores the box with the
// largest upper bound first; discards boxes whose upper bound is within the
// relative gap of the best lower bound.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "arith/rational.hpp"
#include "net/network.hpp"

namespace rl::bench {

enum class Arithmetic { Rigorous, Float };

struct BnbOptions {
  Arithmetic arithmetic = Arithmetic::Rigorous;
  std::vector<Rational> lo, hi;
  double rel_gap = 1e-9;
  double time_limit_seconds = 60;
  std::uint64_t node_limit = 50'000'000;
};

struct BnbResult {
  Rational lower, upper;  // exact bounds (Rigorous); the float values, exactly converted (Float)
  std::string status;     // "converged", "time-limit", "node-limit"
  std::uint64_t nodes = 0;
  double seconds = 0;
};

// Requires a network without input clamp (throws InputError otherwise).
BnbResult bnb_lipschitz_l2(const Network& net, const BnbOptions& options);

}  // namespace rl::bench
