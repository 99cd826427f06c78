#include "common.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <cmath>
#include <thread>

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
  const std::string& p = options.path;
  const bool nnet = p.size() >= 5 && (p.compare(p.size() - 5, 5, ".nnet") == 0 || p.compare(p.size() - 5, 5, ".NNET") == 0);
  // Silently ignored, it would leave the user believing the coordinates changed.
  if (options.normalized && !nnet) throw InputError("--normalized", "applies to .nnet files only, not " + p);
  return network_load(p, lo);
}

CLI::Option* add_big_integer_option(CLI::App& app, const std::string& name, Integer& target, const std::string& help,
                                    const Integer& lo) {
  return app
      .add_option_function<std::string>(
          name, [&target, name, lo](const std::string& text) { target = integer_option_parse(text, name, lo, std::nullopt); },
          help)
      ->type_name("INT");
}

CLI::Option* add_real_option(CLI::App& app, const std::string& name, double& target, const std::string& help,
                             const Rational& lo) {
  return app
      .add_option_function<std::string>(
          name, [&target, name, lo](const std::string& text) { target = real_option_parse(text, name, lo); }, help)
      ->type_name("NUMBER");
}

std::optional<std::string> width_note(const Rational& lower, const Rational& upper, int digits) {
  const Rational magnitude = std::max(rational_abs(lower), rational_abs(upper));
  if (upper <= lower || magnitude == 0) return std::nullopt;
  const Rational relative = (upper - lower) / magnitude;
  if (relative <= rational_pow10(-digits)) return std::nullopt;
  // floor(-log10 relative): decimal_exponent is floor(log10), one less unless relative is a power of ten.
  const long e = decimal_exponent(relative);
  const long certain = std::max(0L, rational_pow10(e) == relative ? -e : -e - 1);
  return "wider than the " + std::to_string(digits) + " significant digits asked for: about " + std::to_string(certain) +
         " are certain";
}

std::string add_width_note(Json& j, const Rational& lower, const Rational& upper, int digits) {
  const std::optional<std::string> note = width_note(lower, upper, digits);
  if (!note) return "";
  j["note"] = *note;
  return "  (" + *note + ")";
}

Json json_integer(const Integer& n) {
  if (n >= 0 && n <= Integer(std::numeric_limits<std::uint64_t>::max())) return Json(n.convert_to<std::uint64_t>());
  return Json(n.str());
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

std::string write_claim_replayed(const std::string& path, const Json& claim) {
  file_write_atomic(path, claim.dump(1) + "\n");
  return claim_replay_written(path);
}

std::optional<std::string> write_claim_replayed_watched(const std::string& path, const Json& claim, const StopSignals& signals) {
  using Clock = std::chrono::steady_clock;
  file_write_atomic(path, claim.dump(1) + "\n");
  auto result = std::make_shared<std::promise<std::string>>();
  std::future<std::string> replayed = result->get_future();
  std::thread replay([path, result] {
    try {
      result->set_value(claim_replay_written(path));
    } catch (...) {
      result->set_exception(std::current_exception());
    }
  });
  std::optional<Clock::time_point> stopped_at;
  while (replayed.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
    if (!signals.received()) continue;
    if (!stopped_at) stopped_at = Clock::now();
    if (std::chrono::duration<double>(Clock::now() - *stopped_at).count() >= kReplaySecondsAfterStop) {
      replay.detach();  // given up: the caller ends the process
      std::error_code ignored;
      std::filesystem::remove(path, ignored);
      return std::nullopt;
    }
  }
  replay.join();
  return replayed.get();  // the replay's InputError, when it did not pass
}

CLI::Option* add_output_file_option(CLI::App& app, const std::string& name, std::string& target, const std::string& help) {
  const CLI::Validator non_empty([](std::string& path) { return path.empty() ? std::string("an empty path names no file") : std::string(); },
                                 "FILE");
  return app.add_option(name, target, help)->check(non_empty);
}

namespace {

std::atomic<bool> g_stop{false}, g_second{false};
std::atomic<int> g_stop_signal{0};

extern "C" void stop_signals_handle(int signal) {
  if (g_stop.load()) g_second.store(true);
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
  g_second.store(false);
  g_stop_signal.store(0);
  previous_int_ = stop_signals_install(SIGINT);
  previous_term_ = stop_signals_install(SIGTERM);
}

StopSignals::~StopSignals() {
  sigaction(SIGINT, &previous_int_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
}

const std::atomic<bool>* StopSignals::flag() const { return &g_stop; }

const std::atomic<bool>* StopSignals::second_flag() const { return &g_second; }

int StopSignals::received() const { return g_stop_signal.load(); }

void StopSignals::finish() const {
  int signal = received();
  if (signal == 0) return;
  std::cerr << "robustlaw: stopped by " << (signal == SIGINT ? "SIGINT" : "SIGTERM")
            << ": the result printed is the best certified one reached" << std::endl;
  set_exit_status(128 + signal);
}

}  // namespace rl::cli
