// robustlaw info MODEL: architecture, layer sizes, p, weight ranges.
#include "common.hpp"
#include "registry.hpp"

namespace rl::cli::info_command {

struct InfoOptions {
  ModelOptions model;
  bool json = false;
};

void run_info(const InfoOptions& o) {
  Network net = load_model(o.model);
  Json layers = Json::array();
  std::vector<std::size_t> sizes{net.input_dim};
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    Rational wmin = l.weights[0][0], wmax = wmin, bmin = l.bias[0], bmax = bmin;
    for (const auto& row : l.weights) for (const Rational& w : row) { if (w < wmin) wmin = w; if (w > wmax) wmax = w; }
    for (const Rational& b : l.bias) { if (b < bmin) bmin = b; if (b > bmax) bmax = b; }
    layers.push_back(Json{{"in", l.in_dim()}, {"out", l.out_dim()}, {"relu", k + 1 < net.layers.size()},
                          {"weight_min", decimal_lower(wmin)}, {"weight_max", decimal_upper(wmax)},
                          {"bias_min", decimal_lower(bmin)}, {"bias_max", decimal_upper(bmax)}});
    sizes.push_back(l.out_dim());
  }
  Json j{{"model", net.source}, {"format", net.format}, {"inputs", net.input_dim}, {"outputs", net.output_dim()},
         {"hidden_layers", net.hidden_layer_count()}, {"layer_sizes", sizes}, {"parameters", net.parameter_count()},
         {"layers", layers}, {"input_clamp", net.clamp.has_value()}};
  if (o.json) { print_json(j); return; }
  std::cout << "model       " << net.source << " (" << net.format << ")\n";
  std::cout << "layer sizes ";
  for (std::size_t i = 0; i < sizes.size(); ++i) std::cout << (i ? "-" : "") << sizes[i];
  std::cout << "\nparameters  p = " << net.parameter_count() << "\n";
  std::cout << "input clamp " << (net.clamp ? "yes (.nnet [min, max], normalization folded into the weights)" : "no") << "\n";
  for (std::size_t k = 0; k < layers.size(); ++k)
    std::cout << "layer " << k + 1 << "  " << layers[k]["in"] << " -> " << layers[k]["out"] << (layers[k]["relu"].get<bool>() ? " + ReLU" : "        ")
              << "  weights [" << layers[k]["weight_min"].get<std::string>() << ", " << layers[k]["weight_max"].get<std::string>()
              << "]  biases [" << layers[k]["bias_min"].get<std::string>() << ", " << layers[k]["bias_max"].get<std::string>() << "]\n";
}

void setup(CLI::App& app) {
  auto options = std::make_shared<InfoOptions>();
  CLI::App* sub = app.add_subcommand("info", "print a network's architecture, layer sizes, parameter count p and weight ranges");
  add_model_options(*sub, options->model);
  sub->add_flag("--json", options->json, "print one JSON object");
  sub->callback([options] { run_info(*options); });
}

const SubcommandRegistrar registrar("info", setup);

}  // namespace rl::cli::info_command
