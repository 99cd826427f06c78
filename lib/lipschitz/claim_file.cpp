#include "lipschitz/claim_file.hpp"

#include "arith/decimal.hpp"

namespace rl {

Json lipschitz_domain_json(const LipschitzDomain& domain) {
  if (domain.global) return Json{{"global", true}};
  Json box = Json::array();
  for (std::size_t i = 0; i < domain.lo.size(); ++i)
    box.push_back({rational_to_string(domain.lo[i]), rational_to_string(domain.hi[i])});
  return Json{{"box", box}};
}

Json lipschitz_claim_parameters(const LipschitzClaimProblem& problem) {
  return Json{{"network", problem.model}, {"normalized", problem.normalized}, {"norm", norm_name(problem.norm)},
              {"domain", lipschitz_domain_json(problem.domain)}, {"output", problem.output}};
}

Json lipschitz_claim(const std::string& id, const LipschitzClaimProblem& problem, const std::string& kind,
                     const Json& certificate, const Rational& lower, const Rational& upper) {
  const std::string norm = norm_name(problem.norm);
  return Json{{"schema", "robustlaw-claim"}, {"version", 1}, {"id", id}, {"kind", kind},
              {"statement", "the " + norm + " Lipschitz constant L of the network on the domain satisfies " +
                                decimal_lower(lower) + " <= L <= " + decimal_upper(upper)},
              {"reference", "docs/lipschitz.md"},
              {"parameters", lipschitz_claim_parameters(problem)},
              {"expected", "holds"},
              {"certificate", certificate}};
}

}  // namespace rl
