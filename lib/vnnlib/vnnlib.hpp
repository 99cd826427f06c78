// VNN-LIB properties (the common subset used by VNN-COMP).
//
// Accepted: (declare-const X_i Real) and (declare-const Y_j Real); top-level
// input bounds (assert (<= X_i c)), (assert (>= X_i c)) (either argument
// order); output constraints: atoms (<= a b), (>= a b), (< a b), (> a b)
// between linear terms over Y (constants, Y_j, (+ ...), (- ...), (* c t)),
// combined with (and ...) and (or ...). Comments start with ';'.
//
// Semantics: the asserted formula describes the unsafe region. The property
// holds (VNN-COMP "unsat") when no input in the box has an output satisfying
// the conjunction of all output assertions; the output formula is turned into
// a disjunction of conjunctions of atoms (SafetyProperty).
// Anything else is refused with an InputError naming the line and the reason.
#pragma once
#include <string>

#include "robustness/property.hpp"

namespace rl {

SafetyProperty vnnlib_parse(const std::string& text, const std::string& source, std::size_t input_dim, std::size_t output_dim);
SafetyProperty vnnlib_read(const std::string& path, std::size_t input_dim, std::size_t output_dim);

}  // namespace rl
