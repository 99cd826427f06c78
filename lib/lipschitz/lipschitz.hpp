// Certified Lipschitz constants of ReLU networks: the public entry point.
//
// Semantics: lipschitz_bound returns lower <= L <= upper, where L is the
// Lipschitz constant of the exact real-valued network on the domain, with the
// same norm on inputs and outputs (scalar output: the dual norm of the
// gradient; vector output: spectral norm for l2, largest absolute row sum for
// linf, largest absolute column sum for l1). Both bounds are exact rationals
// obtained by sound methods; the method names say which.
//
// Domain conventions: a box coordinate with lo = hi is fixed (only the free
// coordinates vary); for a network with an input clamp the box is first
// intersected with the clamp box (L over the box equals L over the clamped
// box, since the clamp is a coordinatewise 1-Lipschitz retraction onto it),
// and "global" means the clamp box.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "arith/rational.hpp"
#include "io/json_exact.hpp"
#include "net/network.hpp"

namespace rl {

enum class Norm { L1, L2, Linf };
Norm norm_parse(const std::string& text);  // "l1", "l2", "linf"; throws InputError
std::string norm_name(Norm n);

// How a search ended. Its name ("converged", "time-limit", ...) appears only
// in output (search_status_name) and in what ranks send each other.
//   Converged: upper <= lower (1 + rel_gap); NotConverged: the search ran out
//   of nodes to split above the threshold without converging; TimeLimit,
//   NodeLimit, MemoryLimit, Interrupted: stopped there with the certified
//   pair it had; UnboundedInDouble: some leaf's double bound overflowed, so
//   the upper bound is the exact magnitude product (lipschitz_upper_magnitude),
//   which holds on every leaf.
enum class SearchStatus { Converged, NotConverged, TimeLimit, NodeLimit, MemoryLimit, Interrupted, UnboundedInDouble };
std::string search_status_name(SearchStatus status);
SearchStatus search_status_parse(const std::string& text, const std::string& where);  // throws InputError

struct LipschitzDomain {
  bool global = false;
  std::vector<Rational> lo, hi;  // the box, when not global
};

struct LipschitzProgress {
  Rational lower, upper;
  std::uint64_t nodes = 0;
  std::uint64_t open_nodes = 0;
  double seconds = 0;
};

struct LipschitzOptions {
  Norm norm = Norm::L2;
  LipschitzDomain domain;
  Rational rel_gap = Rational(1) / Rational(1000000000);  // stop when upper/lower - 1 <= rel_gap
  double time_limit_seconds = std::numeric_limits<double>::infinity();
  unsigned threads = 0;                      // 0: all hardware threads
  bool want_certificate = false;
  const std::atomic<bool>* stop = nullptr;   // set asynchronously (SIGINT) to stop early
  // After a stop, the certificate's leaf tests may run this long more
  // (lipschitz_out_of_time); 0 under mpirun, which kills the ranks soon after its own SIGINT.
  double certificate_seconds_after_stop = 5;
  std::function<void(const LipschitzProgress&)> progress;  // called about once a second
  // Called about once a second while the certificate is made canonical: the
  // leaves tested so far, of all.
  std::function<void(std::size_t tested, std::size_t leaves)> certificate_progress;
  std::uint64_t node_limit = 0;              // 0: no limit
  std::uint64_t seed = 1;                    // seed of the (untrusted) witness search
  // Cap on the search's frontier and partition tree, estimated from their node
  // counts (deterministic, so the result does not depend on the thread count).
  // Past it the search stops with status "memory-limit" and the certified pair
  // it has: the upper bound is still the largest bound over all leaves.
  std::size_t max_memory_bytes = 0;          // 0: no limit
  bool baselines = false;                    // report the baselines even when the search converged
  // The verified LipSDP-Neuron bound (l2 only; lipsdp.hpp): Auto runs it on a
  // global domain when the branch and bound stops unconverged on a limit (not
  // after `stop`): on a box the branch and bound is the tighter of the two, and
  // the SDP's time share would be taken from it. On always. With either and a finite time limit the search leaves 1.25 times
  // the estimated solve time (at most 3/4 of the limit) to the SDP; the solve
  // runs in a child process killed at the limit or on `stop`. The reported
  // upper is the smaller of the two. lipschitz_bound solves it first under On
  // (it runs whatever the search finds), so that a search with a certificate
  // can tell whether its own certificate will be needed.
  enum class Lipsdp { Off, Auto, On };
  Lipsdp lipsdp = Lipsdp::Off;
  // With a certificate and a time limit: the search keeps time for its own
  // certificate only while its upper bound is below this one (a verified bound
  // already in hand, whose certificate is written otherwise).
  double certificate_needed_below = std::numeric_limits<double>::infinity();
  // A lower bound on the constant over a domain that contains this one (the
  // best one another piece of a partition has certified): the search does not
  // split a node whose bound is at most prune_lower (1 + rel_gap), and its
  // status is "converged" when upper <= max(lower, prune_lower) (1 + rel_gap).
  // The upper bound stays the largest bound over the leaves, sound whatever
  // prune_lower is; the reported lower is this search's own witness.
  Rational prune_lower = 0;
  // Which search bounds a box: BoxPartition splits input boxes,
  // BoxActivation branches on ReLU states (global_activation.hpp), BoxHybrid
  // splits input boxes until few neurons are unstable on a piece and branches
  // on ReLU states there (box_hybrid.hpp); Auto takes BoxActivation when few
  // neurons are unstable on the box, else BoxHybrid with 5 or more inputs,
  // else BoxPartition (see lipschitz_search), when they apply (every
  // coordinate free; BoxHybrid: the box inside the clamp box).
  enum class Engine { Auto, BoxPartition, BoxActivation, BoxHybrid };
  Engine engine = Engine::Auto;
  // BoxHybrid's tuning (exposed for tests and measurements): a piece with at
  // most max_unstable unstable neurons is searched by ReLU branching with a
  // budget of piece_nodes nodes, a piece with more is halved on the axis that
  // `split` picks; 0 takes the defaults (box_hybrid.cpp).
  enum class HybridSplit { FewestUnstable, SmallestClarke, Widest };
  struct Hybrid {
    std::size_t max_unstable = 0;
    std::uint64_t piece_nodes = 0;
    HybridSplit split = HybridSplit::FewestUnstable;
  };
  Hybrid hybrid;
  // With a certificate and a time limit: the measured seconds of the
  // checker's test of one leaf, and of placing one certificate's upper on
  // the checker's grid (an exact test), each counted twice (certificate_canonical.hpp);
  // set by lipschitz_bound, zero otherwise.
  struct CertificateCosts {
    double leaf = 0, upper = 0;
  };
  CertificateCosts certificate_costs;
};

// The seconds a search with bound `upper` keeps for its certificate out of
// `reserve` (its estimate of the certificate's cost): all of it, or none when
// the certificate will be another bound's (certificate_needed_below).
double lipschitz_certificate_kept(const LipschitzOptions& o, double upper, double reserve);

// Why a search must stop now, if it must: Ctrl-C (o.stop), then the time,
// node and memory limits (memory_bytes: the search's own estimate; 0 where it
// keeps none). One rule for every search engine.
std::optional<SearchStatus> lipschitz_stop_reason(const LipschitzOptions& o, double seconds, std::uint64_t nodes,
                                                  std::size_t memory_bytes);

// The claim kind a result's certificate belongs to: "lipschitz", or
// "lipschitz-box-union" (the pieces of a box, each with a lipschitz
// certificate: lib/cert/cert_lipschitz_union.cpp).
enum class CertificateKind { Lipschitz, BoxUnion };
std::string certificate_kind_name(CertificateKind kind);

struct LipschitzBaselines {
  Rational product_upper;  // the product of layer norms
  Rational clarke_upper;   // the Clarke-interval bound over the whole domain (the magnitude
                           // product, which also bounds it, when it overflows in double)
};

struct LipschitzResult {
  Rational lower, upper;
  std::string lower_method, upper_method;
  std::string engine;               // the search that ran: "box-partition", "box-activation", "global-activation", ...
  SearchStatus status = SearchStatus::NotConverged;
  double seconds = 0;
  std::uint64_t nodes = 0;          // branch-and-bound nodes bounded
  std::uint64_t leaves = 0;         // leaves of the final partition
  std::uint64_t pruned = 0;         // leaves closed because their bound <= the best lower bound
  std::uint64_t vertices = 0;       // activation-pattern vertices enumerated
  std::uint64_t pieces = 0;         // box-hybrid: the pieces its input splits made (leaves of its split tree)
  // The two textbook upper bounds, for comparison: computed when the search
  // stopped unconverged or LipschitzOptions::baselines asks (the l2 product
  // costs a verified spectral bound per layer, most of an easy run's time).
  std::optional<LipschitzBaselines> baselines;
  Json certificate;                 // filled when want_certificate, unless certificate_error says why not
  CertificateKind certificate_kind = CertificateKind::Lipschitz;
  std::string certificate_error;    // why a wanted certificate could not be made canonical (then it is null)
  std::vector<double> leaf_bounds;  // with it: the search's bound on each leaf, in the certificate's leaf order
  // With it under a time limit: the search's estimate of the seconds its
  // certificate's leaf tests take (made canonical, then replayed), which it
  // kept out of the limit (certificate_canonical.hpp).
  double certificate_seconds = 0;
  Rational lipsdp_upper;            // the verified LipSDP bound, when lipsdp_ran and it verified (else 0)
  bool lipsdp_ran = false, lipsdp_verified = false;
  double lipsdp_seconds = 0;
  std::string lipsdp_note;          // why it did not verify
};

// Fills a finished branch and bound's certified pair, status and methods:
// upper_d is the largest bound over the leaves and upper the certified upper
// (upper_d as a rational, or the magnitude product when upper_d overflowed:
// then the status is UnboundedInDouble). A converged status needs upper <=
// max(lower, o.prune_lower) (1 + o.rel_gap).
void lipschitz_result_settle(LipschitzResult& res, const LipschitzOptions& o, SearchStatus status, double upper_d,
                             const Rational& upper, const Rational& lower, std::string upper_method, bool has_witness);

LipschitzResult lipschitz_bound(const Network& net, const LipschitzOptions& options);

// The verified LipSDP-Neuron step over the whole domain, after a search
// (lipschitz_bound's under Auto or on a box, and the union of lipschitz-mpi's
// pieces; lipschitz_bound runs it before its search under On on a global
// domain, and once more after it when that solve was stopped at its share). It is asked
// for in l2 by lipsdp On, or Auto on a global domain. A search with a finite
// time limit leaves it lipschitz_lipsdp_reserve seconds (1.25 times the
// estimated solve, at most 3/4 of the limit). lipschitz_lipsdp_finish runs it
// on the search's result r within `seconds` when asked, unless stopped, under
// On always and under Auto when the search stopped unconverged; a verified
// bound below r.upper becomes the upper (with a "lipsdp" certificate when one
// is wanted). True when it did.
double lipschitz_lipsdp_reserve(const Network& net, const LipschitzOptions& options);
bool lipschitz_lipsdp_finish(const Network& net, const LipschitzOptions& options, double seconds, LipschitzResult& r);

// The l2 product of layer norms, computed after an unconverged search (its
// layers' LDL^T steps are skipped past the limit or after Ctrl-C), becomes
// the upper when lower and no certificate is wanted. A search with a finite
// time limit leaves it twice their estimated time, at most a tenth of the
// limit (none with a certificate).
double lipschitz_product_reserve(const Network& net, const LipschitzOptions& options);

}  // namespace rl
