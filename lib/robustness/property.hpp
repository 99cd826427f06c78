// Safety properties of a network: an input region and an unsafe output region.
//
// Semantics: the region is the box [lo, hi] intersected with the optional
// closed ball {y : ||y - center||_norm <= radius}. The unsafe region is a
// disjunction of conjunctions of atoms; an atom (a, b) holds at output y when
// sum_j a_j y_j + b >= 0 (> 0 for a strict atom). The property holds ("verified",
// VNN-LIB "unsat") when no point of the region has an output in the unsafe
// region; a counterexample is a region point whose exact output satisfies
// every atom of some conjunction.
//
// A robustness claim "every point of the ball is classified C" is the
// property with one conjunction per j != C holding the single atom
// f_j - f_C >= 0: a point where some f_j ties with f_C counts as a
// counterexample, because C is then no longer the unique argmax.
#pragma once
#include <optional>
#include <vector>

#include "arith/rational.hpp"
#include "lipschitz/lipschitz.hpp"
#include "net/network.hpp"

namespace rl {

struct Ball {
  std::vector<Rational> center;
  Rational radius;
  Norm norm = Norm::Linf;
};

struct OutputAtom {
  std::vector<Rational> coefficients;  // one per network output
  Rational constant;
  bool strict = false;
};

using OutputConjunction = std::vector<OutputAtom>;

struct SafetyProperty {
  std::vector<Rational> lo, hi;
  std::optional<Ball> ball;
  std::vector<OutputConjunction> unsafe;
};

// The robustness claim around x as a SafetyProperty (box = the ball's enclosing box).
SafetyProperty property_from_robustness(const Ball& ball, std::size_t label, std::size_t output_dim);

// The network whose output k is atom k: x -> sum_j a_j f_j(x) + b (the same
// hidden layers, one exact output row per atom).
Network property_atoms_network(const Network& net, const std::vector<OutputAtom>& atoms);

// Every atom of the property's unsafe conjunctions, in order, and per
// conjunction the indices of its atoms in that list.
struct PropertyAtoms {
  std::vector<OutputAtom> all;
  std::vector<std::vector<std::size_t>> rows;
};
PropertyAtoms property_atoms(const SafetyProperty& property);

// Exact value of an atom at an output vector.
Rational property_atom_value(const OutputAtom& atom, const std::vector<Rational>& output);

// True when the exact output satisfies every atom of some conjunction.
bool property_output_unsafe(const SafetyProperty& property, const std::vector<Rational>& output);

}  // namespace rl
