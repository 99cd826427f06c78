#include "robustness/claim_file.hpp"

#include "arith/decimal.hpp"
#include "arith/error.hpp"
#include "net/eval.hpp"

namespace rl {
namespace {

Json rational_array(const std::vector<Rational>& v) {
  Json a = Json::array();
  for (const Rational& q : v) a.push_back(rational_to_string(q));
  return a;
}

Json claim_shell(const std::string& id, const std::string& statement, const Json& parameters, PropertyVerdict verdict) {
  if (verdict == PropertyVerdict::Unknown) throw InputError("--certificate", "only verified or refuted claims can be written (this one is unknown)");
  return Json{{"schema", "robustlaw-claim"}, {"version", 1}, {"id", id}, {"kind", "robustness"}, {"statement", statement},
              {"reference", "docs/robustness.md"}, {"parameters", parameters}, {"expected", verdict == PropertyVerdict::Verified ? "holds" : "violated"}};
}

// A counterexample with the exact output the checker recomputes there (so
// that a moved point, even one that stays unsafe, is refused).
Json counterexample_certificate(const Network& net, const std::vector<Rational>& point) {
  return Json{{"counterexample", rational_array(point)}, {"output", rational_array(net_eval_exact(net, point))}};
}

Json property_parameters(const std::string& model_path, const SafetyProperty& property) {
  Json unsafe = Json::array();
  for (const OutputConjunction& conj : property.unsafe) {
    Json c = Json::array();
    for (const OutputAtom& a : conj)
      c.push_back(Json{{"coefficients", rational_array(a.coefficients)}, {"constant", rational_to_string(a.constant)}, {"strict", a.strict}});
    unsafe.push_back(c);
  }
  return Json{{"model", model_path}, {"box", Json{{"lo", rational_array(property.lo)}, {"hi", rational_array(property.hi)}}}, {"unsafe", unsafe}};
}

Json partition_certificate(const BranchResult& result) {
  return Json{{"method", "box-partition"}, {"tree", result.tree}, {"leaves", result.leaves}};
}

}  // namespace

std::string norm_text(Norm norm) { return norm == Norm::L1 ? "l1" : (norm == Norm::L2 ? "l2" : "linf"); }

Json claim_robustness_ball(const std::string& id, const std::string& model_path, const Network& net, const Ball& ball,
                           const CertifyResult& result) {
  Json par{{"model", model_path}, {"input", rational_array(ball.center)}, {"radius", rational_to_string(ball.radius)},
           {"norm", norm_text(ball.norm)}, {"label", result.label}};
  std::string statement = model_path + " gives class " + std::to_string(result.label) + " (unique argmax) to every input within " +
                          norm_text(ball.norm) + " distance " + rational_to_string(ball.radius) + " of the given point";
  Json claim = claim_shell(id, statement, par, result.verdict);
  if (result.verdict == PropertyVerdict::Verified)
    claim["certificate"] = Json{{"method", "box-partition"}, {"tree", result.tree}, {"leaves", result.leaves}};
  else
    claim["certificate"] = counterexample_certificate(net, result.counterexample->point);
  return claim;
}

Json claim_robustness_property(const std::string& id, const std::string& statement, const std::string& model_path,
                               const Network& net, const SafetyProperty& property, const BranchResult& result) {
  Json claim = claim_shell(id, statement, property_parameters(model_path, property), result.status);
  if (result.status == PropertyVerdict::Verified)
    claim["certificate"] = partition_certificate(result);
  else
    claim["certificate"] = counterexample_certificate(net, *result.counterexample);
  return claim;
}

Json claim_robustness_cases(const std::string& id, const std::string& statement, const std::string& model_path,
                            const Network& net, const std::vector<SafetyProperty>& cases, const CasesResult& result) {
  if (cases.size() == 1) {
    if (result.cases.size() != 1) throw InputError("--certificate", "the property was not decided");
    return claim_robustness_property(id, statement, model_path, net, cases[0], result.cases[0]);
  }
  Json par{{"model", model_path}, {"cases", Json::array()}};
  for (const SafetyProperty& c : cases) {
    Json one = property_parameters(model_path, c);
    one.erase("model");
    par["cases"].push_back(one);
  }
  Json claim = claim_shell(id, statement, par, result.status);
  if (result.status == PropertyVerdict::Verified) {
    Json each = Json::array();
    for (const BranchResult& r : result.cases) each.push_back(partition_certificate(r));
    claim["certificate"] = Json{{"method", "cases"}, {"cases", each}};
  } else {
    claim["certificate"] = counterexample_certificate(net, *result.refuting().counterexample);
  }
  return claim;
}

}  // namespace rl
