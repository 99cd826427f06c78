// robustlaw: certified bounds for the mathematics of robustness.
#include <CLI/CLI.hpp>

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

// CLI11 reads "--box=" followed by "--norm l2" as --box taking "--norm" (the
// next argument) and then reports the missing --norm: refused here instead,
// naming the option.
void refuse_empty_option_values(const std::vector<char*>& args) {
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string a = args[i];
    if (a.size() > 3 && a.rfind("--", 0) == 0 && a.back() == '=' && a.find('=') == a.size() - 1)
      throw rl::InputError(a.substr(0, a.size() - 1), "an empty value after '='");
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"robustlaw: certified Lipschitz bounds, lemma checks and theorem constants for ReLU networks"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "robustlaw 0.1");
  for (auto& entry : rl::cli::subcommand_registry()) entry.setup(app);
  try {
    std::vector<char*> args = arguments_with_implied_subcommand(argc, argv);
    refuse_empty_option_values(args);
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; a malformed command line exits 2, as bad input does.
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const rl::InputError& e) {
    std::cerr << "robustlaw: error: " << e.what() << std::endl;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "robustlaw: error: " << e.what() << std::endl;
    return 3;
  }
  return rl::cli::exit_status();
}
