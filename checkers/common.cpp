#include "common.hpp"

#include <filesystem>

#include "arith/error.hpp"
#include "io/file_atomic.hpp"
#include "registry.hpp"

namespace rl::cli {

void add_model_options(CLI::App& app, ModelOptions& options) {
  app.add_option("model", options.path, "network file: .nnet, .onnx or .json (robustlaw-net)")->required();
  app.add_flag("--normalized", options.normalized,
               ".nnet: analyse the raw weights in normalized coordinates (no clamp, no (de)normalization)");
}

Network load_model(const ModelOptions& options) {
  LoadOptions lo;
  lo.nnet_normalized = options.normalized;
  return network_load(options.path, lo);
}

Json json_exact_value(const Rational& q, int digits) {
  return Json{{"exact", rational_to_string(q)}, {"lower", decimal_lower(q, digits)}, {"upper", decimal_upper(q, digits)}};
}

Json json_enclosure(const Rational& lower, const Rational& upper, const std::string& method, int digits) {
  return Json{{"lower", decimal_lower(lower, digits)}, {"upper", decimal_upper(upper, digits)}, {"method", method}};
}

void print_json(const Json& j) { std::cout << j.dump(2) << std::endl; }

void check_output_path(const std::string& path) { file_check_output_path(path); }

void write_file_atomic(const std::string& path, const std::string& text) { file_write_atomic(path, text); }

ClaimReport claim_replay(const Json& claim, const std::string& path) {
  return claim_check(claim, path, claim_repo_root_find(path));
}

std::string write_claim_replayed(const std::string& path, const Json& claim) {
  file_write_atomic(path, claim.dump(1) + "\n");
  const ClaimReport report = claim_replay(json_read_file_exact(path), path);
  if (report.passed) return report.detail;
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  throw InputError(path, "the certificate does not replay (verdict " + report.verdict + ", expected " + report.expected +
                             ": " + report.detail + "); not written");
}

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_stop_signal{0};

extern "C" void stop_signals_handle(int signal) {
  g_stop_signal.store(signal);
  g_stop.store(true);
}

struct sigaction stop_signals_install(int signal) {
  struct sigaction action {}, previous {};
  action.sa_handler = stop_signals_handle;
  sigemptyset(&action.sa_mask);
  // One-shot, and interrupted system calls (writes of the outputs) resume.
  action.sa_flags = SA_RESETHAND | SA_RESTART;
  sigaction(signal, &action, &previous);
  return previous;
}

}  // namespace

StopSignals::StopSignals() {
  static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
                "the signal handler needs lock-free atomics");
  g_stop.store(false);
  g_stop_signal.store(0);
  previous_int_ = stop_signals_install(SIGINT);
  previous_term_ = stop_signals_install(SIGTERM);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
}

const std::atomic<bool>* StopSignals::flag() const { return &g_stop; }

int StopSignals::received() const { return g_stop_signal.load(); }

void StopSignals::finish() const {
  int signal = received();
  if (signal == 0) return;
  std::cerr << "robustlaw: stopped by " << (signal == SIGINT ? "SIGINT" : "SIGTERM")
            << ": the result printed is the best certified one reached" << std::endl;
  set_exit_status(128 + signal);
}

}  // namespace rl::cli
