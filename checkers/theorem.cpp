// robustlaw theorem: the Bubeck–Sellke theorem (seed App. B Thm 3, or the
// NeurIPS 2021 edition) at exact parameters, and --report for the paper's
// figures.
#include "arith/error.hpp"
#include "common.hpp"
#include "registry.hpp"
#include "theorem/evaluate.hpp"
#include "theorem/paper_figures.hpp"

namespace rl::cli {
namespace {

struct TheoremOptions {
  std::string edition = "seed";
  std::map<std::string, std::string> values;  // option name -> text, read exactly later
  int digits = 30;
  bool json = false;
  bool report = false;
};

const char* kRequired[] = {"n", "d", "p", "epsilon", "delta", "c", "W", "J"};
const char* kOptional[] = {"k", "sigma", "C1", "C2", "sparsity", "L"};

std::optional<Rational> value_of(const TheoremOptions& o, const std::string& name) {
  auto it = o.values.find(name);
  if (it == o.values.end() || it->second.empty()) return std::nullopt;
  return rational_parse(it->second, "--" + name);
}

TheoremParams params_from_options(const TheoremOptions& o) {
  TheoremParams t;
  t.edition = edition_parse(o.edition);
  for (const char* name : kRequired)
    if (!value_of(o, name)) throw InputError(std::string("--") + name, "required (or use --report)");
  t.n = *value_of(o, "n"); t.d = *value_of(o, "d"); t.p = *value_of(o, "p");
  t.epsilon = *value_of(o, "epsilon"); t.delta = *value_of(o, "delta"); t.c = *value_of(o, "c");
  t.W = *value_of(o, "W"); t.J = *value_of(o, "J");
  if (auto k = value_of(o, "k")) t.k = *k;
  t.sigma = value_of(o, "sigma"); t.C1 = value_of(o, "C1"); t.C2 = value_of(o, "C2");
  t.sparsity = value_of(o, "sparsity"); t.L = value_of(o, "L");
  return t;
}

void run_theorem(const TheoremOptions& o) {
  if (o.report) {
    Json r = paper_figures_report(o.digits);
    if (o.json) print_json(r); else std::cout << paper_figures_text(r);
    return;
  }
  TheoremEvaluation e = theorem_evaluate(params_from_options(o), o.digits);
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
  sub->add_option("--digits", o->digits, "significant digits of the enclosures (default 30)")->check(CLI::Range(5, 1000));
  sub->add_flag("--report,--paper-figures", o->report, "the theorem at the paper's MNIST and ImageNet figures, both editions");
  sub->add_flag("--json", o->json, "print one JSON object");
  sub->callback([o] { run_theorem(*o); });
}

const SubcommandRegistrar registrar("theorem", setup);

}  // namespace
}  // namespace rl::cli
