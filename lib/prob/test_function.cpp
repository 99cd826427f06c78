#include "prob/test_function.hpp"

#include <algorithm>
#include <cmath>

#include "arith/error.hpp"

namespace rl {

TestFunction test_function_parse(const std::string& spec, std::size_t d, const std::string& where) {
  TestFunction f;
  f.name = spec;
  f.lipschitz_source = "exact: 1-Lipschitz in l2";
  if (spec == "coordinate") {
    f.odd = true;
    f.eval = [](const std::vector<double>& x) { return x[0]; };
  } else if (spec == "norm") {
    f.eval = [](const std::vector<double>& x) {
      double s = 0;
      for (double v : x) s += v * v;
      return std::sqrt(s);
    };
  } else if (spec == "max") {
    f.eval = [](const std::vector<double>& x) { return *std::max_element(x.begin(), x.end()); };
  } else if (spec == "min") {
    f.eval = [](const std::vector<double>& x) { return *std::min_element(x.begin(), x.end()); };
  } else if (spec.rfind("linear:", 0) == 0) {
    std::vector<Rational> a = rational_parse_list(spec.substr(7), where);
    if (a.empty() || a.size() > d) throw InputError(where, "linear: needs 1 to d coefficients");
    Rational l2 = 0;
    for (const Rational& v : a) l2 += v * v;
    if (l2 == 0) throw InputError(where, "linear: all coefficients are 0");
    f.lipschitz_squared = l2;
    f.lipschitz_source = "exact: L^2 = sum a_i^2";
    f.odd = true;
    std::vector<double> ad;
    for (const Rational& v : a) ad.push_back(rational_to_double(v));
    f.eval = [ad](const std::vector<double>& x) {
      double s = 0;
      for (std::size_t i = 0; i < ad.size(); ++i) s += ad[i] * x[i];
      return s;
    };
  } else {
    throw InputError(where, "unknown function '" + spec + "' (coordinate, norm, linear:a1,.., max, min, network:FILE)");
  }
  return f;
}

}  // namespace rl
