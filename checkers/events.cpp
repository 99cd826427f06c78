// robustlaw events: the proof's events A, B, C_h and D (seed §1.3) simulated
// with Clopper-Pearson intervals next to the Hoeffding bounds the proof uses.
#include <iostream>
#include <memory>
#include <optional>

#include "arith/error.hpp"
#include "arith/verdict.hpp"
#include "common.hpp"
#include "io/memory_limit.hpp"
#include "prob/mc_memory.hpp"
#include "prob/proof_events.hpp"
#include "registry.hpp"

namespace rl::cli::events_command {

struct EventsOptions {
  std::string measure = "sphere", h = "coordinate", noise = "uniform", amplitude = "1", epsilon = "1",
              confidence = "0.99";
  std::size_t d = 10;
  std::uint64_t n = 100, trials = 2000, seed = 1;
  bool json = false;
  double time_limit = 0;  // seconds, 0: none
  std::optional<std::string> max_memory;
};

void run_events(const EventsOptions& o, const std::atomic<bool>* stop_flag) {
  EventsSetup s;
  s.stop.flag = stop_flag;
  if (o.time_limit > 0) s.stop.time_limit_seconds = o.time_limit;
  s.measure = measure_parse(o.measure, o.d, "--measure");
  if (o.h.rfind("network:", 0) == 0) throw InputError("--h", "networks are not supported here (need sup |h|)");
  s.h = test_function_parse(o.h, o.d, "--h");
  // sup |h| on bounded measures: |x| <= 1 on the sphere and the cube ([0,1/sqrt d]^d has norm <= 1).
  Rational l2 = s.h.lipschitz_squared;
  s.h_sup = l2 == 1 ? Rational(1) : Rational(rational_ceil(l2));  // |a.x| <= ||a|| <= max(1, ||a||^2)
  s.noise = o.noise;
  s.amplitude = rational_parse(o.amplitude, "--amplitude");
  s.epsilon = rational_parse(o.epsilon, "--epsilon");
  s.confidence = rational_parse(o.confidence, "--confidence");
  if (s.confidence <= 0 || s.confidence >= 1) throw InputError("--confidence", "must be in (0, 1)");
  s.n = o.n;
  s.trials = o.trials;
  s.seed = o.seed;
  // What simulating allocates: one sample point of d doubles.
  if (o.max_memory)
    mc_memory_check(memory_limit_parse(*o.max_memory, "--max-memory"), o.d * sizeof(double), "one sample point");
  std::vector<EventEstimate> ev = proof_events_simulate(s);
  const std::uint64_t trials_run = ev.front().trials;
  const McStatus status = mc_stop_status(s.stop, trials_run, o.trials);
  Json j{{"command", "events"}, {"measure", o.measure}, {"d", o.d}, {"n", o.n}, {"epsilon", o.epsilon},
         {"noise", o.noise}, {"amplitude", o.amplitude}, {"h", o.h}, {"trials", o.trials}, {"trials_run", trials_run},
         {"status", mc_status_name(status)}, {"seed", o.seed},
         {"confidence", o.confidence},
         {"method", "Monte Carlo over independent data sets; Clopper-Pearson (Arb-certified), Bonferroni over 4 events"},
         {"seed_typo", "the seed's P(A and B) >= 1 - e^{Omega(n eps^2)} is vacuous (1 - e^{+x} < 0); the sign must be "
                       "negative: each of A, B fails with probability <= exp(-Omega(n eps^2))"}};
  Json events = Json::array();
  for (const auto& e : ev) {
    Json x{{"event", e.name}, {"failures", e.failures},
           {"failure_probability", Json{{"lower", decimal_lower(e.lower, 10)}, {"upper", decimal_upper(e.upper, 10)}}},
           {"verdict", verdict_name(e.verdict)}};
    if (e.hoeffding) x["hoeffding_bound"] = decimal_upper(*e.hoeffding, 10);
    events.push_back(x);
  }
  j["events"] = events;
  if (o.json) { print_json(j); return; }
  std::cout << "events of the proof (seed (4)-(7)), " << o.trials << " data sets of n = " << o.n << ", eps = " << o.epsilon
            << "\nevent  failures  P(failure) lower   upper            Hoeffding bound  verdict\n";
  for (const auto& e : ev)
    std::cout << e.name << (e.name.size() < 3 ? "    " : "  ") << "  " << e.failures << "\t  " << decimal_lower(e.lower, 8)
              << "\t  " << decimal_upper(e.upper, 8) << "\t  " << (e.hoeffding ? decimal_upper(*e.hoeffding, 8) : "-")
              << "\t  " << verdict_name(e.verdict) << "\n";
  std::cout << "status: " << mc_status_name(status)
            << (status == McStatus::Complete ? ""
                                             : " (the intervals are those of the " + std::to_string(trials_run) + " of " +
                                                   std::to_string(o.trials) + " data sets simulated)")
            << "\n";
  std::cout << "note: " << j["seed_typo"].get<std::string>() << "\n";
}

void setup(CLI::App& app) {
  auto o = std::make_shared<EventsOptions>();
  CLI::App* sub = app.add_subcommand("events", "simulate the proof's events A, B, C_h, D against their Hoeffding bounds");
  sub->add_option("--measure", o->measure, "sphere | gaussian | cube | mixture:...");
  add_integer_option(*sub, "--d", o->d, "dimension", std::size_t(2), std::size_t(1000000));
  add_integer_option(*sub, "--n", o->n, "sample size of one data set", std::uint64_t(1), std::uint64_t(1000000000));
  sub->add_option("--epsilon", o->epsilon, "epsilon of the theorem (events use epsilon/10)");
  sub->add_option("--noise", o->noise, "uniform (z ~ U[-a,a]) | rademacher (z = +-a)");
  sub->add_option("--amplitude", o->amplitude, "a in (0, 1]");
  sub->add_option("--h", o->h, "the function h: coordinate | norm | linear:a1,.. | max | min");
  add_integer_option(*sub, "--trials", o->trials, "number of simulated data sets", std::uint64_t(10), std::uint64_t(1000000000));
  add_integer_option(*sub, "--seed", o->seed, "RNG seed (std::mt19937_64)");
  sub->add_option("--confidence", o->confidence, "simultaneous confidence (default 0.99)");
  add_real_option(*sub, "--time-limit", o->time_limit,
                  "seconds; past it the intervals of the whole data sets simulated so far are reported with status time-limit "
                  "(the data set being drawn is dropped; none gives [0, 1]) (0: none)",
                  0);
  sub->add_option("--max-memory", o->max_memory,
                  "MB (2^20 bytes): cap on the process's memory; memory does not grow with --n or --trials (one sample "
                  "point of d doubles), so the run is refused up front when resident memory plus that point exceeds it");
  sub->add_flag("--json", o->json, "print one JSON object");
  sub->callback([o] {
    // SIGINT / SIGTERM end the simulation with the intervals of the data sets simulated.
    StopSignals signals;
    run_events(*o, signals.flag());
    signals.finish();
  });
}

const SubcommandRegistrar registrar("events", setup);

}  // namespace rl::cli::events_command
