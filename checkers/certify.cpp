// robustlaw certify MODEL --input x --radius R --norm linf|l2|l1 [--label C]
// robustlaw certify MODEL --vnnlib FILE
// Verified / refuted / unknown robustness claims, and VNN-LIB properties.
#include <iomanip>
#include <iostream>

#include "arith/error.hpp"
#include "cert/claim_path.hpp"
#include "common.hpp"
#include "io/memory_limit.hpp"
#include "net/eval.hpp"
#include "registry.hpp"
#include "robustness/certify_claim.hpp"
#include "robustness/report.hpp"
#include "vnnlib/vnnlib.hpp"

namespace rl::cli::certify_command {

struct CertifyCliOptions {
  ModelOptions model;
  std::string input, radius, norm = "linf", vnnlib, certificate;
  std::optional<long long> label;  // signed, so that a negative class is reported as typed
  double time_limit = 60;
  int digits = 17;
  std::uint64_t seed = 1;
  std::optional<std::string> max_memory;
  std::string split = "auto", bounds = "linear";
  unsigned threads = 1;
  bool json = false;
};

SplitMode parse_split(const std::string& s) {
  return s == "input" ? SplitMode::input : (s == "relu" ? SplitMode::relu : SplitMode::automatic);
}

// The claim that `--certificate` writes (none without it), and the checker's replay of it.
ClaimTarget claim_target(const CertifyCliOptions& o) {
  if (o.certificate.empty()) return {};
  return ClaimTarget{claim_id_for(o.certificate), claim_path_for(o.model.path, o.certificate), o.model.normalized};
}
ClaimConfirm claim_confirm(const CertifyCliOptions& o) {
  if (o.certificate.empty()) return {};
  return [&o](const Json& claim) { return claim_replay(claim, o.certificate).passed; };
}

// A long search's progress, on standard error.
void print_progress(const BranchProgress& p) {
  std::cerr << "certify: nodes " << p.nodes << " (open " << p.open << ", proven leaves " << p.leaves << ")  " << std::fixed
            << std::setprecision(1) << p.seconds << " s" << std::defaultfloat << std::endl;
}

void run_ball(const CertifyCliOptions& o, const Network& net, const std::atomic<bool>* stop) {
  RobustnessQuery q = robustness_query_parse(RobustnessRequest{o.input, o.radius, o.norm, o.label});
  CertifyOptions co;
  co.time_limit_seconds = o.time_limit;
  co.stop = stop;
  co.seed = o.seed;
  co.progress = print_progress;
  if (o.max_memory) co.max_memory_bytes = memory_limit_parse(*o.max_memory, "--max-memory");
  const ClaimTarget target = claim_target(o);
  CertifyResult r = robustness_certify_confirmed(net, q, co, target, claim_confirm(o));
  Json j = robustness_ball_report_json(net, q, r, o.digits);
  const Json radius = j["certified_radius"];
  if (!o.certificate.empty() && r.verdict != PropertyVerdict::Unknown) {
    write_claim_replayed(o.certificate, certify_ball_claim(target, net, q.ball, r));
    j["certificate"] = o.certificate;
  }
  if (o.json) { print_json(j); return; }
  std::cout << "claim: every input within " << o.norm << " distance " << decimal_upper(q.ball.radius, o.digits) << " of x gets class " << r.label
            << "\nverdict: " << property_verdict_name(r.verdict) << (r.verdict == PropertyVerdict::Unknown ? " (" + unknown_reason_name(r.reason.value()) + ")" : "") << "   [" << r.method << ", "
            << r.nodes << " boxes, " << r.seconds << " s]\n"
            << "certified radius >= " << radius["lower"].get<std::string>() << "   (" << radius["lower_method"].get<std::string>() << ")\n";
  if (r.counterexample) {
    const Counterexample& c = *r.counterexample;
    std::cout << "counterexample (exact):";
    for (const Rational& v : c.point) std::cout << " " << rational_to_string(v);
    std::cout << "\n  class " << (c.argmax.size() == 1 ? std::to_string(c.argmax[0]) : std::string("tied")) << ", distance <= "
              << decimal_upper(c.distance.second, o.digits) << "\n  robust radius <= " << radius["upper"].get<std::string>() << "\n";
  }
  if (j.contains("certificate")) std::cout << "certificate written to " << o.certificate << "\n";
}

void run_vnnlib(const CertifyCliOptions& o, const Network& net, const std::atomic<bool>* stop) {
  std::vector<SafetyProperty> cases = vnnlib_read_cases(o.vnnlib, net.input_dim, net.output_dim());
  if (auto warning = vnnlib_clamp_warning(net, cases, o.vnnlib)) std::cerr << "warning: " << *warning << "\n";
  BranchOptions bo;
  bo.time_limit_seconds = o.time_limit;
  bo.stop = stop;
  bo.progress = print_progress;
  if (o.max_memory) bo.max_memory_bytes = memory_limit_parse(*o.max_memory, "--max-memory");
  bo.seed = o.seed;
  bo.split = parse_split(o.split);
  bo.threads = o.threads;
  bo.linear_bounds = o.bounds == "linear";
  const ClaimTarget target = claim_target(o);
  const std::string statement = vnnlib_statement(o.vnnlib, o.model.path);
  CasesResult b = property_certify_confirmed(net, cases, bo, target, statement, claim_confirm(o));
  Json j = robustness_property_report_json(net, o.vnnlib, cases.size(), bo, b, o.digits);
  const std::string result = j["result"];
  const BranchResult* refuting = b.status == PropertyVerdict::Refuted ? &b.refuting() : nullptr;
  if (!o.certificate.empty() && b.status != PropertyVerdict::Unknown) {
    write_claim_replayed(o.certificate, certify_cases_claim(target, statement, net, cases, b));
    j["certificate"] = o.certificate;
  }
  if (o.json) { print_json(j); return; }
  std::cout << result << "   [" << j["method"].get<std::string>() << ", " << b.nodes << " boxes, " << b.seconds << " s]\n";
  if (refuting) {
    const std::vector<Rational>& x = *refuting->counterexample;
    std::vector<Rational> y = net_eval_exact(net, x);
    std::cout << "(";
    for (std::size_t i = 0; i < x.size(); ++i) std::cout << "(X_" << i << " " << rational_to_string(x[i]) << ")\n ";
    for (std::size_t i = 0; i < y.size(); ++i) std::cout << "(Y_" << i << " " << rational_to_string(y[i]) << ")" << (i + 1 < y.size() ? "\n " : ")\n");
  }
}

void run_certify(const CertifyCliOptions& o) {
  if (o.time_limit <= 0) throw InputError("--time-limit", "must be positive");
  if (!o.certificate.empty()) check_output_path(o.certificate);
  Network net = load_model(o.model);
  StopSignals stop;
  if (!o.vnnlib.empty()) run_vnnlib(o, net, stop.flag());
  else run_ball(o, net, stop.flag());
  stop.finish();
}

void setup(CLI::App& app) {
  auto o = std::make_shared<CertifyCliOptions>();
  CLI::App* sub = app.add_subcommand("certify", "verify or refute a robustness claim (a ball around x) or a VNN-LIB property");
  add_model_options(*sub, o->model);
  sub->add_option("--input", o->input, "center x: comma-separated decimals or fractions (use --input=-0.5,1 for a leading '-')");
  sub->add_option("--radius", o->radius, "radius R of the closed ball, exact decimal or fraction");
  sub->add_option("--norm", o->norm, "norm of the ball: linf (default), l2 or l1")->check(CLI::IsMember({"linf", "l2", "l1"}));
  sub->add_option("--label", o->label, "class C to certify (default: the exact argmax at x; a tie is refused)");
  sub->add_option("--vnnlib", o->vnnlib, "VNN-LIB property file (input box + unsafe output region) instead of a ball");
  add_real_option(*sub, "--time-limit", o->time_limit, "seconds before answering unknown / timeout (default 60)", 0);
  add_output_file_option(*sub, "--certificate", o->certificate, "write a claim file (kind robustness) that `robustlaw check` replays");
  add_integer_option(*sub, "--digits", o->digits, "significant digits of printed decimals", 1, 10000);
  sub->add_option("--max-memory", o->max_memory, "MB (2^20 bytes): cap on the branch and bound's stack and certificate tree; past it the answer is unknown (memory-limit)");
  sub->add_option("--split", o->split, "--vnnlib: what the branch and bound splits: auto (default), input or relu")
      ->check(CLI::IsMember({"auto", "input", "relu"}));
  sub->add_option("--bounds", o->bounds, "--vnnlib: linear (default: linear relaxations, input and ReLU splits) or interval (input splits with interval, symbolic and mean-value bounds)")
      ->check(CLI::IsMember({"linear", "interval"}));
  add_integer_option(*sub, "--threads", o->threads, "--vnnlib: worker threads of the branch and bound (default 1); results do not depend on it", 1u, 1024u);
  add_integer_option(*sub, "--seed", o->seed, "seed of the (untrusted) random attacks");
  sub->add_flag("--json", o->json, "print one JSON object");
  sub->callback([o] { run_certify(*o); });
}

const SubcommandRegistrar registrar("certify", setup);

}  // namespace rl::cli::certify_command
