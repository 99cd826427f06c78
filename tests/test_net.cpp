// Networks: loaders, exact vs float evaluation, enclosures, malformed input.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <filesystem>
#include <fstream>
#include <random>

#include <onnx/onnx_pb.h>

#include "arith/error.hpp"
#include "net/eval.hpp"
#include "net/load.hpp"
#include "test_support.hpp"

using namespace rl::test;

using namespace rl;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> acas_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kNets + "/acasxu")) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A random point of the clamp box of an .nnet network.
std::vector<Rational> random_point(const Network& net, std::mt19937_64& rng) {
  std::vector<Rational> x;
  std::uniform_int_distribution<long> u(0, 1 << 20);
  for (std::size_t i = 0; i < net.input_dim; ++i) {
    Rational t(Integer(u(rng)), Integer(1 << 20));
    x.push_back(net.clamp ? net.clamp->lo[i] + t * (net.clamp->hi[i] - net.clamp->lo[i]) : t * 2 - 1);
  }
  return x;
}

std::vector<double> to_double(const std::vector<Rational>& x) {
  std::vector<double> out;
  for (const Rational& q : x) out.push_back(rational_to_double(q));
  return out;
}

}  // namespace

TEST_CASE("all 45 ACAS Xu networks load, and exact evaluation agrees with float64") {
  auto files = acas_files();
  REQUIRE(files.size() == 45);
  std::mt19937_64 rng(5);
  for (const auto& f : files) {
    Network net = network_load(f);
    REQUIRE(net.input_dim == 5);
    REQUIRE(net.output_dim() == 5);
    REQUIRE(net.layers.size() == 7);
    CHECK(net.parameter_count() == 13305);
    for (int k = 0; k < 3; ++k) {
      auto x = random_point(net, rng);
      auto exact = net_eval_exact(net, x);
      auto approx = net_eval_double(net, to_double(x));
      for (std::size_t i = 0; i < 5; ++i)
        REQUIRE(std::fabs(rational_to_double(exact[i]) - approx[i]) <= 1e-9 * (1 + std::fabs(approx[i])));
    }
  }
}

TEST_CASE("TestNetwork2.onnx computes TestNetwork2.nnet up to float32 weight rounding") {
  Network a = network_load(kNets + "/sisl/TestNetwork2.nnet");
  Network b = network_load(kNets + "/sisl/TestNetwork2.onnx");
  REQUIRE(a.parameter_count() == b.parameter_count());
  REQUIRE(!b.clamp);
  std::mt19937_64 rng(8);
  for (int k = 0; k < 50; ++k) {
    auto x = random_point(a, rng);  // inside the clamp box, where the clamp is the identity
    auto ya = net_eval_exact(a, x), yb = net_eval_exact(b, x);
    for (std::size_t i = 0; i < ya.size(); ++i) {
      double da = rational_to_double(ya[i]), db = rational_to_double(yb[i]);
      REQUIRE(std::fabs(da - db) <= 1e-4 * (1 + std::fabs(da)));
    }
  }
}

TEST_CASE("interval enclosures contain exact values at random points") {
  Network net = network_load(kNets + "/acasxu/ACASXU_run2a_2_3_batch_2000.nnet");
  std::mt19937_64 rng(17);
  for (int k = 0; k < 40; ++k) {
    auto x = random_point(net, rng), y = random_point(net, rng);
    std::vector<Rational> lo, hi;
    for (std::size_t i = 0; i < x.size(); ++i) { lo.push_back(x[i] < y[i] ? x[i] : y[i]); hi.push_back(x[i] < y[i] ? y[i] : x[i]); }
    // A tiny box around x and the box spanned by x and y.
    std::vector<Rational> lo_small, hi_small;
    for (std::size_t i = 0; i < x.size(); ++i) { lo_small.push_back(x[i] - Rational(Integer(1), Integer(1000))); hi_small.push_back(x[i] + Rational(Integer(1), Integer(1000))); }
    for (auto [l, h] : {std::pair{lo, hi}, std::pair{lo_small, hi_small}}) {
      BoxBounds fast = net_ibp(net, dbox_from_rationals(l, h));
      std::vector<Interval> box;
      for (std::size_t i = 0; i < l.size(); ++i) box.push_back(Interval(l[i], h[i], 80));
      auto precise = net_eval_interval(net, box);
      auto exact = net_eval_exact(net, x);
      for (std::size_t i = 0; i < exact.size(); ++i) {
        REQUIRE(fast.output()[i].contains(exact[i]));
        REQUIRE(precise[i].contains(exact[i]));
        // Both enclose the range, so they overlap.
        bool overlap = rational_from_double(fast.output()[i].lo) <= precise[i].upper() &&
                       precise[i].lower() <= rational_from_double(fast.output()[i].hi);
        REQUIRE(overlap);
      }
    }
  }
}

TEST_CASE("the exact Jacobian matches finite differences inside a linear region") {
  Network net = network_load(kNets + "/sisl/TestNetwork.nnet");
  std::mt19937_64 rng(3);
  int interior = 0;
  for (int k = 0; k < 30; ++k) {
    auto x = random_point(net, rng);
    ExactTrace t = net_trace_exact(net, x);
    if (!t.is_interior()) continue;
    ++interior;
    RationalMatrix J = net_jacobian_exact(net, t.pattern());
    // A step small enough to stay in the region: check with the exact pattern.
    Rational h(Integer(1), Integer("1000000000000"));
    for (std::size_t c = 0; c < net.input_dim; ++c) {
      auto xs = x;
      xs[c] += h;
      ExactTrace ts = net_trace_exact(net, xs);
      if (ts.pattern().active != t.pattern().active || ts.pattern().input_active != t.pattern().input_active) continue;
      for (std::size_t r = 0; r < net.output_dim(); ++r)
        REQUIRE((ts.output()[r] - t.output()[r]) / h == J[r][c]);
    }
    // The Clarke enclosure on a box around x contains the exact Jacobian.
    std::vector<Rational> lo, hi;
    for (auto& v : x) { lo.push_back(v - Rational(Integer(1), Integer(100))); hi.push_back(v + Rational(Integer(1), Integer(100))); }
    IntervalMatrix enc = net_jacobian_enclosure(net, net_ibp(net, dbox_from_rationals(lo, hi)));
    for (std::size_t r = 0; r < J.size(); ++r)
      for (std::size_t c = 0; c < J[r].size(); ++c) REQUIRE(enc.at(r, c).contains(J[r][c]));
  }
  CHECK(interior > 20);
}

// The definition, one rational operation at a time: the reference for the
// integer passes of net_trace_exact and net_jacobian_exact.
std::vector<std::vector<Rational>> preactivations_by_definition(const Network& net, std::vector<Rational> cur) {
  std::vector<std::vector<Rational>> out;
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    std::vector<Rational> z = l.bias;
    for (std::size_t i = 0; i < z.size(); ++i)
      for (std::size_t j = 0; j < cur.size(); ++j) z[i] += l.weights[i][j] * cur[j];
    out.push_back(z);
    if (k + 1 < net.layers.size()) for (Rational& v : z) v = v < 0 ? Rational(0) : v;
    cur = std::move(z);
  }
  return out;
}

RationalMatrix jacobian_by_definition(const Network& net, const ActivationPattern& pattern) {
  RationalMatrix m(net.input_dim, std::vector<Rational>(net.input_dim, Rational(0)));
  for (std::size_t i = 0; i < net.input_dim; ++i) m[i][i] = pattern.input_active.empty() || pattern.input_active[i] ? 1 : 0;
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    const Layer& l = net.layers[k];
    RationalMatrix next(l.out_dim(), std::vector<Rational>(net.input_dim, Rational(0)));
    for (std::size_t i = 0; i < l.out_dim(); ++i)
      for (std::size_t j = 0; j < l.in_dim(); ++j)
        for (std::size_t c = 0; c < net.input_dim; ++c)
          next[i][c] += (k + 1 < net.layers.size() && !pattern.active[k][i] ? Rational(0) : l.weights[i][j] * m[j][c]);
    m = std::move(next);
  }
  return m;
}

TEST_CASE("the integer forward pass and Jacobian equal the rational definition") {
  std::mt19937_64 rng(17);
  // Weights with unrelated denominators (decimals, thirds, sevenths, powers
  // of two, large primes), zeros, and points with their own denominators.
  const long dens[] = {1, 3, 7, 10, 1000, 1024, 999983, 1000000007};
  std::uniform_int_distribution<long> num(-50, 50);
  std::uniform_int_distribution<int> den_pick(0, 7), width(1, 6), zero(0, 4);
  auto random_rational = [&] {
    return zero(rng) == 0 ? Rational(0) : Rational(Integer(num(rng)), Integer(dens[den_pick(rng)]));
  };
  int nets = 0, points = 0;
  for (; nets < int(scaled(300)); ++nets) {
    std::vector<std::pair<RationalMatrix, std::vector<Rational>>> layers;
    const std::size_t d = std::size_t(width(rng)), depth = 1 + std::size_t(width(rng)) % 4;
    std::size_t in = d;
    for (std::size_t k = 0; k < depth; ++k) {
      const std::size_t out = k + 1 == depth ? std::size_t(width(rng)) % 3 + 1 : std::size_t(width(rng));
      RationalMatrix w(out, std::vector<Rational>(in));
      std::vector<Rational> b(out);
      for (auto& row : w) for (Rational& q : row) q = random_rational();
      for (Rational& q : b) q = random_rational();
      layers.emplace_back(std::move(w), std::move(b));
      in = out;
    }
    Network net = network_from_layers(d, std::move(layers));
    if (nets % 2) {  // an input clamp [lo, lo + width]; points below, on and above its ends
      net.clamp = InputClamp{};
      for (std::size_t i = 0; i < d; ++i) {
        net.clamp->lo.push_back(random_rational());
        net.clamp->hi.push_back(net.clamp->lo.back() + Rational(Integer(1 + num(rng) % 7 + 7), Integer(dens[den_pick(rng)])));
      }
      network_finalize(net);
    }
    for (int t = 0; t < 5; ++t, ++points) {
      std::vector<Rational> x(d);
      for (std::size_t i = 0; i < d; ++i)
        x[i] = net.clamp && t % 2 ? (t == 1 ? net.clamp->lo[i] : net.clamp->hi[i]) : random_rational();
      std::vector<Rational> clamped = x;
      for (std::size_t i = 0; net.clamp && i < d; ++i)
        clamped[i] = std::min(std::max(x[i], net.clamp->lo[i]), net.clamp->hi[i]);
      const ExactTrace trace = net_trace_exact(net, x);
      REQUIRE(trace.clamped_input == clamped);
      REQUIRE(trace.preactivations == preactivations_by_definition(net, clamped));
      const ActivationPattern pattern = trace.pattern();
      REQUIRE(net_jacobian_exact(net, pattern) == jacobian_by_definition(net, pattern));
    }
  }
  CHECK(points == 5 * nets);
}

TEST_CASE("a re-finalized layer gets new integer weights, and copies share them") {
  Network net = network_from_layers(1, {{{{Rational(1, 3)}}, {Rational(1, 2)}}, {{{Rational(2)}}, {Rational(0)}}});
  const std::vector<Rational> x{Rational(3)};
  CHECK(net_eval_exact(net, x) == std::vector<Rational>{Rational(3)});
  const Network copy = net;
  CHECK(layer_scaled(copy.layers[0]) == layer_scaled(net.layers[0]));
  net.layers[0].weights[0][0] = Rational(1, 7);
  network_finalize(net);
  CHECK(layer_scaled(copy.layers[0]) != layer_scaled(net.layers[0]));
  CHECK(net_eval_exact(net, x) == std::vector<Rational>{Rational(2, 1) * (Rational(3, 7) + Rational(1, 2))});
  CHECK(net_eval_exact(copy, x) == std::vector<Rational>{Rational(3)});
}

TEST_CASE("JSON networks round-trip exactly") {
  Network net = network_load(kNets + "/sisl/TestNetwork.nnet");
  std::string text = network_to_json(net);
  Network back = network_parse_json(text, "roundtrip.json");
  REQUIRE(back.layers.size() == net.layers.size());
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    CHECK(back.layers[k].weights == net.layers[k].weights);
    CHECK(back.layers[k].bias == net.layers[k].bias);
  }
  REQUIRE(back.clamp);
  CHECK(back.clamp->lo == net.clamp->lo);
  // Decimal literals in JSON are read exactly, not through a double.
  Network tiny = network_parse_json(R"({"format":"robustlaw-net","version":1,"input_dim":1,
      "layers":[{"weights":[[0.1]],"bias":[0]},{"weights":[["1/3"]],"bias":["1e-1"]}]})", "tiny.json");
  CHECK(tiny.layers[0].weights[0][0] == Rational(Integer(1), Integer(10)));
  CHECK(net_eval_exact(tiny, {Rational(3)})[0] == Rational(Integer(1), Integer(5)));
}

TEST_CASE("malformed networks are refused with the file, the place and the reason") {
  std::string good = read(kNets + "/sisl/TestNetwork.nnet");
  auto expect_error = [](auto&& load, const std::string& fragment) {
    try {
      load();
      FAIL("accepted a malformed network");
    } catch (const InputError& e) {
      CHECK_MESSAGE(std::string(e.what()).find(fragment) != std::string::npos, e.what());
    }
  };
  // Truncated .nnet.
  expect_error([&] { network_parse_nnet(good.substr(0, good.size() / 2), "cut.nnet"); }, "cut.nnet");
  // NaN weight.
  std::string nan = good;
  nan.replace(nan.rfind("\n", nan.size() - 2) + 1, 3, "nan");
  expect_error([&] { network_parse_nnet(nan, "nan.nnet"); }, "not a number");
  // Wrong layer count in the header.
  std::string header = good;
  auto pos = header.find("\n", header.find_first_not_of("/", header.rfind("//"))) + 1;
  header.replace(pos, 1, "9");
  expect_error([&] { network_parse_nnet(header, "layers.nnet"); }, "layers.nnet");
  // A maxLayerSize other than the largest layer, and a negative normalization range (which flipped the input's scaling).
  for (const char* wrong : {"7,5,5,5,", "7,5,5,-50,", "7,5,5,99999999999999999999,"}) {
    std::string bad = good;
    bad.replace(bad.find("7,5,5,50,"), 9, wrong);
    expect_error([&] { network_parse_nnet(bad, "max.nnet"); }, "max.nnet:2: maxLayerSize");
  }
  std::string flipped = good;
  flipped.replace(flipped.find("60261.0,6.28318530718"), 7, "-60261.0");
  expect_error([&] { network_parse_nnet(flipped, "range.nnet"); }, "range.nnet:8: a normalization range is negative");
  // Control bytes from the file are escaped: a NUL ended the message before its reason.
  std::string nul = good;
  nul.replace(nul.find("7,5,5,50,") + 1, 1, std::string("\0", 1));
  expect_error([&] { network_parse_nnet(nul, "nul.nnet"); }, "\\x005' is not a number");
  expect_error([&] { network_load("/nonexistent/net.nnet"); }, "no such file");
  expect_error([&] { network_parse_nnet("", "empty.nnet"); }, "empty.nnet");
  expect_error([&] { network_parse_onnx("\x01\x02garbage\xff", "garbage.onnx"); }, "garbage.onnx");
  expect_error([&] { network_parse_onnx("", "empty.onnx"); }, "empty");
  expect_error([&] { network_parse_json("{\"format\":\"robustlaw-net\",\"version\":1,\"input_dim\":2,\"layers\":[{\"weights\":[[1]],\"bias\":[0]}]}", "dim.json"); },
               "expected 2");
  expect_error([&] { network_parse_json("{\"format\": ", "broken.json"); }, "broken.json:1");
  // An activation other than ReLU was ignored and analysed as ReLU.
  expect_error([&] {
    network_parse_json(R"({"format":"robustlaw-net","version":1,"input_dim":1,"layers":[
        {"weights":[[1]],"bias":[0],"activation":"sigmoid"},{"weights":[[1]],"bias":[0]}]})", "sigmoid.json");
  }, "unknown member \"activation\"");
  expect_error([&] {
    network_parse_json(R"({"format":"robustlaw-net","version":1,"input_dim":1,"layers":[{"weights":[[1]],"bias":[0]}],
        "output_scale":2})", "extra.json");
  }, "unknown member \"output_scale\"");
  expect_error([&] { network_load("net.txt"); }, "unknown network format");
}

TEST_CASE("an unknown ONNX operator is refused with the operator and the node") {
  // Rewrite the op_type of the first Relu of TestNetwork2.onnx into "Tanh" (same length prefix trick is
  // not needed: build the model through protobuf).
  std::string bytes = read(kNets + "/sisl/TestNetwork2.onnx");
  auto at = bytes.find("Relu");
  REQUIRE(at != std::string::npos);
  bytes.replace(at, 4, "Tanh");
  try {
    network_parse_onnx(bytes, "tanh.onnx");
    FAIL("accepted Tanh");
  } catch (const InputError& e) {
    std::string m = e.what();
    CHECK(m.find("Tanh") != std::string::npos);
    CHECK(m.find("node") != std::string::npos);
  }
}

namespace test_onnx_exact {

Rational relu_q(const Rational& v) { return v > 0 ? v : Rational(0); }

}  // namespace test_onnx_exact

TEST_CASE("ONNX Gemm attributes and Sub/Div normalization compose exactly (fuzz seed models)") {
  using test_onnx_exact::relu_q;
  const std::string dir = kSource + "/tests/fuzz/corpus/onnx";
  const std::vector<std::vector<Rational>> points{{q(3, 7), q(-2, 5), q(1, 3)}, {q(-5), q(9, 4), q(0)}, {q(1, 1000), q(7), q(-11, 3)}};
  // y = W2 relu(alpha W1 x + beta b1), alpha = 1/2, beta = 2, both Gemms transB = 1 (tests/fuzz/onnx_seed_writer.cpp).
  Network gemm = network_load(dir + "/gemm_transb.onnx");
  const std::vector<std::vector<Rational>> w1{{q(1), q(-1)}, {q(1, 2), q(2)}, {q(-3), q(1, 4)}};
  const std::vector<Rational> b1{q(0), q(1), q(-1)}, w2{q(1), q(-2), q(1, 2)};
  for (const auto& p : points) {
    std::vector<Rational> x{p[0], p[1]};
    Rational y = 0;
    for (std::size_t i = 0; i < 3; ++i) y += w2[i] * relu_q(q(1, 2) * (w1[i][0] * x[0] + w1[i][1] * x[1]) + 2 * b1[i]);
    std::vector<Rational> out = net_eval_exact(gemm, x);
    REQUIRE(out.size() == 1);
    CHECK(out[0] == y);
  }
  // y = relu(((x - mean) / std) W1 + b1) W2 + b2, row-vector MatMuls.
  Network norm = network_load(dir + "/normalized_raw.onnx");
  const std::vector<Rational> mean{q(1), q(0), q(-2)}, sd{q(2), q(1, 2), q(4)}, nb1{q(1, 8), q(-1)}, b2{q(1, 2), q(-1, 2)};
  const std::vector<std::vector<Rational>> nw1{{q(1), q(0)}, {q(-1), q(2)}, {q(1, 2), q(1, 2)}}, nw2{{q(1), q(-1)}, {q(3), q(0)}};
  for (const auto& x : points) {
    std::vector<Rational> r(2);
    for (std::size_t j = 0; j < 2; ++j) {
      Rational h = nb1[j];
      for (std::size_t i = 0; i < 3; ++i) h += (x[i] - mean[i]) / sd[i] * nw1[i][j];
      r[j] = relu_q(h);
    }
    std::vector<Rational> out = net_eval_exact(norm, x);
    REQUIRE(out.size() == 2);
    for (std::size_t j = 0; j < 2; ++j) CHECK(out[j] == r[0] * nw2[0][j] + r[1] * nw2[1][j] + b2[j]);
  }
}

TEST_CASE("layer_affine_double sums each row like the plain loop, bit for bit") {
  std::mt19937_64 rng(23);
  std::uniform_real_distribution<double> u(-1, 1);
  for (std::size_t rows : {1u, 3u, 4u, 7u, 9u}) {
    RationalMatrix w(rows, std::vector<Rational>(13));
    std::vector<Rational> b(rows);
    for (auto& row : w) for (auto& v : row) v = rational_from_double(u(rng) * 1e3);
    for (auto& v : b) v = rational_from_double(u(rng));
    Network net = network_from_layers(13, {{w, b}});
    const Layer& l = net.layers[0];
    std::vector<double> x(13), z(rows);
    for (double& v : x) v = u(rng) * 1e-3;
    layer_affine_double(l, x.data(), z.data());
    for (std::size_t i = 0; i < rows; ++i) {
      double s = l.bias_f[i];
      for (std::size_t j = 0; j < 13; ++j) s += l.weights_f[i * 13 + j] * x[j];
      CHECK(z[i] == s);
    }
  }
}

TEST_CASE("a NaN or infinite ONNX weight is refused naming the file and the initializer") {
  onnx::ModelProto model;
  REQUIRE(model.ParseFromString(read(kNets + "/sisl/TestNetwork2.onnx")));
  REQUIRE(model.graph().initializer_size() > 0);
  for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    onnx::ModelProto copy = model;
    onnx::TensorProto& t = *copy.mutable_graph()->mutable_initializer(0);
    REQUIRE(t.data_type() == onnx::TensorProto::FLOAT);
    if (!t.raw_data().empty()) {
      std::string raw = t.raw_data();
      std::memcpy(raw.data(), &bad, sizeof bad);
      t.set_raw_data(raw);
    } else {
      t.set_float_data(0, bad);
    }
    std::string m;
    try {
      network_parse_onnx(copy.SerializeAsString(), "bad.onnx");
    } catch (const InputError& e) {
      m = e.what();
    }
    INFO(m);
    CHECK(m.find("bad.onnx: initializer '" + t.name() + "'") != std::string::npos);
    CHECK(m.find(std::isnan(bad) ? "NaN" : "infinite") != std::string::npos);
  }
}
