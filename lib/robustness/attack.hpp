// Untrusted counterexample search (floating point) and the exact check that
// turns a candidate into a counterexample.
//
// Semantics: attack_* return candidate points in doubles and prove nothing.
// counterexample_check is exact: it returns a rational point that lies in the
// property's region and whose exact output is unsafe, or nothing.
#pragma once
#include <functional>
#include <optional>
#include <random>
#include <vector>

#include "robustness/property.hpp"

namespace rl {

// max over conjunctions of min over atoms of the atom value (float64);
// >= 0 means the float evaluation thinks the point is unsafe.
// With `gradient`, also the gradient of the active atom.
double attack_objective(const Network& net, const SafetyProperty& property, const std::vector<double>& y,
                        std::vector<double>* gradient = nullptr);

struct AttackOptions {
  unsigned restarts = 8;
  unsigned steps = 60;
  std::vector<std::vector<double>> starts;  // extra starting points (each one more run)
  std::function<bool()> stop;               // asked before each run: true ends the attack (the time limit)
};

// Projected gradient ascent of attack_objective from random starts in the box
// [lo, hi] (a sub-box of the property box), projected onto the region.
// Returns the end point of every run, best first.
std::vector<std::vector<double>> attack_pgd(const Network& net, const SafetyProperty& property, const std::vector<Rational>& lo,
                                            const std::vector<Rational>& hi, std::mt19937_64& rng, const AttackOptions& options);

// Local refinement of a candidate by trust-region sequential linear
// programming (GLPK, untrusted): at the current point the network is affine
// on its activation region, so the conjunction's atoms are linearized there,
// min over atoms is maximized over the box [lo, hi] intersected with a trust
// box around the point, and the step is kept when the float objective
// improves (the trust box doubles) or refused (it shrinks by 4). It converges
// onto ties between atoms and onto faces of the box, where a violation of
// margin 1e-5 hides from sign-gradient steps. No balls (box geometry only).
// Returns the best point seen (the start when nothing improves).
std::vector<double> attack_refine(const Network& net, const SafetyProperty& property, const std::vector<double>& lo,
                                  const std::vector<double>& hi, std::vector<double> start, unsigned iterations);

// The exact check of a candidate: snapped into the region (rationals), then evaluated exactly.
std::optional<std::vector<Rational>> counterexample_check(const Network& net, const SafetyProperty& property,
                                                          const std::vector<Rational>& candidate);
std::optional<std::vector<Rational>> counterexample_check(const Network& net, const SafetyProperty& property,
                                                          const std::vector<double>& candidate);

}  // namespace rl
