// robustlaw random-net --sizes d,n1,...,nL [--seed S] [--bias-std B]: prints a
// random network in the project's JSON format (weights N(0, 1/fan_in), biases
// N(0, B^2)), for benchmarks and experiments; --output FILE writes it there.
#include "arith/error.hpp"
#include "common.hpp"
#include "net/random_network.hpp"
#include "registry.hpp"

namespace rl::cli::random_net_command {

struct RandomNetOptions {
  std::string sizes;  // comma-separated, each read exactly (a negative or huge size is refused, not wrapped)
  std::uint64_t seed = 1;
  double bias_std = 0.5;
  std::string output;
};

// Keeps the exact network (and its JSON text) within memory.
constexpr std::size_t kMaxLayerSize = 100000, kMaxParameters = 10000000;

std::vector<std::size_t> checked_sizes(const std::string& text) {
  std::vector<Integer> sizes;
  for (std::size_t start = 0, comma = 0; comma != std::string::npos; start = comma + 1) {
    comma = text.find(',', start);
    sizes.push_back(integer_option_parse(text.substr(start, comma - start), "--sizes", std::nullopt, std::nullopt));
  }
  if (sizes.size() < 2) throw InputError("--sizes", "give at least an input and an output size");
  std::vector<std::size_t> out;
  std::size_t parameters = 0;
  for (const Integer& s : sizes) {
    if (s < 1 || s > kMaxLayerSize) throw InputError("--sizes", "layer size " + s.str() + " is not in [1, 100000]");
    const auto size = s.convert_to<std::size_t>();
    if (!out.empty()) parameters += size * (out.back() + 1);
    if (parameters > kMaxParameters) throw InputError("--sizes", "more than 10^7 parameters");
    out.push_back(size);
  }
  return out;
}

void run_random_net(const RandomNetOptions& o) {
  // A bias of ten standard deviations must stay a finite double.
  if (o.bias_std > 1e300) throw InputError("--bias-std", "must be at most 1e300 (the biases must stay finite doubles)");
  std::string text = network_to_json(random_network(checked_sizes(o.sizes), o.seed, o.bias_std)) + "\n";
  if (o.output.empty()) std::cout << text;
  else write_file_atomic(o.output, text);
}

void setup(CLI::App& app) {
  auto o = std::make_shared<RandomNetOptions>();
  CLI::App* sub = app.add_subcommand("random-net", "print a random ReLU network (robustlaw-net JSON) for benchmarks");
  sub->add_option("--sizes", o->sizes, "layer sizes d,n1,...,nL")->required();
  add_integer_option(*sub, "--seed", o->seed, "seed of std::mt19937_64");
  add_real_option(*sub, "--bias-std", o->bias_std, "standard deviation of the biases (default 0.5)", 0);
  add_output_file_option(*sub, "--output", o->output, "write the network to FILE (atomically) instead of stdout");
  sub->callback([o] { run_random_net(*o); });
}

const SubcommandRegistrar registrar("random-net", setup);

}  // namespace rl::cli::random_net_command
