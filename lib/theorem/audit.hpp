// Audit of a trained network against the theorem: the exact training error,
// whether the theorem applies, and its Lipschitz lower bound next to the
// network's certified Lipschitz enclosure.
//
// Semantics: the training MSE is an exact rational (net_eval_exact). The
// class is H = {h_w : w in [-W_inf, W_inf]^p} for this architecture, so
// diam <= 2 W_inf ceil(sqrt p) and J = R (W_inf Q p)^D (network corollary,
// W_inf = max(1, max |w|) unless given). The theorem's bound is evaluated
// by theorem_evaluate; the certified [lower, upper] of Lip(h) comes from the
// caller (the Lipschitz engine). The verdict compares enclosures only.
#pragma once
#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "net/network.hpp"
#include "theorem/dataset.hpp"
#include "theorem/evaluate.hpp"
#include "theorem/network_corollary.hpp"

namespace rl {

struct AuditSettings {
  Edition edition = Edition::NeurIPS2021;
  Rational sigma, delta, c, k = 1;
  std::optional<Rational> epsilon, W_inf, J, R, C2;
  Integer Q = 1;
  int digits = 30;
};

struct CertifiedLipschitz {
  Rational lower, upper;
  std::string method, status;
  bool on_data_box = false;  // certified over the data's bounding box, not globally
};

// The audit's finding. DoesNotApply: a hypothesis the audit checks fails, or
// the bound is undefined. Where the theorem applies: Contradicted (the
// certified Lipschitz upper bound is below the theorem's lower bound),
// Vacuous (the certified lower bound is at least 10 times the theorem's),
// Consistent (otherwise), Undetermined (seed edition without C2: the bound is
// not known). Its name appears only in the report (audit_verdict_name).
enum class AuditVerdict { DoesNotApply, Consistent, Vacuous, Contradicted, Undetermined };

// "does-not-apply", "consistent", "vacuous", "contradicted", "undetermined".
std::string audit_verdict_name(AuditVerdict verdict);

struct AuditReport {
  Rational mse, gap;                 // exact: training MSE and sigma^2 - MSE
  bool labels_in_range = true;       // every label in [-1, 1]
  bool fits_below_noise = false;     // MSE <= sigma^2 - eps
  Rational epsilon;
  std::string epsilon_choice;
  NetworkCorollary corollary;
  Rational W_diam, J;
  std::optional<TheoremEvaluation> theorem;
  CertifiedLipschitz lip;
  AuditVerdict verdict = AuditVerdict::DoesNotApply;
  std::optional<Rational> vacuity_factor;  // certified Lip lower / bound upper, when > 1
  std::vector<std::string> reasons;
  std::vector<std::string> unverifiable;
};

// (1/n) sum (h(x_i) - y_i)^2, exact; the network must have one output. The
// rows are evaluated on TBB's threads (an exact sum does not depend on their
// order); `stop` is polled per row, and a raised stop gives nullopt. One
// exact evaluation costs tens of microseconds to milliseconds, so 60 000 rows
// take seconds.
std::optional<Rational> audit_training_mse(const Network& net, const Dataset& data, const std::atomic<bool>* stop);
Rational audit_training_mse(const Network& net, const Dataset& data);
// The least rational upper bound we use for max_i ||x_i||: sqrt of the exact
// maximum squared norm, rounded up (MPFI).
Rational audit_data_radius(const Dataset& data);

// The theorem at eps = j/steps * min(sigma^2 - MSE, 0.999), j = 1..steps,
// with the class of the report: one row per eps (fit, (8), bound).
Json audit_epsilon_sweep(const AuditReport& r, const Dataset& data, const AuditSettings& s, int steps);

// The settings from exact text values (decimal or a/b, as
// rational_parse reads them) keyed by the command line's option names
// without "--": sigma, delta and c required; k, epsilon, W, J, R, Q and C2
// optional (an empty value is absent). Checked; InputError names "--<key>".
AuditSettings audit_settings_from_text(const std::string& edition, const std::map<std::string, std::string>& values, int digits);

struct AuditLipschitzOptions {
  bool on_data_box = false;          // else globally
  double time_limit_seconds = 10;
  Rational rel_gap = Rational(1, 1000000);
  std::size_t max_memory_bytes = 0;  // the engine's frontier cap (0: none)
  const std::atomic<bool>* stop = nullptr;  // set asynchronously to stop the engine with its certified pair
};

// Lip(h) in l2, certified by the Lipschitz engine on one thread: globally,
// or on the data's bounding box.
CertifiedLipschitz audit_certify_lipschitz(const Network& net, const Dataset& data, const AuditLipschitzOptions& o);

// The report, from the certified pair and the exact training MSE (computed
// here when not given).
AuditReport audit_run(const Network& net, const Dataset& data, const AuditSettings& s, const CertifiedLipschitz& lip,
                      const Rational& mse);
AuditReport audit_run(const Network& net, const Dataset& data, const AuditSettings& s, const CertifiedLipschitz& lip);
// The certified pair as the report shows it.
Json certified_lipschitz_json(const CertifiedLipschitz& lip, int digits);
Json audit_report_json(const AuditReport& r, int digits);
std::string audit_report_text(const AuditReport& r, int digits);

}  // namespace rl
