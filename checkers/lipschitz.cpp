// robustlaw lipschitz MODEL --norm N (--global | --box LO:HI[,...]): certified
// bounds lower <= L <= upper on the Lipschitz constant, optionally a certificate.
#include <cstdlib>
#include <optional>

#include "arith/error.hpp"
#include "cert/claim_path.hpp"
#include "common.hpp"
#include "lipschitz/request.hpp"
#include "registry.hpp"

namespace rl::cli::lipschitz_command {

struct LipschitzCliOptions {
  ModelOptions model;
  LipschitzRequest request;
  std::string certificate;
  int output = -1;
  bool json = false;
};

void print_text(const LipschitzCliOptions& o, const LipschitzResult& r, const std::optional<std::string>& replayed) {
  const std::string& norm = o.request.norm;
  const int digits = o.request.digits;
  std::cout << "L (" << norm << ") in [" << decimal_lower(r.lower, digits) << ", " << decimal_upper(r.upper, digits) << "]\n"
            << "  status " << search_status_name(r.status) << ", relative gap " << lipschitz_gap_text(r.lower, r.upper) << ", "
            << r.seconds << " s, " << r.nodes << " nodes, " << r.leaves << " leaves, "
            << (r.pieces ? std::to_string(r.pieces) + " pieces, " : std::string()) << "method " << r.engine << "\n"
            << "  lower: " << r.lower_method << "\n  upper: " << r.upper_method << "\n";
  if (r.baselines)
    std::cout << "  product of layer norms <= " << decimal_upper(r.baselines->product_upper, 10)
              << ", Clarke interval <= " << decimal_upper(r.baselines->clarke_upper, 10) << "\n";
  if (r.lipsdp_ran && r.lipsdp_verified)
    std::cout << "  verified LipSDP-Neuron <= " << decimal_upper(r.lipsdp_upper, 10) << " (" << r.lipsdp_seconds << " s)\n";
  else if (r.lipsdp_ran)
    std::cout << "  LipSDP-Neuron: not verified (" << r.lipsdp_note << "), " << r.lipsdp_seconds << " s\n";
  if (replayed) std::cout << "  certificate written to " << o.certificate << ", replayed by the checker: " << *replayed << "\n";
}

void run_lipschitz(LipschitzCliOptions o, const StopSignals& stop) {
  if (!o.certificate.empty()) check_output_path(o.certificate);
  LipschitzRequest& request = o.request;
  if (o.output >= 0) request.output = std::size_t(o.output);
  request.want_certificate = !o.certificate.empty();
  LipschitzRun run = lipschitz_prepare(load_model(o.model), request);
  run.options.stop = stop.flag();
  run.options.progress = [&](const LipschitzProgress& p) {
    std::cerr << "lipschitz: lower " << decimal_lower(p.lower, 10) << "  upper " << decimal_upper(p.upper, 10) << "  gap "
              << lipschitz_gap_text(p.lower, p.upper) << "  nodes " << p.nodes << " (open " << p.open_nodes << ")  "
              << std::fixed << std::setprecision(1) << p.seconds << " s" << std::defaultfloat << std::endl;
  };
  run.options.certificate_progress = [](std::size_t tested, std::size_t leaves) {
    std::cerr << "lipschitz: certificate: " << tested << " of " << leaves << " leaves tested" << std::endl;
  };
  lipschitz_run(run);
  const LipschitzResult& r = run.result;

  std::optional<std::string> replayed;  // the checker's detail, once the written claim replays
  std::string certificate_failure = r.certificate_error;
  bool replay_abandoned = false;  // stopped by a signal while the replay ran on
  if (!o.certificate.empty() && !r.certificate.is_null()) {
    const Json claim = lipschitz_claim_json(run, claim_id_for(o.certificate), claim_path_for(o.model.path, o.certificate),
                                            o.model.normalized);
    try {
      std::cerr << "lipschitz: replaying the certificate through the checker" << std::endl;
      replayed = write_claim_replayed_watched(o.certificate, claim, stop);
      replay_abandoned = !replayed;
      if (replay_abandoned) certificate_failure = "the checker's replay was still running " + std::to_string(int(kReplaySecondsAfterStop)) +
                                                  " s after the signal; the bounds above stand, unchecked by the checker";
    } catch (const InputError& e) {
      certificate_failure = e.what();
    }
  }
  Json j = lipschitz_report_json(run, request.norm, request.digits);
  if (replayed) j["certificate"] = o.certificate;
  if (o.json) print_json(j);
  else print_text(o, r, replayed);
  // The bounds above stand (the search proved them); the certificate asked
  // for could not be made, which is a failure of the command, or, after a
  // signal, what the signal cut short (the exit status is the signal's).
  if (o.certificate.empty() || replayed) return;
  const std::string failure = "no certificate written to " + o.certificate + ": " + certificate_failure;
  if (!stop.received()) throw InputError("--certificate", failure);
  std::cerr << "robustlaw: --certificate: " << failure << std::endl;
  if (!replay_abandoned) return;
  std::cout.flush();  // the replay thread still runs: end here, with the signal's status
  stop.finish();
  std::_Exit(exit_status());
}

void setup(CLI::App& app) {
  auto options = std::make_shared<LipschitzCliOptions>();
  CLI::App* sub = app.add_subcommand("lipschitz", "certified bounds lower <= L <= upper on a network's Lipschitz constant");
  add_model_options(*sub, options->model);
  sub->add_option("--norm", options->request.norm, "l2, l1 or linf (the same on inputs and outputs)")->required();
  sub->add_flag("--global", options->request.global, "the whole input space (for .nnet: the clamp box)");
  sub->add_option("--box", options->request.box, "LO:HI[,LO:HI...]: one interval for every input, or one per input");
  sub->add_option("--rel-gap", options->request.rel_gap, "stop when upper/lower - 1 <= G (default 1e-9, at least 1e-12)");
  add_real_option(*sub, "--time-limit", options->request.time_limit, "seconds; report the best certified pair when reached (with --certificate, making and replaying the certificate included)", 0);
  add_integer_option(*sub, "--threads", options->request.threads, "worker threads (default: all hardware threads); results do not depend on it");
  add_output_file_option(*sub, "--certificate", options->certificate, "write a claim file with a certificate the checker re-verifies");
  add_integer_option(*sub, "--output", options->output, "analyse output i alone (numbered from 0)", 0, std::numeric_limits<int>::max());
  sub->add_option("--output-diff", options->request.output_diff, "analyse the margin f_i - f_j, given as i,j");
  sub->add_option("--max-memory", options->request.max_memory, "MB (2^20 bytes): cap on the search frontier; past it the run stops with status memory-limit and the certified pair it has");
  add_integer_option(*sub, "--node-limit", options->request.node_limit, "stop after this many branch-and-bound nodes");
  add_integer_option(*sub, "--digits", options->request.digits, "significant digits of the printed bounds", 1, 1000);
  sub->add_option("--lipsdp", options->request.lipsdp,
                  "auto|on|off (default auto; l2 only): the verified LipSDP-Neuron upper bound, run on a --global domain when "
                  "the branch and bound stops unconverged on a limit (auto) or always (on; on --global before the search); with a time limit it gets "
                  "1.25x the estimated solve time (at most 3/4), and a solve still running at the limit is stopped");
  sub->add_option("--engine", options->request.engine,
                  "auto|box-partition|box-activation|box-hybrid (default auto): on a box, split input boxes, branch on ReLU "
                  "states, or split input boxes until few neurons are unstable on a piece and branch on ReLU states there; "
                  "auto branches on ReLU states when at most half of the neurons are unstable on the box, else takes box-hybrid "
                  "with 5 or more inputs and input splits with fewer");
  sub->add_flag("--baselines", options->request.baselines,
                "also report the product of layer norms and the Clarke bound when the search converged (they are "
                "always reported when it stops unconverged)");
  sub->add_flag("--json", options->json, "print one JSON object");
  sub->callback([options] {
    StopSignals stop;
    run_lipschitz(*options, stop);
    stop.finish();
  });
}

const SubcommandRegistrar registrar("lipschitz", setup);

}  // namespace rl::cli::lipschitz_command
