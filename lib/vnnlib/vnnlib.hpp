// VNN-LIB properties (the common subset used by VNN-COMP).
//
// Accepted: (declare-const X_i Real) and (declare-const Y_j Real); input
// bounds (<= X_i c), (>= X_i c) (either argument order); output atoms
// (<= a b), (>= a b), (< a b), (> a b) between linear terms over Y
// (constants, Y_j, (+ ...), (- ...), (* c t)); all of them combined with
// (and ...) and (or ...) anywhere, e.g. ACAS Xu property 6's disjunction of
// two input boxes. Comments start with ';'.
//
// Semantics: the conjunction of all assertions describes the unsafe set of
// (input, output) pairs. It is expanded into a disjunction of conjunctions,
// and these are grouped by their input box: one SafetyProperty ("case") per
// distinct box, whose unsafe region is the disjunction of the output parts of
// its conjunctions. A conjunction whose box is empty is dropped. The property
// holds (VNN-COMP "unsat") when every case holds; a counterexample of any case
// is one of the property ("sat").
// Anything else is refused with an InputError naming the line and the reason.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "robustness/property.hpp"

namespace rl {

std::vector<SafetyProperty> vnnlib_parse_cases(const std::string& text, const std::string& source, std::size_t input_dim,
                                               std::size_t output_dim);
std::vector<SafetyProperty> vnnlib_read_cases(const std::string& path, std::size_t input_dim, std::size_t output_dim);

// The single case of a property with one input box (refused otherwise).
SafetyProperty vnnlib_parse(const std::string& text, const std::string& source, std::size_t input_dim, std::size_t output_dim);
SafetyProperty vnnlib_read(const std::string& path, std::size_t input_dim, std::size_t output_dim);

// A warning when some case's box leaves the network's input clamp range (a
// .nnet file read in raw units): the usual sign of a property written in
// normalized units, or the reverse. Nothing when the boxes fit or there is no clamp.
std::optional<std::string> vnnlib_clamp_warning(const Network& net, const std::vector<SafetyProperty>& cases, const std::string& source);

}  // namespace rl
