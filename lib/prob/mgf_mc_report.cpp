#include "prob/mgf_mc_report.hpp"

#include "arith/decimal.hpp"

namespace rl {
namespace {

Json pair_json(const Rational& lo, const Rational& hi, int digits) {
  return Json{{"lower", decimal_lower(lo, digits)}, {"upper", decimal_upper(hi, digits)}};
}

std::string pad(const std::string& s, std::size_t w) { return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' '); }

// The overall verdict over the grid, at the stated confidence.
Verdict grid_verdict(const MgfMcReport& r) {
  std::vector<Verdict> verdicts;
  for (const MgfMcPoint& p : r.result.points) verdicts.push_back(mgf_point_verdict(p, mgf_gaussian_bound(p.lambda, *r.sigma)));
  return verdict_all(verdicts);
}

}  // namespace

Interval mgf_gaussian_bound(const Rational& lambda, const Rational& sigma, mpfr_prec_t prec) {
  return interval_exp(Interval(lambda * lambda * sigma * sigma / 2, prec));
}

Verdict mgf_point_verdict(const MgfMcPoint& p, const Interval& bound) { return verdict_of(p.lower, p.upper, bound); }

Json mgf_mc_json(const MgfMcReport& r, int digits) {
  const MgfMcOptions& o = r.options;
  Json j{{"method", "Monte Carlo: intersection of Hoeffding and empirical-Bernstein (Maurer-Pontil) intervals, "
                    "Bonferroni over lambda and the two methods; MPFR/MPFI outward rounding"},
         {"source", r.source}, {"samples", r.result.samples}, {"samples_planned", r.result.samples_planned},
         {"status", mc_status_name(r.result.status)}, {"support", {rational_to_string(o.a), rational_to_string(o.b)}},
         {"center", rational_to_string(o.center)}, {"center_meaning", r.center_meaning},
         {"confidence", rational_to_string(o.confidence)},
         {"delta_per_interval", rational_to_string(r.result.delta_per_interval)},
         {"scope", "all intervals hold simultaneously with probability >= the confidence"},
         {"seconds", r.result.seconds}};
  Json pts = Json::array();
  for (std::size_t i = 0; i < r.result.points.size(); ++i) {
    const MgfMcPoint& p = r.result.points[i];
    Json q{{"lambda", rational_to_string(p.lambda)}, {"mgf", pair_json(p.lower, p.upper, digits)},
           {"narrower", p.narrower}, {"sample_mean", pair_json(p.mean_lower, p.mean_upper, digits)},
           {"sample_variance_upper", decimal_upper(p.variance_upper, digits)},
           {"hoeffding", pair_json(p.hoeffding_lower, p.hoeffding_upper, digits)},
           {"hoeffding_half_width", decimal_upper(p.hoeffding_half, digits)},
           {"empirical_bernstein", pair_json(p.bernstein_lower, p.bernstein_upper, digits)},
           {"empirical_bernstein_half_width", decimal_upper(p.bernstein_half, digits)}};
    if (!r.exact.empty()) {
      q["exact"] = pair_json(r.exact[i].lower(), r.exact[i].upper(), digits);
      q["exact_inside"] = p.lower <= r.exact[i].lower() && r.exact[i].upper() <= p.upper;
    }
    if (r.sigma) {
      Interval b = mgf_gaussian_bound(p.lambda, *r.sigma);
      q["bound"] = pair_json(b.lower(), b.upper(), digits);
      q["verdict"] = verdict_name(mgf_point_verdict(p, b));
    }
    pts.push_back(q);
  }
  j["points"] = pts;
  if (r.sigma) {
    j["sigma"] = rational_to_string(*r.sigma);
    j["verdict"] = verdict_name(grid_verdict(r));
    j["verdict_scope"] = "E exp(lambda (X - c)) <= exp(lambda^2 sigma^2 / 2) at the grid lambdas, at the stated confidence";
  }
  return j;
}

void mgf_mc_print(std::ostream& out, const MgfMcReport& r, int digits) {
  out << "Monte Carlo MGF E exp(l (X - c)), c = " << rational_to_string(r.options.center) << " (" << r.center_meaning
      << "), " << r.result.samples << " samples from " << r.source << "\n  status " << mc_status_name(r.result.status)
      << (r.result.status == McStatus::Complete ? "" : " after " + std::to_string(r.result.samples) + " of " +
                                                           std::to_string(r.result.samples_planned) + " samples")
      << "\n  Hoeffding and empirical-Bernstein intervals, "
      << "simultaneous at confidence " << decimal_lower(r.options.confidence, 6) << " (delta' = "
      << decimal_upper(r.result.delta_per_interval, 4) << " each)\n";
  out << pad("lambda", 12) << pad("MGF lower", 20) << pad("MGF upper", 20) << pad("narrower", 21)
      << (r.exact.empty() ? "" : "exact inside  ") << (r.sigma ? "verdict" : "") << "\n";
  for (std::size_t i = 0; i < r.result.points.size(); ++i) {
    const MgfMcPoint& p = r.result.points[i];
    out << pad(decimal_lower(p.lambda, 6), 12) << pad(decimal_lower(p.lower, digits), 20)
        << pad(decimal_upper(p.upper, digits), 20) << pad(p.narrower, 21);
    if (!r.exact.empty()) out << pad(p.lower <= r.exact[i].lower() && r.exact[i].upper() <= p.upper ? "yes" : "no", 14);
    if (r.sigma) out << verdict_name(mgf_point_verdict(p, mgf_gaussian_bound(p.lambda, *r.sigma)));
    out << "\n";
  }
  if (r.sigma)
    out << "verdict (sigma = " << rational_to_string(*r.sigma) << ", grid only): " << verdict_name(grid_verdict(r)) << "\n";
}

Plot mgf_mc_plot(const MgfMcReport& r, const std::string& title) {
  Plot plot;
  plot.title = title;
  plot.x_label = "lambda";
  plot.y_label = "E exp(lambda (X - c))";
  PlotSeries mc{"Monte Carlo interval (" + decimal_lower(r.options.confidence, 4) + " simultaneous)", "#2c3e50", false, {}, {}, {}};
  PlotSeries exact{"exact MGF", "#8e44ad", true, {}, {}, {}};
  PlotSeries bound{"exp(l^2 sigma^2 / 2)", "#c0392b", true, {}, {}, {}};
  for (std::size_t i = 0; i < r.result.points.size(); ++i) {
    const MgfMcPoint& p = r.result.points[i];
    const double x = rational_to_double(p.lambda);
    mc.x.push_back(x);
    mc.lo.push_back(rational_to_double(p.lower));
    mc.hi.push_back(rational_to_double(p.upper));
    if (!r.exact.empty()) {
      exact.x.push_back(x);
      exact.lo.push_back(rational_to_double(r.exact[i].lower()));
      exact.hi.push_back(rational_to_double(r.exact[i].upper()));
    }
    if (r.sigma) {
      Interval b = mgf_gaussian_bound(p.lambda, *r.sigma, 64);
      bound.x.push_back(x);
      bound.lo.push_back(rational_to_double(b.lower()));
      bound.hi.push_back(rational_to_double(b.upper()));
    }
  }
  plot.series.push_back(mc);
  if (!exact.x.empty()) plot.series.push_back(exact);
  if (!bound.x.empty()) plot.series.push_back(bound);
  return plot;
}

}  // namespace rl
