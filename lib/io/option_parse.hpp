// Numbers given as option text (the command line's, and the same options
// passed from Python). CLI11's own conversion saturates an integer too large
// for its type (--d 100000000000000000000000 became 2^64 - 1), reads "-1" into
// an unsigned as 2^64 - 1, "010" in octal, and a double such as 1e-400 as 0.
// So every numeric option is read as text, parsed exactly (rational_parse:
// "1e6" and "12/4" are integers), and a value the option cannot hold is
// refused with a message naming the option, never narrowed.
#pragma once
#include <optional>
#include <string>

#include "arith/rational.hpp"

namespace rl {

// An integer in [lo, hi] (no bound when absent); throws InputError naming `option`.
Integer integer_option_parse(const std::string& text, const std::string& option, const std::optional<Integer>& lo,
                             const std::optional<Integer>& hi);
// A real number >= lo (and <= hi when given) as the double nearest to it;
// refused when that double is not finite or is 0 for a non-zero value.
double real_option_parse(const std::string& text, const std::string& option, const Rational& lo,
                         const std::optional<Rational>& hi = std::nullopt);

}  // namespace rl
