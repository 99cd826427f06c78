#include "theorem/audit.hpp"

#include <functional>
#include <sstream>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_reduce.h>

#include "arith/error.hpp"
#include "lipschitz/lipschitz.hpp"
#include "net/eval.hpp"
#include "theorem/params.hpp"

namespace rl {
namespace {

const char* kUnverifiable[] = {
    "the covariate distribution is a mixture of k c-isoperimetric measures (Definition 6)",
    "sigma^2 is the true E[Var(y|x)] (it is an input, not estimated)",
    "the samples are i.i.d. from that distribution",
    "||x|| <= R on the whole support (R defaults to the data's largest norm)",
    "the conclusion holds with probability 1 - delta over the sample, not surely",
};

void choose_epsilon(AuditReport& r, const AuditSettings& s) {
  if (s.epsilon) {
    r.epsilon = *s.epsilon;
    r.epsilon_choice = "given";
  } else {
    // The bound grows with eps and (8) gets easier, so the largest eps the fit
    // allows is the strongest: eps = sigma^2 - MSE, kept below 1.
    r.epsilon = std::min(r.gap, Rational(999) / 1000);
    r.epsilon_choice = "sigma^2 - MSE (largest the fit allows, capped at 0.999)";
  }
  r.fits_below_noise = r.epsilon > 0 && r.epsilon < 1 && r.mse <= s.sigma * s.sigma - r.epsilon;
}

TheoremParams theorem_params_at(const AuditReport& r, const Dataset& data, const AuditSettings& s, const Rational& eps) {
  TheoremParams t;
  t.edition = s.edition;
  t.n = Rational(data.n()); t.d = Rational(data.d()); t.p = Rational(r.corollary.p);
  t.epsilon = eps; t.delta = s.delta; t.c = s.c; t.k = s.k;
  t.W = r.W_diam; t.J = r.J;
  if (s.edition == Edition::Seed) { t.sigma = s.sigma; t.C2 = s.C2; }
  return t;
}

void decide_verdict(AuditReport& r, const AuditSettings& s) {
  const TheoremEvaluation& e = *r.theorem;
  bool applies = r.labels_in_range && r.fits_below_noise && e.condition8.holds.value_or(false) && !e.log_defect;
  if (!r.fits_below_noise) r.reasons.push_back("the training MSE is not <= sigma^2 - eps for an eps in (0, 1)");
  if (!e.condition8.holds.value_or(false))
    r.reasons.push_back("condition (8) fails at n = " + std::to_string(r.theorem->params.n.convert_to<long>()) + " (least n " +
                        (e.least_n.value ? e.least_n.value->str() : "?") + ")");
  if (e.log_defect) r.reasons.push_back("NeurIPS edition's log(60WJ/eps) <= 0");
  if (e.bound.status == BoundValue::Status::Undefined) { r.verdict = AuditVerdict::DoesNotApply; return; }
  const Enclosure& b = e.bound.value;
  if (r.lip.upper < b.lower) {
    r.verdict = applies ? AuditVerdict::Contradicted : AuditVerdict::DoesNotApply;
    r.reasons.push_back("the certified Lip upper bound is below the theorem's bound: some hypothesis fails");
  } else if (b.upper < r.lip.lower) {
    r.vacuity_factor = r.lip.lower / b.upper;
    r.verdict = !applies ? AuditVerdict::DoesNotApply : *r.vacuity_factor >= 10 ? AuditVerdict::Vacuous : AuditVerdict::Consistent;
  } else {
    r.verdict = applies ? AuditVerdict::Consistent : AuditVerdict::DoesNotApply;
  }
  if (s.edition == Edition::Seed && !s.C2 && applies) {
    r.verdict = AuditVerdict::Undetermined;
    r.reasons.push_back("seed edition without C2: the bound is K/sqrt(C2) with C2 unknown");
  }
}

}  // namespace

std::string audit_verdict_name(AuditVerdict verdict) {
  switch (verdict) {
    case AuditVerdict::DoesNotApply: return "does-not-apply";
    case AuditVerdict::Consistent: return "consistent";
    case AuditVerdict::Vacuous: return "vacuous";
    case AuditVerdict::Contradicted: return "contradicted";
    case AuditVerdict::Undetermined: return "undetermined";
  }
  return "undetermined";
}

std::optional<Rational> audit_training_mse(const Network& net, const Dataset& data, const std::atomic<bool>* stop) {
  if (net.output_dim() != 1) throw InputError(net.source, "the audit needs a scalar-output network, this one has " + std::to_string(net.output_dim()) + " outputs");
  if (net.input_dim != data.d())
    throw InputError(data.source, "has " + std::to_string(data.d()) + " features, the network " + std::to_string(net.input_dim) + " inputs");
  const auto stopped = [stop] { return stop && stop->load(std::memory_order_relaxed); };
  const Rational sum = tbb::parallel_reduce(
      tbb::blocked_range<std::size_t>(0, data.n()), Rational(0),
      [&](const tbb::blocked_range<std::size_t>& rows, Rational partial) {
        for (std::size_t i = rows.begin(); i != rows.end() && !stopped(); ++i) {
          const Rational r = net_eval_exact(net, data.x[i])[0] - data.y[i];
          partial += r * r;
        }
        return partial;
      },
      std::plus<Rational>());
  if (stopped()) return std::nullopt;
  return sum / Rational(data.n());
}

Rational audit_training_mse(const Network& net, const Dataset& data) { return *audit_training_mse(net, data, nullptr); }

Rational audit_data_radius(const Dataset& data) {
  Rational best = 0;
  for (const auto& row : data.x) {
    Rational sq = 0;
    for (const Rational& v : row) sq += v * v;
    best = std::max(best, sq);
  }
  return interval_sqrt(Interval(best, 128)).upper();
}

AuditReport audit_run(const Network& net, const Dataset& data, const AuditSettings& s, const CertifiedLipschitz& lip) {
  return audit_run(net, data, s, lip, audit_training_mse(net, data));
}

AuditReport audit_run(const Network& net, const Dataset& data, const AuditSettings& s, const CertifiedLipschitz& lip,
                      const Rational& mse) {
  AuditReport r;
  r.lip = lip;
  r.mse = mse;
  r.gap = s.sigma * s.sigma - r.mse;
  for (const Rational& y : data.y) if (y < -1 || y > 1) r.labels_in_range = false;
  // Listed first, whatever else fails (a fit that is also too poor ended the report before it).
  if (!r.labels_in_range) r.reasons.push_back("labels outside [-1, 1]: the theorem assumes y in [-1, 1]");
  choose_epsilon(r, s);
  r.corollary = network_corollary(net, s.R ? *s.R : audit_data_radius(data), s.Q, s.W_inf);
  r.W_diam = r.corollary.diameter_upper;
  r.J = s.J ? *s.J : r.corollary.J;
  for (const char* u : kUnverifiable) r.unverifiable.push_back(u);
  if (lip.on_data_box)
    r.unverifiable.push_back("the support of the covariates lies in the data's bounding box (Lip is certified there; "
                             "the proof only uses h on the support)");
  if (r.epsilon <= 0 || r.epsilon >= 1) {
    r.verdict = AuditVerdict::DoesNotApply;
    r.reasons.push_back("no eps in (0, 1) with MSE <= sigma^2 - eps (sigma^2 - MSE = " + rational_to_string(r.gap) + ")");
    return r;
  }
  r.theorem = theorem_evaluate(theorem_params_at(r, data, s, r.epsilon), s.digits);
  decide_verdict(r, s);
  return r;
}

Json audit_epsilon_sweep(const AuditReport& r, const Dataset& data, const AuditSettings& s, int steps) {
  Json rows = Json::array();
  Rational top = std::min(r.gap, Rational(999) / 1000);
  if (top <= 0 || steps < 1) return rows;
  for (int j = 1; j <= steps; ++j) {
    Rational eps = top * j / steps;
    TheoremEvaluation e = theorem_evaluate(theorem_params_at(r, data, s, eps), 12);
    Json row{{"epsilon", rational_to_string(eps)}, {"epsilon_decimal", decimal_lower(eps, 8)}, {"fits_below_noise", r.mse <= s.sigma * s.sigma - eps},
             {"condition_8", e.condition8.holds ? Json(*e.condition8.holds) : Json(nullptr)},
             {"least_n", e.least_n.value ? Json(e.least_n.value->str()) : Json(nullptr)}};
    if (e.bound.status != BoundValue::Status::Undefined)
      row["bound"] = Json{{"lower", decimal_lower(e.bound.value.lower, 12)}, {"upper", decimal_upper(e.bound.value.upper, 12)}};
    rows.push_back(row);
  }
  return rows;
}

Json certified_lipschitz_json(const CertifiedLipschitz& lip, int digits) {
  return Json{{"lower", decimal_lower(lip.lower, digits)}, {"upper", decimal_upper(lip.upper, digits)}, {"method", lip.method},
              {"status", lip.status}, {"norm", lip.on_data_box ? "l2, on the data's bounding box" : "l2, global"}};
}

Json audit_report_json(const AuditReport& r, int digits) {
  Json j{{"training_mse", Json{{"exact", rational_to_string(r.mse)}, {"lower", decimal_lower(r.mse, digits)}, {"upper", decimal_upper(r.mse, digits)}}},
         {"sigma2_minus_mse_exact", rational_to_string(r.gap)},
         {"labels_in_range", r.labels_in_range},
         {"epsilon", rational_to_string(r.epsilon)}, {"epsilon_choice", r.epsilon_choice},
         {"fits_below_noise", r.fits_below_noise},
         {"network", Json{{"p", r.corollary.p.str()}, {"D", r.corollary.depth.str()}, {"W_inf", rational_to_string(r.corollary.W)},
                          {"R", decimal_upper(r.corollary.R, digits)}, {"diameter_W", decimal_upper(r.W_diam, digits)},
                          {"J", decimal_upper(r.J, digits)}}},
         {"certified_lipschitz", certified_lipschitz_json(r.lip, digits)},
         {"verdict", audit_verdict_name(r.verdict)}, {"reasons", r.reasons}, {"hypotheses_not_checkable", r.unverifiable}};
  if (r.theorem) {
    Json t = theorem_evaluation_json(*r.theorem);
    j["theorem"] = Json{{"edition", t["edition"]}, {"lipschitz_lower_bound", t["lipschitz_lower_bound"]},
                        {"condition_8", t["condition_8"]}, {"least_n", t["least_n"]}, {"defects", t["defects"]}};
  }
  if (r.vacuity_factor) j["vacuity_factor"] = Json{{"lower", decimal_lower(*r.vacuity_factor, 6)}, {"meaning", "certified Lip lower / theorem bound upper"}};
  return j;
}

std::string audit_report_text(const AuditReport& r, int digits) {
  std::ostringstream o;
  o << "training MSE   " << rational_to_string(r.mse) << "  (~" << decimal_lower(r.mse, 8) << ", exact)\n"
    << "sigma^2 - MSE  " << decimal_lower(r.gap, 8) << "; eps = " << decimal_lower(r.epsilon, 8) << " (" << r.epsilon_choice << ")\n"
    << "network        p = " << r.corollary.p << ", D = " << r.corollary.depth << ", W_inf = " << decimal_upper(r.corollary.W, 8)
    << ", diam <= " << decimal_upper(r.W_diam, 8) << ", J <= " << decimal_upper(r.J, 8) << "\n"
    << "certified Lip  [" << decimal_lower(r.lip.lower, digits) << ", " << decimal_upper(r.lip.upper, digits) << "]  (" << r.lip.status << ")\n";
  if (r.theorem && r.theorem->bound.status != BoundValue::Status::Undefined)
    o << "theorem bound  [" << decimal_lower(r.theorem->bound.value.lower, digits) << ", " << decimal_upper(r.theorem->bound.value.upper, digits)
      << "]  (" << edition_name(r.theorem->params.edition) << ")\n";
  if (r.vacuity_factor) o << "factor         certified Lip lower / bound >= " << decimal_lower(*r.vacuity_factor, 6) << "\n";
  o << "verdict        " << audit_verdict_name(r.verdict) << "\n";
  for (const std::string& s : r.reasons) o << "  - " << s << "\n";
  o << "not checkable numerically:\n";
  for (const std::string& s : r.unverifiable) o << "  - " << s << "\n";
  return o.str();
}

AuditSettings audit_settings_from_text(const std::string& edition, const std::map<std::string, std::string>& values, int digits) {
  AuditSettings s;
  s.edition = edition_parse(edition);
  s.sigma = params_text_required(values, "sigma");
  s.delta = params_text_required(values, "delta");
  s.c = params_text_required(values, "c");
  s.k = params_text_value(values, "k").value_or(Rational(1));
  if (s.sigma <= 0 || s.sigma > 1) throw InputError("--sigma", "must lie in (0, 1]");
  if (s.delta <= 0 || s.delta >= 1) throw InputError("--delta", "must lie in the open interval (0, 1)");
  if (s.c <= 0) throw InputError("--c", "must be positive");
  if (denominator(s.k) != 1 || s.k < 1) throw InputError("--k", "must be a positive integer");
  s.epsilon = params_text_value(values, "epsilon");
  if (s.epsilon && (*s.epsilon <= 0 || *s.epsilon >= 1)) throw InputError("--epsilon", "must lie in the open interval (0, 1)");
  s.W_inf = params_text_value(values, "W");
  s.J = params_text_value(values, "J");
  s.R = params_text_value(values, "R");
  s.C2 = params_text_value(values, "C2");
  const Rational Q = params_text_value(values, "Q").value_or(Rational(1));
  if (denominator(Q) != 1 || Q < 1) throw InputError("--Q", "must be a positive integer");
  s.Q = numerator(Q);
  s.digits = digits;
  return s;
}

CertifiedLipschitz audit_certify_lipschitz(const Network& net, const Dataset& data, const AuditLipschitzOptions& o) {
  LipschitzOptions lo;
  lo.norm = Norm::L2;
  lo.time_limit_seconds = o.time_limit_seconds;
  lo.max_memory_bytes = o.max_memory_bytes;
  lo.rel_gap = o.rel_gap;
  lo.threads = 1;
  lo.stop = o.stop;
  if (data.x.empty()) throw InputError(data.source, "no samples");
  if (o.on_data_box) {
    lo.domain.lo = data.x.front();
    lo.domain.hi = data.x.front();
    for (const auto& row : data.x)
      for (std::size_t i = 0; i < row.size(); ++i) {
        lo.domain.lo[i] = std::min(lo.domain.lo[i], row[i]);
        lo.domain.hi[i] = std::max(lo.domain.hi[i], row[i]);
      }
  } else {
    lo.domain.global = true;
  }
  LipschitzResult r = lipschitz_bound(net, lo);
  return {r.lower, r.upper, r.lower_method + " / " + r.upper_method + (o.on_data_box ? ", data bounding box" : ", global"),
          search_status_name(r.status), o.on_data_box};
}

}  // namespace rl
