#include "lipschitz/request.hpp"

#include <limits>

#include "arith/decimal.hpp"
#include "arith/error.hpp"
#include "io/memory_limit.hpp"
#include "io/option_parse.hpp"
#include "lipschitz/claim_file.hpp"

namespace rl {

LipschitzOptions::Lipsdp lipschitz_lipsdp_parse(const std::string& text, Norm norm) {
  if (text == "off") return LipschitzOptions::Lipsdp::Off;
  if (text != "auto" && text != "on") throw InputError("--lipsdp", "'" + text + "' is not auto, on or off");
  if (norm != Norm::L2) {
    if (text == "on") throw InputError("--lipsdp", "LipSDP bounds the l2 constant only: use --norm l2 or --lipsdp off");
    return LipschitzOptions::Lipsdp::Off;
  }
  return text == "on" ? LipschitzOptions::Lipsdp::On : LipschitzOptions::Lipsdp::Auto;
}

namespace {

LipschitzOptions::Engine engine_parse(const std::string& text) {
  if (text == "auto") return LipschitzOptions::Engine::Auto;
  if (text == "box-partition") return LipschitzOptions::Engine::BoxPartition;
  if (text == "box-activation") return LipschitzOptions::Engine::BoxActivation;
  if (text == "box-hybrid") return LipschitzOptions::Engine::BoxHybrid;
  throw InputError("--engine", "'" + text + "' is not auto, box-partition, box-activation or box-hybrid");
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string::npos ? std::string::npos : p - start));
    if (p == std::string::npos) return out;
    start = p + 1;
  }
}

Json enclosure_json(const Rational& upper, const std::string& method, int digits) {
  return Json{{"lower", decimal_lower(Rational(0), digits)}, {"upper", decimal_upper(upper, digits)}, {"method", method}};
}

// Applies --output / --output-diff to the network; returns the report's "output" member.
Json select_output(Network& net, const LipschitzRequest& request) {
  if (request.output && !request.output_diff.empty()) throw InputError("--output", "cannot be combined with --output-diff");
  if (request.output) {
    net = network_select_outputs(net, {*request.output});
    return Json{{"index", *request.output}};
  }
  if (request.output_diff.empty()) return nullptr;
  std::vector<std::string> ij = split(request.output_diff, ',');
  if (ij.size() != 2) throw InputError("--output-diff", "expected i,j");
  const Integer most(std::numeric_limits<std::size_t>::max());
  const auto i = integer_option_parse(ij[0], "--output-diff", Integer(0), most).convert_to<std::size_t>();
  const auto j = integer_option_parse(ij[1], "--output-diff", Integer(0), most).convert_to<std::size_t>();
  net = network_output_difference(net, i, j);
  return Json{{"difference", {i, j}}};
}

}  // namespace

Rational lipschitz_rel_gap_parse(const std::string& text, const std::string& option) {
  const Rational gap = rational_parse(text, option);
  if (gap < rational_from_double(kLipschitzLeastRelGap))
    throw InputError(option, "must be at least 1e-12: the searches bound in double precision, and a smaller gap is not reached");
  return gap;
}

LipschitzDomain lipschitz_box_parse(const std::string& text, std::size_t d) {
  LipschitzDomain dom;
  std::vector<std::string> parts = split(text, ',');
  if (parts.size() != 1 && parts.size() != d)
    throw InputError("--box", "has " + std::to_string(parts.size()) + " intervals, expected 1 or " + std::to_string(d) + " (one per input)");
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::vector<std::string> ends = split(parts[i], ':');
    std::string where = "--box interval " + std::to_string(i + 1);
    if (ends.size() != 2) throw InputError(where, "'" + parts[i] + "' is not of the form LO:HI");
    Rational lo = rational_parse(ends[0], where), hi = rational_parse(ends[1], where);
    if (lo > hi) throw InputError(where, "LO > HI");
    // The search bounds in doubles: an end past their range would reach it as an infinity.
    if (!rational_in_double_range(lo) || !rational_in_double_range(hi))
      throw InputError(where, "an end lies outside the double range (magnitude above 1.8e308)");
    dom.lo.push_back(lo);
    dom.hi.push_back(hi);
  }
  if (parts.size() == 1) { dom.lo.assign(d, dom.lo[0]); dom.hi.assign(d, dom.hi[0]); }
  return dom;
}

LipschitzRun lipschitz_prepare(Network net, const LipschitzRequest& request) {
  LipschitzRun run;
  run.output = select_output(net, request);
  run.net = std::move(net);
  LipschitzOptions& opt = run.options;
  opt.norm = norm_parse(request.norm);
  if (request.global == !request.box.empty()) throw InputError("lipschitz", "give exactly one of --global and --box");
  if (request.global) opt.domain.global = true;
  else opt.domain = lipschitz_box_parse(request.box, run.net.input_dim);
  opt.rel_gap = lipschitz_rel_gap_parse(request.rel_gap, "--rel-gap");
  if (request.time_limit < 0) throw InputError("--time-limit", "must be >= 0");
  if (request.time_limit > 0) opt.time_limit_seconds = request.time_limit;
  opt.threads = request.threads;
  opt.node_limit = request.node_limit;
  if (request.max_memory) opt.max_memory_bytes = memory_limit_parse(*request.max_memory, "--max-memory");
  opt.lipsdp = lipschitz_lipsdp_parse(request.lipsdp, opt.norm);
  opt.baselines = request.baselines;
  opt.engine = engine_parse(request.engine);
  opt.want_certificate = request.want_certificate;
  return run;
}

void lipschitz_run(LipschitzRun& run) { run.result = lipschitz_bound(run.net, run.options); }

std::string lipschitz_gap_text(const Rational& lower, const Rational& upper) {
  if (upper == lower) return "0";
  if (lower <= 0) return "inf";
  return decimal_upper(upper / lower - 1, 3);
}

Json lipschitz_report_json(const LipschitzRun& run, const std::string& norm_text, int digits) {
  const LipschitzResult& r = run.result;
  Json j{{"model", run.net.source}, {"norm", norm_text}, {"domain", lipschitz_domain_json(run.options.domain)}, {"output", run.output},
         {"lower", decimal_lower(r.lower, digits)}, {"upper", decimal_upper(r.upper, digits)},
         {"lower_exact", rational_to_string(r.lower)}, {"upper_exact", rational_to_string(r.upper)},
         {"rel_gap", lipschitz_gap_text(r.lower, r.upper)}, {"status", search_status_name(r.status)}, {"seconds", r.seconds},
         {"nodes", r.nodes}, {"leaves", r.leaves}, {"pieces", r.pieces}, {"pruned_leaves", r.pruned}, {"vertices", r.vertices},
         {"lower_method", r.lower_method}, {"upper_method", r.upper_method}, {"method", r.engine},
         {"kind", "exact rational bounds, printed outward-rounded"}};
  if (r.baselines)
    j["baselines"] = {{"product", enclosure_json(r.baselines->product_upper, "product of layer operator norms", digits)},
                      {"clarke", enclosure_json(r.baselines->clarke_upper, "Clarke-interval Jacobian over the whole domain", digits)}};
  lipschitz_lipsdp_report(r, digits, j);
  return j;
}

void lipschitz_lipsdp_report(const LipschitzResult& r, int digits, Json& j) {
  if (!r.lipsdp_ran) return;
  j["lipsdp_upper"] = r.lipsdp_verified ? Json(decimal_upper(r.lipsdp_upper, digits)) : Json(nullptr);
  j["lipsdp_seconds"] = r.lipsdp_seconds;
  if (!r.lipsdp_verified) j["lipsdp_note"] = r.lipsdp_note;
}

Json lipschitz_claim_json(const LipschitzRun& run, const std::string& id, const std::string& model, bool normalized) {
  const LipschitzResult& r = run.result;
  const LipschitzClaimProblem problem{model, normalized, run.options.norm, run.options.domain, run.output};
  return lipschitz_claim(id, problem, certificate_kind_name(r.certificate_kind), r.certificate, r.lower, r.upper);
}

}  // namespace rl
