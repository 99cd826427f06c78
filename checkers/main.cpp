// robustlaw: certified bounds for the mathematics of robustness.
#include <CLI/CLI.hpp>
#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "arith/error.hpp"
#include "registry.hpp"

namespace rl::cli {

std::vector<SubcommandEntry>& subcommand_registry() {
  static std::vector<SubcommandEntry> registry;
  return registry;
}

namespace {
int g_exit_status = 0;
}
void set_exit_status(int status) { g_exit_status = status; }
int exit_status() { return g_exit_status; }

}  // namespace rl::cli

namespace {

// A binary built with a single subcommand (robustlaw-check holds only
// `check`) takes that subcommand's arguments directly: `robustlaw-check proofs`.
std::vector<char*> arguments_with_implied_subcommand(int argc, char** argv) {
  std::vector<char*> args(argv, argv + argc);
  auto& registry = rl::cli::subcommand_registry();
  const bool asks_version = argc > 1 && std::string(argv[1]) == "--version";
  if (registry.size() == 1 && !asks_version) args.insert(args.begin() + 1, registry.front().name.data());
  return args;
}

// OpenBLAS (linked for SDPA, the untrusted LipSDP solve) starts a worker
// thread per core when the library loads, and each spins in sched_yield for
// about 0.1 s of CPU before it sleeps: a third of the CPU of a short run.
// One BLAS thread is no slower for our matrices (LipSDP-Neuron on ACAS Xu
// 1_1: 5.0 s wall and 5.1 s CPU, against 5.3 s and 9.2 s with two). The
// library reads OPENBLAS_NUM_THREADS only when it loads, so a process that
// holds a multithreaded OpenBLAS restarts itself once with the variable set
// (robustlaw-check links no BLAS and never restarts).
void restart_with_one_blas_thread(char** argv) {
  using Count = int (*)();
  auto threads = reinterpret_cast<Count>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  if (!threads || threads() <= 1 || std::getenv("OPENBLAS_NUM_THREADS")) return;
  // The binary's own path, not /proc/self/exe: the process name (ps, pkill)
  // comes from the path given to exec.
  std::string self(4096, '\0');
  const ssize_t n = readlink("/proc/self/exe", self.data(), self.size() - 1);
  if (n <= 0) return;
  self.resize(static_cast<std::size_t>(n));
  setenv("OPENBLAS_NUM_THREADS", "1", 1);
  execv(self.c_str(), argv);  // returns only when it fails: go on as we are
}

}  // namespace

int main(int argc, char** argv) {
  restart_with_one_blas_thread(argv);
  CLI::App app{"robustlaw: certified Lipschitz bounds, lemma checks and theorem constants for ReLU networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "robustlaw 0.1");
  for (auto& entry : rl::cli::subcommand_registry()) entry.setup(app);
  try {
    std::vector<char*> args = arguments_with_implied_subcommand(argc, argv);
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const rl::InputError& e) {
    std::cerr << "robustlaw: error: " << e.what() << std::endl;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "robustlaw: error: " << e.what() << std::endl;
    return 3;
  }
  return rl::cli::exit_status();
}
