#include "robustness/property.hpp"

#include "arith/error.hpp"

namespace rl {

SafetyProperty property_from_robustness(const Ball& ball, std::size_t label, std::size_t output_dim) {
  SafetyProperty p;
  for (const Rational& c : ball.center) {
    p.lo.push_back(c - ball.radius);
    p.hi.push_back(c + ball.radius);
  }
  p.ball = ball;
  for (std::size_t j = 0; j < output_dim; ++j) {
    if (j == label) continue;
    OutputAtom atom{std::vector<Rational>(output_dim, Rational(0)), Rational(0), false};
    atom.coefficients[j] = 1;
    atom.coefficients[label] = -1;
    p.unsafe.push_back({atom});
  }
  return p;
}

PropertyAtoms property_atoms(const SafetyProperty& property) {
  PropertyAtoms out;
  for (const OutputConjunction& conj : property.unsafe) {
    out.rows.emplace_back();
    for (const OutputAtom& a : conj) {
      out.rows.back().push_back(out.all.size());
      out.all.push_back(a);
    }
  }
  return out;
}

Network property_atoms_network(const Network& net, const std::vector<OutputAtom>& atoms) {
  const Layer& src = net.layers.back();
  RationalMatrix w(atoms.size(), std::vector<Rational>(src.in_dim(), Rational(0)));
  std::vector<Rational> bias;
  for (std::size_t k = 0; k < atoms.size(); ++k) {
    bias.push_back(atoms[k].constant);
    for (std::size_t j = 0; j < src.out_dim(); ++j) {
      const Rational& a = atoms[k].coefficients[j];
      if (a == 0) continue;
      for (std::size_t c = 0; c < src.in_dim(); ++c) w[k][c] += a * src.weights[j][c];
      bias[k] += a * src.bias[j];
    }
  }
  // Only the new last layer is converted: the hidden layers (and their fast
  // copies) are the network's.
  Network top = network_from_layers(src.in_dim(), {{std::move(w), std::move(bias)}}, net.source);
  Network out = net;
  out.layers.back() = std::move(top.layers.front());
  return out;
}

Rational property_atom_value(const OutputAtom& atom, const std::vector<Rational>& output) {
  Rational v = atom.constant;
  for (std::size_t j = 0; j < output.size(); ++j) v += atom.coefficients[j] * output[j];
  return v;
}

bool property_output_unsafe(const SafetyProperty& property, const std::vector<Rational>& output) {
  for (const OutputConjunction& conj : property.unsafe) {
    bool all = true;
    for (const OutputAtom& a : conj) {
      Rational v = property_atom_value(a, output);
      all = all && (a.strict ? v > 0 : v >= 0);
    }
    if (all) return true;
  }
  return false;
}

}  // namespace rl
