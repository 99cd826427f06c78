// Subcommand registration: each checkers/<name>.cpp defines one static
// SubcommandRegistrar, so adding a subcommand touches no other file. Its
// setup() and registrar live in the namespace rl::cli::<name>_command, not an
// anonymous one: checkers/ is compiled as a unity build (one translation unit
// for several files), where same-named file-local definitions would clash.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace rl::cli {

// Sets up the subcommand on the app; the callback it installs runs the command
// and returns the process exit status through set_exit_status.
using SubcommandSetup = std::function<void(CLI::App& app)>;

struct SubcommandEntry {
  std::string name;
  SubcommandSetup setup;
};

std::vector<SubcommandEntry>& subcommand_registry();

struct SubcommandRegistrar {
  SubcommandRegistrar(std::string name, SubcommandSetup setup) {
    subcommand_registry().push_back({std::move(name), std::move(setup)});
  }
};

// The exit status a subcommand asks for (0 unless set).
void set_exit_status(int status);
int exit_status();

}  // namespace rl::cli
