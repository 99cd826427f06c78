// The theorem at the paper's example figures (docs/math.md): MNIST (n = 6e4,
// d = 784, effective d 15 and 150) and ImageNet (n = 1.4e7, d = 2e5), both
// editions, at eps = 1/10, delta = 1/100, k = 1, c = 1, W = J = 1, sigma = 1,
// level L = 1 (and C2 = 1 in the seed edition for the p inversion).
#pragma once
#include <string>

#include "io/json_exact.hpp"

namespace rl {

// One JSON object: the assumptions, one row per (dataset, edition) and a
// plain-words verdict per dataset.
Json paper_figures_report(int digits);
std::string paper_figures_text(const Json& report);

}  // namespace rl
