// The whole theorem at one parameter point: the bound (10), the sparse bound
// (11), conditions (8) and (9), the inversions, and the edition's defects.
//
// Semantics: see formulas.hpp (quantities), inversions.hpp (decisions).
// Every enclosure has relative width <= 10^-(digits+1) unless `reached` is
// false. In the seed edition without C2 the bound is K = bound * sqrt(C2);
// without sigma it is evaluated at sigma = 1, which is a lower bound for every
// admissible sigma (labels in [-1, 1] give sigma <= 1, and the bound
// decreases in sigma).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "io/json_exact.hpp"
#include "theorem/inversions.hpp"

namespace rl {

struct BoundValue {
  enum class Status { Valid, Defective, Undefined } status = Status::Valid;
  Enclosure value;      // the bound (or K = bound * sqrt(C2)); empty when Undefined
  Enclosure capacity;   // p log G + log(4/delta) (or the sparse form)
  std::string form;     // the formula evaluated, in words
};

struct TheoremEvaluation {
  TheoremParams params;
  int digits = 30;
  Rational log_argument;          // G, exact
  bool log_defect = false;        // NeurIPS: G <= 1
  Enclosure log_term;             // log G (may be <= 0 when defective)
  BoundValue bound;               // (10)
  std::optional<BoundValue> sparse_bound;  // (11)
  Condition8 condition8;
  LeastInteger least_n;
  Enclosure epsilon_min_condition8;
  std::optional<Condition9> condition9;
  std::optional<Integer> least_d;
  std::optional<LeastInteger> least_p;
  std::optional<bool> bound_at_most_level;
  std::optional<EpsilonThreshold> epsilon_threshold;
  std::vector<std::string> defects;  // flaws of the edition's statement at these parameters
  std::vector<std::string> notes;    // what was assumed or left out
};

TheoremEvaluation theorem_evaluate(const TheoremParams& t, int digits);

// The evaluation as JSON, decimals rounded outward at `digits` digits.
Json theorem_evaluation_json(const TheoremEvaluation& e);
// The evaluation as readable text.
std::string theorem_evaluation_text(const TheoremEvaluation& e);

}  // namespace rl
