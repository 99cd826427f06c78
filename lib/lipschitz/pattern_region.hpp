// The region of one activation pattern inside a box: a point strictly inside
// it (untrusted search), or a proof that it is empty (a pattern exclusion).
//
// Semantics of a PatternExclusion proved on a box B: no point of B has an
// activation pattern (s_i = 1 iff z_i(x) > 0) that agrees with `key` on every
// key neuron. Let K be the deepest layer of the key. Every neuron of the
// layers before K that is unstable on B is in the key, so on the points of B
// whose pattern agrees with the key each key pre-activation is one affine
// function z_t(x) = a_t . x + c_t (the stable neurons keep their state). Such
// a point has sigma_t z_t(x) >= 0 for every key neuron (sigma_t = +1 active,
// -1 inactive), hence sum_t y_t sigma_t z_t(x) >= 0 for y >= 0; the proof is
// that this sum is < 0 everywhere on B, by outward DInterval arithmetic (the
// checker repeats it in exact rationals). It then holds on every sub-box too.
// A vertex pattern that agrees with the key is never the Jacobian at a point of
// B, so the vertex bound may skip it.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "io/json_exact.hpp"
#include "lipschitz/problem.hpp"

namespace rl {

using HiddenPattern = std::vector<std::vector<std::uint8_t>>;  // per hidden layer, 1 = active

struct KeyNeuron {
  std::uint32_t layer = 0;  // hidden layer, from 0
  std::uint32_t neuron = 0;
  std::uint8_t state = 0;   // 1 active, 0 inactive
  double y = 0;             // the multiplier, >= 0 (read exactly)
};

struct PatternExclusion {
  std::vector<KeyNeuron> key;
};

struct PatternRegion {
  std::optional<std::vector<double>> point;    // untrusted: strictly inside the region
  std::optional<PatternExclusion> exclusion;   // proved: the region misses the box
};

// One GLPK linear program maximizing the distance of a point of `box` to the
// hyperplanes of the pattern's neurons that are unstable in b. A positive
// optimum gives the point; a negative one gives the dual multipliers, which
// are turned into an exclusion over the layers they need and kept only if
// pattern_exclusion_holds proves it. Thread-safe (GLPK keeps one environment
// per thread).
PatternRegion pattern_region_search(const LipProblem& p, const DBox& box, const BoxBounds& b, const HiddenPattern& pattern);

// The proof of the header, on `box` with the neuron states of b (outward).
bool pattern_exclusion_holds(const LipProblem& p, const DBox& box, const BoxBounds& b, const PatternExclusion& e);

// Whether the pattern agrees with the key on every key neuron.
bool pattern_exclusion_matches(const PatternExclusion& e, const HiddenPattern& pattern);

// Whether some pattern with the stable states of b can agree with the key.
bool pattern_exclusion_possible(const PatternExclusion& e, const BoxBounds& b);

// {"key": [[layer, neuron, state], ...], "y": ["q", ...]} with exact rationals.
Json pattern_exclusion_json(const PatternExclusion& e);

}  // namespace rl
