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
    f.eval = [](const std::vector<double>& x) { return DInterval::point(x[0]); };
  } else if (spec == "norm") {
    f.eval = [](const std::vector<double>& x) {
      DInterval s = DInterval::point(0);
      for (double v : x) s += dinterval_sqr(DInterval::point(v));
      return DInterval{sqrt_down(s.lo), sqrt_up(s.hi)};
    };
  } else if (spec == "max") {
    f.eval = [](const std::vector<double>& x) { return DInterval::point(*std::max_element(x.begin(), x.end())); };
  } else if (spec == "min") {
    f.eval = [](const std::vector<double>& x) { return DInterval::point(*std::min_element(x.begin(), x.end())); };
  } else if (spec.rfind("linear:", 0) == 0) {
    std::vector<Rational> a = rational_parse_list(spec.substr(7), where);
    if (a.empty() || a.size() > d) throw InputError(where, "linear: needs 1 to d coefficients");
    Rational l2 = 0;
    for (const Rational& v : a) l2 += v * v;
    if (l2 == 0) throw InputError(where, "linear: all coefficients are 0");
    f.lipschitz_squared = l2;
    f.lipschitz_source = "exact: L^2 = sum a_i^2";
    f.odd = true;
    std::vector<DInterval> enclosed;  // each a_i enclosed: the coefficients need not be doubles
    for (const Rational& v : a) enclosed.push_back(DInterval::from_rational(v));
    f.eval = [enclosed](const std::vector<double>& x) {
      DInterval s = DInterval::point(0);
      for (std::size_t i = 0; i < enclosed.size(); ++i) s += enclosed[i] * DInterval::point(x[i]);
      return s;
    };
  } else {
    throw InputError(where, "unknown function '" + spec + "' (coordinate, norm, linear:a1,.., max, min, network:FILE)");
  }
  return f;
}

}  // namespace rl
