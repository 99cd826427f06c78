// robustlaw theorem: the Bubeck–Sellke theorem (seed App. B Thm 3, or the
// NeurIPS 2021 edition) at exact parameters, and --report for the paper's
// figures.
#include "arith/error.hpp"
#include "common.hpp"
#include "registry.hpp"
#include "theorem/companions.hpp"
#include "theorem/evaluate.hpp"
#include "theorem/network_corollary.hpp"
#include "theorem/paper_figures.hpp"

namespace rl::cli::theorem_command {

struct TheoremOptions {
  std::string edition = "seed";
  std::map<std::string, std::string> values;  // option name -> text, read exactly later
  int digits = 30;
  bool json = false;
  bool report = false;
};

const char* kRequired[] = {"n", "d", "p", "epsilon", "delta", "c", "W", "J"};
const char* kOptional[] = {"k", "sigma", "C1", "C2", "sparsity", "L"};

void run_theorem(const TheoremOptions& o) {
  if (o.report) {
    Json r = paper_figures_report(o.digits);
    if (o.json) print_json(r); else std::cout << paper_figures_text(r);
    return;
  }
  TheoremEvaluation e = theorem_evaluate(theorem_params_from_text(o.edition, o.values), o.digits);
  if (o.json) print_json(theorem_evaluation_json(e));
  else std::cout << theorem_evaluation_text(e);
}

const std::map<std::string, std::string> kHelp = {
    {"n", "sample size (positive integer)"},
    {"d", "input dimension (positive integer)"},
    {"p", "number of parameters (positive integer)"},
    {"epsilon", "fit margin eps in (0,1): training MSE <= sigma^2 - eps"},
    {"delta", "failure probability delta in (0,1)"},
    {"c", "isoperimetry constant c > 0 (Definition 6)"},
    {"W", "diameter bound of the parameter set, > 0"},
    {"J", "Lipschitz constant of w -> h_w in sup norm, > 0"},
    {"k", "number of mixture components (positive integer, default 1)"},
    {"sigma", "noise level sigma in (0,1] (seed edition; default: worst case 1)"},
    {"C1", "universal constant C1 of condition (9) (seed edition)"},
    {"C2", "universal constant C2 of the bound (seed edition); without it the bound is K/sqrt(C2)"},
    {"sparsity", "s: parameters are s-sparse, adds bound (11)"},
    {"L", "Lipschitz level: condition (9), least p with bound <= L, eps threshold"},
};

void setup(CLI::App& app) {
  auto o = std::make_shared<TheoremOptions>();
  CLI::App* sub = app.add_subcommand("theorem", "the universal law of robustness (seed App. B Thm 3 or NeurIPS 2021) at exact parameters: "
                                                "bound (10)/(11), conditions (8)/(9), least n, least p, eps threshold");
  sub->add_option("--edition", o->edition, "seed | neurips2021 (default seed)");
  for (const char* name : kRequired) sub->add_option(std::string("--") + name, o->values[name], kHelp.at(name) + ", decimal or a/b");
  for (const char* name : kOptional) sub->add_option(std::string("--") + name, o->values[name], kHelp.at(name) + ", decimal or a/b");
  add_integer_option(*sub, "--digits", o->digits, "significant digits of the enclosures (default 30)", 5, 1000);
  sub->add_flag("--report,--paper-figures", o->report, "the theorem at the paper's MNIST and ImageNet figures, both editions");
  sub->add_flag("--json", o->json, "print one JSON object");
  sub->callback([o] { run_theorem(*o); });
}

const SubcommandRegistrar registrar("theorem", setup);

// robustlaw theorem-tools <tool>: the seed's companion formulas.
struct ToolOptions {
  std::map<std::string, std::string> values;
  ModelOptions model;
  int digits = 30;
  bool json = false;
};

Rational tool_value(const ToolOptions& o, const std::string& name) {
  auto it = o.values.find(name);
  if (it == o.values.end() || it->second.empty()) throw InputError("--" + name, "required by this tool");
  return params_text_parse(it->second, "--" + name);
}

Integer tool_integer(const ToolOptions& o, const std::string& name) {
  Rational q = tool_value(o, name);
  if (denominator(q) != 1) throw InputError("--" + name, "must be an integer");
  return numerator(q);
}

Json enclosure_json(const Enclosure& e, int digits, const std::string& form) {
  return Json{{"lower", decimal_lower(e.lower, digits)}, {"upper", decimal_upper(e.upper, digits)},
              {"kind", "certified enclosure (MPFI)"}, {"form", form}};
}

Json squared_json(const SquaredEnclosure& s, int digits) {
  // sqrt of exact rational ends, rounded outward.
  Interval lo = interval_sqrt(Interval(s.lower, 4 * digits + 64)), hi = interval_sqrt(Interval(s.upper, 4 * digits + 64));
  Json j{{"lower", decimal_lower(lo.lower(), digits)}, {"upper", decimal_upper(hi.upper(), digits)},
         {"squared_lower_exact", rational_to_string(s.lower)}, {"squared_upper_exact", rational_to_string(s.upper)}};
  add_width_note(j, lo.lower(), hi.upper(), digits);
  return j;
}

void tool_output(const ToolOptions& o, const Json& j) {
  if (o.json) { print_json(j); return; }
  for (auto it = j.begin(); it != j.end(); ++it)
    std::cout << it.key() << ": " << (it.value().is_string() ? it.value().get<std::string>() : it.value().dump()) << "\n";
}

Json run_network_tool(const ToolOptions& o) {
  Network net = load_model(o.model);
  Integer Q = o.values.count("Q") && !o.values.at("Q").empty() ? tool_integer(o, "Q") : Integer(1);
  // Two guard digits: B(w) multiplies the layer enclosures, adding their relative widths.
  NetworkCorollary c = network_corollary(net, tool_value(o, "R"), Q, std::nullopt, o.digits + 2);
  Json norms = Json::array();
  for (const SquaredEnclosure& s : c.layer_norms_squared) norms.push_back(squared_json(s, o.digits));
  return Json{{"tool", "network"}, {"model", net.source}, {"p", c.p.str()}, {"D", c.depth.str()}, {"Q", c.Q.str()},
              {"weight_max_exact", rational_to_string(c.weight_max)}, {"W", rational_to_string(c.W)},
              {"R", rational_to_string(c.R)}, {"J_exact", rational_to_string(c.J)},
              {"J_decimal_upper", decimal_upper(c.J, o.digits)},
              {"diameter_upper_exact", rational_to_string(c.diameter_upper)},
              {"layer_operator_norms", norms}, {"B", squared_json(c.B_squared, o.digits)},
              {"form", "J = R (W Q p)^D with W = max(1, max |w|); B(w) = max_i prod_{j != i} ||W_j||_op"},
              {"method", "exact; ||A||_2 between the largest row/column norm and min(Frobenius, sqrt(||A||_1 ||A||_inf))"}};
}

Json run_tool(const std::string& tool, const ToolOptions& o) {
  if (tool == "two-layer-p") {
    Integer k = tool_integer(o, "k"), d = tool_integer(o, "d");
    return Json{{"tool", tool}, {"p", two_layer_parameter_count(k, d).str()}, {"form", "p = k (d + 2)"}, {"kind", "exact integer"}};
  }
  if (tool == "corollary-J") {
    Rational J = corollary_lipschitz_J(tool_value(o, "R"), tool_value(o, "W"), tool_integer(o, "Q"), tool_integer(o, "p"), tool_integer(o, "D"));
    return Json{{"tool", tool}, {"J_exact", rational_to_string(J)}, {"J_decimal_upper", decimal_upper(J, o.digits)},
                {"form", "J = R (W Q p)^D"}, {"kind", "exact rational"}};
  }
  if (tool == "theorem1") {
    Rational polylog = o.values.count("polylog") && !o.values.at("polylog").empty() ? tool_value(o, "polylog") : Rational(1);
    Enclosure e = theorem1_explicit(tool_value(o, "constant"), polylog, tool_value(o, "epsilon"), tool_value(o, "sigma"),
                                    tool_value(o, "n"), tool_value(o, "d"), tool_value(o, "p"), o.digits);
    return Json{{"tool", tool}, {"value", enclosure_json(e, o.digits, "C (eps/sigma) sqrt(n d / p) / polylog")},
                {"note", "Theorem 1 is stated with Omega~: C and the polylog factor are the user's, not the theorem's"}};
  }
  if (tool == "no-free-prune") {
    Enclosure e = no_free_prune_value(tool_value(o, "epsilon"), tool_value(o, "n"), tool_value(o, "d"),
                                      tool_value(o, "mutual-information"), tool_value(o, "mask-l1"), o.digits);
    return Json{{"tool", tool}, {"value", enclosure_json(e, o.digits, "eps sqrt(n d / p_eff), p_eff = I(m^W; D) + E||m||_1")},
                {"note", "No Free Prune (seed Thm 2) holds up to Omega~ and Theta~: its constants are symbolic, this is the bare expression"}};
  }
  return run_network_tool(o);
}

void setup_tools(CLI::App& app) {
  CLI::App* sub = app.add_subcommand("theorem-tools", "companion formulas: two-layer p, the network corollary's J and B(w), "
                                                      "Theorem 1 with explicit constants, No Free Prune");
  sub->require_subcommand(1);
  const std::vector<std::pair<std::string, std::vector<std::string>>> tools = {
      {"two-layer-p", {"k", "d"}},
      {"corollary-J", {"R", "W", "Q", "p", "D"}},
      {"theorem1", {"constant", "polylog", "epsilon", "sigma", "n", "d", "p"}},
      {"no-free-prune", {"epsilon", "n", "d", "mutual-information", "mask-l1"}},
      {"network", {"R", "Q"}}};
  for (const auto& [name, opts] : tools) {
    auto o = std::make_shared<ToolOptions>();
    CLI::App* t = sub->add_subcommand(name, name == "network" ? "J = R (W Q p)^D and B(w) for a network file" : "evaluate " + name);
    if (name == "network") add_model_options(*t, o->model);
    for (const std::string& opt : opts) t->add_option("--" + opt, o->values[opt], opt + " (decimal or a/b)");
    add_integer_option(*t, "--digits", o->digits, "significant digits (default 30)", 5, 1000);
    t->add_flag("--json", o->json, "print one JSON object");
    t->callback([o, name = name] { tool_output(*o, run_tool(name, *o)); });
  }
}

const SubcommandRegistrar tools_registrar("theorem-tools", setup_tools);

}  // namespace rl::cli::theorem_command
