#include "common.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "arith/error.hpp"
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

namespace {

namespace fs = std::filesystem;

std::string errno_text(int error) { return std::strerror(error); }

// The whole of `text` to a new file `temp`, flushed to the disk; false with errno set on failure.
bool write_new_file(const std::string& temp, const std::string& text) {
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) { int e = n < 0 ? errno : EIO; ::close(fd); errno = e; return false; }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) { int e = errno; ::close(fd); errno = e; return false; }
  return ::close(fd) == 0;
}

}  // namespace

void check_output_path(const std::string& path) {
  if (path.empty()) throw InputError("output file", "empty path");
  fs::path target(path);
  std::error_code ec;
  if (fs::is_directory(target, ec)) throw InputError(path, "cannot write: is a directory");
  fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (!fs::is_directory(folder, ec)) throw InputError(path, "cannot write: folder " + folder.string() + " does not exist");
}

void write_file_atomic(const std::string& path, const std::string& text) {
  check_output_path(path);
  fs::path target(path);
  std::error_code ec;
  std::string temp = path + ".tmp." + std::to_string(::getpid());
  if (!write_new_file(temp, text)) {
    std::string reason = errno_text(errno);
    fs::remove(temp, ec);
    throw InputError(path, "cannot write: " + reason);
  }
  fs::rename(temp, target, ec);
  if (ec) {
    fs::remove(temp, ec);
    throw InputError(path, "cannot write: " + ec.message());
  }
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
