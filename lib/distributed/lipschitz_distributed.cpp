#include "distributed/lipschitz_distributed.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <numeric>
#include <optional>
#include <thread>

#include "arith/error.hpp"
#include "lipschitz/box_pieces.hpp"
#include "lipschitz/certificate_canonical.hpp"

#ifdef ROBUSTLAW_HAVE_MPI
#include "distributed/mpi_plugin.hpp"
#include "io/plugin.hpp"
#endif

namespace rl {
namespace {

using Clock = std::chrono::steady_clock;

Json outcome_to_json(const PieceOutcome& p) {
  return Json{{"lower", rational_to_string(p.lower)}, {"upper", rational_to_string(p.upper)},
              {"lower_method", p.lower_method}, {"upper_method", p.upper_method}, {"status", search_status_name(p.status)},
              {"nodes", p.nodes}, {"seconds", p.seconds}, {"certificate", p.certificate}, {"certificate_error", p.certificate_error},
              {"certificate_seconds", p.certificate_seconds}};
}

void outcome_from_json(const Json& j, PieceOutcome& p) {
  if (j.contains("error")) throw InputError("lipschitz-mpi worker", j["error"].get<std::string>());
  p.lower = rational_parse(j["lower"].get<std::string>(), "worker lower");
  p.upper = rational_parse(j["upper"].get<std::string>(), "worker upper");
  p.lower_method = j["lower_method"].get<std::string>();
  p.upper_method = j["upper_method"].get<std::string>();
  p.status = search_status_parse(j["status"].get<std::string>(), "worker status");
  p.nodes = j["nodes"].get<std::uint64_t>();
  p.seconds = j["seconds"].get<double>();
  p.certificate = j["certificate"];
  p.certificate_error = j["certificate_error"].get<std::string>();
  p.certificate_seconds = j["certificate_seconds"].get<double>();
}

// The LipSDP step's report, as a global piece's outcome carries it to the master.
Json lipsdp_to_json(const LipschitzResult& r) {
  return Json{{"ran", r.lipsdp_ran}, {"verified", r.lipsdp_verified}, {"upper", rational_to_string(r.lipsdp_upper)},
              {"seconds", r.lipsdp_seconds}, {"note", r.lipsdp_note}};
}

void lipsdp_from_json(const Json& j, LipschitzResult& r) {
  if (j.is_null()) return;
  r.lipsdp_ran = j["ran"].get<bool>();
  r.lipsdp_verified = j["verified"].get<bool>();
  r.lipsdp_upper = rational_parse(j["upper"].get<std::string>(), "worker LipSDP upper");
  r.lipsdp_seconds = j["seconds"].get<double>();
  r.lipsdp_note = j["note"].get<std::string>();
}

// Runs the engine on one piece with its share of the time budget, pruning
// by the best lower bound certified on the other pieces. A global domain is
// one piece, run as `robustlaw lipschitz` runs it, its LipSDP step included
// (under on, first: the search then keeps no certificate time it cannot use).
Json run_piece(const Network& net, LipschitzOptions options, const RationalBox* box, double remaining,
               const Rational& best_lower) {
  try {
    if (box) {
      options.domain.global = false;
      options.domain.lo = box->lo;
      options.domain.hi = box->hi;
      options.lipsdp = LipschitzOptions::Lipsdp::Off;  // the master's, over the whole domain
    }
    // The queue caps an infinite limit at 1e9 s; the global piece's own
    // LipSDP budgeting needs to see it infinite (as `lipschitz` does).
    if (box || std::isfinite(options.time_limit_seconds)) options.time_limit_seconds = remaining;
    options.prune_lower = best_lower;
    options.progress = nullptr;
    LipschitzResult r = lipschitz_bound(net, options);
    PieceOutcome p;
    p.lower = r.lower;
    p.upper = r.upper;
    p.lower_method = r.lower_method;
    p.upper_method = r.upper_method;
    p.status = r.status;
    p.nodes = r.nodes;
    p.seconds = r.seconds;
    p.certificate = r.certificate;
    p.certificate_error = r.certificate_error;
    p.certificate_seconds = r.certificate_seconds;
    Json out = outcome_to_json(p);
    if (!box) out["lipsdp"] = lipsdp_to_json(r);
    return out;
  } catch (const std::exception& e) {
    return Json{{"error", e.what()}};
  }
}

// The master's queue: pieces in decreasing Clarke bound, skipped when they
// cannot raise the maximum or when time is up.
struct Queue {
  std::vector<PieceOutcome> outcomes;
  std::vector<long> tree;  // the partition's split tree (box_partition_tree)
  std::vector<Rational> clarke;
  std::vector<std::size_t> order;
  std::size_t next = 0, pruned = 0, not_run = 0;
  Rational best_lower = 0;
  Clock::time_point deadline;
  bool global = false;
  Json lipsdp;  // the global piece's LipSDP report (lipsdp_to_json)

  std::optional<std::size_t> pop() {
    while (next < order.size()) {
      std::size_t i = order[next++];
      PieceOutcome& p = outcomes[i];
      bool prune = !global && clarke[i] <= best_lower;
      // The global piece has no Clarke bound to fall back on (R^d): it always
      // runs, with whatever time is left, and reports its certified pair.
      if (prune || (!global && Clock::now() >= deadline)) {
        p.lower = 0;
        p.upper = clarke[i];
        p.lower_method = "none";
        p.upper_method = "clarke-interval";
        p.run = prune ? PieceRun::Pruned : PieceRun::NotRun;
        ++(prune ? pruned : not_run);
        continue;
      }
      return i;
    }
    return std::nullopt;
  }
  double remaining() const { return std::max(0.0, std::chrono::duration<double>(deadline - Clock::now()).count()); }
  // The time the piece just popped may take: an equal share of what is left
  // among it and the pieces queued after it, `workers` at a time. The result
  // is the maximum over all pieces, so a time limit spent on the first pieces
  // alone would leave the others at their Clarke bounds.
  double share(std::size_t workers) const {
    const std::size_t left = order.size() - next + 1, rounds = (left + workers - 1) / workers;
    return remaining() / double(rounds);
  }
  // The piece's certificate is replayed with the union's after the run: the
  // later pieces' time gives up that half of its estimate (certificate_canonical.hpp).
  void record(std::size_t i, const Json& j) {
    outcome_from_json(j, outcomes[i]);
    if (j.contains("lipsdp")) lipsdp = j["lipsdp"];
    best_lower = std::max(best_lower, outcomes[i].lower);
    deadline -= std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(outcomes[i].certificate_seconds / 2));
  }
};

Queue make_queue(const Network& net, const LipschitzOptions& options, const DistributedOptions& d, int ranks) {
  Queue q;
  q.global = options.domain.global;
  double limit = std::min(options.time_limit_seconds, 1e9);
  q.deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limit));
  std::vector<RationalBox> boxes;
  if (q.global) boxes.push_back(RationalBox{});
  else {
    BoxPartition partition = box_partition_tree(RationalBox{options.domain.lo, options.domain.hi},
                                                d.pieces ? d.pieces : std::max<std::size_t>(8, 8 * std::size_t(std::max(1, ranks - 1))));
    boxes = std::move(partition.pieces);
    q.tree = std::move(partition.tree);
  }
  for (RationalBox& b : boxes) {
    q.clarke.push_back(q.global ? Rational(0) : piece_clarke_upper(net, options.norm, b));
    q.outcomes.emplace_back();
    q.outcomes.back().box = std::move(b);
  }
  q.order.resize(q.outcomes.size());
  std::iota(q.order.begin(), q.order.end(), 0);
  std::stable_sort(q.order.begin(), q.order.end(), [&](std::size_t a, std::size_t b) { return q.clarke[a] > q.clarke[b]; });
  return q;
}

// The pieces without a certificate (pruned, not run, or searched with no time
// left to make theirs) get a one-leaf certificate of their Clarke bound, made
// canonical, which is then their upper (and 0 their lower).
void certify_missing(const Network& net, const LipschitzOptions& options, Queue& q) {
  if (q.global) return;  // R^d: no Clarke bound (union_certificate says so)
  for (std::size_t i = 0; i < q.outcomes.size(); ++i) {
    if (options.stop && options.stop->load()) return;  // stopped: each is exact work, and mpirun kills the ranks soon
    PieceOutcome& p = q.outcomes[i];
    if (!p.certificate.is_null()) continue;
    if (p.run == PieceRun::Searched) {
      p.upper = q.clarke[i];
      p.lower = 0;
    }
    piece_clarke_certificate(net, options, p);
  }
}

// A global domain is one piece: its own lipschitz certificate. A box: the
// union certificate, or certificate_error naming a piece without one.
void union_certificate(const Queue& q, LipschitzResult& r) {
  if (q.global) {
    const PieceOutcome& only = q.outcomes.front();
    r.certificate = only.certificate;
    if (r.certificate.is_null())
      r.certificate_error = only.certificate_error.empty() ? "the search made no certificate" : only.certificate_error;
    return;
  }
  r.certificate = lipschitz_pieces_certificate(q.tree, q.outcomes);
  r.certificate_kind = CertificateKind::BoxUnion;
  for (std::size_t i = 0; i < q.outcomes.size() && r.certificate.is_null(); ++i)
    if (q.outcomes[i].certificate.is_null())
      r.certificate_error = "piece " + std::to_string(i) + (q.outcomes[i].run == PieceRun::Searched ? " (searched)" : " (Clarke bound only)") +
                            " has no certificate" +
                            (q.outcomes[i].certificate_error.empty() ? "" : ": " + q.outcomes[i].certificate_error);
}

#ifdef ROBUSTLAW_HAVE_MPI
enum Tag { kWork = 1, kStop = 2, kResult = 3 };

const RlMpiApi& mpi() {
  static const RlMpiApi* api = [] {
    const char* name = "librobustlaw_mpi.so";
    // Global symbols: Open MPI loads its own components, which look for its
    // symbols in the global scope.
    void* handle = plugin_open(name, ROBUSTLAW_MPI_PLUGIN, true);
    return plugin_symbol<const RlMpiApi* (*)()>(handle, name, "rl_mpi_api")();
  }();
  return *api;
}

void send_text(const std::string& s, int dest, int tag) { mpi().send(s.data(), static_cast<int>(s.size()), dest, tag); }

std::string receive_text(const RlMpiMessage& probed) {
  std::string s(static_cast<std::size_t>(probed.bytes), '\0');
  mpi().receive(s.data(), &probed);
  return s;
}

constexpr int kAny = -1;

// Polls instead of blocking: a blocking receive spins a core in Open MPI,
// which the workers need.
RlMpiMessage wait_for(int source, int tag) {
  RlMpiMessage message{};
  while (!mpi().probe(source, tag, &message)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return message;
}

void master(Queue& q, int ranks) {
  int active = ranks - 1;
  while (active > 0) {
    RlMpiMessage st = wait_for(kAny, kResult);
    std::string text = receive_text(st);
    if (!text.empty()) {  // "index\n{json}"; empty means "ready"
      std::size_t nl = text.find('\n');
      q.record(std::stoul(text.substr(0, nl)), Json::parse(text.substr(nl + 1)));  // rationals travel as strings
    }
    if (auto i = q.pop()) {  // "index remaining best_lower", the lower bound as an exact rational
      send_text(std::to_string(*i) + " " + std::to_string(q.share(std::size_t(ranks - 1))) + " " + rational_to_string(q.best_lower),
                st.source, kWork);
    } else {
      send_text("", st.source, kStop);
      --active;
    }
  }
}

void worker(const Queue& q, const Network& net, const LipschitzOptions& options) {
  send_text("", 0, kResult);
  while (true) {
    RlMpiMessage st = wait_for(0, kAny);
    std::string text = receive_text(st);
    if (st.tag == kStop) return;
    std::size_t space = text.find(' '), space2 = text.find(' ', space + 1);
    std::size_t i = std::stoul(text.substr(0, space));
    double remaining = std::stod(text.substr(space + 1, space2 - space - 1));
    Rational best_lower = rational_parse(text.substr(space2 + 1), "best lower bound from rank 0");
    Json r = run_piece(net, options, q.global ? nullptr : &q.outcomes[i].box, remaining, best_lower);
    send_text(std::to_string(i) + "\n" + r.dump(), 0, kResult);
  }
}
#endif

}  // namespace

#ifdef ROBUSTLAW_HAVE_MPI
bool distributed_mpi_available() { return true; }
MpiSession::MpiSession() { mpi().init(&rank_, &size_); }
MpiSession::~MpiSession() { mpi().finalize(); }
#else
bool distributed_mpi_available() { return false; }
MpiSession::MpiSession() {
  throw InputError("lipschitz-mpi", "this robustlaw was built without MPI (install libopenmpi-dev and reconfigure)");
}
MpiSession::~MpiSession() = default;
#endif

DistributedResult lipschitz_distributed(const MpiSession& session, const Network& net, const LipschitzOptions& options,
                                        const DistributedOptions& distributed) {
  auto start = Clock::now();
  DistributedResult out;
  out.ranks = session.size();
  // The pieces' time leaves the master its LipSDP step over the whole domain;
  // the certificate's costs are measured once on the whole domain (its most
  // unstable leaf), not per piece. The one global piece budgets its own.
  const LipschitzOptions search = options.domain.global ? options : lipschitz_search_budget(net, options, start);
  Queue q = make_queue(net, search, distributed, session.size());
  if (session.size() == 1) {
    while (auto i = q.pop())
      q.record(*i, run_piece(net, search, q.global ? nullptr : &q.outcomes[*i].box, q.share(1), q.best_lower));
  } else {
#ifdef ROBUSTLAW_HAVE_MPI
    if (session.rank() != 0) {
      worker(q, net, search);
      return out;
    }
    try {
      master(q, session.size());
    } catch (const std::exception& e) {
      // The workers are waiting for work: stop them all rather than hang in MPI_Finalize.
      std::cerr << "error: lipschitz-mpi: " << e.what() << std::endl;
      mpi().abort(2);
    }
#endif
  }
  out.is_master = session.rank() == 0;
  if (options.want_certificate) certify_missing(net, options, q);
  out.result = lipschitz_combine(q.outcomes, options.rel_gap);
  if (options.want_certificate) union_certificate(q, out.result);
  if (q.global) {
    lipsdp_from_json(q.lipsdp, out.result);
  } else {
    // Its reserve at least, whatever the pieces used.
    const double left = options.time_limit_seconds - std::chrono::duration<double>(Clock::now() - start).count();
    lipschitz_lipsdp_finish(net, options, std::max(left, lipschitz_lipsdp_reserve(net, options)), out.result);
  }
  out.result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  out.pieces = q.outcomes.size();
  out.pruned = q.pruned;
  out.not_run = q.not_run;
  return out;
}

}  // namespace rl
