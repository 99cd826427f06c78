// The Lipschitz engine against brute-force region enumeration, hand-computed
// constants, and consistency between its methods.
#include <doctest/doctest.h>
#include <glpk.h>

#include <chrono>
#include <cmath>
#include <random>

#include "arith/error.hpp"
#include "lipschitz/lipschitz.hpp"
#include "lipschitz/problem.hpp"
#include "lipschitz/upper_bounds.hpp"
#include "net/eval.hpp"
#include "net/load.hpp"
#include "net/random_network.hpp"
#include "test_scale.hpp"
#include "test_support.hpp"

using namespace rl::test;

using namespace rl;

namespace {

double to_d(const Rational& q) { return rational_to_double(q); }

// Float operator norm of a Jacobian (l2 by a Jacobi-free power iteration on
// J^T J, many steps): brute force only.
double norm_double(const RationalMatrix& j, Norm norm) {
  const std::size_t rows = j.size(), cols = j[0].size();
  double best = 0;
  if (norm != Norm::L2) {
    const std::size_t outer = norm == Norm::Linf ? rows : cols, inner = norm == Norm::Linf ? cols : rows;
    for (std::size_t a = 0; a < outer; ++a) {
      double s = 0;
      for (std::size_t b = 0; b < inner; ++b) s += std::fabs(to_d(norm == Norm::Linf ? j[a][b] : j[b][a]));
      best = std::max(best, s);
    }
    return best;
  }
  std::vector<double> g(cols * cols, 0.0);
  for (std::size_t a = 0; a < cols; ++a)
    for (std::size_t b = 0; b < cols; ++b)
      for (std::size_t r = 0; r < rows; ++r) g[a * cols + b] += to_d(j[r][a]) * to_d(j[r][b]);
  // Largest eigenvalue of the small symmetric g: power iteration from several starts.
  for (int start = 0; start < 3; ++start) {
    std::vector<double> v(cols, 1.0);
    if (start > 0) v[start % cols] = 5.0 * start;
    double lambda = 0;
    for (int it = 0; it < 2000; ++it) {
      std::vector<double> w(cols, 0.0);
      double n = 0;
      for (std::size_t a = 0; a < cols; ++a) {
        for (std::size_t b = 0; b < cols; ++b) w[a] += g[a * cols + b] * v[b];
        n += w[a] * w[a];
      }
      n = std::sqrt(n);
      if (n == 0) break;
      double vv = 0, vw = 0;
      for (std::size_t a = 0; a < cols; ++a) { vw += v[a] * w[a]; vv += v[a] * v[a]; }
      lambda = vw / vv;
      for (std::size_t a = 0; a < cols; ++a) v[a] = w[a] / n;
    }
    best = std::max(best, std::sqrt(std::max(lambda, 0.0)));
  }
  return best;
}

// Brute force: enumerate activation patterns depth-first, deciding each prefix
// by a float LP (largest slack to the decided hyperplanes inside the box).
// Returns [max over clearly feasible regions, max over possibly feasible ones].
struct Brute {
  const Network& net;
  const std::vector<Rational>& lo;
  const std::vector<Rational>& hi;
  Norm norm;
  double clear = 0, possible = 0;
  ActivationPattern pat;

  // Affine pre-activations of layer k (given the pattern of earlier layers).
  void affine(std::size_t k, std::vector<std::vector<double>>& a, std::vector<double>& c) {
    const std::size_t d = net.input_dim;
    a.assign(d, std::vector<double>(d, 0.0));
    c.assign(d, 0.0);
    for (std::size_t i = 0; i < d; ++i) a[i][i] = 1;
    for (std::size_t l = 0; l <= k; ++l) {
      const Layer& L = net.layers[l];
      std::vector<std::vector<double>> na(L.out_dim(), std::vector<double>(d, 0.0));
      std::vector<double> nc(L.out_dim(), 0.0);
      for (std::size_t i = 0; i < L.out_dim(); ++i) {
        nc[i] = to_d(L.bias[i]);
        for (std::size_t j = 0; j < L.in_dim(); ++j) {
          double w = to_d(L.weights[i][j]);
          nc[i] += w * c[j];
          for (std::size_t t = 0; t < d; ++t) na[i][t] += w * a[j][t];
        }
        if (l < k && !pat.active[l][i]) { std::fill(na[i].begin(), na[i].end(), 0.0); nc[i] = 0; }
      }
      a = na;
      c = nc;
    }
  }

  double slack(std::size_t upto_layer, std::size_t upto_neuron) {
    const std::size_t d = net.input_dim;
    glp_prob* lp = glp_create_prob();
    glp_set_obj_dir(lp, GLP_MAX);
    glp_add_cols(lp, int(d) + 1);
    for (std::size_t i = 0; i < d; ++i) {
      double l = to_d(lo[i]), h = to_d(hi[i]);
      glp_set_col_bnds(lp, int(i) + 1, l < h ? GLP_DB : GLP_FX, l, h);
    }
    glp_set_col_bnds(lp, int(d) + 1, GLP_DB, -1, 1);
    glp_set_obj_coef(lp, int(d) + 1, 1);
    std::vector<int> ia{0}, ja{0};
    std::vector<double> ar{0};
    int row = 0;
    double forced = 1e300;  // constant constraints
    for (std::size_t k = 0; k <= upto_layer; ++k) {
      std::vector<std::vector<double>> a;
      std::vector<double> c;
      affine(k, a, c);
      std::size_t n = k < upto_layer ? a.size() : upto_neuron + 1;
      for (std::size_t i = 0; i < n; ++i) {
        double s = pat.active[k][i] ? 1 : -1, nrm = 0;
        for (std::size_t t = 0; t < d; ++t) if (lo[t] < hi[t]) nrm += a[i][t] * a[i][t];
        nrm = std::sqrt(nrm);
        double cst = c[i];
        for (std::size_t t = 0; t < d; ++t) if (!(lo[t] < hi[t])) cst += a[i][t] * to_d(lo[t]);
        if (nrm == 0) { forced = std::min(forced, s * cst > 0 ? 1.0 : (s * cst == 0 ? 0.0 : -1.0)); continue; }
        glp_add_rows(lp, 1);
        ++row;
        glp_set_row_bnds(lp, row, GLP_LO, -s * cst / nrm, 0);
        for (std::size_t t = 0; t < d; ++t)
          if (lo[t] < hi[t]) { ia.push_back(row); ja.push_back(int(t) + 1); ar.push_back(s * a[i][t] / nrm); }
        ia.push_back(row); ja.push_back(int(d) + 1); ar.push_back(-1);
      }
    }
    if (row) glp_load_matrix(lp, int(ia.size()) - 1, ia.data(), ja.data(), ar.data());
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_ON;
    double t = -1;
    if (glp_simplex(lp, &parm) == 0 && glp_get_status(lp) == GLP_OPT) t = glp_get_obj_val(lp);
    glp_delete_prob(lp);
    return std::min(t, forced);
  }

  void dfs(std::size_t k, std::size_t i, bool clearly) {
    if (k + 1 == net.layers.size()) {
      RationalMatrix j = net_jacobian_exact(net, pat);
      for (auto& row : j) for (std::size_t c = 0; c < row.size(); ++c) if (!(lo[c] < hi[c])) row[c] = 0;
      double v = norm_double(j, norm);
      possible = std::max(possible, v);
      if (clearly) clear = std::max(clear, v);
      return;
    }
    std::size_t nk = i + 1 < net.layers[k].out_dim() ? k : k + 1, ni = i + 1 < net.layers[k].out_dim() ? i + 1 : 0;
    for (int on = 0; on < 2; ++on) {
      pat.active[k][i] = on;
      double s = slack(k, i);
      if (s < -1e-9) continue;
      dfs(nk, ni, clearly && s > 1e-7);
    }
  }

  void run() {
    for (std::size_t k = 0; k + 1 < net.layers.size(); ++k) pat.active.emplace_back(net.layers[k].out_dim(), 0);
    if (net.layers.size() == 1) { dfs(0, 0, true); return; }
    dfs(0, 0, true);
  }
};

// A tiny random network with optional degeneracies.
Network tiny_network(std::mt19937_64& rng, std::size_t d) {
  std::uniform_int_distribution<int> width(1, 6), kind(0, 7), depth(1, 2), outs(1, 3);
  std::normal_distribution<double> g(0, 1);
  std::size_t hidden = depth(rng);
  std::vector<std::size_t> sizes{d};
  for (std::size_t k = 0; k < hidden; ++k) sizes.push_back(width(rng));
  if (hidden == 2) sizes[2] = std::min<std::size_t>(sizes[2], 8 - std::min<std::size_t>(sizes[1], 4)), sizes[1] = std::min<std::size_t>(sizes[1], 4);
  sizes.push_back(outs(rng));
  std::vector<std::pair<RationalMatrix, std::vector<Rational>>> layers;
  for (std::size_t k = 1; k < sizes.size(); ++k) {
    RationalMatrix w(sizes[k], std::vector<Rational>(sizes[k - 1]));
    std::vector<Rational> b(sizes[k]);
    for (auto& row : w) for (Rational& x : row) x = rational_from_double(g(rng));
    for (Rational& x : b) x = rational_from_double(0.5 * g(rng));
    for (std::size_t i = 0; i < sizes[k]; ++i) {
      switch (kind(rng)) {
        case 0: if (i > 0) { w[i] = w[0]; b[i] = b[0]; } break;                       // duplicate neuron
        case 1: for (Rational& x : w[i]) x = 0; break;                                 // zero row
        case 2: if (i > 0) { for (std::size_t j = 0; j < w[i].size(); ++j) w[i][j] = w[0][j] * 3; } break;  // parallel
        case 3: {                                                                      // through the point 1/4
          b[i] = 0;
          for (const Rational& x : w[i]) b[i] -= x / 4;
          break;
        }
        case 4: { Rational s = rational_pow10(std::uniform_int_distribution<int>(-8, 8)(rng));  // scales 1e-8..1e8
          for (Rational& x : w[i]) x *= s; b[i] *= s; break; }
        default: break;
      }
    }
    layers.emplace_back(std::move(w), std::move(b));
  }
  return network_from_layers(d, std::move(layers));
}

LipschitzOptions box_options(Norm norm, const std::vector<Rational>& lo, const std::vector<Rational>& hi) {
  LipschitzOptions o;
  o.norm = norm;
  o.domain.lo = lo;
  o.domain.hi = hi;
  o.rel_gap = Rational(1, 1000000);
  o.threads = 1;
  o.node_limit = 4000;
  return o;
}

}  // namespace

TEST_CASE("lipschitz bounds enclose the brute-force constant of tiny random networks") {
  std::mt19937_64 rng(20261126);
  std::uniform_int_distribution<int> dim(1, 3), norm_pick(0, 2), coin(0, 5);
  const std::size_t cases = rl::test::scaled(400);
  std::size_t converged = 0;
  for (std::size_t n = 0; n < cases; ++n) {
    std::size_t d = dim(rng);
    Network net = tiny_network(rng, d);
    Norm norm = norm_pick(rng) == 0 ? Norm::L1 : (norm_pick(rng) == 1 ? Norm::L2 : Norm::Linf);
    std::vector<Rational> lo, hi;
    for (std::size_t i = 0; i < d; ++i) {
      Rational a = rational_from_double(std::uniform_real_distribution<double>(-2, 1)(rng));
      Rational w = coin(rng) == 0 ? Rational(0) : rational_from_double(std::uniform_real_distribution<double>(0.01, 3)(rng));
      lo.push_back(a);
      hi.push_back(a + w);  // w = 0: a fixed coordinate
    }
    LipschitzOptions o = box_options(norm, lo, hi);
    o.baselines = n % 2 == 0;  // else they are computed only when the search stops unconverged
    LipschitzResult r = lipschitz_bound(net, o);
    Brute b{net, lo, hi, norm};
    b.run();
    INFO("case " << n << " norm " << norm_name(norm) << " d " << d << " lower " << to_d(r.lower) << " upper " << to_d(r.upper)
                 << " brute [" << b.clear << ", " << b.possible << "]");
    CHECK(r.lower <= r.upper);
    CHECK(to_d(r.lower) <= b.possible * (1 + 1e-9) + 1e-300);
    CHECK(to_d(r.upper) >= b.clear * (1 - 1e-9));
    REQUIRE(r.baselines.has_value() == (o.baselines || r.status != SearchStatus::Converged));
    if (r.baselines) {
      CHECK(r.baselines->product_upper >= r.lower);
      CHECK(r.baselines->clarke_upper >= r.lower);
    }
    converged += r.status == SearchStatus::Converged;
  }
  // Most tiny cases converge; degenerate ones (coincident hyperplanes) may not.
  CHECK(converged * 10 >= cases * 8);
}

TEST_CASE("lipschitz of an affine map is its operator norm, in every norm") {
  // f(x) = W x + b with W = [[3, -4], [1, 2]]: l1 = 6, linf = 7, l2 = sqrt(15 + sqrt(125)).
  Network net = network_from_layers(2, {{{{3, -4}, {1, 2}}, {0, 0}}});
  std::vector<Rational> lo{-1, -1}, hi{1, 1};
  // Exact lower bounds; upper bounds within the float walk's rounding-error bound.
  const Rational tol(1, 1000000000000);
  LipschitzResult r1 = lipschitz_bound(net, box_options(Norm::L1, lo, hi));
  CHECK(r1.lower == 6);
  CHECK(r1.upper >= 6);
  CHECK(r1.upper <= 6 * (1 + tol));
  LipschitzResult ri = lipschitz_bound(net, box_options(Norm::Linf, lo, hi));
  CHECK(ri.lower == 7);
  CHECK(ri.upper >= 7);
  CHECK(ri.upper <= 7 * (1 + tol));
  LipschitzResult r2 = lipschitz_bound(net, box_options(Norm::L2, lo, hi));
  double exact = std::sqrt(15 + std::sqrt(125.0));
  CHECK(to_d(r2.lower) <= exact);
  CHECK(to_d(r2.upper) >= exact);
  CHECK(r2.status == SearchStatus::Converged);
  // Only the first coordinate varies: the first column's norm.
  LipschitzResult fixed = lipschitz_bound(net, box_options(Norm::L1, {-1, Rational(1, 3)}, {1, Rational(1, 3)}));
  CHECK(fixed.lower == 4);
  CHECK(fixed.upper >= 4);
  CHECK(fixed.upper <= 4 * (1 + tol));
}

TEST_CASE("lipschitz of a ReLU network with a known kink") {
  // f(x) = relu(x) - 2 relu(x - 1) on [-1, 3]: slopes 0, 1, -1; L = 1. On [1.5, 3]: 1, on [-1, -0.5]: 0.
  Network net = network_from_layers(1, {{{{1}, {1}}, {0, -1}}, {{{1, -2}}, {0}}});
  LipschitzResult r = lipschitz_bound(net, box_options(Norm::L2, {-1}, {3}));
  CHECK(r.lower == 1);
  CHECK(r.upper >= 1);
  CHECK(r.upper <= 1 + Rational(1, 1000000000000));
  LipschitzResult flat = lipschitz_bound(net, box_options(Norm::Linf, {-1}, {Rational(-1, 2)}));
  CHECK(flat.lower == 0);
  CHECK(flat.upper == 0);
  CHECK(flat.status == SearchStatus::Converged);
}

TEST_CASE("lipschitz results do not depend on the thread count") {
  Network net = random_network({3, 10, 10, 2}, 7);
  LipschitzOptions o = box_options(Norm::L2, {-1, -1, -1}, {1, 1, 1});
  o.node_limit = 100;
  o.rel_gap = 0;
  LipschitzResult a = lipschitz_bound(net, o);
  o.threads = 3;
  LipschitzResult b = lipschitz_bound(net, o);
  CHECK(a.lower == b.lower);
  CHECK(a.upper == b.upper);
  CHECK(a.nodes == b.nodes);
  CHECK(a.leaves == b.leaves);
}

TEST_CASE("lipschitz on .nnet: the clamp box, boxes partly and wholly outside it") {
  Network net = network_load(kNets + "/sisl/TestNetwork.nnet");
  // Coordinates 1..4 wholly outside the clamp are constant: L = 0.
  std::vector<Rational> lo{-10, 10, 10, 2000, 2000}, hi{-5, 20, 20, 3000, 3000};
  LipschitzResult zero = lipschitz_bound(net, box_options(Norm::L2, lo, hi));
  CHECK(zero.upper == 0);
  CHECK(zero.lower == 0);
  // A small box partly outside the clamp: L equals L on the clamped box.
  std::vector<Rational> lo2{-100, 0, 0, 500, 500}, hi2{100, Rational(1, 100), Rational(1, 100), 501, 501};
  std::vector<Rational> lo3{0, 0, 0, 500, 500};
  LipschitzOptions o2 = box_options(Norm::Linf, lo2, hi2), o3 = box_options(Norm::Linf, lo3, hi2);
  o2.node_limit = o3.node_limit = 60;
  LipschitzResult a = lipschitz_bound(net, o2), b = lipschitz_bound(net, o3);
  CHECK(a.lower <= b.upper);
  CHECK(b.lower <= a.upper);
  CHECK(a.lower > 0);
  // Global = the clamp box; the bounds from a quick run must bracket a sampled slope.
  LipschitzOptions g;
  g.norm = Norm::L1;
  g.domain.global = true;
  g.node_limit = 30;
  g.threads = 1;
  LipschitzResult r = lipschitz_bound(net, g);
  CHECK(r.lower > 0);
  CHECK(r.lower <= r.upper);
  REQUIRE(r.baselines);  // the node limit stops it unconverged
  CHECK(r.upper <= r.baselines->clarke_upper);
}

TEST_CASE("lipschitz on R^d bounds every sampled slope") {
  std::mt19937_64 rng(5);
  for (int n = 0; n < 20; ++n) {
    Network net = random_network({2, 5, 1}, 100 + n);
    LipschitzOptions o;
    o.norm = Norm::L2;
    o.domain.global = true;
    o.threads = 1;
    LipschitzResult r = lipschitz_bound(net, o);
    CHECK(r.lower <= r.upper);
    std::uniform_real_distribution<double> u(-50, 50);
    for (int s = 0; s < 200; ++s) {
      std::vector<Rational> x{rational_from_double(u(rng)), rational_from_double(u(rng))};
      std::vector<Rational> y{x[0] + rational_from_double(u(rng) * 1e-3), x[1] + rational_from_double(u(rng) * 1e-3)};
      Rational df = net_eval_exact(net, x)[0] - net_eval_exact(net, y)[0];
      Rational dx2 = (x[0] - y[0]) * (x[0] - y[0]) + (x[1] - y[1]) * (x[1] - y[1]);
      CHECK(df * df <= r.upper * r.upper * dx2);
    }
  }
}

TEST_CASE("lipschitz refuses a box of the wrong dimension or with LO > HI") {
  Network net = random_network({2, 3, 1}, 1);
  CHECK_THROWS_AS(lipschitz_bound(net, box_options(Norm::L2, {0}, {1})), InputError);
  CHECK_THROWS_AS(lipschitz_bound(net, box_options(Norm::L2, {0, 1}, {1, 0})), InputError);
  CHECK_THROWS_AS(norm_parse("l3"), InputError);
}

namespace lipschitz_test {

// inputs -> `layers` hidden layers of `width` -> 1 output, random weights.
Network deep_network(std::size_t inputs, int layers, std::size_t width, std::uint64_t seed) {
  std::vector<std::size_t> sizes{inputs};
  for (int k = 0; k < layers; ++k) sizes.push_back(width);
  sizes.push_back(1);
  return random_network(sizes, seed);
}

// l2 over R^d, one thread, the search and baselines only (no LipSDP step).
LipschitzOptions global_l2_search_only() {
  LipschitzOptions o;
  o.norm = Norm::L2;
  o.domain.global = true;
  o.threads = 1;
  o.lipsdp = LipschitzOptions::Lipsdp::Off;
  return o;
}

}  // namespace lipschitz_test

// A deep network over R^d: the search's Clarke bound multiplies interval
// widths layer by layer, and the product of layer norms is far below it.
// Without a certificate the product is the upper; with one the search's
// stays (the checker has no product certificate). Past the time limit the
// layers' LDL^T refinement is skipped: a looser product, still an upper.
TEST_CASE("lipschitz on a deep network over R^d: the product of layer norms is the upper when lower") {
  const Network net = lipschitz_test::deep_network(6, 8, 40, 4242);
  LipschitzOptions o = lipschitz_test::global_l2_search_only();
  o.node_limit = 1;
  const LipschitzResult r = lipschitz_bound(net, o);
  REQUIRE(r.baselines);
  INFO("upper " << to_d(r.upper) << " (" << r.upper_method << "), product " << to_d(r.baselines->product_upper) << ", Clarke "
                << to_d(r.baselines->clarke_upper));
  REQUIRE(r.baselines->product_upper < r.baselines->clarke_upper);
  CHECK(r.upper == r.baselines->product_upper);
  CHECK(r.upper_method.find("product of layer operator norms") == 0);
  CHECK(r.lower <= r.upper);

  LipschitzOptions with_certificate = o;
  with_certificate.want_certificate = true;
  const LipschitzResult c = lipschitz_bound(net, with_certificate);
  CHECK(c.upper > c.baselines->product_upper);
  CHECK(c.upper_method.find("product") == std::string::npos);

  // Out of time: every layer keeps its Frobenius / magnitude bound, which the refined one undercuts.
  const LipProblem p = lipschitz_problem(net, o);
  const Rational refined = lipschitz_upper_product(p), skipped = lipschitz_upper_product(p, [] { return true; });
  CHECK(refined == r.baselines->product_upper);
  CHECK(refined < skipped);
  CHECK(skipped <= lipschitz_upper_magnitude(p));
}

// The time limit covers the whole run on a deep, wide network: the region
// beam's steps (one per neuron, each a Jacobian) and the product's LDL^T
// steps ran unchecked, and a 3 s limit on 20 layers of 200 took 15.5 s.
TEST_CASE("lipschitz on a deep, wide network over R^d stops near its time limit") {
  const Network net = lipschitz_test::deep_network(16, 14, 160, 7);
  LipschitzOptions o = lipschitz_test::global_l2_search_only();
  o.time_limit_seconds = 2;
  const auto start = std::chrono::steady_clock::now();
  const LipschitzResult r = lipschitz_bound(net, o);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(seconds << " s, upper " << to_d(r.upper) << " (" << r.upper_method << ")");
  CHECK(seconds < o.time_limit_seconds + time_limit_slack(3));
  CHECK(r.status != SearchStatus::Converged);
  REQUIRE(r.baselines);
  CHECK(r.upper <= r.baselines->clarke_upper);
  CHECK(r.lower <= r.upper);
}
