// Running robustlaw as a child process and signalling it, for the tests of
// SIGINT / SIGTERM handling (the child's stdout and stderr go to files).
#pragma once
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "test_cli_errors_support.hpp"

namespace rl::test {

struct Interrupted {
  int status = 0;           // waitpid status
  double seconds_after = 0; // from the signal to the exit
  std::string out, err;
};

// Starts `robustlaw args...` with stdout and stderr redirected to files.
inline pid_t spawn(const std::vector<std::string>& args, const std::string& out, const std::string& err) {
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
inline bool wait_for(pid_t pid, int& status, std::chrono::seconds patience) {
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
inline bool wait_for_handler(pid_t pid, int signal) {
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

// Runs `robustlaw args...` and sends `signal` `delay` after its handler is
// installed and, when `marker` is given, after its stderr shows the marker
// (a stage reached whatever the machine's speed).
inline Interrupted run_and_signal(const std::vector<std::string>& args, int signal, std::chrono::milliseconds delay,
                           std::chrono::seconds patience, const std::string& marker = "") {
  static int counter = 0;
  std::string out = cli_scratch().path("signal-out" + std::to_string(counter));
  std::string err = cli_scratch().path("signal-err" + std::to_string(counter++));
  pid_t pid = spawn(args, out, err);
  REQUIRE(pid > 0);
  CHECK(wait_for_handler(pid, signal));
  const auto give_up = std::chrono::steady_clock::now() + patience;
  while (!marker.empty() && cli_slurp(err).find(marker) == std::string::npos && std::chrono::steady_clock::now() < give_up)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
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

}  // namespace rl::test
