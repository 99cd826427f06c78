// Lower bounds on the Lipschitz constant from witness points.
//
// Semantics: witness_certify(p, x) succeeds only when the point x (doubles,
// read exactly; fixed coordinates replaced by their exact value) lies in the
// closed domain E and is generic (cert_lipschitz_generic_pattern: every hidden
// pre-activation non-zero there, or zero with a zero gradient, hence zero
// nearby). Then g is affine near x with the exact Jacobian J of x's pattern,
// and L >= ||J restricted to the free coordinates|| >= value: the
// neighbourhood meets the relative interior of E near x.
// For l2 with a vector output the bound is ||J v|| / ||v|| for the stored v.
// witness_estimate is an untrusted search (pattern_region.hpp finds points
// inside a given pattern's region).
#pragma once
#include <functional>
#include <optional>
#include <random>
#include <vector>

#include "io/json_exact.hpp"
#include "lipschitz/problem.hpp"

namespace rl {

struct Witness {
  std::vector<Rational> point;
  std::vector<Rational> vector;  // l2 with a vector output: the test direction v
  Rational value;                // certified: L >= value
};

std::optional<Witness> witness_certify(const LipProblem& p, const std::vector<double>& x);

// The witness as certificates record it: {"point": [...]} and, for l2 with a
// vector output, "vector": [...], every number an exact rational string.
Json witness_json(const Witness& w);

// Untrusted: the norm of the float Jacobian at x (free columns).
double witness_estimate(const LipProblem& p, const std::vector<double>& x);

// Untrusted: a walk over linear regions from x, up to `steps` moves. Each
// move crosses the nearest point of one hidden neuron's hyperplane (a facet
// of the current region when no other neuron changes first) slightly into the
// neighbouring region, staying in `box`, to the neighbour whose float
// Jacobian norm is largest if it beats the current one; the walk stops when
// no neighbour does, or as soon as keep_going() is false (the search's time
// limit or stop flag: one move costs a network evaluation per neuron).
// Returns the last point.
std::vector<double> witness_region_walk(const LipProblem& p, const DBox& box, std::vector<double> x, int steps,
                                        const std::function<bool()>& keep_going);

// Untrusted: a beam search over linear regions, for domains where the
// largest Jacobian norms sit in thin regions that random points and greedy
// walks miss (ACAS Xu 1_1 over its whole input box: 10^7 uniform float
// samples reach about 12 900 and the search's candidates 10 107 in 600 s;
// this search, at the branch and bound's width 128 and 40 rounds, 16 549 in
// 28 s, and a wider offline one found a region of norm 23 319). From the
// `width` best of `starts`, every neighbouring region across one neuron's
// hyperplane (as in witness_region_walk) is estimated; the `width` best
// regions not seen before form the next beam, for `rounds` rounds or until
// keep_going() is false. Returns the `width` best points seen, best first.
std::vector<std::vector<double>> witness_region_beam(const LipProblem& p, const DBox& box,
                                                     const std::vector<std::vector<double>>& starts, std::size_t width,
                                                     int rounds, const std::function<bool()>& keep_going);

// Untrusted: random points of the domain (or of a ball around 0 when unbounded).
std::vector<double> witness_random_point(const LipProblem& p, const DBox& box, std::mt19937_64& rng);

// A point and its witness_estimate.
struct WitnessCandidate {
  double estimate;
  std::vector<double> x;
};

// Untrusted: a search's first candidates, in this order: `centre`, 64 random
// points of `box` (witness_random_point), and 16-step region walks from the 2
// best of those. Only points whose estimate is finite and above `floor` are
// kept.
std::vector<WitnessCandidate> witness_seed_candidates(const LipProblem& p, const DBox& box, const std::vector<double>& centre,
                                                      double floor, std::mt19937_64& rng, const std::function<bool()>& keep_going);

}  // namespace rl
