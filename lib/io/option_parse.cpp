#include "io/option_parse.hpp"

#include <cmath>

#include "arith/error.hpp"

namespace rl {

Integer integer_option_parse(const std::string& text, const std::string& option, const std::optional<Integer>& lo,
                             const std::optional<Integer>& hi) {
  const Rational q = rational_parse(text, option);
  if (denominator(q) != 1) throw InputError(option, "'" + text + "' is not an integer");
  const Integer n = numerator(q);
  if (lo && n < *lo) throw InputError(option, "'" + text + "' is below the least value allowed, " + lo->str());
  if (hi && n > *hi) throw InputError(option, "'" + text + "' is above the largest value allowed, " + hi->str());
  return n;
}

double real_option_parse(const std::string& text, const std::string& option, const Rational& lo,
                         const std::optional<Rational>& hi) {
  const Rational q = rational_parse(text, option);
  if (q < lo) throw InputError(option, "'" + text + "' is below the least value allowed, " + rational_to_string(lo));
  if (hi && q > *hi) throw InputError(option, "'" + text + "' is above the largest value allowed, " + rational_to_string(*hi));
  const double v = rational_to_double(q);
  if (!std::isfinite(v) || (v == 0 && q != 0))
    throw InputError(option, "'" + text + "' is outside the range of a double");
  return v;
}

}  // namespace rl
