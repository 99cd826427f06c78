#include "cert/claim.hpp"

namespace rl {

std::map<std::string, ClaimVerifier>& claim_kind_registry() {
  static std::map<std::string, ClaimVerifier> registry;
  return registry;
}

}  // namespace rl
