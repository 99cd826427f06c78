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
  Json unsafe = Json::array();
  for (const OutputConjunction& conj : property.unsafe) {
    Json c = Json::array();
    for (const OutputAtom& a : conj)
      c.push_back(Json{{"coefficients", rational_array(a.coefficients)}, {"constant", rational_to_string(a.constant)}, {"strict", a.strict}});
    unsafe.push_back(c);
  }
  Json par{{"model", model_path}, {"box", Json{{"lo", rational_array(property.lo)}, {"hi", rational_array(property.hi)}}}, {"unsafe", unsafe}};
  Json claim = claim_shell(id, statement, par, result.status);
  if (result.status == PropertyVerdict::Verified)
    claim["certificate"] = Json{{"method", "box-partition"}, {"tree", result.tree}, {"leaves", result.leaves}};
  else
    claim["certificate"] = counterexample_certificate(net, *result.counterexample);
  return claim;
}

}  // namespace rl
