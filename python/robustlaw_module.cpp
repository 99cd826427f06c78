// _robustlaw: the compiled half of the Python module robustlaw (the API and
// its argument conversions are in robustlaw/__init__.py). A thin layer over
// the library: every option arrives as the command line's text and is read by
// the same lib/ functions, every result leaves as the command line's JSON
// report. Searches run on a worker thread without the GIL; the calling thread
// polls Python's signal handlers, and a KeyboardInterrupt raises the search's
// stop flag, so the search ends with its best certified pair, as the command
// line does on SIGINT.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "arith/error.hpp"
#include "cert/claim_path.hpp"
#include "cert/claim_replay.hpp"
#include "io/file_atomic.hpp"
#include "lipschitz/request.hpp"
#include "net/load.hpp"
#include "robustness/certify_claim.hpp"
#include "robustness/report.hpp"
#include "theorem/audit.hpp"
#include "theorem/evaluate.hpp"
#include "vnnlib/vnnlib.hpp"

namespace py = pybind11;

namespace rl::python {
namespace {

py::object json_to_python(const Json& j) { return py::module_::import("json").attr("loads")(j.dump()); }

// Runs `work` on a worker thread with the GIL released, polling Python's
// signal handlers every 50 ms. A KeyboardInterrupt sets `stop` (the search
// then ends at its next check with its certified result) and is consumed;
// any other exception a handler raises is re-raised once the work has ended.
// Returns true when interrupted.
template <class Work>
bool run_interruptible(Work&& work, std::atomic<bool>& stop) {
  std::exception_ptr failure;
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  std::optional<py::error_already_set> raised;
  {
    py::gil_scoped_release release;
    std::thread worker([&] {
      try {
        work();
      } catch (...) {
        failure = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mutex);
      done = true;
      finished.notify_all();
    });
    std::unique_lock<std::mutex> lock(mutex);
    while (!finished.wait_for(lock, std::chrono::milliseconds(50), [&] { return done; })) {
      if (raised) continue;
      lock.unlock();
      {
        py::gil_scoped_acquire acquire;
        if (PyErr_CheckSignals() != 0) {
          raised.emplace();
          stop.store(true);
        }
      }
      lock.lock();
    }
    lock.unlock();
    worker.join();
  }
  if (failure) std::rethrow_exception(failure);
  if (raised && !raised->matches(PyExc_KeyboardInterrupt)) throw std::move(*raised);
  return raised.has_value();
}

// One layer (W, b) as exact rationals: every double is the number it denotes.
std::pair<RationalMatrix, std::vector<Rational>> layer_exact(const py::array_t<double, py::array::c_style>& W,
                                                              const py::array_t<double, py::array::c_style>& b, std::size_t index) {
  const std::string where = "layer " + std::to_string(index + 1);
  if (W.ndim() != 2) throw InputError(where, "W has " + std::to_string(W.ndim()) + " dimensions, expected 2 (out x in)");
  if (b.ndim() != 1) throw InputError(where, "b has " + std::to_string(b.ndim()) + " dimensions, expected 1");
  auto w = W.unchecked<2>();
  auto bias = b.unchecked<1>();
  std::pair<RationalMatrix, std::vector<Rational>> layer;
  layer.first.assign(std::size_t(w.shape(0)), std::vector<Rational>(std::size_t(w.shape(1))));
  for (py::ssize_t i = 0; i < w.shape(0); ++i)
    for (py::ssize_t j = 0; j < w.shape(1); ++j) {
      try {
        layer.first[i][j] = rational_from_double(w(i, j));
      } catch (const InputError& e) {
        throw InputError(where + " W[" + std::to_string(i) + "][" + std::to_string(j) + "]", e.what());
      }
    }
  for (py::ssize_t i = 0; i < bias.shape(0); ++i) {
    try {
      layer.second.push_back(rational_from_double(bias(i)));
    } catch (const InputError& e) {
      throw InputError(where + " b[" + std::to_string(i) + "]", e.what());
    }
  }
  return layer;
}

// A network file (path, normalized) or a list of (W, b) float64 arrays;
// ReLU follows every layer but the last.
Network network_from_python(const py::object& model, bool normalized, const std::string& source) {
  if (py::isinstance<py::str>(model)) {
    LoadOptions options;
    options.nnet_normalized = normalized;
    return network_load(model.cast<std::string>(), options);
  }
  auto arrays = model.cast<std::vector<std::pair<py::array_t<double, py::array::c_style>, py::array_t<double, py::array::c_style>>>>();
  if (arrays.empty()) throw InputError(source, "no layers");
  std::vector<std::pair<RationalMatrix, std::vector<Rational>>> layers;
  for (std::size_t i = 0; i < arrays.size(); ++i) layers.push_back(layer_exact(arrays[i].first, arrays[i].second, i));
  if (layers.front().first.empty()) throw InputError(source, "layer 1 has no rows");
  const std::size_t input_dim = layers.front().first.front().size();
  return network_from_layers(input_dim, std::move(layers), source);
}

// Writes a decided claim to certificate_path and replays it (a claim that
// does not replay is removed and raises).
void write_claim(const std::string& certificate_path, const Json& claim, py::dict& out, Json& report) {
  file_write_atomic(certificate_path, claim.dump(1) + "\n");
  out["replayed"] = claim_replay_written(certificate_path);
  out["claim"] = json_to_python(claim);
  report["certificate"] = certificate_path;
}

// claim_network: the network file the claim names (the model's path, or a
// file the caller wrote for an in-memory model), as typed. When
// certificate_path is not empty the claim is written there as the command
// line writes it (the network named relative to the claim's folder, the id
// from the file name) and replayed by the checker; a claim that does not
// replay is removed and raises. Without a path the claim names the network
// as given.
py::dict lipschitz(const py::object& model, bool normalized, const std::string& source, const LipschitzRequest& request,
                   const std::string& certificate_path, const std::string& claim_network) {
  LipschitzRun run = lipschitz_prepare(network_from_python(model, normalized, source), request);
  if (!certificate_path.empty()) file_check_output_path(certificate_path);
  std::atomic<bool> stop{false};
  run.options.stop = &stop;
  run_interruptible([&] { lipschitz_run(run); }, stop);
  py::dict out;
  Json report = lipschitz_report_json(run, request.norm, request.digits);
  if (request.want_certificate) {
    const LipschitzResult& r = run.result;
    if (r.certificate.is_null()) throw InputError("certificate", "no certificate was made: " + r.certificate_error);
    const bool written = !certificate_path.empty();
    const Json claim = written ? lipschitz_claim_json(run, claim_id_for(certificate_path), claim_path_for(claim_network, certificate_path), normalized)
                               : lipschitz_claim_json(run, "lipschitz-" + request.norm, claim_network, normalized);
    if (written) write_claim(certificate_path, claim, out, report);
    else out["claim"] = json_to_python(claim);
  }
  out["report"] = json_to_python(report);
  return out;
}

// The claim a certificate_path receives (see lipschitz above), and the
// checker's replay of it, which the search asks before it writes.
ClaimTarget claim_target(const std::string& certificate_path, const std::string& claim_network, bool normalized) {
  if (certificate_path.empty()) return {};
  return ClaimTarget{claim_id_for(certificate_path), claim_path_for(claim_network, certificate_path), normalized};
}
ClaimConfirm claim_confirm(const std::string& certificate_path) {
  if (certificate_path.empty()) return {};
  return [&certificate_path](const Json& claim) { return claim_replay(claim, certificate_path).passed; };
}

// With a certificate_path, a decided claim (kind robustness) is written there
// as the command line writes it, naming claim_network, and replayed by the
// checker (see lipschitz above).
py::dict certify_ball(const py::object& model, bool normalized, const std::string& source, const RobustnessRequest& request,
                      double time_limit, std::uint64_t seed, int digits, const std::string& certificate_path,
                      const std::string& claim_network) {
  Network net = network_from_python(model, normalized, source);
  RobustnessQuery query = robustness_query_parse(request);
  if (!certificate_path.empty()) file_check_output_path(certificate_path);
  std::atomic<bool> stop{false};
  CertifyOptions options;
  options.time_limit_seconds = time_limit;
  options.stop = &stop;
  options.seed = seed;
  const ClaimTarget target = claim_target(certificate_path, claim_network, normalized);
  CertifyResult result;
  run_interruptible([&] { result = robustness_certify_confirmed(net, query, options, target, claim_confirm(certificate_path)); }, stop);
  py::dict out;
  Json report = robustness_ball_report_json(net, query, result, digits);
  if (!certificate_path.empty() && result.verdict != PropertyVerdict::Unknown)
    write_claim(certificate_path, certify_ball_claim(target, net, query.ball, result), out, report);
  out["report"] = json_to_python(report);
  out["radius_lower_exact"] = rational_to_string(result.radius_lower);
  out["margin_radius_exact"] = rational_to_string(result.margin_radius);
  return out;
}

py::dict certify_vnnlib(const py::object& model, bool normalized, const std::string& source, const std::string& vnnlib_path,
                        double time_limit, unsigned threads, std::uint64_t seed, int digits, const std::string& certificate_path,
                        const std::string& claim_network) {
  Network net = network_from_python(model, normalized, source);
  std::vector<SafetyProperty> cases = vnnlib_read_cases(vnnlib_path, net.input_dim, net.output_dim());
  if (!certificate_path.empty()) file_check_output_path(certificate_path);
  std::atomic<bool> stop{false};
  BranchOptions options;  // the command line's defaults
  options.time_limit_seconds = time_limit;
  options.threads = threads;
  options.stop = &stop;
  options.seed = seed;
  const ClaimTarget target = claim_target(certificate_path, claim_network, normalized);
  const std::string statement = vnnlib_statement(vnnlib_path, claim_network);
  CasesResult result;
  run_interruptible([&] { result = property_certify_confirmed(net, cases, options, target, statement, claim_confirm(certificate_path)); }, stop);
  py::dict out;
  Json report = robustness_property_report_json(net, vnnlib_path, cases.size(), options, result, digits);
  if (!certificate_path.empty() && result.status != PropertyVerdict::Unknown)
    write_claim(certificate_path, certify_cases_claim(target, statement, net, cases, result), out, report);
  out["report"] = json_to_python(report);
  return out;
}

py::dict theorem(const std::string& edition, const std::map<std::string, std::string>& values, int digits) {
  TheoremEvaluation e = theorem_evaluate(theorem_params_from_text(edition, values), digits);
  py::dict out;
  out["report"] = json_to_python(theorem_evaluation_json(e));
  if (e.bound.status != BoundValue::Status::Undefined) {
    out["bound_lower_exact"] = rational_to_string(e.bound.value.lower);
    out["bound_upper_exact"] = rational_to_string(e.bound.value.upper);
  }
  return out;
}

// The data set from exact texts (decimal or a/b): one row of features per
// label; entries are named by row and column in errors.
Dataset dataset_from_text(const std::vector<std::vector<std::string>>& x, const std::vector<std::string>& y, const std::string& source) {
  if (x.size() != y.size()) throw InputError(source, std::to_string(x.size()) + " rows of features, " + std::to_string(y.size()) + " labels");
  Dataset data;
  data.source = source;
  for (std::size_t i = 0; i < x.size(); ++i) {
    data.x.emplace_back();
    for (std::size_t j = 0; j < x[i].size(); ++j)
      data.x.back().push_back(rational_parse(x[i][j], source + ": X[" + std::to_string(i) + "][" + std::to_string(j) + "]"));
    if (data.x.back().size() != data.x.front().size()) throw InputError(source, "row " + std::to_string(i) + " of X has another length");
    data.y.push_back(rational_parse(y[i], source + ": y[" + std::to_string(i) + "]"));
  }
  return data;
}

// The audit of a trained scalar network on a data set (a file, or rows
// given as exact texts when `data_file` is empty), as `robustlaw audit --json`.
py::dict audit(const py::object& model, bool normalized, const std::string& source, const std::string& data_file,
               const std::string& labels_column, const std::vector<std::vector<std::string>>& x, const std::vector<std::string>& y,
               const std::string& edition, const std::map<std::string, std::string>& values, bool box_data, double time_limit,
               const std::string& rel_gap, int digits) {
  const AuditSettings settings = audit_settings_from_text(edition, values, digits);
  const Network net = network_from_python(model, normalized, source);
  const Dataset data = data_file.empty() ? dataset_from_text(x, y, "data") : dataset_read(data_file, labels_column);
  if (data.d() != net.input_dim)
    throw InputError(data.source, std::to_string(data.d()) + " feature columns, the network has " + std::to_string(net.input_dim) + " inputs");
  AuditLipschitzOptions lo;
  lo.on_data_box = box_data;
  lo.time_limit_seconds = time_limit;
  lo.rel_gap = lipschitz_rel_gap_parse(rel_gap, "rel_gap");
  std::atomic<bool> stop{false};
  lo.stop = &stop;
  CertifiedLipschitz lip;
  run_interruptible([&] { lip = audit_certify_lipschitz(net, data, lo); }, stop);
  const AuditReport r = audit_run(net, data, settings, lip);
  py::dict out;
  out["report"] = json_to_python(audit_report_json(r, digits));
  out["mse_exact"] = rational_to_string(r.mse);
  out["lip_lower_exact"] = rational_to_string(r.lip.lower);
  out["lip_upper_exact"] = rational_to_string(r.lip.upper);
  return out;
}

// Replays the claim files named by `paths` (folders recursively), one after
// another; a KeyboardInterrupt ends the run after the file being checked,
// and the others are reported as not checked, as the command line does.
py::dict check(const std::vector<std::string>& paths, const std::string& repo_root) {
  std::vector<std::string> files = claim_files_collect(paths);
  std::set<std::string> named(paths.begin(), paths.end());
  std::vector<TimedClaimReport> reports;
  std::vector<std::string> skipped;
  std::atomic<bool> stop{false};
  std::size_t done = 0;
  const auto start = std::chrono::steady_clock::now();
  bool interrupted = run_interruptible([&] {
    for (; done < files.size() && !stop.load(); ++done) claim_replay_one(files[done], named.count(files[done]) > 0, repo_root, reports, skipped);
  }, stop);
  claim_replay_mark_duplicate_ids(reports);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<std::string> not_checked(files.begin() + long(done), files.end());
  py::dict out;
  out["report"] = json_to_python(claim_replay_json(reports, skipped, seconds, interrupted && !not_checked.empty() ? "interrupted" : "complete",
                                                   not_checked));
  return out;
}

}  // namespace
}  // namespace rl::python

PYBIND11_MODULE(_robustlaw, m) {
  using namespace rl;
  using namespace rl::python;
  m.doc() = "robustlaw's compiled half; use the package robustlaw";
  py::register_exception<InputError>(m, "InputError", PyExc_ValueError);

  py::class_<LipschitzRequest>(m, "LipschitzRequest")
      .def(py::init<>())
      .def_readwrite("norm", &LipschitzRequest::norm)
      .def_readwrite("global_", &LipschitzRequest::global)
      .def_readwrite("box", &LipschitzRequest::box)
      .def_readwrite("rel_gap", &LipschitzRequest::rel_gap)
      .def_readwrite("time_limit", &LipschitzRequest::time_limit)
      .def_readwrite("threads", &LipschitzRequest::threads)
      .def_readwrite("output", &LipschitzRequest::output)
      .def_readwrite("output_diff", &LipschitzRequest::output_diff)
      .def_readwrite("node_limit", &LipschitzRequest::node_limit)
      .def_readwrite("max_memory", &LipschitzRequest::max_memory)
      .def_readwrite("lipsdp", &LipschitzRequest::lipsdp)
      .def_readwrite("want_certificate", &LipschitzRequest::want_certificate)
      .def_readwrite("baselines", &LipschitzRequest::baselines)
      .def_readwrite("digits", &LipschitzRequest::digits);
  py::class_<RobustnessRequest>(m, "RobustnessRequest")
      .def(py::init<>())
      .def_readwrite("input", &RobustnessRequest::input)
      .def_readwrite("radius", &RobustnessRequest::radius)
      .def_readwrite("norm", &RobustnessRequest::norm)
      .def_readwrite("label", &RobustnessRequest::label);

  m.def("lipschitz", &rl::python::lipschitz, py::arg("model"), py::arg("normalized"), py::arg("source"), py::arg("request"),
        py::arg("certificate_path"), py::arg("claim_network"));
  m.def("certify_ball", &certify_ball, py::arg("model"), py::arg("normalized"), py::arg("source"), py::arg("request"),
        py::arg("time_limit"), py::arg("seed"), py::arg("digits"), py::arg("certificate_path"), py::arg("claim_network"));
  m.def("certify_vnnlib", &certify_vnnlib, py::arg("model"), py::arg("normalized"), py::arg("source"), py::arg("vnnlib"),
        py::arg("time_limit"), py::arg("threads"), py::arg("seed"), py::arg("digits"), py::arg("certificate_path"),
        py::arg("claim_network"));
  m.def("theorem", &rl::python::theorem, py::arg("edition"), py::arg("values"), py::arg("digits"));
  m.def("check", &rl::python::check, py::arg("paths"), py::arg("repo_root"));
  m.def("audit", &rl::python::audit, py::arg("model"), py::arg("normalized"), py::arg("source"), py::arg("data_file"),
        py::arg("labels_column"), py::arg("x"), py::arg("y"), py::arg("edition"), py::arg("values"), py::arg("box_data"),
        py::arg("time_limit"), py::arg("rel_gap"), py::arg("digits"));
  m.def("network_json", [](const py::object& model, bool normalized, const std::string& source) {
    return network_to_json(network_from_python(model, normalized, source));
  }, py::arg("model"), py::arg("normalized"), py::arg("source"));
}
