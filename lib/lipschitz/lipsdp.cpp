// Verified LipSDP-Neuron: an untrusted SDPA solve with a margin eta, then
// short dyadic roundings of t and of a backed-off rho, a floating Cholesky
// factor of the scaled, shifted LMI, and the exact check of lib/cert.
#include "lipschitz/lipsdp.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "cert/producer_api.hpp"
#include "lipschitz/lipsdp_solve.hpp"

namespace rl {
namespace {

using Clock = std::chrono::steady_clock;
using Slopes = std::vector<std::pair<int, int>>;

constexpr int kDyadicBits = 32;        // significant bits of the rounded t and rho
constexpr double kRhoBackoff = 1e-6;   // relative
constexpr double kEta = 1e-8;           // the solve's margin, relative (lipsdp_solve.hpp)
constexpr int kAttempts = 3;           // margins eta, eta * 100, eta * 10^4
constexpr double kEtaGrowth = 100;
// Measured on ACAS Xu (N = 305, m = 301): 33 iterations in 9.5 s on one core.
constexpr double kSecondsBase = 0.2, kSecondsPerUnit = 1e-8, kIterations = 35;

// x rounded to kDyadicBits significant bits: to nearest, or up.
Rational dyadic_short(double x, bool up) {
  if (x == 0 || !std::isfinite(x)) return 0;
  int e = 0;
  std::frexp(x, &e);
  const double scaled = std::ldexp(x, kDyadicBits - e);
  return rational_from_double(std::ldexp(up ? std::ceil(scaled) : std::nearbyint(scaled), e - kDyadicBits));
}

// The smallest eigenvalue of the symmetric n x n matrix a (LAPACK; untrusted).
double eigen_min(std::vector<double> a, int n) {
  std::vector<double> w(n);
  return sdpa_plugin().eigenvalues(n, a.data(), w.data()) == 0 ? w[0] : -1;
}

// The proof for given rounded t and rho, or nullopt when the floating steps fail.
std::optional<LipsdpProof> proof_attempt(const LipProblem& p, const Slopes& slopes, LipsdpProof proof, std::string& why) {
  const std::vector<std::vector<Rational>> a = cert_lipsdp_negated_lmi(p.net, slopes, proof.rho, proof.t);
  const int n = static_cast<int>(a.size());
  // Powers of two that bring the diagonal near 1: the factor's rounding error is then relative.
  proof.scale.assign(n, 0);
  for (int i = 0; i < n; ++i) {
    const double d = rational_to_double(a[i][i]);
    if (!(d > 0) || !std::isfinite(d)) { why = "a diagonal entry of -M is not positive"; return std::nullopt; }
    proof.scale[i] = -static_cast<long>(std::lround(std::log2(d) / 2));
  }
  std::vector<double> b(std::size_t(n) * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) b[std::size_t(i) * n + j] = rational_to_double(a[i][j] * rational_pow2(proof.scale[i] + proof.scale[j]));
  const double lambda = eigen_min(b, n);
  if (!(lambda > 1e-12 * n)) { why = "the rounded LMI is not numerically negative definite"; return std::nullopt; }
  int sigma_exp = 0;
  std::frexp(lambda / 2, &sigma_exp);
  proof.sigma = rational_pow2(sigma_exp - 1);  // a power of two in (lambda / 4, lambda / 2]
  const double sigma = rational_to_double(proof.sigma);
  for (int i = 0; i < n; ++i) b[std::size_t(i) * n + i] -= sigma;
  if (sdpa_plugin().cholesky_upper(n, b.data()) != 0) { why = "the floating Cholesky factorization failed"; return std::nullopt; }
  double largest = 0;
  for (int j = 0; j < n; ++j) for (int i = 0; i <= j; ++i) largest = std::max(largest, std::abs(b[std::size_t(j) * n + i]));
  // A grid 2^-bits with n^2 * largest * 2^-bits well under sigma: the rounding adds little to ||E||_F.
  const int bits = static_cast<int>(std::ceil(std::log2(16.0 * n * n * std::max(largest, 1.0) / sigma)));
  proof.r.assign(n, {});
  for (int i = 0; i < n; ++i)
    for (int j = i; j < n; ++j)  // column-major: R_ij at b[j * n + i]
      proof.r[i].push_back(rational_from_double(std::nearbyint(std::ldexp(b[std::size_t(j) * n + i], bits))) * rational_pow2(-bits));
  if (auto refuted = cert_lipsdp_refutation(p.net, slopes, proof)) { why = "exact check: " + *refuted; return std::nullopt; }
  return proof;
}

struct FormResult {
  std::optional<LipsdpBound> bound;
  bool optimal = false;  // SDPA's phase was pdOPT for the bound's solve
};

// One form of the LMI (its slopes), with the margins eta, eta * 100, ... until
// a rounded solution is proved, within the deadline.
FormResult lipsdp_form(const LipProblem& p, const Slopes& slopes, Clock::time_point deadline, const std::atomic<bool>* stop,
                       std::string& why) {
  double eta = kEta;
  for (int attempt = 0; attempt < kAttempts; ++attempt, eta *= kEtaGrowth) {
    const double left = std::chrono::duration<double>(deadline - Clock::now()).count();
    if (left <= 0 || (stop && stop->load())) break;
    const std::optional<LipsdpSolution> sol = lipsdp_solve(p.net, slopes, eta, left, stop);
    if (!sol) { why = "the SDP solve was stopped (time limit or signal) or failed"; break; }
    if (!std::isfinite(sol->rho)) { why = "SDPA returned no finite rho (" + sol->phase + ")"; continue; }
    LipsdpProof proof;
    proof.rho = dyadic_short(sol->rho + std::abs(sol->rho) * kRhoBackoff, true);
    for (double t : sol->t) proof.t.push_back(dyadic_short(std::max(t, 0.0), false));
    std::optional<LipsdpProof> proved = proof_attempt(p, slopes, std::move(proof), why);
    if (!proved) { why += " (SDPA phase " + sol->phase + ")"; continue; }
    return {LipsdpBound{proved->rho, lipsdp_upper_of(proved->rho), cert_lipsdp_proof_json(*proved, slopes)}, sol->phase == "pdOPT"};
  }
  return {};
}

}  // namespace

double lipschitz_lipsdp_estimated_seconds(const Network& g) {
  const double n = static_cast<double>(g.input_dim + g.hidden_neuron_count());
  const double unknowns = static_cast<double>(g.hidden_neuron_count()) + 1;
  return kSecondsBase + kSecondsPerUnit * kIterations * unknowns * n * n;
}

Rational lipsdp_upper_of(const Rational& rho) {
  if (rho <= 0) return 0;
  double u = std::sqrt(rational_to_double(rho));
  Rational q = rational_from_double(u);
  while (q * q < rho) q = rational_from_double(u = std::nextafter(u, HUGE_VAL));
  while (true) {
    const double d = std::nextafter(u, 0.0);
    const Rational qd = rational_from_double(d);
    if (d <= 0 || qd * qd < rho) return q;
    u = d;
    q = qd;
  }
}

std::optional<LipsdpBound> lipschitz_upper_lipsdp(const LipProblem& p, double budget_seconds, const std::atomic<bool>* stop,
                                                  std::string& why) {
  // No time limit is an infinite budget, which no clock duration holds.
  const auto deadline = std::isfinite(budget_seconds)
                            ? Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(std::max(budget_seconds, 0.0)))
                            : Clock::time_point::max();
  const Slopes local = cert_lipsdp_slopes(p.net, p.unbounded, p.lo, p.hi);
  why = "no time left for a solve";
  FormResult best = lipsdp_form(p, local, deadline, stop, why);
  // Eliminating the stable neurons can leave SDPA short of the optimum (ACAS
  // Xu 1_1 on its raw box with the first input in [2000, 60760]: pdFEAS at
  // 2.0e7, against 3.2e6 with every neuron kept at [0, 1]): the form with
  // every neuron kept is then solved too, and the smaller bound kept.
  const bool eliminated = std::any_of(local.begin(), local.end(), [](const auto& s) { return s.first == s.second; });
  if (eliminated && !best.optimal) {
    std::string kept_why;
    FormResult kept = lipsdp_form(p, Slopes(local.size(), {0, 1}), deadline, stop, kept_why);
    if (kept.bound && (!best.bound || kept.bound->rho < best.bound->rho)) best = std::move(kept);
    if (!best.bound) why += "; with every neuron kept: " + kept_why;
  }
  return best.bound;
}

}  // namespace rl
