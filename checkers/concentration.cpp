// robustlaw concentration: Definition 2 (c-concentration) and Definition 6
// (c-isoperimetry) of the seed checked for a measure and a test function,
// with an exact tail (phi = x_1) or Monte Carlo with rigorous intervals.
#include <algorithm>
#include <filesystem>
#include <thread>
#include <iostream>
#include <memory>
#include <optional>

#include "arith/error.hpp"
#include "arith/verdict.hpp"
#include "common.hpp"
#include "io/memory_limit.hpp"
#include "prob/concentration_exact.hpp"
#include "prob/concentration_mc.hpp"
#include "prob/coordinate_tail.hpp"
#include "prob/mc_memory.hpp"
#include "prob/network_function.hpp"
#include "prob/plot.hpp"
#include "registry.hpp"

namespace rl::cli::concentration_command {

struct ConcentrationOptions {
  std::string measure, function = "coordinate", form = "definition2", c, t, plot, method = "auto";
  Integer d = 0;  // a GMP integer: the exact tails take any d
  std::size_t grid = 64;
  std::uint64_t samples = 1000000, seed = 1;
  std::string confidence = "0.99";
  unsigned threads = 0;
  int digits = 12;
  long precision = 128;
  bool find_c = false, json = false, progress = false;
  double time_limit = 0;  // seconds, 0: none
  std::optional<std::string> max_memory;
};

// Outward decimals at any exponent (decimal.hpp): a tail of 10^-20000 prints
// as itself, so a printed violation witness shows the violation.
std::string lower_text(const Rational& q, int digits) { return decimal_lower(q, digits); }
std::string upper_text(const Rational& q, int digits) { return decimal_upper(q, digits); }
std::string lower_text(const Interval& x, int digits) { return lower_text(x.lower(), digits); }
std::string upper_text(const Interval& x, int digits) { return upper_text(x.upper(), digits); }

Json json_interval(const Interval& x, int digits) {
  return Json{{"lower", lower_text(x, digits)}, {"upper", upper_text(x, digits)}};
}
Json json_pair(const Rational& lo, const Rational& hi, int digits) {
  return Json{{"lower", lower_text(lo, digits)}, {"upper", upper_text(hi, digits)}};
}

std::string pad(const std::string& s, std::size_t w) { return s.size() >= w ? s + " " : s + std::string(w - s.size(), ' '); }

void print_table_header() {
  std::cout << pad("t", 22) << pad("tail lower", 20) << pad("tail upper", 20) << pad("bound lower", 20)
            << pad("bound upper", 20) << "verdict\n";
}

std::string point_verdict(const Interval& tail, const Interval& bound) { return verdict_name(verdict_of(tail, bound)); }

// The exact paths poll the same stop as Monte Carlo (a signal, --time-limit)
// between tail evaluations.
McStop exact_stop(const ConcentrationOptions& o, const std::atomic<bool>* stop_flag) {
  McStop stop;
  stop.flag = stop_flag;
  if (o.time_limit > 0) stop.time_limit_seconds = o.time_limit;
  return stop;
}
StaircaseStop staircase_stop(const McStop& stop) {
  return [&stop] { return mc_stop_requested(stop); };
}
// "complete", or why the exact path ended early.
std::string exact_status(bool stopped, const McStop& stop) { return mc_status_name(mc_stop_status(stop, stopped)); }

// --max-memory with network:FILE: the file is refused before it is read when larger than the cap.
void network_file_check_size(const std::string& path, const ConcentrationOptions& o) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  const std::size_t cap = memory_limit_parse(*o.max_memory, "--max-memory");
  if (!ec && size > cap)
    throw InputError(path, "the network file has " + std::to_string(size) + " bytes, more than --max-memory (" +
                               std::to_string(cap) + " bytes)");
}

Plot tail_plot(const ConcentrationOptions& o, const std::string& method) {
  Plot p;
  p.title = o.measure + ", d = " + o.d.str() + ", phi = " + o.function + ", " + o.form + ", c = " + o.c;
  p.x_label = "t";
  p.y_label = "P(|phi - E phi| > t)  [" + method + "]";
  return p;
}

void add_bound_series(Plot& plot, const ConcentrationBound& b, const std::vector<Rational>& ts) {
  PlotSeries s{"bound", "#c0392b", true, {}, {}, {}};
  for (const Rational& t : ts) {
    Interval v = concentration_bound(b, t, 64);
    s.x.push_back(rational_to_double(t));
    s.lo.push_back(rational_to_double(v.lower()));
    s.hi.push_back(rational_to_double(v.upper()));
  }
  plot.series.push_back(s);
}

// Exact path: phi = x_1.
void run_exact(const ConcentrationOptions& o, const Measure& m, const ConcentrationBound& b,
               const std::optional<Rational>& t, Json& j, std::optional<Plot>& plot_out, const McStop& stop) {
  const mpfr_prec_t prec = std::max<mpfr_prec_t>(o.precision, 4 * o.digits + 64);  // enough bits for --digits
  j["method"] = "exact tail enclosure (odd-d sphere: exact rational; else Arb incomplete beta / erfc; MPFI)";
  CoordinateCheck r = concentration_check_coordinate(m, b, t, o.grid, prec, staircase_stop(stop));
  j["verdict"] = verdict_name(r.result.verdict);
  j["status"] = exact_status(r.result.stopped, stop);
  j["scope"] = r.scope;
  j["cells_proved"] = r.result.cells;
  j["cells_unresolved"] = r.result.failed_cells;
  Json pts = Json::array();
  for (const TailPoint& p : r.result.points)
    pts.push_back(Json{{"t", decimal_lower(p.t, o.digits)}, {"tail", json_interval(p.tail, o.digits)},
                       {"bound", json_interval(p.bound, o.digits)}, {"verdict", point_verdict(p.tail, p.bound)}});
  j["points"] = pts;
  if (r.result.witness) {
    const TailPoint& w = *r.result.witness;
    j["witness"] = Json{{"t", rational_to_string(w.t)}, {"tail", json_interval(w.tail, o.digits)},
                        {"bound", json_interval(w.bound, o.digits)},
                        {"role", r.result.verdict == Verdict::Violated ? "certified violation" : "tightest point"}};
    add_width_note(j["witness"]["tail"], w.tail.lower(), w.tail.upper(), o.digits);
    add_width_note(j["witness"]["bound"], w.bound.lower(), w.bound.upper(), o.digits);
  }
  if (!o.plot.empty()) {
    Plot plot = tail_plot(o, "exact enclosure");
    PlotSeries s{"exact tail P(|x1 - E x1| > t)", "#2c3e50", false, {}, {}, {}};
    std::vector<Rational> ts;
    Rational t_end;
    // Its own grid: a violation stops the staircase early, the plot shows the whole tail.
    std::vector<Rational> plot_grid = coordinate_grid(m, 64, t_end);
    std::sort(plot_grid.begin(), plot_grid.end());
    for (const Rational& pt : plot_grid) {
      Interval tail = coordinate_deviation_tail(m, pt, prec);
      if (tail.upper() < Rational(1, 1000000000000LL)) continue;
      ts.push_back(pt);
      s.x.push_back(rational_to_double(pt));
      s.lo.push_back(rational_to_double(tail.lower()));
      s.hi.push_back(rational_to_double(tail.upper()));
    }
    plot.series.push_back(s);
    add_bound_series(plot, b, ts);
    plot_out = plot;
    j["plot"] = o.plot;
  }
  if (o.json) return;
  std::cout << "concentration of phi = x_1 under " << o.measure << ", d = " << o.d << ", " << o.form << ", c = " << o.c
            << "\nmethod: " << j["method"].get<std::string>() << "\n";
  print_table_header();
  std::size_t shown = 0;
  for (const TailPoint& p : r.result.points) {
    if (r.result.points.size() > 40 && shown++ % (r.result.points.size() / 40 + 1) != 0) continue;
    std::cout << pad(decimal_lower(p.t, 10), 22) << pad(lower_text(p.tail, 10), 20) << pad(upper_text(p.tail, 10), 20)
              << pad(lower_text(p.bound, 10), 20) << pad(upper_text(p.bound, 10), 20)
              << point_verdict(p.tail, p.bound) << "\n";
  }
  std::cout << "verdict: " << verdict_name(r.result.verdict) << (r.result.verdict == Verdict::Violated ? " (certified)" : "")
            << "\nscope:   " << r.scope << "\nstatus:  " << j["status"].get<std::string>() << "\n";
  if (j.contains("witness"))
    std::cout << "witness (" << j["witness"]["role"].get<std::string>() << "): t = " << j["witness"]["t"].get<std::string>()
              << ", tail in [" << j["witness"]["tail"]["lower"].get<std::string>() << ", "
              << j["witness"]["tail"]["upper"].get<std::string>() << "], bound in ["
              << j["witness"]["bound"]["lower"].get<std::string>() << ", "
              << j["witness"]["bound"]["upper"].get<std::string>() << "]\n";
  for (const char* part : {"tail", "bound"})
    if (j.contains("witness") && j["witness"][part].contains("note"))
      std::cout << "note: the witness " << part << " is " << j["witness"][part]["note"].get<std::string>() << "\n";
}

void run_monte_carlo(const ConcentrationOptions& o, const Measure& m, const TestFunction& phi,
                     const ConcentrationBound& b, const std::optional<Rational>& t, Json& j,
                     std::optional<Plot>& plot_out, const std::atomic<bool>* stop_flag) {
  McOptions mo;
  mo.stop.flag = stop_flag;
  if (o.time_limit > 0) mo.stop.time_limit_seconds = o.time_limit;
  mo.samples = o.samples;
  mo.confidence = rational_parse(o.confidence, "--confidence");
  mo.seed = o.seed;
  mo.threads = o.threads;
  if (o.progress)
    mo.progress = [](double f) { std::cerr << "\rprogress " << static_cast<int>(100 * f) << "%" << std::flush; };
  std::vector<Rational> grid = t ? std::vector<Rational>{*t} : mc_default_grid(m.d, b, o.samples, mo.confidence);
  // What sampling allocates: per-thread event counters and one sample point per thread.
  const std::size_t threads = o.threads ? o.threads : std::max(1u, std::thread::hardware_concurrency());
  if (o.max_memory)
    mc_memory_check(memory_limit_parse(*o.max_memory, "--max-memory"),
                    threads * (2 * grid.size() * sizeof(std::uint64_t) + measure_sample_dimension(m, "--d") * sizeof(double)),
                    "the sampling buffers");
  McResult r = concentration_check_mc(m, phi, b, grid, mo);
  if (o.progress) std::cerr << "\n";
  j["method"] = "monte-carlo (Clopper-Pearson, Arb-certified; E phi by Chebyshev + Poincare; Bonferroni over t)";
  j["verdict"] = verdict_name(r.verdict);
  j["status"] = mc_status_name(r.status);
  j["scope"] = t ? "the single t given, at the stated confidence"
                 : "the grid of t below, simultaneously at the stated confidence (Bonferroni)";
  j["monte_carlo"] = Json{{"samples_per_batch", o.samples}, {"samples_drawn", r.samples_drawn},
                          {"samples_planned", r.samples_planned},
                          {"confidence", o.confidence}, {"alpha_per_bound", rational_to_string(r.alpha_per_bound)},
                          {"mean", json_pair(r.mean_lower, r.mean_upper, o.digits)},
                          {"mean_method", r.mean_known ? "exact: E phi = 0 (odd phi, symmetric measure)"
                                                       : "Chebyshev with the Poincare variance bound, first batch"},
                          {"seed", o.seed},
                          {"rng", "std::mt19937_64, block-seeded by std::seed_seq{seed, stream, block}"},
                          {"threads", r.threads}, {"seconds", r.seconds}, {"samples_per_second", r.samples_per_second}};
  Json pts = Json::array();
  for (const McPoint& p : r.points)
    pts.push_back(Json{{"t", decimal_lower(p.t, o.digits)}, {"tail", json_pair(p.lower, p.upper, o.digits)},
                       {"count_inner", p.count_inner}, {"count_outer", p.count_outer}, {"samples", p.samples},
                       {"bound", json_interval(p.bound, o.digits)}, {"verdict", verdict_name(p.verdict)}});
  j["points"] = pts;
  if (!o.plot.empty()) {
    Plot plot = tail_plot(o, "Monte Carlo, " + o.confidence + " simultaneous");
    PlotSeries s{"Clopper-Pearson interval", "#2c3e50", false, {}, {}, {}};
    for (const McPoint& p : r.points) {
      s.x.push_back(rational_to_double(p.t));
      s.lo.push_back(rational_to_double(p.lower));
      s.hi.push_back(rational_to_double(p.upper));
    }
    plot.series.push_back(s);
    add_bound_series(plot, b, grid);
    plot_out = plot;
    j["plot"] = o.plot;
  }
  if (o.json) return;
  std::cout << "concentration of phi = " << o.function << " under " << o.measure << ", d = " << o.d << ", " << o.form
            << ", c = " << o.c << "\nmethod: " << j["method"].get<std::string>() << "\nE phi in ["
            << decimal_lower(r.mean_lower, 10) << ", " << decimal_upper(r.mean_upper, 10) << "]\n";
  print_table_header();
  for (const McPoint& p : r.points)
    std::cout << pad(decimal_lower(p.t, 10), 22) << pad(lower_text(p.lower, 10), 20) << pad(upper_text(p.upper, 10), 20)
              << pad(lower_text(p.bound, 10), 20) << pad(upper_text(p.bound, 10), 20) << verdict_name(p.verdict) << "\n";
  std::cout << "verdict: " << verdict_name(r.verdict) << " (confidence " << o.confidence << ", " << j["scope"].get<std::string>()
            << ")\nstatus: " << mc_status_name(r.status)
            << (r.status == McStatus::Complete ? ""
                                               : " (the intervals are those of the " + std::to_string(r.samples_drawn) + " of " +
                                                     std::to_string(r.samples_planned) + " planned samples drawn)")
            << "\nsamples: " << r.samples_drawn << " in " << r.seconds << " s on " << r.threads << " threads ("
            << static_cast<long>(r.samples_per_second) << " samples/s)\n";
}

// --digits drives the refinement: relative tolerance 10^-digits, with the
// working precision raised to carry that many digits.
void run_find_c(const ConcentrationOptions& o, const Measure& m, ConcentrationForm form, Json& j, const McStop& stop) {
  const mpfr_prec_t prec = std::max<mpfr_prec_t>(o.precision, 4 * o.digits + 64);
  CriticalConstant r = concentration_find_c(m, form, rational_pow10(-o.digits), prec, staircase_stop(stop));
  const Interval c_sqrt_d = r.c * interval_sqrt(Interval(Rational(o.d), prec));
  Json c = json_interval(r.c, o.digits), scaled = json_interval(c_sqrt_d, o.digits);
  const std::string c_note = add_width_note(c, r.c.lower(), r.c.upper(), o.digits);
  add_width_note(scaled, c_sqrt_d.lower(), c_sqrt_d.upper(), o.digits);
  const bool gaussian = m.is_single(MeasureKind::Gaussian);
  j["find_c"] = Json{{"c", c}, {"c_sqrt_d", scaled}, {"evaluations", r.evaluations}, {"tail_end", r.tail_end},
                     {"meaning", "the least c for which phi = x_1 satisfies the " + o.form + " bound at every t >= 0"}};
  if (!gaussian) j["find_c"]["argmax_t"] = rational_to_string(r.argmax);
  j["find_c"]["status"] = exact_status(r.stopped, stop);
  if (o.json) return;
  std::cout << "least c for phi = x_1 (" << o.form << "): c in [" << r.c.lower_decimal(o.digits) << ", "
            << r.c.upper_decimal(o.digits) << "], c sqrt(d) in [" << c_sqrt_d.lower_decimal(o.digits) << ", "
            << c_sqrt_d.upper_decimal(o.digits) << "]" << c_note << "\n  "
            << (gaussian ? "" : "tightest near t = " + decimal_lower(r.argmax, 8) + "; ") << r.tail_end << "\n"
            << "status: " << j["find_c"]["status"].get<std::string>()
            << (r.stopped ? " (the enclosure reached when it stopped, after " + std::to_string(r.evaluations) + " tail evaluations)" : "")
            << "\n";
}

void run_concentration(const ConcentrationOptions& o, const std::atomic<bool>* stop_flag) {
  if (!o.plot.empty()) check_output_path(o.plot);
  if (o.max_memory) memory_limit_parse(*o.max_memory, "--max-memory");
  Measure m = measure_parse(o.measure, o.d, "--measure");
  if (o.precision < 32 || o.precision > 4096) throw InputError("--precision", "must be in [32, 4096] bits");
  if (o.grid < 2 || o.grid > 100000) throw InputError("--grid", "must be in [2, 100000]");
  if (o.threads > 256) throw InputError("--threads", "at most 256");
  if (o.samples > 100000000000ULL) throw InputError("--samples", "at most 10^11 per batch");
  ConcentrationForm form = concentration_form_parse(o.form, "--form");
  if (!o.plot.empty()) plot_format(o.plot, "--plot");
  Json j{{"command", "concentration"}, {"measure", o.measure}, {"d", json_integer(o.d)}, {"function", o.function}, {"form", o.form}};
  const McStop stop = exact_stop(o, stop_flag);
  if (o.find_c) {
    if (o.function != "coordinate") throw InputError("--find-c", "only for --function coordinate (exact tail)");
    run_find_c(o, m, form, j, stop);
    if (o.c.empty()) { if (o.json) print_json(j); return; }
  }
  if (o.c.empty()) throw InputError("--c", "required (unless only --find-c is asked)");
  ConcentrationBound b;
  b.form = form;
  b.c = constant_parse(o.c, "--c");
  // Keeps every printed bound within the decimal printer's exponent range.
  if (b.c.square() < Rational(1, 1000000000000LL) || b.c.square() > Rational(1000000000000LL))
    throw InputError("--c", "must lie in [1e-6, 1e6]");
  b.d = o.d;
  j["c"] = o.c;
  std::optional<Rational> t;
  if (!o.t.empty()) {
    t = rational_parse(o.t, "--t");
    if (*t < 0) throw InputError("--t", "t must be >= 0");
  }
  bool exact = o.function == "coordinate" && o.method != "mc";
  std::optional<Plot> plot;
  if (o.method == "exact" && !exact) throw InputError("--method", "exact tails exist only for --function coordinate");
  if (o.method != "auto" && o.method != "exact" && o.method != "mc")
    throw InputError("--method", "expected auto, exact or mc");
  if (exact) {
    j["lipschitz"] = "1 (exact)";
    run_exact(o, m, b, t, j, plot, stop);
  } else {
    if (o.max_memory && o.function.rfind("network:", 0) == 0) network_file_check_size(o.function.substr(8), o);
    const std::size_t dim = measure_sample_dimension(m, "--d");
    TestFunction phi = o.function.rfind("network:", 0) == 0
                           ? network_test_function(o.function.substr(8), dim, "--function")
                           : test_function_parse(o.function, dim, "--function");
    b.lipschitz_squared = phi.lipschitz_squared;
    j["lipschitz_squared"] = rational_to_string(phi.lipschitz_squared);
    j["lipschitz_source"] = phi.lipschitz_source;
    run_monte_carlo(o, m, phi, b, t, j, plot, stop_flag);
  }
  if (o.json) print_json(j);
  // After the report: a plotting failure still leaves the numbers printed.
  if (plot) plot_write(*plot, o.plot);
}

void setup(CLI::App& app) {
  auto o = std::make_shared<ConcentrationOptions>();
  CLI::App* sub = app.add_subcommand(
      "concentration", "check Definition 2 (c-concentration) or Definition 6 (c-isoperimetry) for a measure and a test function");
  sub->add_option("--measure", o->measure, "sphere | gaussian (N(0,I/d)) | cube ([0,1/sqrt d]^d) | mixture:W*KIND+W*KIND...")->required();
  add_big_integer_option(*sub, "--d", o->d, "dimension d >= 2 (any size for the exact tails)", 2)->required();
  sub->add_option("--function", o->function, "coordinate (exact tail) | norm | linear:a1,a2,.. | max | min | network:FILE");
  sub->add_option("--form", o->form, "definition2: 2exp(-t^2/(c^2 L^2)) | isoperimetry: 2exp(-d t^2/(2 c L^2))");
  sub->add_option("--c", o->c, "the constant c: a rational, sqrt(q) or q/sqrt(r) (e.g. 1/sqrt(100))");
  sub->add_option("--t", o->t, "check this t only (otherwise a grid covering the tail)");
  sub->add_flag("--find-c", o->find_c, "certified enclosure of the least c that works for phi = x_1");
  sub->add_option("--method", o->method, "auto (exact for coordinate, else Monte Carlo) | exact | mc");
  add_integer_option(*sub, "--samples", o->samples, "Monte Carlo samples per batch (two batches: mean, events)");
  sub->add_option("--confidence", o->confidence, "simultaneous confidence of the Monte Carlo intervals (default 0.99)");
  add_integer_option(*sub, "--seed", o->seed, "RNG seed (std::mt19937_64)");
  add_integer_option(*sub, "--threads", o->threads, "worker threads (0: all)");
  add_integer_option(*sub, "--grid", o->grid, "uniform grid points on [0, t_end] for the exact check (default 64)");
  add_integer_option(*sub, "--precision", o->precision, "bits for MPFI/Arb (default 128)");
  add_integer_option(*sub, "--digits", o->digits, "significant digits printed (outward rounded)", 1, 1000);
  add_output_file_option(*sub, "--plot", o->plot, "draw the tail against the bound with gnuplot into FILE.svg or FILE.png");
  sub->add_flag("--progress", o->progress, "show Monte Carlo progress on stderr");
  add_real_option(*sub, "--time-limit", o->time_limit,
                  "seconds; past it Monte Carlo reports the intervals of the samples drawn so far, the exact paths "
                  "(--find-c, the grid check) what they proved so far, with status time-limit (0: none)",
                  0);
  sub->add_option("--max-memory", o->max_memory,
                  "MB (2^20 bytes): cap on the process's memory. Monte Carlo memory does not grow with --samples; what "
                  "grows (the network of network:FILE, per-thread counters) is checked before sampling: a network file "
                  "larger than the cap, or resident memory plus buffers above it, is refused");
  sub->add_flag("--json", o->json, "print one JSON object");
  sub->callback([o] {
    // SIGINT / SIGTERM end the Monte Carlo sampling with the intervals of the
    // samples drawn, and the exact grid check and --find-c at their next tail
    // evaluation. The exact check at one --t has no stop point: it keeps the
    // default actions (a caught signal there was only swallowed).
    const bool exact_one_point = o->function == "coordinate" && o->method != "mc" && !o->t.empty() && !o->find_c;
    std::optional<StopSignals> signals;
    if (!exact_one_point) signals.emplace();
    run_concentration(*o, signals ? signals->flag() : nullptr);
    if (signals) signals->finish();
  });
}

const SubcommandRegistrar registrar("concentration", setup);

}  // namespace rl::cli::concentration_command
