// The audit: exact training error against a brute-force sum, CSV reading and
// its errors, and each verdict on constructed cases.
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <limits>
#include <ostream>
#include <random>

#include "arith/error.hpp"
#include "lipschitz/lipschitz.hpp"
#include "net/eval.hpp"
#include "net/random_network.hpp"
#include "theorem/audit.hpp"

using namespace rl;

namespace rl {
// Audit verdicts by name in doctest's failure output (test_support.hpp has
// the others; only this file compares audit verdicts).
inline std::ostream& operator<<(std::ostream& out, AuditVerdict verdict) { return out << audit_verdict_name(verdict); }
}  // namespace rl

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
  std::string path = (std::filesystem::temp_directory_path() / ("rl_theorem_" + name)).string();
  std::ofstream(path) << text;
  return path;
}

// h(x) = 2x - 1 on R^1 (one affine layer), data y = 2x - 1 on a grid: MSE 0.
Network line_network() { return network_from_layers(1, {{{{Rational(2)}}, {Rational(-1)}}}); }

Dataset line_data(long n) {
  Dataset d;
  d.source = "memory";
  for (long i = 0; i < n; ++i) {
    Rational x = Rational(Integer(i)) / Rational(Integer(n));
    d.x.push_back({x});
    d.y.push_back(2 * x - 1);
  }
  return d;
}

AuditSettings settings() {
  AuditSettings s;
  s.sigma = 1; s.delta = Rational(99) / 100; s.c = 1;
  return s;
}

}  // namespace

TEST_CASE("audit: the exact training MSE equals a brute-force rational sum") {
  // 2 -> 2 -> 1 network: relu(x1 - x2), relu(x2 + 1/3), output a - b/2 + 1/5.
  Network net = network_from_layers(2, {{{{Rational(1), Rational(-1)}, {Rational(0), Rational(1)}}, {Rational(0), Rational(1) / 3}},
                                        {{{Rational(1), Rational(-1) / 2}}, {Rational(1) / 5}}});
  std::string path = write_temp("mse.csv", "a,b,label\n0.5,-0.25,1\n-1/3,2,-1\n# comment\n\n0,0,0.5\n");
  Dataset data = dataset_read_csv(path, "label");
  REQUIRE(data.n() == 3);
  auto h = [](Rational a, Rational b) {
    Rational u = std::max(a - b, Rational(0)), v = std::max(b + Rational(1) / 3, Rational(0));
    return u - v / 2 + Rational(1) / 5;
  };
  Rational expect = 0;
  expect += (h(Rational(1) / 2, Rational(-1) / 4) - 1) * (h(Rational(1) / 2, Rational(-1) / 4) - 1);
  expect += (h(Rational(-1) / 3, 2) + 1) * (h(Rational(-1) / 3, 2) + 1);
  expect += (h(0, 0) - Rational(1) / 2) * (h(0, 0) - Rational(1) / 2);
  CHECK(audit_training_mse(net, data) == expect / 3);
  // The label column by index, here the first column (a) as label.
  Dataset by_index = dataset_read_csv(path, "0");
  CHECK(by_index.y[0] == Rational(1) / 2);
  CHECK(by_index.x[0][1] == 1);
}

// The MSE is summed on TBB's threads: the exact sum must not depend on the
// order, and a raised stop gives no value.
TEST_CASE("audit: the parallel exact MSE equals the row-by-row sum, and a stop gives none") {
  const Network net = random_network({3, 8, 8, 1}, 5);
  Dataset data;
  data.source = "generated";
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int> u(-999, 999);
  for (int row = 0; row < 3000; ++row) {
    data.x.push_back({Rational(u(rng), 1000), Rational(u(rng), 7), Rational(u(rng), 1000)});
    data.y.push_back(Rational(u(rng), 999));
  }
  Rational serial = 0;
  for (std::size_t i = 0; i < data.n(); ++i) {
    const Rational r = net_eval_exact(net, data.x[i])[0] - data.y[i];
    serial += r * r;
  }
  std::atomic<bool> flag{false};
  const std::optional<Rational> mse = audit_training_mse(net, data, &flag);
  REQUIRE(mse);
  CHECK(*mse == serial / 3000);
  CHECK(audit_training_mse(net, data) == *mse);
  flag = true;
  CHECK_FALSE(audit_training_mse(net, data, &flag));
}

TEST_CASE("audit: CSV errors name the file and line") {
  CHECK_THROWS_AS(dataset_read_csv(write_temp("bad1.csv", "1,2,3\n4,5\n")), InputError);
  CHECK_THROWS_AS(dataset_read_csv(write_temp("bad2.csv", "1,2,3\n4,x,6\n")), InputError);
  CHECK_THROWS_AS(dataset_read_csv(write_temp("bad3.csv", "a,b\n")), InputError);
  CHECK_THROWS_AS(dataset_read_csv(write_temp("bad4.csv", "a,b\n1,2\n"), "zz"), InputError);
  CHECK_THROWS_AS(dataset_read_csv("/nonexistent/data.csv"), InputError);
  try {
    dataset_read_csv(write_temp("bad5.csv", "1,2\n3,4\n5,nan\n"));
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find(":3") != std::string::npos);
  }
  Network net = line_network();
  Dataset two = dataset_read_csv(write_temp("two.csv", "1,2,3\n"));
  CHECK_THROWS_AS(audit_training_mse(net, two), InputError);  // 2 features, 1 input
}

namespace {

std::string npy_bytes(const std::string& descr, std::size_t rows, std::size_t cols, const std::string& payload) {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                       std::to_string(cols) + "), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = std::string("\x93NUMPY") + char(1) + char(0) + char(header.size() & 0xff) + char(header.size() >> 8);
  return out + header + payload;
}

template <class T>
std::string raw(const std::vector<T>& v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T)); }

}  // namespace

TEST_CASE("audit: .npy datasets are read as exact dyadics") {
  std::vector<double> d = {0.1, -2.5, 1.0, 3.0, 0.25, -1.0};
  Dataset a = dataset_read(write_temp("a.npy", npy_bytes("<f8", 2, 3, raw(d))));
  REQUIRE(a.n() == 2);
  CHECK(a.d() == 2);
  CHECK(a.x[0][0] == rational_from_double(0.1));
  CHECK(a.y[1] == -1);
  std::vector<float> f = {0.1f, 2.0f, -0.5f, 1.0f};
  Dataset b = dataset_read(write_temp("b.npy", npy_bytes("<f4", 2, 2, raw(f))), "0");
  CHECK(b.y[0] == rational_from_float(0.1f));
  CHECK(b.x[1][0] == 1);
  CHECK_THROWS_AS(dataset_read(write_temp("c.npy", npy_bytes("<i8", 2, 3, raw(d)))), InputError);
  CHECK_THROWS_AS(dataset_read(write_temp("d.npy", npy_bytes("<f8", 3, 3, raw(d)))), InputError);  // size mismatch
  CHECK_THROWS_AS(dataset_read(write_temp("e.npy", "not numpy at all")), InputError);
  std::vector<double> nan = {1.0, std::numeric_limits<double>::quiet_NaN()};
  CHECK_THROWS_AS(dataset_read(write_temp("f.npy", npy_bytes("<f8", 1, 2, raw(nan)))), InputError);
}

TEST_CASE("audit: verdict names, as the report prints them") {
  CHECK(audit_verdict_name(AuditVerdict::DoesNotApply) == "does-not-apply");
  CHECK(audit_verdict_name(AuditVerdict::Consistent) == "consistent");
  CHECK(audit_verdict_name(AuditVerdict::Vacuous) == "vacuous");
  CHECK(audit_verdict_name(AuditVerdict::Contradicted) == "contradicted");
  CHECK(audit_verdict_name(AuditVerdict::Undetermined) == "undetermined");
}

TEST_CASE("audit: verdicts on a perfectly fitted line") {
  Network net = line_network();
  // (8) with eps = 0.999, delta = 0.99, k = 1 needs n >= 4096 log(8/0.99) / 0.998001 = 8574.3...
  Dataset data = line_data(8600);
  LipschitzOptions lo;
  lo.domain.global = true;
  lo.threads = 1;
  LipschitzResult lip = lipschitz_bound(net, lo);
  REQUIRE(lip.lower <= 2);
  REQUIRE(lip.upper >= 2);
  CertifiedLipschitz certified{lip.lower, lip.upper, "engine", search_status_name(lip.status)};
  AuditReport r = audit_run(net, data, settings(), certified);
  CHECK(r.mse == 0);
  CHECK(r.epsilon == Rational(999) / 1000);
  CHECK(r.fits_below_noise);
  REQUIRE(r.theorem.has_value());
  CHECK(r.theorem->condition8.holds == std::optional<bool>(true));
  CHECK(r.corollary.p == 2);
  // R: the largest |x| = 8599/8600, rounded up; W_inf = 2, p = 2, D = 1.
  Rational xmax = Rational(8599) / 8600;
  CHECK(r.corollary.R >= xmax);
  CHECK(r.corollary.R - xmax < rational_pow2(-100));
  CHECK(r.J == r.corollary.R * 2 * 2);
  REQUIRE(r.vacuity_factor.has_value());
  CHECK(r.verdict == (*r.vacuity_factor >= 10 ? AuditVerdict::Vacuous : AuditVerdict::Consistent));
  // The eps sweep: the bound increases with eps, and (8) once true stays true.
  Json sweep = audit_epsilon_sweep(r, data, settings(), 5);
  REQUIRE(sweep.size() == 5);
  for (std::size_t j = 1; j < sweep.size(); ++j) {
    CHECK(rational_parse(sweep[j]["bound"]["lower"].get<std::string>()) > rational_parse(sweep[j - 1]["bound"]["upper"].get<std::string>()));
    if (sweep[j - 1]["condition_8"] == true) CHECK(sweep[j]["condition_8"] == true);
  }
  CHECK(sweep[4]["condition_8"] == true);
  CHECK(sweep[0]["condition_8"] == false);
  // A certified upper bound below the theorem's bound: contradicted.
  CertifiedLipschitz tiny{Rational(1) / 100000, Rational(1) / 100000, "given", "converged"};
  CHECK(audit_run(net, data, settings(), tiny).verdict == AuditVerdict::Contradicted);
  // Too few samples: (8) fails and the theorem does not apply.
  AuditReport small = audit_run(net, line_data(100), settings(), certified);
  CHECK(small.verdict == AuditVerdict::DoesNotApply);
  // A noise level below the fit: no eps.
  AuditSettings s = settings();
  s.sigma = Rational(1) / 1000;
  Network off = network_from_layers(1, {{{{Rational(2)}}, {Rational(0)}}});  // MSE 1
  CHECK(audit_run(off, line_data(100), s, certified).verdict == AuditVerdict::DoesNotApply);
  // A label outside [-1, 1] is a reason whatever else fails (a fit too poor
  // for any eps ended the report before the labels were named).
  Dataset far = line_data(100);
  far.y[3] = 3;
  for (const AuditSettings& with : {settings(), s}) {
    const AuditReport r = audit_run(net, far, with, certified);
    CHECK(r.verdict == AuditVerdict::DoesNotApply);
    CHECK_FALSE(r.labels_in_range);
    REQUIRE_FALSE(r.reasons.empty());
    CHECK(r.reasons.front().find("labels outside [-1, 1]") != std::string::npos);
  }
  // A class bound below the network's weights is refused.
  s = settings();
  s.W_inf = Rational(1);
  CHECK_THROWS_AS(audit_run(net, data, s, certified), InputError);
}
