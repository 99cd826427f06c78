#include "io/process_run.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace rl {
namespace {

volatile std::sig_atomic_t g_received = 0;

extern "C" void process_run_handle(int signal) { g_received = signal; }

// Catches SIGINT and SIGTERM for the lifetime of the object, without
// SA_RESTART so that waitpid returns EINTR; the previous handlers come back
// on destruction.
class SignalCatch {
 public:
  SignalCatch() {
    g_received = 0;
    struct sigaction action {};
    action.sa_handler = process_run_handle;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_int_);
    sigaction(SIGTERM, &action, &previous_term_);
  }
  ~SignalCatch() {
    sigaction(SIGINT, &previous_int_, nullptr);
    sigaction(SIGTERM, &previous_term_, nullptr);
  }
  SignalCatch(const SignalCatch&) = delete;
  SignalCatch& operator=(const SignalCatch&) = delete;

 private:
  struct sigaction previous_int_ {}, previous_term_ {};
};

}  // namespace

ProcessResult process_run(const std::vector<std::string>& argv, int in, int out, int err) {
  if (argv.empty()) throw std::runtime_error("process_run: no program");
  std::vector<std::string> text = argv;
  std::vector<char*> args;
  for (std::string& a : text) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in, 0);
  posix_spawn_file_actions_adddup2(&actions, out, 1);
  posix_spawn_file_actions_adddup2(&actions, err, 2);
  // The child starts with the default signal actions (posix_spawn resets
  // caught signals), so our handlers never run in it.
  SignalCatch catcher;
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot run " + argv[0] + " (" + std::strerror(rc) + ")");
  ProcessResult result;
  bool terminated = false;
  while (::waitpid(pid, &result.wait_status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error("waiting for " + argv[0] + ": " + std::strerror(errno));
    if (g_received != 0 && !terminated) {
      ::kill(pid, SIGTERM);
      terminated = true;
    }
  }
  result.signal = g_received;
  return result;
}

void process_reraise(int signal) {
  if (signal != 0) ::raise(signal);
}

std::string process_status_text(int wait_status) {
  if (WIFEXITED(wait_status)) return "exit status " + std::to_string(WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) return "killed by signal " + std::to_string(WTERMSIG(wait_status));
  return "stopped";
}

}  // namespace rl
