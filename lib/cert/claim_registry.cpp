#include "cert/claim.hpp"

#include "arith/error.hpp"

namespace rl {

std::map<std::string, ClaimVerifier>& claim_kind_registry() {
  static std::map<std::string, ClaimVerifier> registry;
  return registry;
}

const Json& certificate_member(const Json& certificate, const std::string& key) {
  if (!certificate.is_object() || !certificate.contains(key)) throw CertificateInvalid("certificate." + key + " is missing");
  return certificate.at(key);
}

Rational certificate_rational(const Json& certificate, const std::string& key) {
  try {
    return rational_from_json(certificate_member(certificate, key), "certificate." + key);
  } catch (const InputError& e) {
    throw CertificateInvalid(e.what());
  }
}

long long certificate_integer(const Json& certificate, const std::string& key) {
  const Json& value = certificate_member(certificate, key);
  if (!value.is_number_integer()) throw CertificateInvalid("certificate." + key + " must be an integer");
  return value.get<long long>();
}

}  // namespace rl
