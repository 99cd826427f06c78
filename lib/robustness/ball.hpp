// Exact geometry of norm balls and boxes.
//
// Semantics: balls are closed. ball_gauge is ||d|| for l1 and linf and
// ||d||^2 for l2, so that membership is decided in rationals without square
// roots (compare with radius, or radius^2 for l2).
#pragma once
#include <vector>

#include "robustness/property.hpp"

namespace rl {

Rational ball_gauge(Norm norm, const std::vector<Rational>& d);
Rational ball_gauge_radius(const Ball& ball);  // radius, or radius^2 for l2
bool ball_contains(const Ball& ball, const std::vector<Rational>& y);

// Enclosure [lower, upper] of ||y - x|| (exact for l1 and linf; MPFI square root for l2).
std::pair<Rational, Rational> ball_distance(Norm norm, const std::vector<Rational>& x, const std::vector<Rational>& y);

// True when the box [lo, hi] has no point in the ball (exact).
bool ball_box_disjoint(const Ball& ball, const std::vector<Rational>& lo, const std::vector<Rational>& hi);

// A point of the ball near y: y itself when inside, otherwise y moved toward
// the center by a rational factor (linf: clipped coordinatewise).
std::vector<Rational> ball_pull_inside(const Ball& ball, const std::vector<Rational>& y);

// The dual norm of a vector of magnitudes, rounded up (doubles, m_i >= 0):
// linf ball -> sum, l2 -> Euclidean norm, l1 -> max.
double ball_dual_norm_up(Norm norm, const std::vector<double>& magnitudes);

}  // namespace rl
