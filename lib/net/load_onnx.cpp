// ONNX loader for chains of affine and ReLU nodes.
//
// The graph is walked in node order while one "current" tensor carries the
// data. Between two Relu nodes the affine nodes (Gemm, MatMul, Add, Sub, Mul,
// Div) are composed exactly into one affine map, kept diagonal as long as
// only elementwise nodes have been seen so that input normalization costs
// nothing. Shape-only nodes (Flatten, Identity, Reshape, Squeeze, Unsqueeze)
// are no-ops on a vector. Any other operator is refused with its name.
#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <map>

#include "arith/error.hpp"
#include "io/json_exact.hpp"
#include "net/load.hpp"

namespace rl {
namespace {

struct Tensor {
  std::vector<std::int64_t> dims;
  std::vector<Rational> values;
};

template <class T>
std::vector<T> raw_values(const std::string& raw, const std::string& where) {
  if (raw.size() % sizeof(T) != 0) throw InputError(where, "raw_data length is not a multiple of the element size");
  std::vector<T> out(raw.size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), raw.data(), raw.size());  // ONNX raw_data is little-endian, as is x86-64
  return out;
}

// A float or double element, read exactly; NaN and infinities are refused naming the tensor.
Rational tensor_element(double x, const std::string& where) {
  if (!std::isfinite(x)) throw InputError(where, std::isnan(x) ? "a value is NaN" : "a value is infinite");
  return rational_from_double(x);
}

Tensor tensor_from_proto(const onnx::TensorProto& t, const std::string& where) {
  Tensor out;
  std::size_t expected = 1;
  for (auto d : t.dims()) {
    if (d < 0 || d > (1 << 26)) throw InputError(where, "tensor dimension out of range");
    out.dims.push_back(d);
    expected *= static_cast<std::size_t>(d);
    if (expected > (std::size_t(1) << 26)) throw InputError(where, "tensor too large");
  }
  if (t.data_location() == onnx::TensorProto::EXTERNAL) throw InputError(where, "external tensor data is not supported");
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      if (!t.raw_data().empty())
        for (float f : raw_values<float>(t.raw_data(), where)) out.values.push_back(tensor_element(f, where));
      else
        for (float f : t.float_data()) out.values.push_back(tensor_element(f, where));
      break;
    case onnx::TensorProto::DOUBLE:
      if (!t.raw_data().empty())
        for (double f : raw_values<double>(t.raw_data(), where)) out.values.push_back(tensor_element(f, where));
      else
        for (double f : t.double_data()) out.values.push_back(tensor_element(f, where));
      break;
    case onnx::TensorProto::INT64:
      if (!t.raw_data().empty())
        for (std::int64_t v : raw_values<std::int64_t>(t.raw_data(), where)) out.values.push_back(Rational(Integer(v)));
      else
        for (std::int64_t v : t.int64_data()) out.values.push_back(Rational(Integer(v)));
      break;
    default:
      throw InputError(where, "tensor element type " + std::to_string(t.data_type()) + " is not supported (float, double, int64)");
  }
  if (out.values.size() != expected)
    throw InputError(where, "tensor holds " + std::to_string(out.values.size()) + " values, its shape needs " + std::to_string(expected));
  return out;
}

// The affine map from the network input (or the last ReLU) to the current tensor.
struct Affine {
  bool diagonal = true;            // x -> scale .* x + shift
  std::vector<Rational> scale;     // diagonal form
  RationalMatrix weights;          // full form
  std::vector<Rational> shift;     // both forms
  std::size_t width() const { return shift.size(); }

  static Affine identity(std::size_t n) {
    Affine a;
    a.scale.assign(n, Rational(1));
    a.shift.assign(n, Rational(0));
    return a;
  }
  bool is_identity() const {
    if (!diagonal) return false;
    for (std::size_t i = 0; i < width(); ++i)
      if (scale[i] != 1 || shift[i] != 0) return false;
    return true;
  }
  // The weight matrix (moved out: the map is consumed).
  RationalMatrix take_full() {
    if (!diagonal) return std::move(weights);
    RationalMatrix w(width(), std::vector<Rational>(width(), Rational(0)));
    for (std::size_t i = 0; i < width(); ++i) w[i][i] = scale[i];
    return w;
  }
};

class OnnxChain {
 public:
  OnnxChain(const onnx::GraphProto& g, const std::string& source) : graph_(g), source_(source) {}

  Network build() {
    for (const auto& init : graph_.initializer())
      constants_[init.name()] = tensor_from_proto(init, source_ + ": initializer '" + init.name() + "'");
    net_.source = source_;
    find_input();
    for (int i = 0; i < graph_.node_size(); ++i) apply(graph_.node(i), i);
    if (graph_.output_size() < 1) throw InputError(source_, "graph has no output");
    if (graph_.output(0).name() != current_)
      throw InputError(source_, "graph output '" + graph_.output(0).name() + "' is not computed by the affine/ReLU chain from the input");
    close_layer();
    network_finalize(net_);
    return std::move(net_);
  }

 private:
  void find_input() {
    for (const auto& in : graph_.input()) {
      if (constants_.count(in.name())) continue;
      current_ = in.name();
      std::size_t dim = 1;
      bool known = in.type().has_tensor_type() && in.type().tensor_type().has_shape();
      if (known)
        for (const auto& d : in.type().tensor_type().shape().dim()) {
          if (d.has_dim_value() && d.dim_value() > 0) dim *= static_cast<std::size_t>(d.dim_value());
        }
      if (!known || dim == 0 || dim > (1 << 24)) throw InputError(source_ + ": input '" + in.name() + "'", "input shape is unknown");
      net_.input_dim = dim;
      affine_ = Affine::identity(dim);
      return;
    }
    throw InputError(source_, "graph has no data input");
  }

  std::string where(const onnx::NodeProto& n, int index) const {
    return source_ + ": node " + std::to_string(index) + " '" + n.name() + "' (" + n.op_type() + ")";
  }

  const Tensor& constant(const std::string& name, const std::string& w) const {
    auto it = constants_.find(name);
    if (it == constants_.end()) throw InputError(w, "operand '" + name + "' must be a constant");
    return it->second;
  }

  // The other operand of a binary node whose one operand is the current tensor.
  const Tensor& other_operand(const onnx::NodeProto& n, const std::string& w, bool& current_first) const {
    if (n.input_size() != 2) throw InputError(w, "expected 2 inputs");
    current_first = n.input(0) == current_;
    if (!current_first && n.input(1) != current_) throw InputError(w, "neither operand is the data tensor");
    return constant(current_first ? n.input(1) : n.input(0), w);
  }

  void apply(const onnx::NodeProto& n, int index) {
    std::string w = where(n, index);
    const std::string& op = n.op_type();
    if (op == "Constant") {
      for (const auto& a : n.attribute())
        if (a.name() == "value" && n.output_size() == 1) { constants_[n.output(0)] = tensor_from_proto(a.t(), w); return; }
      throw InputError(w, "Constant without a tensor 'value'");
    }
    if (n.input_size() < 1 || n.output_size() < 1) throw InputError(w, "node without inputs or outputs");
    if (op == "Identity" || op == "Flatten" || op == "Reshape" || op == "Squeeze" || op == "Unsqueeze") {
      if (n.input(0) != current_) throw InputError(w, "shape node does not act on the data tensor");
    } else if (op == "Relu") {
      if (n.input(0) != current_) throw InputError(w, "Relu does not act on the data tensor");
      close_layer();
    } else if (op == "Gemm") {
      gemm(n, w);
    } else if (op == "MatMul") {
      matmul(n, w);
    } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
      elementwise(n, w);
    } else {
      throw InputError(w, "unsupported ONNX operator '" + op + "'");
    }
    current_ = n.output(0);
  }

  static const onnx::AttributeProto* attribute(const onnx::NodeProto& n, const char* name) {
    for (const auto& a : n.attribute()) if (a.name() == name) return &a;
    return nullptr;
  }

  // Composes x -> W x + b (W given row-major out x in) after the current map.
  void compose(RationalMatrix W, std::vector<Rational> b, const std::string& w) {
    std::size_t in = affine_.width();
    if (W.empty() || W.front().size() != in)
      throw InputError(w, "weight shape does not match the data width " + std::to_string(in));
    Affine next;
    if (affine_.is_identity()) {  // the common case (a Gemm right after a ReLU): W itself, without 10^5 rational products
      next.diagonal = false;
      next.weights = std::move(W);
      next.shift = std::move(b);
      affine_ = std::move(next);
      return;
    }
    next.diagonal = false;
    next.shift = b;
    next.weights.assign(W.size(), std::vector<Rational>());
    std::size_t d = affine_.diagonal ? in : affine_.weights.front().size();
    for (std::size_t i = 0; i < W.size(); ++i) {
      std::vector<Rational>& row = next.weights[i];
      row.assign(d, Rational(0));
      for (std::size_t k = 0; k < in; ++k) {
        const Rational& wik = W[i][k];
        if (wik == 0) continue;
        next.shift[i] += wik * affine_.shift[k];
        if (affine_.diagonal) row[k] += wik * affine_.scale[k];
        else for (std::size_t j = 0; j < d; ++j) row[j] += wik * affine_.weights[k][j];
      }
    }
    affine_ = std::move(next);
  }

  // Reads a 2-D constant as a matrix, optionally transposed.
  static RationalMatrix matrix(const Tensor& t, bool transpose, const std::string& w) {
    if (t.dims.size() != 2) throw InputError(w, "weight tensor must be 2-dimensional");
    std::size_t r = static_cast<std::size_t>(t.dims[0]), c = static_cast<std::size_t>(t.dims[1]);
    std::size_t rows = transpose ? c : r, cols = transpose ? r : c;
    RationalMatrix m(rows, std::vector<Rational>(cols));
    for (std::size_t i = 0; i < r; ++i)
      for (std::size_t j = 0; j < c; ++j) (transpose ? m[j][i] : m[i][j]) = t.values[i * c + j];
    return m;
  }

  void gemm(const onnx::NodeProto& n, const std::string& w) {
    if (n.input_size() < 2 || n.input(0) != current_) throw InputError(w, "Gemm's first operand must be the data tensor");
    auto geti = [&](const char* name, long dflt) { auto* a = attribute(n, name); return a ? a->i() : dflt; };
    auto getf = [&](const char* name) {
      auto* a = attribute(n, name);
      return a ? tensor_element(a->f(), w + ": attribute " + name) : Rational(1);
    };
    if (geti("transA", 0) != 0) throw InputError(w, "Gemm with transA=1 is not supported");
    // Y = alpha * X B' + beta C with X a row vector: as a column map, W = alpha * B'^T.
    RationalMatrix W = matrix(constant(n.input(1), w), geti("transB", 0) == 0, w);
    Rational alpha = getf("alpha"), beta = getf("beta");
    if (alpha != 1)
      for (auto& row : W) for (auto& v : row) v *= alpha;
    std::vector<Rational> b(W.size(), Rational(0));
    if (n.input_size() >= 3 && !n.input(2).empty()) b = broadcast(constant(n.input(2), w), W.size(), w);
    if (beta != 1)
      for (auto& v : b) v *= beta;
    compose(std::move(W), std::move(b), w);
  }

  void matmul(const onnx::NodeProto& n, const std::string& w) {
    bool current_first = false;
    const Tensor& t = other_operand(n, w, current_first);
    // x B with x a row vector, or A x with x a column vector.
    RationalMatrix W = matrix(t, current_first, w);
    std::vector<Rational> zero(W.size(), Rational(0));
    compose(std::move(W), std::move(zero), w);
  }

  static std::vector<Rational> broadcast(const Tensor& t, std::size_t width, const std::string& w) {
    if (t.values.size() == 1) return std::vector<Rational>(width, t.values[0]);
    if (t.values.size() != width)
      throw InputError(w, "constant has " + std::to_string(t.values.size()) + " values, the data has width " + std::to_string(width));
    return t.values;
  }

  void elementwise(const onnx::NodeProto& n, const std::string& w) {
    bool current_first = false;
    const Tensor& t = other_operand(n, w, current_first);
    std::vector<Rational> c = broadcast(t, affine_.width(), w);
    const std::string& op = n.op_type();
    for (std::size_t i = 0; i < c.size(); ++i) {
      if (op == "Add") { affine_.shift[i] += c[i]; continue; }
      if (op == "Sub") {
        if (current_first) affine_.shift[i] -= c[i];
        else { scale_row(i, Rational(-1)); affine_.shift[i] += c[i]; }
        continue;
      }
      if (op == "Div" && !current_first) throw InputError(w, "division by the data tensor is not affine");
      if (op == "Div" && c[i] == 0) throw InputError(w, "division by zero");
      scale_row(i, op == "Mul" ? c[i] : Rational(1) / c[i]);
    }
  }

  void scale_row(std::size_t i, const Rational& s) {
    affine_.shift[i] *= s;
    if (affine_.diagonal) affine_.scale[i] *= s;
    else for (auto& v : affine_.weights[i]) v *= s;
  }

  // Ends the current affine map as a layer; ReLU follows it unless it is the last.
  // A graph that ends in Relu gets a final identity layer.
  void close_layer() {
    Layer l;
    l.weights = affine_.take_full();
    l.bias = affine_.shift;
    net_.layers.push_back(std::move(l));
    affine_ = Affine::identity(net_.layers.back().out_dim());
  }

  const onnx::GraphProto& graph_;
  std::string source_;
  std::map<std::string, Tensor> constants_;
  std::string current_;
  Affine affine_;
  Network net_;
};

}  // namespace

Network network_parse_onnx(const std::string& bytes, const std::string& source) {
  onnx::ModelProto model;
  if (bytes.empty()) throw InputError(source, "empty file");
  if (!model.ParseFromString(bytes)) throw InputError(source, "not a valid ONNX protobuf");
  if (!model.has_graph()) throw InputError(source, "ONNX model has no graph");
  Network net = OnnxChain(model.graph(), source).build();
  net.format = "onnx";
  return net;
}

Network network_load_onnx(const std::string& path) { return network_parse_onnx(file_read_text(path, kNetworkFileMaxBytes), path); }

}  // namespace rl
