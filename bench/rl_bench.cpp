// rl_bench: the benchmark's own measurements, next to robustlaw's.
//   rl_bench baselines MODEL --box=LO:HI,... [--normalized] [--samples N]
//   rl_bench bnb MODEL --box=... --arithmetic rigorous|float [--rel-gap G] [--time-limit S]
//   rl_bench export MODEL [--normalized]      (robustlaw-net JSON on stdout)
//   rl_bench stability MODEL --box=... [--parts P]   (unstable neurons on a P^d grid of pieces)
//   rl_bench beam MODEL --box=... [--width W] [--rounds R] [--starts S] [--seed N] [--time-limit S]
//                                             (the l2 lower bound's region beam search, certified at the end)
// Every command prints one JSON object; bounds are outward-rounded decimals
// when rigorous, and marked as float estimates otherwise.
#include <CLI/CLI.hpp>
#include <iostream>

#include "arith/decimal.hpp"
#include "arith/error.hpp"
#include "bench_baselines.hpp"
#include "bench_bnb.hpp"
#include <chrono>
#include <random>

#include "io/json_exact.hpp"
#include "lipschitz/lipschitz.hpp"
#include "lipschitz/problem.hpp"
#include "lipschitz/witness.hpp"
#include "net/load.hpp"

namespace {

using rl::Json;
using rl::Rational;

struct Common {
  std::string model, box;
  bool normalized = false;
};

rl::Network load(const Common& c) {
  rl::LoadOptions lo;
  lo.nnet_normalized = c.normalized;
  return rl::network_load(c.model, lo);
}

void parse_box(const Common& c, std::size_t dim, std::vector<Rational>& lo, std::vector<Rational>& hi) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t comma = c.box.find(',', start);
    parts.push_back(c.box.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (parts.size() == 1) parts.assign(dim, parts.front());
  if (parts.size() != dim) throw rl::InputError("--box", "expected 1 or " + std::to_string(dim) + " LO:HI pairs");
  for (const std::string& p : parts) {
    std::size_t colon = p.find(':');
    if (colon == std::string::npos) throw rl::InputError("--box", "'" + p + "' is not LO:HI");
    lo.push_back(rl::rational_parse(p.substr(0, colon), "--box"));
    hi.push_back(rl::rational_parse(p.substr(colon + 1), "--box"));
    if (lo.back() > hi.back()) throw rl::InputError("--box", "'" + p + "' has LO > HI");
  }
}

std::string up(double x) { return rl::decimal_upper(rl::rational_from_double(x)); }

struct BeamSettings {
  std::size_t width = 128, starts = 8192;
  int rounds = 40;
  std::uint64_t seed = 1;
  double time_limit = 600;
};

// The branch and bound's beam (witness_region_beam) on its own: the best
// float estimate, and the best of its top points that witness_certify proves.
Json beam_run(const rl::Network& net, const std::vector<Rational>& lo, const std::vector<Rational>& hi, const BeamSettings& b) {
  rl::LipschitzOptions o;
  o.norm = rl::Norm::L2;
  o.domain.lo = lo;
  o.domain.hi = hi;
  const rl::LipProblem p = rl::lipschitz_problem(net, o);
  const rl::DBox box = rl::lipschitz_problem_dbox(p);
  const auto start = std::chrono::steady_clock::now();
  const auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  std::mt19937_64 rng(b.seed);
  std::vector<std::vector<double>> starts;
  for (std::size_t k = 0; k < b.starts; ++k) starts.push_back(rl::witness_random_point(p, box, rng));
  const auto best = rl::witness_region_beam(p, box, starts, b.width, b.rounds, [&] { return seconds() < b.time_limit; });
  const double search_seconds = seconds();
  Rational lower = 0;
  Json points = Json::array();
  for (std::size_t i = 0; i < best.size() && i < 16; ++i) {
    points.push_back(best[i]);
    if (auto w = rl::witness_certify(p, best[i]); w && w->value > lower) lower = w->value;
  }
  return {{"best_estimate", best.empty() ? 0.0 : rl::witness_estimate(p, best.front())}, {"best_points", points},
          {"certified_lower", rl::decimal_lower(lower)}, {"search_seconds", search_seconds}, {"seconds", seconds()},
          {"width", b.width}, {"rounds", b.rounds}, {"starts", b.starts}, {"seed", b.seed},
          {"kind", "float search; certified_lower: exact Jacobian norm at a point proven inside one linear region"}};
}

void add_common(CLI::App* sub, Common& c, bool box) {
  sub->add_option("model", c.model, "network file (.nnet, .onnx, .json)")->required();
  sub->add_flag("--normalized", c.normalized, ".nnet: weights only, normalized coordinates");
  if (box) sub->add_option("--box", c.box, "LO:HI[,LO:HI...]; one pair applies to every input")->required();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"robustlaw benchmark measurements (baselines, float and rigorous branch and bound)"};
  app.require_subcommand(1);
  Common c;
  std::uint64_t samples = 10000;
  std::string arithmetic = "rigorous";
  double rel_gap = 1e-9, time_limit = 60;

  CLI::App* base = app.add_subcommand("baselines", "product of norms, Clarke interval bound, float sampling (l2)");
  add_common(base, c, true);
  base->add_option("--samples", samples, "random points for the sampled-gradient estimate");
  CLI::App* bnb = app.add_subcommand("bnb", "input-box branch and bound for the l2 constant");
  add_common(bnb, c, true);
  bnb->add_option("--arithmetic", arithmetic, "rigorous (outward rounding, exact lower bound) or float")
      ->check(CLI::IsMember({"rigorous", "float"}));
  bnb->add_option("--rel-gap", rel_gap, "stop when upper/lower - 1 <= G");
  bnb->add_option("--time-limit", time_limit, "seconds");
  CLI::App* exp = app.add_subcommand("export", "print the network as robustlaw-net JSON");
  add_common(exp, c, false);
  std::size_t parts = 2;
  CLI::App* stab = app.add_subcommand("stability", "neurons the linear-relaxation bounds leave unstable on the pieces of a grid");
  add_common(stab, c, true);
  stab->add_option("--parts", parts, "cut every side of the box into this many equal parts (pieces: parts^inputs)")
      ->check(CLI::Range(std::size_t(1), std::size_t(64)));
  BeamSettings beam_settings;
  CLI::App* beam = app.add_subcommand("beam", "the l2 lower bound's beam search over linear regions (witness_region_beam)");
  add_common(beam, c, true);
  beam->add_option("--width", beam_settings.width, "regions kept per round")->check(CLI::Range(std::size_t(1), std::size_t(100000)));
  beam->add_option("--rounds", beam_settings.rounds, "rounds")->check(CLI::Range(1, 100000));
  beam->add_option("--starts", beam_settings.starts, "random starting points")->check(CLI::Range(std::size_t(1), std::size_t(10000000)));
  beam->add_option("--seed", beam_settings.seed, "random seed");
  beam->add_option("--time-limit", beam_settings.time_limit, "seconds for the search (certifying the best points comes after)");
  CLI11_PARSE(app, argc, argv);

  try {
    rl::Network net = load(c);
    if (exp->parsed()) {
      std::cout << rl::network_to_json(net) << "\n";
      return 0;
    }
    std::vector<Rational> lo, hi;
    parse_box(c, net.input_dim, lo, hi);
    Json j;
    if (base->parsed()) {
      auto p = rl::bench::baseline_product(net);
      auto k = rl::bench::baseline_clarke(net, lo, hi);
      auto s = rl::bench::baseline_sampled(net, lo, hi, samples, 1);
      j = {{"product", {{"upper", up(p.value)}, {"seconds", p.seconds}, {"kind", "rigorous"}}},
           {"clarke", {{"upper", up(k.value)}, {"seconds", k.seconds}, {"kind", "rigorous"}}},
           {"sampled", {{"value", s.value}, {"seconds", s.seconds}, {"samples", samples}, {"kind", "float (untrusted)"}}}};
    } else if (beam->parsed()) {
      j = beam_run(net, lo, hi, beam_settings);
    } else if (stab->parsed()) {
      auto s = rl::bench::baseline_stability(net, lo, hi, parts);
      j = {{"neurons", s.neurons}, {"pieces", s.pieces}, {"worst_unstable", s.worst_unstable},
           {"mean_unstable", s.mean_unstable}, {"seconds", s.seconds}, {"kind", "outward-rounded linear-relaxation bounds"}};
    } else {
      rl::bench::BnbOptions o;
      o.arithmetic = arithmetic == "float" ? rl::bench::Arithmetic::Float : rl::bench::Arithmetic::Rigorous;
      o.lo = lo;
      o.hi = hi;
      o.rel_gap = rel_gap;
      o.time_limit_seconds = time_limit;
      auto r = rl::bench::bnb_lipschitz_l2(net, o);
      bool rig = o.arithmetic == rl::bench::Arithmetic::Rigorous;
      j = {{"lower", rig ? rl::decimal_lower(r.lower) : rl::decimal_lower(r.lower, 17)},
           {"upper", rl::decimal_upper(r.upper)}, {"status", r.status}, {"nodes", r.nodes}, {"seconds", r.seconds},
           {"kind", rig ? "rigorous" : "float (untrusted)"}};
    }
    std::cout << j.dump() << "\n";
  } catch (const rl::InputError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
