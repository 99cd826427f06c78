// The measures of Definitions 2 and 6 (seed §1.2, §1.4; math.md
// "Concentration and isoperimetry"), all on R^d:
//   sphere   : uniform on the unit sphere S^{d-1};
//   gaussian : N(0, I/d);
//   cube     : uniform on the solid cube [0, 1/sqrt(d)]^d (math.md: the
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
  std::size_t d = 0;
  std::vector<MeasureComponent> components;
  std::string spec;  // as given

  bool is_single(MeasureKind k) const { return components.size() == 1 && components[0].kind == k; }
  bool is_bounded() const;  // no Gaussian component
};

// "sphere", "gaussian", "cube" or "mixture:W*KIND+W*KIND+..." (e.g.
// "mixture:1/2*sphere+1/2*gaussian"). Throws InputError naming `where`.
Measure measure_parse(const std::string& spec, std::size_t d, const std::string& where);

}  // namespace rl
