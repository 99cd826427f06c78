#include "io/memory_limit.hpp"

#include <limits>

#include "arith/error.hpp"
#include "arith/rational.hpp"

namespace rl {

std::size_t memory_limit_parse(const std::string& text, const std::string& where) {
  const Rational mb = rational_parse(text, where);
  if (mb <= 0) throw InputError(where, "'" + text + "' is not a positive number of megabytes");
  const Integer bytes = rational_ceil(mb * rational_pow2(20));
  const Integer most(std::numeric_limits<std::size_t>::max());
  return bytes >= most ? std::numeric_limits<std::size_t>::max() : static_cast<std::size_t>(bytes);
}

}  // namespace rl
