// robustlaw: certified bounds for the mathematics of robustness.
#include <CLI/CLI.hpp>
#include <iostream>

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

int main(int argc, char** argv) {
  CLI::App app{"robustlaw: certified Lipschitz bounds, lemma checks and theorem constants for ReLU networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "robustlaw 0.1");
  for (auto& entry : rl::cli::subcommand_registry()) entry.setup(app);
  try {
    app.parse(argc, argv);
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
