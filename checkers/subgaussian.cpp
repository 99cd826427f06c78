// robustlaw subgaussian: the optimal variance proxy of a closed-form
// distribution, certified over every lambda, and the seed's Definition 5,
// Lemma 1, Lemma 2 and Hoeffding's lemma checked against it; and Monte Carlo
// MGF intervals (Hoeffding / empirical Bernstein) for bounded variables given
// by samples (file:SAMPLES.csv) or, with --mc, drawn from a closed form.
#include <iostream>
#include <map>
#include <memory>
#include <optional>

#include "arith/error.hpp"
#include "arith/verdict.hpp"
#include "common.hpp"
#include "io/memory_limit.hpp"
#include "prob/distribution_sampler.hpp"
#include "prob/mc_memory.hpp"
#include "prob/mc_stop.hpp"
#include "prob/measure_samples.hpp"
#include "prob/mgf_mc_report.hpp"
#include "prob/plot.hpp"
#include "prob/sample_file.hpp"
#include "prob/subgaussian_checks.hpp"
#include "registry.hpp"

namespace rl::cli::subgaussian_command {

struct SubgaussianOptions {
  std::string distribution, sigma, mean_of, plot, tolerance = "1e-11";
  std::uint64_t n = 0;
  std::size_t budget = 20000;
  int digits = 15;
  bool json = false;
  // Monte Carlo MGF intervals.
  bool mc = false;
  std::uint64_t samples = 100000, seed = 1;
  std::string confidence = "0.99", support, center, lambda_max;
  std::size_t lambda_points = 8;
  // --distribution measure: phi(X) for X from a measure.
  std::string measure, function = "coordinate";
  std::size_t d = 0;
  // Resource limits of the Monte Carlo paths.
  double time_limit = 0;  // seconds, 0: none
  std::optional<std::string> max_memory;
};

// Bytes held per Monte Carlo sample: its DInterval enclosure (closed forms
// also hold the double drawn before it is enclosed).
constexpr std::size_t kSampleBytes = sizeof(DInterval), kClosedFormSampleBytes = sizeof(DInterval) + sizeof(double);

std::size_t memory_cap(const SubgaussianOptions& o) {
  return o.max_memory ? memory_limit_parse(*o.max_memory, "--max-memory") : SIZE_MAX;
}

// Refuses before drawing when the process plus `samples` samples of `bytes` each would exceed --max-memory.
void check_sample_memory(const SubgaussianOptions& o, std::uint64_t samples, std::size_t bytes) {
  if (!o.max_memory) return;
  mc_memory_check(memory_cap(o), samples * bytes, std::to_string(samples) + " samples (lower --samples or raise --max-memory)");
}

McStop mc_stop(const SubgaussianOptions& o, const std::atomic<bool>* flag) {
  McStop stop;
  stop.flag = flag;
  if (o.time_limit > 0) stop.time_limit_seconds = o.time_limit;
  return stop;
}

// The samples drawn may be fewer than --samples after a stop: the status counts against --samples.
void mark_planned(MgfMcResult& r, std::uint64_t planned, const McStop& stop) {
  r.samples_planned = planned;
  r.status = mc_stop_status(stop, r.samples, planned);
}

constexpr std::uint64_t kMgfStream = 3;

// Options shared by both Monte Carlo sources; Lambda defaults to 8 / (b - a).
MgfMcOptions mgf_options(const SubgaussianOptions& o, const Rational& a, const Rational& b, const Rational& center,
                         const McStop& stop) {
  MgfMcOptions m;
  m.stop = stop;
  m.a = a;
  m.b = b;
  m.center = center;
  m.confidence = rational_parse(o.confidence, "--confidence");
  m.lambda_max = o.lambda_max.empty() ? Rational(8) / (b - a) : rational_parse(o.lambda_max, "--lambda-max");
  m.points = o.lambda_points;
  return m;
}

std::optional<Rational> sigma_option(const SubgaussianOptions& o) {
  if (o.sigma.empty()) return std::nullopt;
  Rational s = rational_parse(o.sigma, "--sigma");
  if (s <= 0) throw InputError("--sigma", "must be positive");
  return s;
}

// file:SAMPLES.csv: the MGF of a variable known only through samples in --support.
void run_sample_file(const SubgaussianOptions& o, const McStop& stop) {
  if (o.support.empty()) throw InputError("--support", "required with file:SAMPLES.csv: the bounds A,B of the variable");
  std::vector<Rational> ab = rational_parse_list(o.support, "--support");
  if (ab.size() != 2 || !(ab[0] < ab[1])) throw InputError("--support", "expected A,B with A < B");
  if (o.n > 0 || !o.mean_of.empty()) throw InputError("--n", "Lemma 2 needs a closed-form distribution");
  const std::string path = o.distribution.substr(5);
  MgfMcReport r;
  r.options = mgf_options(o, ab[0], ab[1], o.center.empty() ? (ab[0] + ab[1]) / 2 : rational_parse(o.center, "--center"), stop);
  r.center_meaning = o.center.empty() ? "the midpoint of the support; E X is unknown"
                                      : "given by --center; Definition 5 needs c = E X";
  r.sigma = sigma_option(o);
  const SampleFileRead read = sample_file_read(path, ab[0], ab[1], memory_cap(o), stop);
  r.source = read.stopped ? path + " (its first " + std::to_string(read.samples.size()) + " values, read before the stop)" : path;
  r.result = mgf_monte_carlo(read.samples, r.options, path);
  Json j{{"command", "subgaussian"}, {"distribution", o.distribution}, {"mgf_monte_carlo", mgf_mc_json(r, o.digits)}};
  if (!o.plot.empty()) j["plot"] = o.plot;
  if (o.json) print_json(j);
  else mgf_mc_print(std::cout, r, o.digits);
  if (!o.plot.empty()) plot_write(mgf_mc_plot(r, "Monte Carlo MGF of " + path), o.plot);
}

// --distribution measure: phi(X) with X ~ --measure in R^d (bounded), phi = --function.
void run_measure(const SubgaussianOptions& o, const McStop& stop) {
  if (o.measure.empty() || o.d < 2) throw InputError("--measure", "--distribution measure needs --measure and --d >= 2");
  if (o.n > 0 || !o.mean_of.empty()) throw InputError("--n", "Lemma 2 needs a closed-form distribution");
  Measure m = measure_parse(o.measure, o.d, "--measure");
  TestFunction phi = test_function_parse(o.function, o.d, "--function");
  auto [a, b] = measure_function_support(m, phi, "--measure");
  bool symmetric = phi.odd;  // odd phi, measures symmetric about 0: E phi = 0
  for (const auto& c : m.components) symmetric = symmetric && c.kind == MeasureKind::Sphere;
  MgfMcReport r;
  r.options = mgf_options(o, a, b, o.center.empty() ? Rational(0) : rational_parse(o.center, "--center"), stop);
  check_sample_memory(o, o.samples, kSampleBytes);
  r.center_meaning = symmetric && o.center.empty() ? "E phi = 0 exactly (odd phi, symmetric measure)"
                                                   : "given; Definition 5 needs c = E phi";
  r.source = "phi = " + o.function + " of " + o.measure + " in d = " + std::to_string(o.d) + ", seed " +
             std::to_string(o.seed) + ", std::mt19937_64";
  r.sigma = sigma_option(o);
  r.result = mgf_monte_carlo(measure_function_samples(m, phi, o.samples, o.seed, kMgfStream, stop), r.options, "--measure");
  mark_planned(r.result, o.samples, stop);
  Json j{{"command", "subgaussian"}, {"distribution", "measure"}, {"measure", o.measure}, {"d", o.d},
         {"function", o.function}, {"mgf_monte_carlo", mgf_mc_json(r, o.digits)}};
  if (!o.plot.empty()) j["plot"] = o.plot;
  if (o.json) print_json(j);
  else mgf_mc_print(std::cout, r, o.digits);
  if (!o.plot.empty()) plot_write(mgf_mc_plot(r, "Monte Carlo MGF of " + r.source), o.plot);
}

// --mc on a closed form: the Monte Carlo intervals next to the exact MGF.
MgfMcReport closed_form_mc(const SubgaussianOptions& o, const Distribution& x, const McStop& stop) {
  auto support = distribution_support(x);
  if (!support) throw InputError("--mc", "'" + x.name + "' is unbounded: Hoeffding and Bernstein need a bounded variable");
  MgfMcReport r;
  r.options = mgf_options(o, support->first, support->second, distribution_mean(x), stop);
  r.center_meaning = "E X (exact)";
  r.source = x.name + " sampler, seed " + std::to_string(o.seed) + ", std::mt19937_64";
  r.sigma = sigma_option(o);
  std::vector<DInterval> samples;
  for (double v : distribution_draw(x, o.samples, o.seed, kMgfStream, "--distribution", stop))
    samples.push_back(DInterval::point(v));
  r.result = mgf_monte_carlo(samples, r.options, "--distribution");
  mark_planned(r.result, o.samples, stop);
  for (const MgfMcPoint& p : r.result.points) r.exact.push_back(interval_exp(log_mgf(x, Interval(p.lambda, 128))));
  return r;
}

Json pair_json(const Rational& lo, const Rational& hi, int digits) {
  return Json{{"lower", decimal_lower(lo, digits)}, {"upper", decimal_upper(hi, digits)}};
}

std::vector<ScaledVariable> mean_terms(const SubgaussianOptions& o, const Distribution& x) {
  std::vector<ScaledVariable> terms;
  if (!o.mean_of.empty()) {
    std::vector<std::string> names;
    std::size_t start = 0;
    while (true) {
      std::size_t comma = o.mean_of.find(',', start);
      names.push_back(o.mean_of.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    for (const auto& name : names)
      terms.push_back({distribution_parse(name, "--mean-of"), Rational(1, names.size())});
  } else {
    terms.push_back({x, Rational(1) / Rational(o.n), static_cast<long>(o.n)});
  }
  return terms;
}

Plot ratio_plot(const std::vector<ScaledVariable>& one, const ProxyResult& r,
                const Distribution& x) {
  Plot plot;
  plot.title = "2 log E exp(l (X - EX)) / l^2 for " + x.name;
  plot.x_label = "lambda";
  plot.y_label = "ratio (enclosure)";
  plot.log_y = false;
  PlotSeries ratio{"2K(l)/l^2", "#2c3e50", false, {}, {}, {}};
  PlotSeries proxy{"optimal proxy", "#c0392b", true, {}, {}, {}};
  PlotSeries hoeff{"Hoeffding (b-a)^2/4", "#27ae60", true, {}, {}, {}};
  const double lam = rational_to_double(r.lambda_max > 0 ? r.lambda_max : Rational(8));
  for (int i = -40; i <= 40; ++i) {
    if (i == 0) continue;
    Rational l = rational_from_double(lam * i / 40.0);
    Interval v = variance_proxy_ratio(one, l);
    double xv = rational_to_double(l);
    ratio.x.push_back(xv);
    ratio.lo.push_back(rational_to_double(v.lower()));
    ratio.hi.push_back(rational_to_double(v.upper()));
    proxy.x.push_back(xv);
    proxy.lo.push_back(rational_to_double(r.upper));
    proxy.hi.push_back(rational_to_double(r.upper));
    if (x.range()) {
      double h = rational_to_double(*x.range() * *x.range() / 4);
      hoeff.x.push_back(xv);
      hoeff.lo.push_back(h);
      hoeff.hi.push_back(h);
    }
  }
  plot.series = {ratio, proxy};
  if (!hoeff.x.empty()) plot.series.push_back(hoeff);
  return plot;
}

void print_text(const SubgaussianOptions& o, const Json& j, const ProxyResult& r, const Interval& closed);

void run_subgaussian(const SubgaussianOptions& o, const std::atomic<bool>* stop_flag) {
  if (!o.plot.empty()) {
    plot_format(o.plot, "--plot");
    check_output_path(o.plot);
  }
  if (o.samples < 2 || o.samples > 100000000) throw InputError("--samples", "must be in [2, 10^8]");
  memory_cap(o);  // a malformed --max-memory is refused before any work
  const McStop stop = mc_stop(o, stop_flag);
  if (o.distribution.rfind("file:", 0) == 0) return run_sample_file(o, stop);
  if (o.distribution == "measure") return run_measure(o, stop);
  Distribution x = distribution_parse(o.distribution, "--distribution");
  if (o.mc && !distribution_support(x))
    throw InputError("--mc", "'" + x.name + "' is unbounded: Hoeffding and Bernstein need a bounded variable");
  if (o.mc) check_sample_memory(o, o.samples, kClosedFormSampleBytes);
  Rational tol = rational_parse(o.tolerance, "--tolerance");
  if (tol <= 0 || tol >= 1) throw InputError("--tolerance", "must be in (0, 1)");
  const int dg = o.digits;
  std::vector<ScaledVariable> one{{x, Rational(1)}};
  ProxyResult r = variance_proxy(one, tol, o.budget);
  Json j{{"command", "subgaussian"}, {"distribution", o.distribution}};
  j["optimal_variance_proxy"] = pair_json(r.lower, r.upper, dg);
  j["optimal_variance_proxy"]["method"] = "interval branch and bound over lambda (MPFI), analytic ends";
  j["optimal_variance_proxy"]["lambda_star"] = decimal_lower(r.lambda_star, 10);
  j["optimal_variance_proxy"]["Lambda"] = rational_to_string(r.lambda_max);
  j["optimal_variance_proxy"]["boxes"] = r.boxes;
  j["optimal_variance_proxy"]["argument"] = r.argument;
  Interval closed = variance_proxy_closed_form(x, 128);
  bool agrees = !(closed.upper() < r.lower || r.upper < closed.lower());
  j["closed_form"] = Json{{"value", pair_json(closed.lower(), closed.upper(), dg)},
                          {"formula", x.kind == DistributionKind::Bernoulli ? "Kearns-Saul (1-2p)/(2 log((1-p)/p))"
                                                                            : "Var X (attained as lambda -> 0)"},
                          {"verdict", agrees ? "bound-in-range" : "violated"}};
  if (x.range()) {
    Rational h = *x.range() * *x.range() / 4;
    j["hoeffding_lemma"] = Json{{"bound", rational_to_string(h)}, {"verdict", verdict_name(verdict_of(r.lower, r.upper, h))}};
  }
  Rational sigma2 = r.upper;
  if (!o.sigma.empty()) {
    Rational s = rational_parse(o.sigma, "--sigma");
    if (s <= 0) throw InputError("--sigma", "must be positive");
    sigma2 = s * s;
    j["definition5"] = Json{{"sigma", o.sigma}, {"verdict", verdict_name(verdict_of(r.lower, r.upper, sigma2))}};
  }
  Lemma1Check l1 = lemma1_check(x, sigma2, 128);
  j["lemma1"] = Json{{"sigma_squared", decimal_upper(sigma2, dg)}, {"verdict", verdict_name(l1.result.verdict)}, {"scope", l1.scope}};
  if (l1.result.witness)
    j["lemma1"]["witness"] = Json{{"t", decimal_lower(l1.result.witness->t, 10)},
                                  {"tail", pair_json(l1.result.witness->tail.lower(), l1.result.witness->tail.upper(), dg)},
                                  {"bound", pair_json(l1.result.witness->bound.lower(), l1.result.witness->bound.upper(), dg)}};
  if (o.n > 0 || !o.mean_of.empty()) {
    std::vector<ScaledVariable> terms = mean_terms(o, x);
    ProxyResult mean = variance_proxy(terms, tol, o.budget);
    // Lemma 2 with c^2 = the largest (certified upper) proxy among the terms.
    Rational c2 = 0;
    std::map<std::string, Rational> proxies;
    for (const auto& v : terms)
      if (!proxies.count(v.x.name)) proxies[v.x.name] = variance_proxy({{v.x, Rational(1)}}, tol, o.budget).upper;
    for (const auto& [name, u] : proxies) c2 = std::max(c2, u);
    // With --sigma, every term is sigma-subgaussian once sigma^2 >= their proxies: use c = sigma.
    const bool use_sigma = !o.sigma.empty() && sigma2 >= c2;
    if (use_sigma) c2 = sigma2;
    long n = 0;
    for (const auto& v : terms) n += v.count;
    Rational bound = c2 / Rational(n);
    j["lemma2"] = Json{{"n", n}, {"mean_proxy", pair_json(mean.lower, mean.upper, dg)},
                       {"c_squared", decimal_upper(c2, dg)},
                       {"c_source", use_sigma ? "--sigma" : "the largest certified proxy of the terms"}, {"bound_c_squared_over_n", decimal_upper(bound, dg)},
                       {"verdict", verdict_name(verdict_of(mean.lower, mean.upper, bound))},
                       {"tight", mean.lower <= bound && bound < mean.upper}};
    if (j["lemma2"]["tight"].get<bool>())
      j["lemma2"]["note"] = "the bound is attained within the enclosure width: Lemma 2 is sharp for identical terms";
  }
  std::optional<MgfMcReport> mc;
  if (o.mc) {
    mc = closed_form_mc(o, x, stop);
    j["mgf_monte_carlo"] = mgf_mc_json(*mc, o.digits);
  }
  std::optional<Plot> plot;
  if (!o.plot.empty()) {
    plot = mc ? mgf_mc_plot(*mc, "Monte Carlo MGF of " + x.name + " against the exact MGF") : ratio_plot(one, r, x);
    j["plot"] = o.plot;
  }
  if (o.json) print_json(j);
  else print_text(o, j, r, closed);
  if (mc && !o.json) mgf_mc_print(std::cout, *mc, o.digits);
  // After the report: a plotting failure still leaves the numbers printed.
  if (plot) plot_write(*plot, o.plot);
}

void print_text(const SubgaussianOptions& o, const Json& j, const ProxyResult& r, const Interval& closed) {
  const int dg = o.digits;
  std::cout << "distribution " << o.distribution << "\noptimal variance proxy sup 2K(l)/l^2 in ["
            << decimal_lower(r.lower, dg) << ", " << decimal_upper(r.upper, dg) << "] (certified, " << r.boxes
            << " boxes)\n  " << r.argument << "\nclosed form " << j["closed_form"]["formula"].get<std::string>() << " in ["
            << closed.lower_decimal(dg) << ", " << closed.upper_decimal(dg) << "]: "
            << j["closed_form"]["verdict"].get<std::string>() << "\n";
  for (const char* key : {"hoeffding_lemma", "definition5", "lemma1", "lemma2"})
    if (j.contains(key)) std::cout << key << ": " << j[key].dump() << "\n";
}

void setup(CLI::App& app) {
  auto o = std::make_shared<SubgaussianOptions>();
  CLI::App* sub = app.add_subcommand("subgaussian", "certified optimal variance proxy; Definition 5, Lemmas 1 and 2, Hoeffding's lemma");
  sub->add_option("--distribution", o->distribution,
                  "rademacher | uniform (U[-1,1]) | gaussian (N(0,1)) | bernoulli:P | file:SAMPLES.csv (Monte Carlo MGF, "
                  "needs --support) | measure (Monte Carlo MGF of --function under --measure)")
      ->required();
  sub->add_option("--sigma", o->sigma, "check Definition 5 and Lemma 1 for this sigma");
  add_integer_option(*sub, "--n", o->n, "Lemma 2: the mean of n independent copies (at most 10^9)", std::uint64_t(0),
                     std::uint64_t(1000000000));
  sub->add_option("--mean-of", o->mean_of, "Lemma 2: the mean of these independent variables (comma-separated)");
  sub->add_option("--tolerance", o->tolerance, "relative width at which branch and bound stops (default 1e-11)");
  add_integer_option(*sub, "--budget", o->budget, "maximum number of lambda boxes", std::size_t(1), std::size_t(100000000));
  add_integer_option(*sub, "--digits", o->digits, "significant digits printed (outward rounded)", 1, 1000);
  add_output_file_option(*sub, "--plot", o->plot, "draw 2K(l)/l^2 against the proxy and Hoeffding with gnuplot into FILE.svg or FILE.png");
  sub->add_flag("--mc", o->mc, "also estimate the MGF by Monte Carlo with Hoeffding / empirical-Bernstein intervals");
  add_integer_option(*sub, "--samples", o->samples, "Monte Carlo samples for --mc (default 100000)");
  add_integer_option(*sub, "--seed", o->seed, "RNG seed for --mc (std::mt19937_64)");
  sub->add_option("--confidence", o->confidence, "simultaneous confidence of the Monte Carlo intervals (default 0.99)");
  sub->add_option("--support", o->support, "A,B: the bounds of the variable in file:SAMPLES.csv (every sample is checked)");
  sub->add_option("--center", o->center, "c in E exp(l (X - c)) for file: samples (default: the midpoint of --support)");
  sub->add_option("--lambda-max", o->lambda_max, "Monte Carlo grid l = k Lambda / K, |k| <= K (default Lambda = 8 / (b - a))");
  add_integer_option(*sub, "--lambda-points", o->lambda_points, "K, the number of positive grid points (default 8)");
  sub->add_option("--measure", o->measure, "with --distribution measure: sphere | cube | mixture:W*KIND+... (bounded)");
  add_integer_option(*sub, "--d", o->d, "with --distribution measure: the dimension");
  sub->add_option("--function", o->function, "with --distribution measure: coordinate | norm | linear:a1,.. | max | min");
  add_real_option(*sub, "--time-limit", o->time_limit,
                  "seconds for the Monte Carlo paths (--mc, file:, measure); past it the intervals of the samples drawn "
                  "so far are reported with status time-limit (0: none)",
                  0);
  sub->add_option("--max-memory", o->max_memory,
                  "MB (2^20 bytes): cap on the process's memory. The Monte Carlo samples are held in memory (16 bytes "
                  "each, 24 with --mc): a run whose resident memory plus its samples would exceed the cap is refused "
                  "before sampling; a file: larger than the cap is refused before it is read, and reading stops with "
                  "an error once its samples exceed it");
  sub->add_flag("--json", o->json, "print one JSON object");
  sub->callback([o] {
    // SIGINT / SIGTERM end the Monte Carlo sampling early with the intervals of
    // the samples drawn; the exact parts have no stop point and run to the end.
    const bool monte_carlo = o->mc || o->distribution == "measure" || o->distribution.rfind("file:", 0) == 0;
    std::optional<StopSignals> signals;
    if (monte_carlo) signals.emplace();
    run_subgaussian(*o, signals ? signals->flag() : nullptr);
    if (signals) signals->finish();
  });
}

const SubcommandRegistrar registrar("subgaussian", setup);

}  // namespace rl::cli::subgaussian_command
