// json_parse_exact on arbitrary bytes: a Json value or InputError. Every
// number it kept (integers, literals as strings) must read exactly through
// rational_from_json or be refused with InputError.
#include <cstdint>
#include <string>

#include "arith/error.hpp"
#include "fuzz_check.hpp"
#include "io/json_exact.hpp"

namespace {

void visit_numbers(const rl::Json& j, int& budget) {
  if (--budget < 0) return;
  if (j.is_structured()) {
    for (const auto& child : j) visit_numbers(child, budget);
    return;
  }
  if (!j.is_number() && !j.is_string()) return;
  try {
    rl::Rational q = rl::rational_from_json(j, "fuzz");
    if (j.is_number_integer()) FUZZ_REQUIRE(q == (j.is_number_unsigned() ? rl::Rational(rl::Integer(j.get<std::uint64_t>())) : rl::Rational(rl::Integer(j.get<std::int64_t>()))));
  } catch (const rl::InputError&) {
    FUZZ_REQUIRE(!j.is_number());  // numbers the reader kept are always readable
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  rl::Json j;
  try {
    j = rl::json_parse_exact(text, "fuzz.json");
  } catch (const rl::InputError&) {
    return 0;
  }
  int budget = 1000;
  visit_numbers(j, budget);
  return 0;
}
