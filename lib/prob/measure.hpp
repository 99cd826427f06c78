// The measures of Definitions 2 and 6 (seed §1.2, §1.4; docs/math.md
// "Concentration and isoperimetry"), all on R^d:
//   sphere   : uniform on the unit sphere S^{d-1};
//   gaussian : N(0, I/d);
//   cube     : uniform on the solid cube [0, 1/sqrt(d)]^d (docs/math.md: the
//              seed's "hypercube" must mean the solid cube);
//   mixture  : sum_i w_i mu_i of the above, exact rational weights summing to 1.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "arith/rational.hpp"

namespace rl {

enum class MeasureKind { Sphere, Gaussian, Cube };

struct MeasureComponent {
  MeasureKind kind;
  Rational weight;
};

struct Measure {
  Integer d = 0;  // any size: the exact tails take d as a GMP integer
  std::vector<MeasureComponent> components;
  std::string spec;  // as given

  bool is_single(MeasureKind k) const { return components.size() == 1 && components[0].kind == k; }
  bool is_bounded() const;  // no Gaussian component
};

// "sphere", "gaussian", "cube" or "mixture:W*KIND+W*KIND+..." (e.g.
// "mixture:1/2*sphere+1/2*gaussian"). Throws InputError naming `where`.
Measure measure_parse(const std::string& spec, const Integer& d, const std::string& where);

// Samplers draw d doubles per point: d as a machine size, refused (naming
// `where`) above kMeasureSampleMaxD, where one point alone needs 8 GB.
constexpr std::size_t kMeasureSampleMaxD = 1000000000;
std::size_t measure_sample_dimension(const Measure& m, const std::string& where);

}  // namespace rl
