// robustlaw lipschitz MODEL --norm N (--global | --box LO:HI[,...]): certified
// bounds lower <= L <= upper on the Lipschitz constant, optionally a certificate.
#include <optional>

#include "arith/error.hpp"
#include "common.hpp"
#include "io/memory_limit.hpp"
#include "cert/claim_path.hpp"
#include "lipschitz/claim_file.hpp"
#include "lipschitz/lipschitz.hpp"
#include "registry.hpp"

namespace rl::cli {
namespace {

struct LipschitzCliOptions {
  ModelOptions model;
  std::string norm;
  bool global = false;
  std::string box;
  std::string rel_gap = "1e-9";
  double time_limit = 0;
  unsigned threads = 0;
  std::string certificate;
  int output = -1;
  std::string output_diff;
  std::uint64_t node_limit = 0;
  std::optional<std::string> max_memory;
  int digits = 17;
  bool json = false;
  std::string lipsdp = "auto";
};

LipschitzOptions::Lipsdp lipsdp_parse(const std::string& text, Norm norm) {
  if (text == "off") return LipschitzOptions::Lipsdp::Off;
  if (text != "auto" && text != "on") throw InputError("--lipsdp", "'" + text + "' is not auto, on or off");
  if (norm != Norm::L2) {
    if (text == "on") throw InputError("--lipsdp", "LipSDP bounds the l2 constant only: use --norm l2 or --lipsdp off");
    return LipschitzOptions::Lipsdp::Off;
  }
  return text == "on" ? LipschitzOptions::Lipsdp::On : LipschitzOptions::Lipsdp::Auto;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) return out;
    start = p + 1;
  }
}

LipschitzDomain parse_box(const std::string& text, std::size_t d) {
  LipschitzDomain dom;
  std::vector<std::string> parts = split(text, ',');
  if (parts.size() != 1 && parts.size() != d)
    throw InputError("--box", "has " + std::to_string(parts.size()) + " intervals, expected 1 or " + std::to_string(d) + " (one per input)");
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::vector<std::string> ends = split(parts[i], ':');
    std::string where = "--box interval " + std::to_string(i + 1);
    if (ends.size() != 2) throw InputError(where, "'" + parts[i] + "' is not of the form LO:HI");
    Rational lo = rational_parse(ends[0], where), hi = rational_parse(ends[1], where);
    if (lo > hi) throw InputError(where, "LO > HI");
    dom.lo.push_back(lo);
    dom.hi.push_back(hi);
  }
  if (parts.size() == 1) { dom.lo.assign(d, dom.lo[0]); dom.hi.assign(d, dom.hi[0]); }
  return dom;
}

std::string gap_text(const Rational& lower, const Rational& upper) {
  if (upper == lower) return "0";
  if (lower <= 0) return "inf";
  return decimal_upper(upper / lower - 1, 3);
}

void print_text(const LipschitzCliOptions& o, const LipschitzResult& r, const std::optional<std::string>& replayed) {
  std::cout << "L (" << o.norm << ") in [" << decimal_lower(r.lower, o.digits) << ", " << decimal_upper(r.upper, o.digits) << "]\n"
            << "  status " << search_status_name(r.status) << ", relative gap " << gap_text(r.lower, r.upper) << ", " << r.seconds << " s, "
            << r.nodes << " nodes, " << r.leaves << " leaves\n"
            << "  lower: " << r.lower_method << "\n  upper: " << r.upper_method << "\n"
            << "  product of layer norms <= " << decimal_upper(r.product_upper, 10)
            << ", Clarke interval <= " << decimal_upper(r.clarke_upper, 10) << "\n";
  if (r.lipsdp_ran && r.lipsdp_verified)
    std::cout << "  verified LipSDP-Neuron <= " << decimal_upper(r.lipsdp_upper, 10) << " (" << r.lipsdp_seconds << " s)\n";
  else if (r.lipsdp_ran)
    std::cout << "  LipSDP-Neuron: not verified (" << r.lipsdp_note << "), " << r.lipsdp_seconds << " s\n";
  if (replayed) std::cout << "  certificate written to " << o.certificate << ", replayed by the checker: " << *replayed << "\n";
}

void run_lipschitz(const LipschitzCliOptions& o, const StopSignals& stop) {
  if (!o.certificate.empty()) check_output_path(o.certificate);
  Network net = load_model(o.model);
  Json output_json = nullptr;
  if (o.output >= 0 && !o.output_diff.empty()) throw InputError("--output", "cannot be combined with --output-diff");
  if (o.output >= 0) {
    net = network_select_outputs(net, {std::size_t(o.output)});
    output_json = Json{{"index", o.output}};
  } else if (!o.output_diff.empty()) {
    std::vector<std::string> ij = split(o.output_diff, ',');
    if (ij.size() != 2) throw InputError("--output-diff", "expected i,j");
    const Integer most(std::numeric_limits<std::size_t>::max());
    const auto i = integer_option_parse(ij[0], "--output-diff", Integer(0), most).convert_to<std::size_t>();
    const auto j = integer_option_parse(ij[1], "--output-diff", Integer(0), most).convert_to<std::size_t>();
    net = network_output_difference(net, i, j);
    output_json = Json{{"difference", {i, j}}};
  }
  LipschitzOptions opt;
  opt.norm = norm_parse(o.norm);
  if (o.global == !o.box.empty()) throw InputError("lipschitz", "give exactly one of --global and --box");
  if (o.global) opt.domain.global = true;
  else opt.domain = parse_box(o.box, net.input_dim);
  opt.rel_gap = rational_parse(o.rel_gap, "--rel-gap");
  if (opt.rel_gap < 0) throw InputError("--rel-gap", "must be >= 0");
  if (o.time_limit > 0) opt.time_limit_seconds = o.time_limit;
  opt.threads = o.threads;
  opt.node_limit = o.node_limit;
  if (o.max_memory) opt.max_memory_bytes = memory_limit_parse(*o.max_memory, "--max-memory");
  opt.lipsdp = lipsdp_parse(o.lipsdp, opt.norm);
  opt.want_certificate = !o.certificate.empty();
  opt.stop = stop.flag();
  opt.progress = [&](const LipschitzProgress& p) {
    std::cerr << "lipschitz: lower " << decimal_lower(p.lower, 10) << "  upper " << decimal_upper(p.upper, 10) << "  gap "
              << gap_text(p.lower, p.upper) << "  nodes " << p.nodes << " (open " << p.open_nodes << ")  "
              << std::fixed << std::setprecision(1) << p.seconds << " s" << std::defaultfloat << std::endl;
  };
  LipschitzResult r = lipschitz_bound(net, opt);

  std::optional<std::string> replayed;  // the checker's detail, once the written claim replays
  std::string certificate_failure = r.certificate_error;
  if (!o.certificate.empty() && !r.certificate.is_null()) {
    LipschitzClaimProblem problem{claim_path_for(o.model.path, o.certificate), o.model.normalized, opt.norm, opt.domain, output_json};
    try {
      replayed = write_claim_replayed(o.certificate,
                                      lipschitz_claim(claim_id_for(o.certificate), problem, "lipschitz", r.certificate, r.lower, r.upper));
    } catch (const InputError& e) {
      certificate_failure = e.what();
    }
  }
  Json j{{"model", net.source}, {"norm", o.norm}, {"domain", lipschitz_domain_json(opt.domain)}, {"output", output_json},
         {"lower", decimal_lower(r.lower, o.digits)}, {"upper", decimal_upper(r.upper, o.digits)},
         {"lower_exact", rational_to_string(r.lower)}, {"upper_exact", rational_to_string(r.upper)},
         {"rel_gap", gap_text(r.lower, r.upper)}, {"status", search_status_name(r.status)}, {"seconds", r.seconds},
         {"nodes", r.nodes}, {"leaves", r.leaves}, {"pruned_leaves", r.pruned}, {"vertices", r.vertices},
         {"lower_method", r.lower_method}, {"upper_method", r.upper_method},
         {"kind", "exact rational bounds, printed outward-rounded"},
         {"baselines", {{"product", json_enclosure(Rational(0), r.product_upper, "product of layer operator norms", o.digits)},
                        {"clarke", json_enclosure(Rational(0), r.clarke_upper, "Clarke-interval Jacobian over the whole domain", o.digits)}}}};
  if (replayed) j["certificate"] = o.certificate;
  if (r.lipsdp_ran) {
    j["lipsdp_upper"] = r.lipsdp_verified ? Json(decimal_upper(r.lipsdp_upper, o.digits)) : Json(nullptr);
    j["lipsdp_seconds"] = r.lipsdp_seconds;
    if (!r.lipsdp_verified) j["lipsdp_note"] = r.lipsdp_note;
  }
  if (o.json) print_json(j);
  else print_text(o, r, replayed);
  // The bounds above stand (the search proved them); the certificate asked
  // for could not be made, which is a failure of the command.
  if (!o.certificate.empty() && !replayed)
    throw InputError("--certificate", "no certificate written to " + o.certificate + ": " + certificate_failure);
}

void setup(CLI::App& app) {
  auto options = std::make_shared<LipschitzCliOptions>();
  CLI::App* sub = app.add_subcommand("lipschitz", "certified bounds lower <= L <= upper on a network's Lipschitz constant");
  add_model_options(*sub, options->model);
  sub->add_option("--norm", options->norm, "l2, l1 or linf (the same on inputs and outputs)")->required();
  sub->add_flag("--global", options->global, "the whole input space (for .nnet: the clamp box)");
  sub->add_option("--box", options->box, "LO:HI[,LO:HI...]: one interval for every input, or one per input");
  sub->add_option("--rel-gap", options->rel_gap, "stop when upper/lower - 1 <= G (default 1e-9)");
  add_real_option(*sub, "--time-limit", options->time_limit, "seconds; report the best certified pair when reached", 0);
  add_integer_option(*sub, "--threads", options->threads, "worker threads (default: all hardware threads); results do not depend on it");
  sub->add_option("--certificate", options->certificate, "write a claim file with a certificate the checker re-verifies");
  add_integer_option(*sub, "--output", options->output, "analyse output i alone (numbered from 0)", 0, std::numeric_limits<int>::max());
  sub->add_option("--output-diff", options->output_diff, "analyse the margin f_i - f_j, given as i,j");
  sub->add_option("--max-memory", options->max_memory, "MB (2^20 bytes): cap on the search frontier; past it the run stops with status memory-limit and the certified pair it has");
  add_integer_option(*sub, "--node-limit", options->node_limit, "stop after this many branch-and-bound nodes");
  add_integer_option(*sub, "--digits", options->digits, "significant digits of the printed bounds", 1, 1000);
  sub->add_option("--lipsdp", options->lipsdp,
                  "auto|on|off (default auto; l2 only): the verified LipSDP-Neuron upper bound, run on a --global domain when "
                  "the branch and bound stops unconverged on a limit (auto) or always (on); with a time limit the search leaves 1.25x the estimated "
                  "solve time (at most 3/4) to it, and a solve still running at the limit is stopped");
  sub->add_flag("--json", options->json, "print one JSON object");
  sub->callback([options] {
    StopSignals stop;
    run_lipschitz(*options, stop);
    stop.finish();
  });
}

const SubcommandRegistrar registrar("lipschitz", setup);

}  // namespace
}  // namespace rl::cli
