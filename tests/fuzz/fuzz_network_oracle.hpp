// What every successfully parsed network must satisfy, whatever the bytes were:
// - it round-trips exactly through the robustlaw-net JSON format;
// - at one rational point (the clamp midpoint, else the origin) the DInterval
//   bound propagation and the MPFI forward pass both contain the exact output.
// Networks above 2000 parameters (the real ones, checked by the unit tests)
// skip these checks so that one input stays fast.
#pragma once
#include "arith/interval.hpp"
#include "fuzz_check.hpp"
#include "net/eval.hpp"
#include "net/load.hpp"

namespace rl::fuzz {

inline bool fuzz_same_network(const Network& a, const Network& b) {
  if (a.input_dim != b.input_dim || a.layers.size() != b.layers.size()) return false;
  for (std::size_t k = 0; k < a.layers.size(); ++k)
    if (a.layers[k].weights != b.layers[k].weights || a.layers[k].bias != b.layers[k].bias) return false;
  if (a.clamp.has_value() != b.clamp.has_value()) return false;
  return !a.clamp || (a.clamp->lo == b.clamp->lo && a.clamp->hi == b.clamp->hi);
}

inline void fuzz_check_network(const Network& net) {
  FUZZ_REQUIRE(net.input_dim > 0 && !net.layers.empty());
  if (net.parameter_count() > 2000) return;
  Network back = network_parse_json(network_to_json(net), "round trip");
  FUZZ_REQUIRE(fuzz_same_network(net, back));

  std::vector<Rational> x(net.input_dim, Rational(0));
  if (net.clamp)
    for (std::size_t i = 0; i < net.input_dim; ++i) x[i] = (net.clamp->lo[i] + net.clamp->hi[i]) / 2;
  std::vector<Rational> exact = net_eval_exact(net, x);
  FUZZ_REQUIRE(exact.size() == net.output_dim());

  BoxBounds ibp = net_ibp(net, dbox_from_rationals(x, x));
  std::vector<Interval> box;
  for (const Rational& q : x) box.emplace_back(q);
  std::vector<Interval> mpfi = net_eval_interval(net, box);
  for (std::size_t i = 0; i < exact.size(); ++i) {
    FUZZ_REQUIRE(ibp.output()[i].contains(exact[i]));
    FUZZ_REQUIRE(mpfi[i].contains(exact[i]));
  }
}

}  // namespace rl::fuzz
