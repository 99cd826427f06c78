// vnnlib_parse on arbitrary text, for a network of 5 inputs and 5 outputs (the
// ACAS Xu shape of the seeds) and one of 2 inputs and 3 outputs: a
// SafetyProperty or InputError. A parsed property has one interval per input
// with lo <= hi, at least one conjunction, at most 100000, and one
// coefficient per output in every atom.
#include <cstdint>
#include <string>

#include "arith/error.hpp"
#include "fuzz_check.hpp"
#include "vnnlib/vnnlib.hpp"

namespace {

void check_property(const rl::SafetyProperty& p, std::size_t inputs, std::size_t outputs) {
  FUZZ_REQUIRE(p.lo.size() == inputs && p.hi.size() == inputs);
  for (std::size_t i = 0; i < inputs; ++i) FUZZ_REQUIRE(p.lo[i] <= p.hi[i]);
  FUZZ_REQUIRE(!p.unsafe.empty() && p.unsafe.size() <= 100000);
  for (const rl::OutputConjunction& c : p.unsafe)
    for (const rl::OutputAtom& a : c) FUZZ_REQUIRE(a.coefficients.size() == outputs);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  for (auto [inputs, outputs] : {std::pair<std::size_t, std::size_t>{5, 5}, {2, 3}}) {
    try {
      check_property(rl::vnnlib_parse(text, "fuzz.vnnlib", inputs, outputs), inputs, outputs);
    } catch (const rl::InputError&) {
    }
  }
  return 0;
}
