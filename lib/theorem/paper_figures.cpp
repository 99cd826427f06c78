#include "theorem/paper_figures.hpp"

#include <sstream>

#include "theorem/evaluate.hpp"

namespace rl {
namespace {

struct Figure {
  const char* name;
  long n, d, p;
  const char* p_meaning;
};

// p: a typical model at that scale (MNIST: a two-layer net with 1000 neurons,
// p = k(d+2) = 786000; ImageNet: ResNet-50's 2.56e7 parameters).
const Figure kFigures[] = {
    {"MNIST", 60000, 784, 786000, "two-layer, 1000 neurons: p = 1000 (784 + 2)"},
    {"MNIST (effective d = 15)", 60000, 15, 786000, "same network"},
    {"MNIST (effective d = 150)", 60000, 150, 786000, "same network"},
    {"ImageNet", 14000000, 200000, 25600000, "ResNet-50 scale: p = 2.56e7"},
};

TheoremParams figure_params(const Figure& f, Edition e) {
  TheoremParams t;
  t.edition = e;
  t.n = f.n; t.d = f.d; t.p = f.p;
  t.epsilon = Rational(1) / 10;
  t.delta = Rational(1) / 100;
  t.c = 1; t.W = 1; t.J = 1; t.k = 1;
  t.L = 1;
  if (e == Edition::Seed) { t.sigma = 1; t.C2 = 1; }
  return t;
}

Json figure_row(const Figure& f, Edition e, int digits) {
  TheoremEvaluation ev = theorem_evaluate(figure_params(f, e), digits);
  Json full = theorem_evaluation_json(ev);
  Json row{{"dataset", f.name}, {"edition", edition_name(e)}, {"n", f.n}, {"d", f.d}, {"p", f.p}, {"p_meaning", f.p_meaning},
           {"nd", std::to_string(f.n * f.d)},
           {"condition_8_holds", full["condition_8"]["holds"]},
           {"least_n", full["least_n"]},
           {"epsilon_min_condition_8", full["epsilon_min_condition_8"]},
           {"lipschitz_lower_bound", full["lipschitz_lower_bound"]},
           {"least_p_bound_at_most_1", full["level"]["least_p_bound_at_most_L"]["value"]}};
  if (e == Edition::Seed) row["bound_note"] = "K with C2 = 1 and sigma = 1: the seed's bound is K/sqrt(C2)";
  return row;
}

std::string dataset_verdict(const Json& seed, const Json& neurips) {
  std::ostringstream o;
  bool s = seed["condition_8_holds"] == true, nr = neurips["condition_8_holds"] == true;
  o << seed["dataset"].get<std::string>() << ": at eps = 0.1, delta = 0.01, k = 1, condition (8) "
    << (s && nr ? "holds in both editions" : !s && !nr ? "fails in both editions" : s ? "holds only in the seed edition" : "holds only in the NeurIPS edition")
    << " (least n: seed " << seed["least_n"].get<std::string>() << ", NeurIPS " << neurips["least_n"].get<std::string>()
    << ", against n = " << seed["n"].get<long>() << ").";
  if (!s || !nr) o << " Where (8) fails the theorem guarantees nothing at this sample size.";
  Rational bound = rational_parse(neurips["lipschitz_lower_bound"]["upper"].get<std::string>());
  o << " The NeurIPS bound with explicit constants is at most " << decimal_upper(bound, 4)
    << (bound < 1 ? " < 1: with its constants the law does not even force Lip(h) > 1 at this size" : " >= 1")
    << "; the parameter count the law asks for an O(1)-Lipschitz fit "
    << "(least p with bound <= 1) is " << neurips["least_p_bound_at_most_1"].get<std::string>() << " in the NeurIPS edition and "
    << seed["least_p_bound_at_most_1"].get<std::string>() << " in the seed edition with C2 = 1.";
  return o.str();
}

}  // namespace

Json paper_figures_report(int digits) {
  Json rows = Json::array(), verdicts = Json::array();
  for (const Figure& f : kFigures) {
    Json s = figure_row(f, Edition::Seed, digits), nr = figure_row(f, Edition::NeurIPS2021, digits);
    rows.push_back(s);
    rows.push_back(nr);
    verdicts.push_back(dataset_verdict(s, nr));
  }
  return Json{{"assumptions", "eps = 1/10, delta = 1/100, k = 1, c = 1, W = J = 1, sigma = 1, L = 1, seed C2 = 1"},
              {"rows", rows}, {"verdicts", verdicts}};
}

std::string paper_figures_text(const Json& report) {
  std::ostringstream o;
  o << "The theorem at the paper's figures (" << report["assumptions"].get<std::string>() << ")\n\n";
  for (const Json& r : report["rows"]) {
    o << r["dataset"].get<std::string>() << ", " << r["edition"].get<std::string>() << ": n = " << r["n"] << ", d = " << r["d"]
      << ", p = " << r["p"] << " (" << r["p_meaning"].get<std::string>() << ")\n"
      << "  condition (8) " << (r["condition_8_holds"] == true ? "holds" : "FAILS") << ", least n " << r["least_n"].get<std::string>()
      << ", least eps for (8) at this n " << r["epsilon_min_condition_8"]["lower"].get<std::string>().substr(0, 10) << "\n"
      << "  Lip lower bound in [" << r["lipschitz_lower_bound"]["lower"].get<std::string>() << ", "
      << r["lipschitz_lower_bound"]["upper"].get<std::string>() << "]\n"
      << "  least p with bound <= 1: " << r["least_p_bound_at_most_1"].get<std::string>() << "  (nd = " << r["nd"].get<std::string>() << ")\n";
  }
  o << "\nVerdict\n";
  for (const Json& v : report["verdicts"]) o << "- " << v.get<std::string>() << "\n";
  return o.str();
}

}  // namespace rl
