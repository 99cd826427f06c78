// robustlaw lipschitz-mpi: the Lipschitz search shared across MPI ranks.
//   mpirun -np N robustlaw lipschitz-mpi MODEL --norm l2 --box=LO:HI,... [--json]
// Same options and output as `lipschitz`, plus --pieces. Rank 0 prints.
#include <iostream>
#include <optional>

#include "arith/error.hpp"
#include "common.hpp"
#include "cert/claim_path.hpp"
#include "distributed/lipschitz_distributed.hpp"
#include "io/memory_limit.hpp"
#include "lipschitz/box_partition.hpp"
#include "lipschitz/claim_file.hpp"
#include "lipschitz/request.hpp"
#include "registry.hpp"

namespace rl::cli::lipschitz_mpi_command {

struct MpiOptions {
  ModelOptions model;
  std::string norm = "l2", box, rel_gap = "1e-9", certificate, lipsdp = "auto";
  std::optional<std::string> max_memory;
  bool global = false, json = false;
  double time_limit = 0;
  unsigned threads = 1;
  std::size_t pieces = 0;
  int digits = 17;
};

void print_text(const MpiOptions& o, const DistributedResult& d, const Json& j, const std::optional<std::string>& replayed) {
  const LipschitzResult& r = d.result;
  std::cout << "Lipschitz constant (" << j["norm"].get<std::string>() << ") of " << j["model"].get<std::string>() << " on "
            << (o.global ? std::string("R^d") : o.box) << ", " << d.ranks << " ranks, " << d.pieces << " pieces ("
            << d.pruned << " pruned, " << d.not_run << " not run)\n"
            << "  " << j["lower"].get<std::string>() << " <= L <= " << j["upper"].get<std::string>() << "\n"
            << "  status " << search_status_name(r.status) << ", " << r.nodes << " nodes, " << r.seconds << " s\n"
            << "  lower: " << r.lower_method << "; upper: " << r.upper_method << "\n";
  if (replayed) std::cout << "  certificate written to " << o.certificate << ", replayed by the checker: " << *replayed << "\n";
}

void run(const MpiOptions& o, const StopSignals& stop) {
  if (!o.certificate.empty()) check_output_path(o.certificate);
  // Every input is checked before MPI starts, so bad input never reaches
  // MPI_Init (whose library allocations outlive a refused run).
  Network net = load_model(o.model);
  LipschitzOptions options;
  options.norm = norm_parse(o.norm);
  if (o.global == !o.box.empty()) throw InputError("lipschitz-mpi", "give exactly one of --global and --box");
  options.domain.global = o.global;
  if (!o.global) {
    RationalBox box = box_parse(o.box, net.input_dim);
    options.domain.lo = box.lo;
    options.domain.hi = box.hi;
  }
  options.rel_gap = lipschitz_rel_gap_parse(o.rel_gap, "--rel-gap");
  if (o.time_limit > 0) options.time_limit_seconds = o.time_limit;
  options.threads = o.threads;
  if (o.max_memory) options.max_memory_bytes = memory_limit_parse(*o.max_memory, "--max-memory");
  options.lipsdp = lipschitz_lipsdp_parse(o.lipsdp, options.norm);
  options.want_certificate = !o.certificate.empty();
  options.stop = stop.flag();
  // mpirun ends the ranks about 2 s after its own SIGINT: a stopped run prints its pair at once.
  options.certificate_seconds_after_stop = 0;
  MpiSession session;
  DistributedResult d = lipschitz_distributed(session, net, options, DistributedOptions{o.pieces});
  if (!d.is_master) return;
  const LipschitzResult& r = d.result;
  std::optional<std::string> replayed;  // the checker's detail, once the written claim replays
  std::string certificate_failure = r.certificate_error;
  if (options.want_certificate && stop.received()) {
    certificate_failure = "stopped by a signal before the certificate was made and replayed";
  } else if (options.want_certificate && !r.certificate.is_null()) {
    // A box: the union of the pieces' certificates; a global domain: one
    // piece; either, when LipSDP gave the upper: its certificate.
    LipschitzClaimProblem problem{claim_path_for(o.model.path, o.certificate), o.model.normalized, options.norm,
                                  options.domain, nullptr};
    try {
      replayed = write_claim_replayed(o.certificate, lipschitz_claim(claim_id_for(o.certificate), problem,
                                                                     certificate_kind_name(r.certificate_kind), r.certificate,
                                                                     r.lower, r.upper));
    } catch (const InputError& e) {
      certificate_failure = e.what();
    }
  }
  Json j{{"model", net.source}, {"norm", norm_name(options.norm)}, {"lower", decimal_lower(r.lower, o.digits)},
         {"upper", decimal_upper(r.upper, o.digits)}, {"status", search_status_name(r.status)}, {"seconds", r.seconds}, {"nodes", r.nodes},
         {"lower_method", r.lower_method}, {"upper_method", r.upper_method}, {"kind", "rigorous"},
         {"ranks", d.ranks}, {"pieces", d.pieces}, {"pieces_pruned", d.pruned}, {"pieces_not_run", d.not_run}};
  lipschitz_lipsdp_report(r, o.digits, j);
  if (replayed) j["certificate"] = o.certificate;
  if (o.json) print_json(j);
  else print_text(o, d, j, replayed);
  if (!options.want_certificate || replayed) return;
  const std::string failure = "no certificate written to " + o.certificate + ": " + certificate_failure;
  if (!stop.received()) throw InputError("--certificate", failure);
  std::cerr << "robustlaw: --certificate: " << failure << std::endl;  // the exit status is the signal's
}

void setup(CLI::App& app) {
  auto o = std::make_shared<MpiOptions>();
  CLI::App* sub = app.add_subcommand("lipschitz-mpi", "certified Lipschitz bounds, the box split across MPI ranks (run under mpirun)");
  add_model_options(*sub, o->model);
  sub->add_option("--norm", o->norm, "l2, l1 or linf (same norm on input and output)");
  sub->add_option("--box", o->box, "domain LO:HI[,LO:HI...]; one pair applies to every input");
  sub->add_flag("--global", o->global, "the whole input space (one piece, not split)");
  sub->add_option("--rel-gap", o->rel_gap, "stop when upper/lower - 1 <= G (per piece; default 1e-9, at least 1e-12)");
  add_real_option(*sub, "--time-limit", o->time_limit, "seconds for the whole run, shared equally among the pieces still to run (with --certificate, making and replaying it included); the best certified pair is reported", 0);
  add_integer_option(*sub, "--threads", o->threads, "threads per rank (default 1: one rank per core)");
  sub->add_option("--max-memory", o->max_memory, "MB (2^20 bytes) per rank: cap on each piece's search frontier (status memory-limit past it)");
  add_integer_option(*sub, "--pieces", o->pieces, "sub-boxes to split the box into (default 8 per worker)", std::size_t(0), std::size_t(100000));
  add_output_file_option(*sub, "--certificate", o->certificate, "write a claim file the checker replays: for a box, kind lipschitz-box-union (the split tree and one certificate per piece)");
  add_integer_option(*sub, "--digits", o->digits, "significant digits of the printed bounds", 1, 1000);
  sub->add_option("--lipsdp", o->lipsdp,
                  "auto|on|off (default auto; l2 only): the verified LipSDP-Neuron upper bound over the whole domain: on a box, "
                  "run by rank 0 after the pieces when they end unconverged (auto) or always (on), the pieces leaving it 1.25x "
                  "the estimated solve time (at most 3/4 of a time limit); on --global, by the one piece as `lipschitz` runs it");
  sub->add_flag("--json", o->json, "print one JSON object (rank 0)");
  sub->callback([o] {
    StopSignals stop;
    run(*o, stop);
    stop.finish();
  });
}

const SubcommandRegistrar registrar("lipschitz-mpi", setup);

}  // namespace rl::cli::lipschitz_mpi_command
