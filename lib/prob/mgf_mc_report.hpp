// Reports of Monte Carlo MGF intervals (mgf_monte_carlo.hpp): JSON, a text
// table and a plot, with the exact MGF enclosure next to each interval when
// the distribution has a closed form, and an optional check of
// E exp(lambda (X - c)) <= exp(lambda^2 sigma^2 / 2) at each grid lambda
// (Definition 5 at the grid points when c = E X).
#pragma once
#include <optional>
#include <ostream>

#include "arith/verdict.hpp"
#include "io/json_exact.hpp"
#include "prob/mgf_monte_carlo.hpp"
#include "prob/plot.hpp"

namespace rl {

struct MgfMcReport {
  MgfMcOptions options;
  MgfMcResult result;
  std::string source;                 // where the samples came from (sampler, seed / file)
  std::string center_meaning;         // "E X (exact)" or "given; E X unknown"
  std::vector<Interval> exact;        // exp(K(lambda)) enclosures, or empty
  std::optional<Rational> sigma;      // the sub-Gaussian parameter checked, if any
};

// exp(lambda^2 sigma^2 / 2), enclosed.
Interval mgf_gaussian_bound(const Rational& lambda, const Rational& sigma, mpfr_prec_t prec = 128);

// "violated" when the interval lies above the bound, "holds" when below, else "inconclusive".
Verdict mgf_point_verdict(const MgfMcPoint& p, const Interval& bound);

Json mgf_mc_json(const MgfMcReport& r, int digits);
void mgf_mc_print(std::ostream& out, const MgfMcReport& r, int digits);
Plot mgf_mc_plot(const MgfMcReport& r, const std::string& title);

}  // namespace rl
