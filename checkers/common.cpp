#include "common.hpp"

namespace rl::cli {

void add_model_options(CLI::App& app, ModelOptions& options) {
  app.add_option("model", options.path, "network file: .nnet, .onnx or .json (robustlaw-net)")->required();
  app.add_flag("--normalized", options.normalized,
               ".nnet: analyse the raw weights in normalized coordinates (no clamp, no (de)normalization)");
}

Network load_model(const ModelOptions& options) {
  LoadOptions lo;
  lo.nnet_normalized = options.normalized;
  return network_load(options.path, lo);
}

Json json_exact_value(const Rational& q, int digits) {
  return Json{{"exact", rational_to_string(q)}, {"lower", decimal_lower(q, digits)}, {"upper", decimal_upper(q, digits)}};
}

Json json_enclosure(const Rational& lower, const Rational& upper, const std::string& method, int digits) {
  return Json{{"lower", decimal_lower(lower, digits)}, {"upper", decimal_upper(upper, digits)}, {"method", method}};
}

void print_json(const Json& j) { std::cout << j.dump(2) << std::endl; }

}  // namespace rl::cli
