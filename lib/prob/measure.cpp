#include "prob/measure.hpp"

#include "arith/error.hpp"

namespace rl {
namespace {

MeasureKind kind_parse(const std::string& s, const std::string& where) {
  if (s == "sphere") return MeasureKind::Sphere;
  if (s == "gaussian") return MeasureKind::Gaussian;
  if (s == "cube") return MeasureKind::Cube;
  throw InputError(where, "unknown measure '" + s + "' (expected sphere, gaussian or cube)");
}

}  // namespace

bool Measure::is_bounded() const {
  for (const auto& c : components) if (c.kind == MeasureKind::Gaussian) return false;
  return true;
}

std::size_t measure_sample_dimension(const Measure& m, const std::string& where) {
  if (m.d > kMeasureSampleMaxD)
    throw InputError(where, "d = " + m.d.str() + " is too large to sample: Monte Carlo draws d doubles per point (at most " +
                                std::to_string(kMeasureSampleMaxD) + ")");
  return m.d.convert_to<std::size_t>();
}

Measure measure_parse(const std::string& spec, const Integer& d, const std::string& where) {
  if (d < 2) throw InputError(where, "the dimension d must be at least 2");
  Measure m;
  m.d = d;
  m.spec = spec;
  const std::string prefix = "mixture:";
  if (spec.rfind(prefix, 0) != 0) {
    m.components.push_back({kind_parse(spec, where), Rational(1)});
    return m;
  }
  std::string body = spec.substr(prefix.size());
  Rational total = 0;
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t plus = body.find('+', start);
    std::string term = body.substr(start, plus == std::string::npos ? std::string::npos : plus - start);
    std::size_t star = term.find('*');
    if (star == std::string::npos) throw InputError(where, "mixture term '" + term + "' is not WEIGHT*KIND");
    Rational w = rational_parse(term.substr(0, star), where);
    if (w <= 0) throw InputError(where, "mixture weight must be positive in '" + term + "'");
    m.components.push_back({kind_parse(term.substr(star + 1), where), w});
    total += w;
    if (plus == std::string::npos) break;
    start = plus + 1;
  }
  if (total != 1) throw InputError(where, "mixture weights sum to " + rational_to_string(total) + ", not 1");
  return m;
}

}  // namespace rl
