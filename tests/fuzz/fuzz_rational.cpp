// rational_parse on arbitrary text: it returns the exact value or raises
// InputError. A parsed value must print back to itself, and its outward
// decimals must bracket it.
#include <cstdint>
#include <string>

#include "arith/decimal.hpp"
#include "arith/error.hpp"
#include "arith/rational.hpp"
#include "fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  rl::Rational q;
  try {
    q = rl::rational_parse(text, "fuzz");
  } catch (const rl::InputError&) {
    return 0;
  }
  FUZZ_REQUIRE(rl::rational_parse(rl::rational_to_string(q), "round trip") == q);
  // Outward decimals of huge or tiny values are expensive; the bracket is
  // checked where the decimal exponent stays moderate.
  if (q != 0 && std::abs(rl::decimal_exponent(q)) > 5000) return 0;
  rl::Rational lo = rl::rational_parse(rl::decimal_lower(q, 6), "lower");
  rl::Rational hi = rl::rational_parse(rl::decimal_upper(q, 6), "upper");
  FUZZ_REQUIRE(lo <= q && q <= hi);
  try {
    (void)rl::rational_parse_list(text, "fuzz list");
  } catch (const rl::InputError&) {
  }
  return 0;
}
