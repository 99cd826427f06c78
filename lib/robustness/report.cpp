#include "robustness/report.hpp"

#include "arith/decimal.hpp"
#include "arith/error.hpp"
#include "net/eval.hpp"
#include "robustness/claim_file.hpp"

namespace rl {
namespace {

Norm ball_norm_parse(const std::string& s) {
  if (s == "linf") return Norm::Linf;
  if (s == "l2") return Norm::L2;
  if (s == "l1") return Norm::L1;
  throw InputError("--norm", "unknown norm '" + s + "' (expected linf, l2 or l1)");
}

Json exact_json(const Rational& q, int digits) {
  return Json{{"exact", rational_to_string(q)}, {"lower", decimal_lower(q, digits)}, {"upper", decimal_upper(q, digits)}};
}

Json exact_list(const std::vector<Rational>& v, int digits) {
  Json a = Json::array();
  for (const Rational& q : v) a.push_back(exact_json(q, digits));
  return a;
}

Json certified_radius_json(const RobustnessQuery& q, const CertifyResult& r, int digits) {
  Json radius{{"lower", decimal_lower(r.radius_lower, digits)},
              {"lower_method", r.verdict == PropertyVerdict::Verified && r.radius_lower == q.ball.radius ? "the claim itself is verified at this radius"
                                                                                            : "lipschitz margin argument (exact margins, Clarke gradient enclosure, bisection)"},
              {"upper", nullptr}, {"kind", "exact rationals printed outward"}};
  if (r.counterexample) {
    radius["upper"] = decimal_upper(r.counterexample->distance.second, digits);
    radius["upper_method"] = "distance of the exactly checked counterexample";
  }
  return radius;
}

}  // namespace

RobustnessQuery robustness_query_parse(const RobustnessRequest& request) {
  if (request.input.empty() || request.radius.empty()) throw InputError("certify", "give --input and --radius (or --vnnlib FILE)");
  RobustnessQuery q;
  q.ball.center = rational_parse_list(request.input, "--input");
  q.ball.radius = rational_parse(request.radius, "--radius");
  q.ball.norm = ball_norm_parse(request.norm);
  if (request.label && *request.label < 0)
    throw InputError("--label", "class " + std::to_string(*request.label) + " does not exist (classes are numbered from 0)");
  if (request.label) q.label = static_cast<std::size_t>(*request.label);
  return q;
}

Json robustness_ball_report_json(const Network& net, const RobustnessQuery& q, const CertifyResult& r, int digits) {
  Json j{{"model", net.source}, {"verdict", property_verdict_name(r.verdict)}, {"label", r.label}, {"norm", norm_text(q.ball.norm)},
         {"radius", exact_json(q.ball.radius, digits)}, {"method", r.method}, {"nodes", r.nodes},
         {"leaves", r.leaves}, {"seconds", r.seconds}};
  if (r.verdict == PropertyVerdict::Unknown) j["reason"] = unknown_reason_name(r.reason.value());
  if (r.counterexample) {
    const Counterexample& c = *r.counterexample;
    j["counterexample"] = Json{{"input", exact_list(c.point, digits)}, {"outputs", exact_list(c.output, digits)},
                               {"class", c.argmax.size() == 1 ? Json(c.argmax[0]) : Json(nullptr)}, {"argmax", c.argmax},
                               {"distance", Json{{"lower", decimal_lower(c.distance.first, digits)}, {"upper", decimal_upper(c.distance.second, digits)}}}};
  }
  j["certified_radius"] = certified_radius_json(q, r, digits);
  j["margin_radius"] = Json{{"lower", decimal_lower(r.margin_radius, digits)}, {"method", "lipschitz margin argument"}};
  j["product_radius"] = Json{{"lower", decimal_lower(r.product_radius, digits)},
                             {"method", "margins over the product of layer norms (global Lipschitz constant)"}};
  return j;
}

std::string vnnlib_result_name(const CasesResult& b) {
  if (b.status == PropertyVerdict::Verified) return "unsat";
  if (b.status == PropertyVerdict::Refuted) return "sat";
  return b.reason == UnknownReason::TimeLimit ? "timeout" : "unknown";
}

Json robustness_property_report_json(const Network& net, const std::string& vnnlib_path, std::size_t case_count,
                                     const BranchOptions& options, const CasesResult& b, int digits) {
  const BranchResult* refuting = b.status == PropertyVerdict::Refuted ? &b.refuting() : nullptr;
  const std::string search = options.linear_bounds ? "branch and bound (linear-relaxation bounds, input and ReLU splits)"
                                                   : "branch and bound (interval, symbolic-interval and mean-value bounds)";
  Json j{{"model", net.source}, {"property", vnnlib_path}, {"result", vnnlib_result_name(b)}, {"verdict", property_verdict_name(b.status)},
         {"nodes", b.nodes}, {"leaves", b.leaves}, {"seconds", b.seconds}, {"cases", case_count},
         {"method", refuting ? "counterexample (" + refuting->counterexample_source + ", checked exactly)" : search}};
  if (refuting) {
    std::vector<Rational> y = net_eval_exact(net, *refuting->counterexample);
    j["counterexample"] = Json{{"input", exact_list(*refuting->counterexample, digits)}, {"outputs", exact_list(y, digits)}};
  }
  return j;
}

}  // namespace rl
