#include "theorem/evaluate.hpp"

#include <sstream>

#include "theorem/formulas.hpp"

namespace rl {
namespace {

std::string bound_form(const TheoremParams& t, bool sparse) {
  std::string cap = sparse ? (t.edition == Edition::Seed ? "s log(p (1 + 60WJ/eps))" : "s log(p * 60WJ/eps)")
                           : (t.edition == Edition::Seed ? "p log(1 + 60WJ/eps)" : "p log(60WJ/eps)");
  std::string pre = t.edition == Edition::NeurIPS2021 ? "eps / (2^9 sqrt(c))"
                    : t.C2                          ? "eps / (sigma sqrt(C2 c))"
                                                    : "K = eps / (sigma sqrt(c)), bound = K / sqrt(C2)";
  return pre + " * sqrt(n d / (" + cap + " + log(4/delta)))";
}

BoundValue bound_evaluate(const TheoremParams& t, bool sparse, bool defective, int digits) {
  BoundValue b;
  b.form = bound_form(t, sparse);
  b.capacity = refine_enclosure([&](mpfr_prec_t prec) { return theorem_capacity(t, sparse, prec); }, digits);
  SignDecision cap_sign = refine_sign([&](mpfr_prec_t prec) { return theorem_capacity(t, sparse, prec); });
  if (cap_sign.sign != Sign::Positive) { b.status = BoundValue::Status::Undefined; return b; }
  b.status = defective ? BoundValue::Status::Defective : BoundValue::Status::Valid;
  b.value = refine_enclosure([&](mpfr_prec_t prec) { return interval_sqrt(theorem_bound_squared(t, sparse, prec)); }, digits);
  return b;
}

void evaluate_bounds(TheoremEvaluation& e) {
  const TheoremParams& t = e.params;
  e.log_argument = edition_log_argument(t);
  e.log_defect = edition_log_defect(t);
  e.log_term = refine_enclosure([&](mpfr_prec_t prec) { return theorem_log_term(t, prec); }, e.digits);
  if (e.log_defect)
    e.defects.push_back("NeurIPS 2021 edition: WJ <= eps/60, so log(60WJ/eps) = log(" + rational_to_string(e.log_argument) +
                        ") <= 0; the statement's eps/(6J)-net would have (60WJ/eps)^p <= 1 points and its bound is not a valid "
                        "consequence here (the seed edition's log(1 + 60WJ/eps) avoids this)");
  e.bound = bound_evaluate(t, false, e.log_defect, e.digits);
  if (e.bound.status == BoundValue::Status::Undefined)
    e.defects.push_back("the denominator p log(60WJ/eps) + log(4/delta) is not positive: the formula (10) is undefined");
  if (t.sparsity) e.sparse_bound = bound_evaluate(t, true, e.log_defect, e.digits);
}

void evaluate_conditions(TheoremEvaluation& e) {
  const TheoremParams& t = e.params;
  e.condition8 = theorem_condition8(t);
  e.least_n = theorem_least_n(t);
  e.epsilon_min_condition8 = theorem_epsilon_min_condition8(t, e.digits);
  if (t.C1 && t.L) {
    if (t.edition == Edition::Seed) {
      e.condition9 = theorem_condition9(t);
      e.least_d = theorem_least_d(t);
    } else {
      e.notes.push_back("condition (9) belongs to the seed edition; the NeurIPS 2021 statement's constants are explicit");
    }
  }
}

void evaluate_level_inversions(TheoremEvaluation& e) {
  const TheoremParams& t = e.params;
  if (!t.L) return;
  if (t.edition == Edition::Seed && !t.C2) {
    e.notes.push_back("least p and the eps threshold for --L need --C2 in the seed edition");
    return;
  }
  if (e.log_defect) {
    e.notes.push_back("least p and the eps threshold for --L are not computed: the edition's statement is defective here");
    return;
  }
  e.bound_at_most_level = theorem_bound_at_most_level(t);
  e.least_p = theorem_least_p(t);
  e.epsilon_threshold = theorem_epsilon_threshold(t, e.digits);
}

void add_notes(TheoremEvaluation& e) {
  const TheoremParams& t = e.params;
  if (t.edition == Edition::Seed) {
    if (!t.C2) e.notes.push_back("C2 is an unstated universal constant: lipschitz_lower_bound encloses K, and the bound is K/sqrt(C2)");
    if (!t.sigma) e.notes.push_back("sigma not given: evaluated at sigma = 1, the largest value labels in [-1, 1] allow, which gives the smallest bound");
  } else if (t.sigma) {
    e.notes.push_back("sigma does not appear in the NeurIPS 2021 bound");
  }
  if (t.sparsity && t.edition == Edition::NeurIPS2021)
    e.notes.push_back("(11) for the NeurIPS edition: the seed's substitution p log G -> s log(p G), with G = 60WJ/eps");
}

// JSON helpers: outward decimals of an enclosure, exact strings of rationals.
Json enclosure_json(const Enclosure& x, int digits, const std::string& method) {
  return Json{{"lower", decimal_lower(x.lower, digits)}, {"upper", decimal_upper(x.upper, digits)},
              {"kind", "certified enclosure"}, {"method", method}, {"precision_bits", x.precision},
              {"requested_digits_reached", x.reached}};
}

Json least_json(const LeastInteger& l, int digits) {
  Json j{{"threshold_enclosure", Json{{"lower", decimal_lower(l.lower, digits)}, {"upper", decimal_upper(l.upper, digits)}}},
         {"verified_at_neighbours", l.verified}};
  j["value"] = l.value ? Json(l.value->str()) : Json(nullptr);
  if (!l.value) j["status"] = "boundary: undecidable in finite precision (4096 bits)";
  return j;
}

Json bound_json(const BoundValue& b, int digits) {
  static const char* status[] = {"valid", "defective-statement", "undefined"};
  Json j{{"form", b.form}, {"status", status[static_cast<int>(b.status)]},
         {"capacity", enclosure_json(b.capacity, digits, "MPFI, outward, refined")}};
  if (b.status == BoundValue::Status::Undefined) {
    j["lower"] = nullptr;
    j["upper"] = nullptr;
  } else {
    Json v = enclosure_json(b.value, digits, "MPFI, outward, refined");
    for (auto it = v.begin(); it != v.end(); ++it) j[it.key()] = it.value();
  }
  return j;
}

Json params_json(const TheoremParams& t) {
  Json j{{"n", rational_to_string(t.n)}, {"d", rational_to_string(t.d)}, {"p", rational_to_string(t.p)},
         {"epsilon", rational_to_string(t.epsilon)}, {"delta", rational_to_string(t.delta)}, {"c", rational_to_string(t.c)},
         {"W", rational_to_string(t.W)}, {"J", rational_to_string(t.J)}, {"k", rational_to_string(t.k)}};
  auto opt = [&](const char* key, const std::optional<Rational>& q) { if (q) j[key] = rational_to_string(*q); };
  opt("sigma", t.sigma); opt("C1", t.C1); opt("C2", t.C2); opt("sparsity", t.sparsity); opt("L", t.L);
  return j;
}

Json condition8_json(const TheoremEvaluation& e) {
  const TheoremParams& t = e.params;
  Json j{{"form", (t.edition == Edition::Seed ? "10^4" : "8^4") + std::string(" k log(8k/delta) <= n eps^2")},
         {"lhs_minus_rhs_sign_decided_at_bits", e.condition8.margin.precision},
         {"rhs_exact", rational_to_string(t.n * t.epsilon * t.epsilon)},
         {"margin_enclosure", Json{{"lower", decimal_lower(e.condition8.margin.lower, e.digits)},
                                   {"upper", decimal_upper(e.condition8.margin.upper, e.digits)},
                                   {"meaning", "n eps^2 - A k log(8k/delta)"}}}};
  j["holds"] = e.condition8.holds ? Json(*e.condition8.holds) : Json(nullptr);
  if (!e.condition8.holds) j["status"] = "boundary: undecidable in finite precision (4096 bits)";
  return j;
}

Json level_json(const TheoremEvaluation& e) {
  Json j = Json::object();
  if (e.bound_at_most_level) j["bound_at_most_L"] = *e.bound_at_most_level;
  if (e.least_p) j["least_p_bound_at_most_L"] = least_json(*e.least_p, e.digits);
  if (e.epsilon_threshold) {
    const EpsilonThreshold& th = *e.epsilon_threshold;
    Json t{{"meaning", "bound > L exactly for eps in (eps*, eps_max); eps* is the largest eps with bound <= L"},
           {"eps_max", rational_to_string(th.eps_max)}};
    if (th.kind == EpsilonThreshold::Kind::Enclosed)
      t["eps_star"] = Json{{"lower", decimal_lower(th.lower, e.digits)}, {"upper", decimal_upper(th.upper, e.digits)},
                           {"kind", "certified enclosure (bisection with decided signs)"}};
    else
      t["eps_star"] = nullptr;
    if (!th.note.empty()) t["note"] = th.note;
    j["epsilon_threshold"] = t;
  }
  return j;
}

}  // namespace

TheoremEvaluation theorem_evaluate(const TheoremParams& t, int digits) {
  theorem_params_validate(t);
  TheoremEvaluation e;
  e.params = t;
  e.digits = digits;
  evaluate_bounds(e);
  evaluate_conditions(e);
  evaluate_level_inversions(e);
  add_notes(e);
  return e;
}

Json theorem_evaluation_json(const TheoremEvaluation& e) {
  const TheoremParams& t = e.params;
  Json j{{"edition", edition_name(t.edition)},
         {"reference", t.edition == Edition::Seed ? "seed App. B Thm 3 (8)-(11); docs/math.md 'Seed edition'"
                                                  : "docs/math.md 'NeurIPS 2021 edition' (Bubeck-Sellke 2021, conference version)"},
         {"parameters", params_json(t)},
         {"log_argument_exact", rational_to_string(e.log_argument)},
         {"exact_form", Json{{"bound_squared", "N / (X * capacity)"},
                             {"N", rational_to_string(t.epsilon * t.epsilon * t.n * t.d)},
                             {"X", rational_to_string(edition_bound_denominator_constant(t))},
                             {"capacity", t.edition == Edition::Seed ? "p log(1 + 60WJ/eps) + log(4/delta)" : "p log(60WJ/eps) + log(4/delta)"},
                             {"condition_8_lhs", rational_to_string(edition_condition8_constant(t.edition) * t.k) + " * log(" +
                                                     rational_to_string(8 * t.k / t.delta) + ")"},
                             {"condition_8_rhs", rational_to_string(t.n * t.epsilon * t.epsilon)}}},
         {"log_term", enclosure_json(e.log_term, e.digits, "MPFI log, outward")},
         {"log_defect", e.log_defect},
         {"lipschitz_lower_bound", bound_json(e.bound, e.digits)},
         {"condition_8", condition8_json(e)},
         {"least_n", e.least_n.value ? Json(e.least_n.value->str()) : Json(nullptr)},
         {"least_n_detail", least_json(e.least_n, e.digits)},
         {"epsilon_min_condition_8", enclosure_json(e.epsilon_min_condition8, e.digits, "sqrt(A k log(8k/delta) / n), MPFI")},
         {"defects", e.defects},
         {"notes", e.notes}};
  if (t.edition == Edition::Seed && !t.C2) j["lipschitz_lower_bound"]["in_units_of"] = "1/sqrt(C2)";
  if (e.sparse_bound) j["sparse_bound_11"] = bound_json(*e.sparse_bound, e.digits);
  if (e.condition9) {
    j["condition_9"] = Json{{"form", "d >= C1 c L^2 sigma^2 / eps^2"}, {"holds", e.condition9->holds},
                            {"rhs_exact", rational_to_string(e.condition9->rhs)}, {"kind", "exact rational comparison"}};
    j["least_d_condition_9"] = e.least_d->str();
  }
  if (t.L && !level_json(e).empty()) j["level"] = level_json(e);
  return j;
}

std::string theorem_evaluation_text(const TheoremEvaluation& e) {
  const TheoremParams& t = e.params;
  std::ostringstream o;
  o << "edition     " << edition_name(t.edition) << "\n";
  for (const std::string& d : e.defects) o << "DEFECT      " << d << "\n";
  auto enc = [&](const Enclosure& x) {
    std::string s = "[";
    s += decimal_lower(x.lower, e.digits);
    s += ", ";
    s += decimal_upper(x.upper, e.digits);
    return s + "]";
  };
  o << "bound (10)  " << e.bound.form << "\n";
  if (e.bound.status == BoundValue::Status::Undefined) o << "            undefined (denominator not positive)\n";
  else o << "            in " << enc(e.bound.value) << (e.bound.status == BoundValue::Status::Defective ? "  (literal value of a defective statement)" : "")
         << (t.edition == Edition::Seed && !t.C2 ? "  = K; the bound is K/sqrt(C2)" : "") << "\n";
  if (e.sparse_bound && e.sparse_bound->status != BoundValue::Status::Undefined)
    o << "bound (11)  in " << enc(e.sparse_bound->value) << "\n";
  o << "cond. (8)   " << (e.condition8.holds ? (*e.condition8.holds ? "holds" : "fails") : "boundary: undecidable in finite precision")
    << "  (n eps^2 - A k log(8k/delta) in [" << decimal_lower(e.condition8.margin.lower, 12) << ", " << decimal_upper(e.condition8.margin.upper, 12) << "])\n";
  o << "least n (8) " << (e.least_n.value ? e.least_n.value->str() : "undecided") << (e.least_n.verified ? "  (checked at n-1 and n)" : "") << "\n";
  o << "least eps (8) at this n  in " << enc(e.epsilon_min_condition8) << "\n";
  if (e.condition9) o << "cond. (9)   " << (e.condition9->holds ? "holds" : "fails") << "  (d >= " << rational_to_string(e.condition9->rhs) << "), least d " << e.least_d->str() << "\n";
  if (e.bound_at_most_level) o << "bound <= L  " << (*e.bound_at_most_level ? "yes" : "no") << "\n";
  if (e.least_p) o << "least p with bound <= L  " << (e.least_p->value ? e.least_p->value->str() : "undecided") << "\n";
  if (e.epsilon_threshold && e.epsilon_threshold->kind == EpsilonThreshold::Kind::Enclosed)
    o << "bound > L exactly for eps > eps* in [" << decimal_lower(e.epsilon_threshold->lower, e.digits) << ", "
      << decimal_upper(e.epsilon_threshold->upper, e.digits) << "]\n";
  for (const std::string& n : e.notes) o << "note        " << n << "\n";
  return o.str();
}

}  // namespace rl
