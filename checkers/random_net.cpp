// robustlaw random-net --sizes d,n1,...,nL [--seed S] [--bias-std B]: prints a
// random network in the project's JSON format (weights N(0, 1/fan_in), biases
// N(0, B^2)), for benchmarks and experiments.
#include "common.hpp"
#include "net/random_network.hpp"
#include "registry.hpp"

namespace rl::cli {
namespace {

struct RandomNetOptions {
  std::vector<std::size_t> sizes;
  std::uint64_t seed = 1;
  double bias_std = 0.5;
};

void setup(CLI::App& app) {
  auto o = std::make_shared<RandomNetOptions>();
  CLI::App* sub = app.add_subcommand("random-net", "print a random ReLU network (robustlaw-net JSON) for benchmarks");
  sub->add_option("--sizes", o->sizes, "layer sizes d,n1,...,nL")->delimiter(',')->required();
  sub->add_option("--seed", o->seed, "seed of std::mt19937_64");
  sub->add_option("--bias-std", o->bias_std, "standard deviation of the biases (default 0.5)")->check(CLI::NonNegativeNumber);
  sub->callback([o] { std::cout << network_to_json(random_network(o->sizes, o->seed, o->bias_std)) << "\n"; });
}

const SubcommandRegistrar registrar("random-net", setup);

}  // namespace
}  // namespace rl::cli
