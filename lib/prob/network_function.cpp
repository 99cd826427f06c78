#include "prob/network_function.hpp"

#include <limits>
#include <memory>
#include <optional>

#include "arith/error.hpp"
#include "lipschitz/lipschitz.hpp"
#include "net/eval.hpp"
#include "net/load.hpp"

namespace rl {

namespace {

// How long the Lipschitz engine may refine its upper bound: any certified
// upper bound keeps phi 1-Lipschitz, a tighter one only makes phi larger.
constexpr double kLipschitzSeconds = 10.0;

}  // namespace

TestFunction network_test_function(const std::string& spec, std::size_t d, const std::string& where) {
  // FILE or FILE#k (output k of a vector-output network).
  std::string path = spec;
  std::optional<std::size_t> output;
  if (std::size_t hash = spec.rfind('#'); hash != std::string::npos) {
    path = spec.substr(0, hash);
    Rational k = rational_parse(spec.substr(hash + 1), where);
    if (k < 0 || k != Rational(rational_floor(k))) throw InputError(where, "output index must be a natural number");
    // Compared before narrowing: an index past size_t must not wrap onto an existing output.
    if (k >= Rational(std::numeric_limits<std::size_t>::max()))
      throw InputError(where, path + ": output " + rational_to_string(k) + " does not exist");
    output = rational_floor(k).convert_to<std::size_t>();
  }
  Network net = network_load(path);
  if (output) {
    if (*output >= net.output_dim()) throw InputError(where, path + ": output " + std::to_string(*output) + " does not exist");
    net = network_select_outputs(net, {*output});
  }
  if (net.output_dim() != 1) throw InputError(where, path + ": the network has " + std::to_string(net.output_dim()) +
                                                         " outputs; choose one with network:FILE#k");
  if (net.input_dim != d) throw InputError(where, path + ": the network has " + std::to_string(net.input_dim) +
                                                      " inputs but --d is " + std::to_string(d));
  LipschitzOptions lo;
  lo.norm = Norm::L2;
  lo.domain.global = true;
  lo.rel_gap = Rational(1, 100);
  lo.time_limit_seconds = kLipschitzSeconds;
  LipschitzResult lip = lipschitz_bound(net, lo);
  if (lip.upper <= 0) throw InputError(where, path + ": the network is constant (Lipschitz upper bound 0)");
  TestFunction f;
  f.name = "network:" + spec;
  f.lipschitz_squared = 1;
  f.lipschitz_source = "phi = f / U with U = " + decimal_upper(lip.upper, 10) + " >= Lip_2(f) (" + lip.upper_method +
                       "; certified lower " + decimal_lower(lip.lower, 10) + ")";
  // s <= 1/U, so phi = s f is 1-Lipschitz exactly (not up to a rounding of 1/U).
  const DInterval scale = DInterval::point(DInterval::from_rational(Rational(1) / lip.upper).lo);
  auto shared = std::make_shared<Network>(std::move(net));
  f.eval = [shared, scale](const std::vector<double>& x) {
    DBox point(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) point[i] = DInterval::point(x[i]);
    return net_ibp(*shared, point).output()[0] * scale;
  };
  return f;
}

}  // namespace rl
