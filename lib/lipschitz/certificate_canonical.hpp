// Canonical certificate upper bounds (the form lib/cert/cert_lipschitz.hpp
// requires): the least grid value that bounds every leaf as the checker tests it,
// and the leaf that needs it. The grid is that of doubles without exponent
// limits, so huge or tiny bounds (past double overflow) have one too.
#pragma once
#include <chrono>
#include <functional>
#include <string>

#include "lipschitz/lipschitz.hpp"
#include "lipschitz/problem.hpp"

namespace rl {

enum class Canonical { Done, Refused, OutOfTime };

// Untrusted: a bisection over the checker's grid guided by the checker's exact leaf
// tests, and the checker re-verifies the result. `r.upper` decreases, or
// rises by one grid step when it was not on the grid, or rises further when
// the exact tests do not confirm it on some leaf (a search stopped by a
// limit leaves open leaves whose bounds used more than the checker's test):
// the result is the least grid value they confirm on every leaf. Updates
// r.upper, r.certificate["upper"] and r.certificate["argmax_leaf"]. A leaf
// may need a bound far below r.upper (any number of binades): the search for
// a grid value that does not bound it steps down without limit, to the
// grid's least exponent 2^-(2^20). Refused, leaving r unchanged, when
// (beyond any network with weights of sane size) a leaf's least bound is
// positive but below 2^-(2^20) or above 2^(2^20). The caller must then not
// state the certificate: the checker would refuse it. OutOfTime, r unchanged,
// when `out_of_time` (asked between leaf tests) turned true first.
// `progress` (optional) hears about once a second how many leaves are done.
[[nodiscard]] Canonical lipschitz_certificate_canonicalize(
    const LipProblem& p, LipschitzResult& r, const std::function<bool()>& out_of_time = {},
    const std::function<void(std::size_t tested, std::size_t leaves)>& progress = {});

// For the leaf tests that make a certificate canonical, started now: true once
// the run's time since `start` plus the time since now reaches o's time limit
// (the time since now counts twice: the checker's replay of the written claim
// repeats the same leaf tests), or o.certificate_seconds_after_stop after a
// poll first saw o.stop. A stopped search still writes its certificate when that
// is quick; otherwise the fallbacks apply (a box's whole-domain Clarke
// certificate, a piece's one-leaf one; none on R^d), where an unbounded wait
// took 43 s after Ctrl-C on ACAS Xu. A second signal ends the process.
std::function<bool()> lipschitz_out_of_time(const LipschitzOptions& o, std::chrono::steady_clock::time_point start);

// Why a certificate could not be made canonical (for certificate_error).
std::string lipschitz_canonical_failure(Canonical outcome);

// The time rule of a certificate under a time limit: a search keeps back,
// out of the limit, the seconds its certificate's leaf tests will take after
// it, twice (made canonical here, then replayed from the written claim), and
// stops when its time plus that reserve reaches the limit; the leaf tests
// themselves stop at the limit (lipschitz_out_of_time).
//
// The costs of a certificate on p with the given input-box bounds
// ("interval" or "symbolic"), measured on p's whole domain as a single leaf
// (the most unstable neurons a leaf can have), each twice (the two passes
// above): a leaf's test, and placing the upper on the grid.
// The grid placement gets at most a tenth of `limit`.
LipschitzOptions::CertificateCosts lipschitz_certificate_costs(const LipProblem& p, const std::string& bounds, double limit);
// The same for the box-partition certificates lipschitz_bound makes on
// `options`' domain (lipschitz_bound measures them when the options carry none).
LipschitzOptions::CertificateCosts lipschitz_certificate_costs(const Network& net, const LipschitzOptions& options);

// A search's options on `options`' domain, whose run began at `start`: the
// LipSDP step's and the product's reserves (lipschitz_lipsdp_reserve,
// lipschitz_product_reserve) and the time since `start`
// off the time limit and, when a certificate is wanted under a finite limit
// and the options carry no costs yet, the certificate's costs measured (their
// measurement's time is then part of the time since `start`).
LipschitzOptions lipschitz_search_budget(const Network& net, const LipschitzOptions& options,
                                         std::chrono::steady_clock::time_point start);

// The input-box bounds of a box-partition certificate ("symbolic" or
// "interval"): the exact checker repeats symbolic propagation in rationals,
// affordable only for small networks.
std::string lipschitz_certificate_bounds(const Network& net);

}  // namespace rl
