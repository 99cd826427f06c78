// network_parse_nnet on arbitrary text, in both semantics (normalization folded
// in, and raw normalized coordinates): a Network or InputError, and every
// parsed network passes the oracle of fuzz_network_oracle.hpp.
#include <cstdint>
#include <string>

#include "arith/error.hpp"
#include "fuzz_network_oracle.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  for (bool normalized : {false, true}) {
    rl::LoadOptions options;
    options.nnet_normalized = normalized;
    try {
      rl::fuzz::fuzz_check_network(rl::network_parse_nnet(text, "fuzz.nnet", options));
    } catch (const rl::InputError&) {
    }
  }
  return 0;
}
