#include "arith/error.hpp"
#include "lipschitz/lipschitz.hpp"

namespace rl {

Norm norm_parse(const std::string& text) {
  if (text == "l1") return Norm::L1;
  if (text == "l2") return Norm::L2;
  if (text == "linf") return Norm::Linf;
  throw InputError("--norm", "'" + text + "' is not a norm (expected l1, l2 or linf)");
}

std::string norm_name(Norm n) {
  switch (n) {
    case Norm::L1: return "l1";
    case Norm::L2: return "l2";
    case Norm::Linf: return "linf";
  }
  return "?";
}

}  // namespace rl
