// Exact check of LipSDP-Neuron certificates (see cert_lipsdp.hpp): rational
// and integer arithmetic only, no floating point, no search.
#include "cert/cert_lipsdp.hpp"

#include <algorithm>
#include <cstdint>

#include "arith/error.hpp"
#include "cert/producer_api.hpp"

namespace rl {
namespace {

using RMatrix = std::vector<std::vector<Rational>>;

// A certificate may not ask for more than this (keeps the check's cost bounded).
constexpr long kMaxScale = 4096;
constexpr std::size_t kMaxDimension = 4096;

void fail(const std::string& reason) { throw InputError("lipsdp certificate", reason); }

bool dyadic(const Rational& q) {
  const Integer den = boost::multiprecision::denominator(q);
  return (den & (den - 1)) == 0;
}

// log2 of a dyadic rational's denominator.
long denominator_bits(const Rational& q) {
  const Integer den = boost::multiprecision::denominator(q);
  return den == 1 ? 0 : static_cast<long>(boost::multiprecision::msb(den));
}

// R^T R scaled by 2^(2 bits), bits the largest denominator exponent of R:
// exact integers, accumulated row by row over R's nonzeros.
std::vector<std::vector<Integer>> gram_scaled(const RMatrix& r, long& bits) {
  const std::size_t n = r.size();
  bits = 0;
  for (const auto& row : r) for (const Rational& v : row) bits = std::max(bits, denominator_bits(v));
  std::vector<std::vector<Integer>> g(n, std::vector<Integer>(n));
  std::vector<std::pair<std::size_t, Integer>> nonzero;
  for (std::size_t k = 0; k < n; ++k) {
    nonzero.clear();
    for (std::size_t c = 0; c < r[k].size(); ++c)
      if (r[k][c] != 0) nonzero.emplace_back(k + c, boost::multiprecision::numerator(r[k][c] * rational_pow2(bits)));
    for (std::size_t a = 0; a < nonzero.size(); ++a)
      for (std::size_t b = a; b < nonzero.size(); ++b) g[nonzero[a].first][nonzero[b].first] += nonzero[a].second * nonzero[b].second;
  }
  return g;
}

Rational number(const Json& j, const std::string& where) { return rational_from_json(j, "lipsdp certificate " + where); }

const Json& member(const Json& cert, const char* key) {
  if (!cert.contains(key)) fail(std::string("missing '") + key + "'");
  return cert.at(key);
}

LipsdpProof proof_parse(const Json& cert, std::size_t n, std::size_t hidden) {
  LipsdpProof p;
  p.rho = number(member(cert, "rho"), "rho");
  p.sigma = number(member(cert, "sigma"), "sigma");
  const Json& t = member(cert, "t");
  if (!t.is_array() || t.size() != hidden) fail("'t' needs one multiplier per hidden neuron");
  for (const Json& v : t) p.t.push_back(number(v, "t"));
  const Json& scale = member(cert, "scale");
  if (!scale.is_array() || scale.size() != n) fail("'scale' needs one exponent per LMI row");
  for (const Json& v : scale) {
    // Unsigned values are compared as such: 2^63 read as a long is -2^63, whose
    // abs overflows, and GMP then aborted on a power of 2^63 bits.
    const bool in_range = v.is_number_unsigned() ? v.get<std::uint64_t>() <= std::uint64_t(kMaxScale)
                                                 : v.is_number_integer() && v.get<long>() >= -kMaxScale && v.get<long>() <= kMaxScale;
    if (!in_range) fail("a 'scale' entry is not an integer exponent in [-4096, 4096]");
    p.scale.push_back(v.get<long>());
  }
  const Json& r = member(cert, "R");
  if (!r.is_array() || r.size() != n) fail("'R' needs one row per LMI row");
  for (std::size_t i = 0; i < n; ++i) {
    if (!r[i].is_array() || r[i].size() != n - i) fail("row " + std::to_string(i) + " of 'R' must hold its upper triangle (" + std::to_string(n - i) + " entries)");
    std::vector<Rational> row;
    for (const Json& v : r[i]) row.push_back(number(v, "R"));
    p.r.push_back(std::move(row));
  }
  return p;
}

}  // namespace

LipsdpReduction cert_lipsdp_reduction(const Network& g, const std::vector<std::pair<int, int>>& slopes) {
  LipsdpReduction red;
  red.size = g.input_dim;
  for (const auto& [alpha, beta] : slopes) red.position.push_back(alpha == beta ? -1 : static_cast<long>(red.size++));
  // The difference of each input coordinate of the current layer, over the reduced coordinates.
  std::vector<LipsdpRow> in(g.input_dim);
  for (std::size_t j = 0; j < g.input_dim; ++j) in[j] = {{j, Rational(1)}};
  std::vector<Rational> dense(red.size);
  std::vector<char> touched(red.size, 0);
  const auto combine = [&](const std::vector<Rational>& w) {
    std::vector<std::size_t> used;
    for (std::size_t j = 0; j < w.size(); ++j) {
      if (w[j] == 0) continue;
      for (const auto& [c, v] : in[j]) {
        if (!touched[c]) { touched[c] = 1; used.push_back(c); }
        dense[c] += w[j] * v;
      }
    }
    std::sort(used.begin(), used.end());
    LipsdpRow row;
    for (std::size_t c : used) {
      if (dense[c] != 0) row.emplace_back(c, dense[c]);
      dense[c] = 0;
      touched[c] = 0;
    }
    return row;
  };
  std::size_t neuron = 0;
  for (std::size_t k = 0; k + 1 < g.layers.size(); ++k) {
    std::vector<LipsdpRow> next;
    for (const auto& w : g.layers[k].weights) {
      red.rows.push_back(combine(w));
      const long p = red.position[neuron];
      LipsdpRow out;
      if (p >= 0) out = {{static_cast<std::size_t>(p), Rational(1)}};
      else if (slopes[neuron].first != 0)
        for (const auto& [c, v] : red.rows.back()) out.emplace_back(c, slopes[neuron].first * v);
      next.push_back(std::move(out));
      ++neuron;
    }
    in = std::move(next);
  }
  for (const auto& w : g.layers.back().weights) red.outputs.push_back(combine(w));
  return red;
}

RMatrix cert_lipsdp_negated_lmi(const Network& g, const std::vector<std::pair<int, int>>& slopes, const Rational& rho,
                                const std::vector<Rational>& t) {
  const LipsdpReduction red = cert_lipsdp_reduction(g, slopes);
  RMatrix a(red.size, std::vector<Rational>(red.size));
  for (std::size_t i = 0; i < g.input_dim; ++i) a[i][i] = rho;
  for (std::size_t neuron = 0; neuron < slopes.size(); ++neuron) {
    const long pos = red.position[neuron];
    const Rational& ti = t[neuron];
    if (pos < 0 || ti == 0) continue;
    const std::size_t p = static_cast<std::size_t>(pos);
    const Rational both = 2 * slopes[neuron].first * slopes[neuron].second * ti, sum = (slopes[neuron].first + slopes[neuron].second) * ti;
    const LipsdpRow& row = red.rows[neuron];
    for (const auto& [i, wi] : row) {
      if (both != 0)
        for (const auto& [j, wj] : row) a[i][j] += both * wi * wj;
      a[i][p] -= sum * wi;
      a[p][i] -= sum * wi;
    }
    a[p][p] += 2 * ti;
  }
  for (const LipsdpRow& out : red.outputs)
    for (const auto& [i, wi] : out)
      for (const auto& [j, wj] : out) a[i][j] -= wi * wj;
  return a;
}

std::optional<std::string> cert_lipsdp_refutation(const Network& g, const std::vector<std::pair<int, int>>& slopes,
                                                  const LipsdpProof& proof) {
  if (g.input_dim + g.hidden_neuron_count() > kMaxDimension) return "the LMI has more than 4096 rows";
  if (slopes.size() != g.hidden_neuron_count() || proof.t.size() != slopes.size()) return "the proof's sizes do not match the network";
  for (const Rational& ti : proof.t) if (ti < 0) return "a negative multiplier t";
  for (std::size_t i = 0; i < slopes.size(); ++i)
    if (slopes[i].first == slopes[i].second && proof.t[i] != 0)
      return "a multiplier on an eliminated neuron (equal slope bounds) must be 0";
  if (proof.sigma <= 0) return "sigma must be positive";
  const RMatrix a = cert_lipsdp_negated_lmi(g, slopes, proof.rho, proof.t);
  const std::size_t n = a.size();
  if (proof.scale.size() != n || proof.r.size() != n) return "the proof's sizes do not match the reduced LMI";
  for (std::size_t i = 0; i < n; ++i) {
    if (proof.r[i].size() != n - i) return "R is not upper triangular";
    for (const Rational& v : proof.r[i]) if (!dyadic(v)) return "an entry of R is not dyadic";
  }
  long bits = 0;
  const std::vector<std::vector<Integer>> gram = gram_scaled(proof.r, bits);
  const Rational unit = rational_pow2(-2 * bits);
  // ||E||_F^2 over the upper triangle, off-diagonal entries counted twice.
  Rational norm2 = 0;
  const Rational bound = proof.sigma * proof.sigma;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i; j < n; ++j) {
      Rational e = a[i][j] * rational_pow2(proof.scale[i] + proof.scale[j]) - Rational(gram[i][j]) * unit;
      if (i == j) e -= proof.sigma;
      norm2 += (i == j ? 1 : 2) * e * e;
      if (norm2 >= bound) return "||E||_F >= sigma: the factor does not prove S(-M)S - sigma I positive semidefinite";
    }
  return std::nullopt;
}

Rational cert_lipsdp_check(const Network& g, bool unbounded, const std::vector<Rational>& lo, const std::vector<Rational>& hi,
                           const Json& cert) {
  if (g.input_dim + g.hidden_neuron_count() > kMaxDimension) fail("the LMI has more than 4096 rows");
  std::vector<std::pair<int, int>> slopes = cert_lipsdp_slopes(g, unbounded, lo, hi);
  const Json& s = member(cert, "slopes");
  if (!s.is_array() || s.size() != slopes.size()) fail("'slopes' needs one [alpha, beta] per hidden neuron");
  // [0, 1] holds for every ReLU: a certificate may keep a stable neuron in the LMI.
  const Json any = Json::array({0, 1});
  for (std::size_t i = 0; i < slopes.size(); ++i) {
    if (s[i] == any) slopes[i] = {0, 1};
    else if (s[i] != Json::array({slopes[i].first, slopes[i].second}))
      fail("the slope bounds of hidden neuron " + std::to_string(i) + " are neither [0, 1] nor exact interval propagation's");
  }
  const LipsdpProof proof = proof_parse(cert, cert_lipsdp_reduction(g, slopes).size, slopes.size());
  if (auto why = cert_lipsdp_refutation(g, slopes, proof)) fail(*why);
  return proof.rho;
}

Json cert_lipsdp_proof_json(const LipsdpProof& proof, const std::vector<std::pair<int, int>>& slopes) {
  Json t = Json::array(), r = Json::array(), s = Json::array();
  for (const Rational& v : proof.t) t.push_back(rational_to_string(v));
  for (const auto& row : proof.r) {
    Json jr = Json::array();
    for (const Rational& v : row) jr.push_back(rational_to_string(v));
    r.push_back(std::move(jr));
  }
  for (const auto& [alpha, beta] : slopes) s.push_back(Json::array({alpha, beta}));
  return Json{{"rho", rational_to_string(proof.rho)}, {"t", t}, {"sigma", rational_to_string(proof.sigma)},
              {"scale", proof.scale}, {"R", r}, {"slopes", s}};
}

}  // namespace rl
