// robustlaw eval MODEL --input x1,...: the exact output, as rationals and outward decimals.
#include "common.hpp"
#include "net/eval.hpp"
#include "registry.hpp"

namespace rl::cli::eval_command {

struct EvalOptions {
  ModelOptions model;
  std::string input;
  int digits = 20;
  bool json = false;
};

void run_eval(const EvalOptions& o) {
  Network net = load_model(o.model);
  std::vector<Rational> x = rational_parse_list(o.input, "--input");
  ExactTrace trace = net_trace_exact(net, x);
  Json outputs = Json::array();
  for (const Rational& y : trace.output()) outputs.push_back(json_exact_value(y, o.digits));
  std::size_t best = 0;
  bool tie = false;
  for (std::size_t i = 1; i < trace.output().size(); ++i) {
    if (trace.output()[i] > trace.output()[best]) { best = i; tie = false; }
    else if (trace.output()[i] == trace.output()[best]) tie = true;
  }
  Json j{{"model", net.source}, {"outputs", outputs}, {"interior_point", trace.is_interior()},
         {"argmax", tie ? Json(nullptr) : Json(best)}, {"kind", "exact rational"}};
  if (o.json) { print_json(j); return; }
  for (std::size_t i = 0; i < outputs.size(); ++i)
    std::cout << "y" << i << " = " << outputs[i]["exact"].get<std::string>() << "\n     in [" << outputs[i]["lower"].get<std::string>()
              << ", " << outputs[i]["upper"].get<std::string>() << "]\n";
  std::cout << "argmax " << (tie ? std::string("tied") : std::to_string(best))
            << (trace.is_interior() ? "" : "   (x lies on a ReLU or clamp boundary)") << "\n";
}

void setup(CLI::App& app) {
  auto options = std::make_shared<EvalOptions>();
  CLI::App* sub = app.add_subcommand("eval", "evaluate a network exactly at a rational input");
  add_model_options(*sub, options->model);
  sub->add_option("--input", options->input, "comma-separated input, decimals or fractions a/b")->required();
  add_integer_option(*sub, "--digits", options->digits, "significant digits of the outward-rounded decimals", 1, 10000);
  sub->add_flag("--json", options->json, "print one JSON object");
  sub->callback([options] { run_eval(*options); });
}

const SubcommandRegistrar registrar("eval", setup);

}  // namespace rl::cli::eval_command
