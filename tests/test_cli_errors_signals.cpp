// SIGTERM and SIGINT during a long run: the command stops at its next check,
// prints the best certified result reached, writes the certificate it was
// asked for (which the trusted checker accepts), and exits with 128 + signal.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "arith/rational.hpp"
#include "io/json_exact.hpp"
#include "test_cli_errors_support.hpp"

using namespace rl::test;

namespace {

const std::string kAcas = std::string(ROBUSTLAW_SOURCE_DIR) + "/data/nets/acasxu/ACASXU_run2a_1_1_batch_2000.nnet";

struct Interrupted {
  int status = 0;           // waitpid status
  double seconds_after = 0; // from the signal to the exit
  std::string out, err;
};

// Starts `robustlaw args...` with stdout and stderr redirected to files.
pid_t spawn(const std::vector<std::string>& args, const std::string& out, const std::string& err) {
  std::vector<std::string> argv_text{ROBUSTLAW_BINARY};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);  // else the child would write this process's pending output again
  pid_t pid = ::fork();
  if (pid == 0) {
    if (!std::freopen(out.c_str(), "w", stdout) || !std::freopen(err.c_str(), "w", stderr)) ::_exit(127);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// Waits for the child at most `patience`, then kills it; true when it ended by itself.
bool wait_for(pid_t pid, int& status, std::chrono::seconds patience) {
  auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < patience) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return true;
    if (done < 0) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return false;
}

// Waits until the child runs robustlaw (before exec it is a copy of this test
// process, with the test framework's handlers) and catches `signal` (its
// handler is installed: bit signal - 1 of SigCgt in /proc/PID/status), at most 30 s.
bool wait_for_handler(pid_t pid, int signal) {
  const std::filesystem::path binary = std::filesystem::canonical(ROBUSTLAW_BINARY);
  auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(30)) {
    std::error_code ec;
    if (std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec) != binary) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    std::string status = cli_slurp("/proc/" + std::to_string(pid) + "/status");
    std::size_t at = status.find("SigCgt:");
    if (at != std::string::npos && (std::stoull(status.substr(at + 7), nullptr, 16) >> (signal - 1) & 1)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

// Runs `robustlaw args...` and sends `signal` `delay` after its handler is installed.
Interrupted run_and_signal(const std::vector<std::string>& args, int signal, std::chrono::milliseconds delay,
                           std::chrono::seconds patience) {
  static int counter = 0;
  std::string out = cli_scratch().path("signal-out" + std::to_string(counter));
  std::string err = cli_scratch().path("signal-err" + std::to_string(counter++));
  pid_t pid = spawn(args, out, err);
  REQUIRE(pid > 0);
  CHECK(wait_for_handler(pid, signal));
  std::this_thread::sleep_for(delay);
  ::kill(pid, signal);
  auto sent = std::chrono::steady_clock::now();
  Interrupted r;
  bool ended = wait_for(pid, r.status, patience);
  r.seconds_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
  r.out = cli_slurp(out);
  r.err = cli_slurp(err);
  CHECK_MESSAGE(ended, "the command did not stop within " << patience.count() << " s of the signal");
  return r;
}

}  // namespace

TEST_CASE("cli: SIGTERM stops lipschitz with a certified pair and a certificate the checker accepts") {
  std::string cert = cli_scratch().path("sigterm-lipschitz.json");
  Interrupted r = run_and_signal({"lipschitz", kAcas, "--norm=linf", "--global", "--threads=1", "--certificate=" + cert, "--json"},
                                 SIGTERM, std::chrono::milliseconds(300), std::chrono::seconds(60));
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(WIFEXITED(r.status));
  CHECK(WEXITSTATUS(r.status) == 128 + SIGTERM);
  CHECK(r.err.find("stopped by SIGTERM") != std::string::npos);
  rl::Json j = rl::Json::parse(r.out);
  CHECK(j["status"] == "interrupted");
  rl::Rational lower = rl::rational_parse(j["lower_exact"].get<std::string>(), "lower");
  rl::Rational upper = rl::rational_parse(j["upper_exact"].get<std::string>(), "upper");
  CHECK(lower <= upper);
  REQUIRE(std::filesystem::exists(cert));
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(cert).parent_path()))
    CHECK_MESSAGE(entry.path().filename().string().find(".tmp.") == std::string::npos, "stray " << entry.path());
  CliResult check = cli_run({"check", cert});
  INFO("check: " << check.out << check.err);
  CHECK(check.exit_code == 0);
  CHECK(check.out.find("1 passed, 0 failed") != std::string::npos);
}

TEST_CASE("cli: SIGINT stops lipschitz and prints the pair as text") {
  Interrupted r = run_and_signal({"lipschitz", kAcas, "--norm=l2", "--box=-1/10:1/10", "--normalized", "--threads=1"}, SIGINT,
                                 std::chrono::milliseconds(500), std::chrono::seconds(60));
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(WIFEXITED(r.status));
  CHECK(WEXITSTATUS(r.status) == 128 + SIGINT);
  CHECK(r.out.find("L (l2) in [") != std::string::npos);
  CHECK(r.out.find("status interrupted") != std::string::npos);
}

TEST_CASE("cli: SIGTERM stops certify with verdict unknown and no certificate") {
  std::string cert = cli_scratch().path("sigterm-certify.json");
  Interrupted r = run_and_signal({"certify", kAcas, "--input=20000,1/2,-1/2,600,500", "--radius=500", "--norm=linf",
                                  "--time-limit=600", "--certificate=" + cert, "--json"},
                                 SIGTERM, std::chrono::milliseconds(500), std::chrono::seconds(60));
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  REQUIRE(WIFEXITED(r.status));
  CHECK(WEXITSTATUS(r.status) == 128 + SIGTERM);
  rl::Json j = rl::Json::parse(r.out);
  CHECK(j["verdict"] == "unknown");
  CHECK_FALSE(std::filesystem::exists(cert));
}

TEST_CASE("cli: a second signal kills a command that is already stopping") {
  // The handlers are one-shot: SIGTERM twice in a row ends the process by the signal at the latest.
  pid_t pid = spawn({"lipschitz", kAcas, "--norm=l2", "--global", "--threads=1"}, "/dev/null", "/dev/null");
  REQUIRE(pid > 0);
  CHECK(wait_for_handler(pid, SIGTERM));
  ::kill(pid, SIGTERM);
  ::kill(pid, SIGTERM);
  int status = 0;
  CHECK(wait_for(pid, status, std::chrono::seconds(60)));
  CHECK(((WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) || (WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGTERM)));
}
