// robustlaw audit MODEL --data FILE.csv ...: the theorem against a trained
// network: exact training MSE, whether the theorem applies, its bound next
// to the network's certified Lipschitz enclosure.
#include <filesystem>
#include <optional>

#include "arith/error.hpp"
#include "common.hpp"
#include "io/memory_limit.hpp"
#include "lipschitz/request.hpp"
#include "prob/mc_memory.hpp"
#include "registry.hpp"
#include "theorem/audit.hpp"

namespace rl::cli::audit_command {

struct AuditOptions {
  ModelOptions model;
  std::string data, labels_column, edition = "neurips2021";
  std::string sigma, delta, c, k = "1", epsilon, W, J, R, Q = "1", C2;
  bool box_data = false, json = false;
  int sweep = 0;
  double time_limit = 10;
  std::optional<std::string> max_memory;
  std::string rel_gap = "1/1000000";
  int digits = 20;
};

AuditSettings settings_from(const AuditOptions& o) {
  return audit_settings_from_text(o.edition, {{"sigma", o.sigma}, {"delta", o.delta}, {"c", o.c}, {"k", o.k}, {"epsilon", o.epsilon},
                                              {"W", o.W}, {"J", o.J}, {"R", o.R}, {"Q", o.Q}, {"C2", o.C2}},
                                  o.digits);
}

AuditLipschitzOptions lipschitz_options_from(const AuditOptions& o, const std::atomic<bool>* stop) {
  AuditLipschitzOptions lo;
  lo.stop = stop;
  lo.on_data_box = o.box_data;
  lo.time_limit_seconds = o.time_limit;
  lo.rel_gap = lipschitz_rel_gap_parse(o.rel_gap, "--rel-gap");
  if (o.max_memory) lo.max_memory_bytes = memory_limit_parse(*o.max_memory, "--max-memory");
  return lo;
}

// --max-memory: a data file larger than the cap is refused before it is read
// (its exact rationals take more memory than its text), and after reading the
// process's resident memory must still fit.
void check_data_memory(const AuditOptions& o, bool loaded) {
  if (!o.max_memory) return;
  const std::size_t cap = memory_limit_parse(*o.max_memory, "--max-memory");
  if (loaded) return mc_memory_check(cap, 0, "the data set and the network");
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(o.data, ec);
  if (!ec && size > cap)
    throw InputError(o.data, "the data file has " + std::to_string(size) + " bytes, more than --max-memory (" +
                                 std::to_string(cap) + " bytes)");
}

void print_mse_interrupted(const AuditOptions& o, const Network& net, const Dataset& data, const CertifiedLipschitz& lip) {
  const char* what = "interrupted during the exact training MSE: no report (the theorem's hypotheses need the MSE)";
  if (o.json) {
    print_json(Json{{"command", "audit"}, {"model", net.source}, {"data", Json{{"file", data.source}, {"n", data.n()}, {"d", data.d()}}},
                    {"status", "interrupted"}, {"note", what}, {"certified_lipschitz", certified_lipschitz_json(lip, o.digits)}});
    return;
  }
  std::cout << "model " << net.source << ", data " << data.source << " (n = " << data.n() << ", d = " << data.d() << ")\n"
            << what << "\ncertified Lip  [" << decimal_lower(lip.lower, o.digits) << ", " << decimal_upper(lip.upper, o.digits)
            << "]  (" << lip.status << ")\n";
}

void run_audit(const AuditOptions& o, const StopSignals& signals) {
  AuditSettings s = settings_from(o);
  check_data_memory(o, false);
  Network net = load_model(o.model);
  Dataset data = dataset_read(o.data, o.labels_column);
  check_data_memory(o, true);
  if (data.d() != net.input_dim)
    throw InputError(o.data, std::to_string(data.d()) + " feature columns, the network has " + std::to_string(net.input_dim) + " inputs");
  std::cerr << "audit: the Lipschitz engine, up to " << o.time_limit << " s" << std::endl;
  const CertifiedLipschitz lip = audit_certify_lipschitz(net, data, lipschitz_options_from(o, signals.flag()));
  // A signal during the engine ended the engine, and the report still needs
  // the MSE: only a second signal ends it. A signal during the MSE ends it,
  // and the engine's pair is all there is.
  const bool engine_stopped = signals.flag()->load();
  std::cerr << "audit: the exact training MSE over " << data.n() << " rows" << std::endl;
  const std::optional<Rational> mse = audit_training_mse(net, data, engine_stopped ? signals.second_flag() : signals.flag());
  if (!mse) {
    print_mse_interrupted(o, net, data, lip);
    return;
  }
  AuditReport r = audit_run(net, data, s, lip, *mse);
  if (o.json) {
    Json j = audit_report_json(r, o.digits);
    j["model"] = net.source;
    j["data"] = Json{{"file", data.source}, {"n", data.n()}, {"d", data.d()}};
    if (o.sweep > 0) j["epsilon_sweep"] = audit_epsilon_sweep(r, data, s, o.sweep);
    print_json(j);
  } else {
    std::cout << "model " << net.source << ", data " << data.source << " (n = " << data.n() << ", d = " << data.d() << ")\n"
              << audit_report_text(r, o.digits);
    if (o.sweep > 0) {
      std::cout << "eps sweep (eps, fit, (8), least n, bound lower):\n";
      for (const Json& row : audit_epsilon_sweep(r, data, s, o.sweep))
        std::cout << "  " << row["epsilon_decimal"].get<std::string>() << "  " << (row["fits_below_noise"] == true ? "fit" : "no-fit") << "  "
                  << (row["condition_8"] == true ? "(8) holds" : "(8) fails") << "  " << row["least_n"].get<std::string>() << "  "
                  << (row.contains("bound") ? row["bound"]["lower"].get<std::string>() : std::string("undefined")) << "\n";
    }
  }
}

void setup(CLI::App& app) {
  auto o = std::make_shared<AuditOptions>();
  CLI::App* sub = app.add_subcommand("audit", "audit a trained scalar network against the universal law: exact training MSE, "
                                              "whether the theorem applies, its bound vs the certified Lipschitz constant");
  add_model_options(*sub, o->model);
  sub->add_option("--data", o->data, "dataset: CSV (feature columns and a label column, header optional) or .npy (2-D float64/float32)")->required();
  sub->add_option("--labels-column", o->labels_column, "label column: header name or 0-based index (default: last)");
  sub->add_option("--edition", o->edition, "seed | neurips2021 (default neurips2021: all constants explicit)");
  sub->add_option("--sigma", o->sigma, "noise level sigma in (0, 1], sigma^2 = E[Var(y|x)]");
  sub->add_option("--delta", o->delta, "failure probability in (0, 1)");
  sub->add_option("--c", o->c, "isoperimetry constant of the covariate distribution");
  sub->add_option("--k", o->k, "number of mixture components (default 1)");
  sub->add_option("--epsilon", o->epsilon, "fit margin; default sigma^2 - MSE (the largest the fit allows)");
  sub->add_option("--W", o->W, "weight bound W_inf of the class [-W_inf, W_inf]^p (default max(1, max |w|))");
  sub->add_option("--J", o->J, "override the corollary's J = R (W_inf Q p)^D");
  sub->add_option("--R", o->R, "input norm bound R (default: the data's largest norm, rounded up)");
  sub->add_option("--Q", o->Q, "largest number of entries tied to one parameter (default 1)");
  sub->add_option("--C2", o->C2, "seed edition's constant C2");
  add_integer_option(*sub, "--sweep", o->sweep, "also evaluate the theorem at eps = j/N (sigma^2 - MSE), j = 1..N", 0, 1000);
  sub->add_flag("--box-data", o->box_data, "certify Lip(h) on the data's bounding box instead of globally");
  add_real_option(*sub, "--time-limit", o->time_limit, "seconds for the Lipschitz engine (default 10); the exact training MSE after it has no limit, but SIGINT or SIGTERM ends it with the engine's pair", 0);
  sub->add_option("--max-memory", o->max_memory,
                  "MB (2^20 bytes): cap on the process's memory: a data file larger than it is refused before it is "
                  "read, the run is refused when the loaded data and network already exceed it, and the Lipschitz "
                  "engine's frontier is capped by it (status memory-limit, with the certified pair reached)");
  sub->add_option("--rel-gap", o->rel_gap, "relative gap at which the Lipschitz engine stops (default 1/1000000, at least 1e-12)");
  add_integer_option(*sub, "--digits", o->digits, "significant digits (default 20)", 5, 1000);
  sub->add_flag("--json", o->json, "print one JSON object");
  sub->callback([o] {
    // SIGINT / SIGTERM end the Lipschitz engine with its certified pair; the report follows.
    StopSignals signals;
    run_audit(*o, signals);
    signals.finish();
  });
}

const SubcommandRegistrar registrar("audit", setup);

}  // namespace rl::cli::audit_command
