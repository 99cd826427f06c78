// Writes the small hand-made ONNX seed models of tests/fuzz/corpus/onnx:
// each exercises one loader feature (Gemm attributes, MatMul+Add, Sub/Div
// normalization, float_data / double_data / raw_data, Constant, shape nodes,
// an unsupported operator). Usage: onnx_seed_writer OUTPUT_DIR
#include <onnx/onnx_pb.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

enum class Storage { Floats, Doubles, Raw };

onnx::TensorProto tensor(const std::string& name, std::vector<std::int64_t> dims, const std::vector<double>& v, Storage s) {
  onnx::TensorProto t;
  t.set_name(name);
  for (auto d : dims) t.add_dims(d);
  if (s == Storage::Doubles) {
    t.set_data_type(onnx::TensorProto::DOUBLE);
    for (double x : v) t.add_double_data(x);
  } else {
    t.set_data_type(onnx::TensorProto::FLOAT);
    std::vector<float> f(v.begin(), v.end());
    if (s == Storage::Floats) for (float x : f) t.add_float_data(x);
    else t.set_raw_data(std::string(reinterpret_cast<const char*>(f.data()), f.size() * sizeof(float)));
  }
  return t;
}

onnx::NodeProto* node(onnx::GraphProto& g, const std::string& op, std::vector<std::string> in, const std::string& out) {
  onnx::NodeProto* n = g.add_node();
  n->set_op_type(op);
  n->set_name(op + "_" + out);
  for (auto& s : in) n->add_input(s);
  n->add_output(out);
  return n;
}

void value_info(onnx::ValueInfoProto* v, const std::string& name, std::int64_t width) {
  v->set_name(name);
  auto* t = v->mutable_type()->mutable_tensor_type();
  t->set_elem_type(onnx::TensorProto::FLOAT);
  t->mutable_shape()->add_dim()->set_dim_value(1);
  t->mutable_shape()->add_dim()->set_dim_value(width);
}

void save(onnx::ModelProto& m, const std::string& path) {
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  std::ofstream(path, std::ios::binary) << m.SerializeAsString();
}

// x[1,2] -> Gemm(transB, alpha, beta) -> Relu -> Gemm -> y[1,1]
void gemm_model(const std::string& dir) {
  onnx::ModelProto m;
  auto& g = *m.mutable_graph();
  value_info(g.add_input(), "x", 2);
  *g.add_initializer() = tensor("W1", {3, 2}, {1, -1, 0.5, 2, -3, 0.25}, Storage::Floats);
  *g.add_initializer() = tensor("b1", {3}, {0, 1, -1}, Storage::Floats);
  *g.add_initializer() = tensor("W2", {1, 3}, {1, -2, 0.5}, Storage::Floats);
  auto* g1 = node(g, "Gemm", {"x", "W1", "b1"}, "h");
  auto* a = g1->add_attribute(); a->set_name("transB"); a->set_type(onnx::AttributeProto::INT); a->set_i(1);
  a = g1->add_attribute(); a->set_name("alpha"); a->set_type(onnx::AttributeProto::FLOAT); a->set_f(0.5f);
  a = g1->add_attribute(); a->set_name("beta"); a->set_type(onnx::AttributeProto::FLOAT); a->set_f(2.0f);
  node(g, "Relu", {"h"}, "r");
  auto* g2 = node(g, "Gemm", {"r", "W2"}, "y");
  a = g2->add_attribute(); a->set_name("transB"); a->set_type(onnx::AttributeProto::INT); a->set_i(1);
  value_info(g.add_output(), "y", 1);
  save(m, dir + "/gemm_transb.onnx");
}

// x[1,3] -> Sub(mean) -> Div(std) -> MatMul -> Add -> Relu -> MatMul -> Add -> y[1,2], raw_data
void normalized_model(const std::string& dir, Storage s, const std::string& name) {
  onnx::ModelProto m;
  auto& g = *m.mutable_graph();
  value_info(g.add_input(), "x", 3);
  *g.add_initializer() = tensor("mean", {3}, {1, 0, -2}, s);
  *g.add_initializer() = tensor("std", {3}, {2, 0.5, 4}, s);
  *g.add_initializer() = tensor("W1", {3, 2}, {1, 0, -1, 2, 0.5, 0.5}, s);
  *g.add_initializer() = tensor("b1", {2}, {0.125, -1}, s);
  *g.add_initializer() = tensor("W2", {2, 2}, {1, -1, 3, 0}, s);
  node(g, "Sub", {"x", "mean"}, "c");
  node(g, "Div", {"c", "std"}, "n");
  node(g, "Flatten", {"n"}, "f");
  node(g, "MatMul", {"f", "W1"}, "h");
  node(g, "Add", {"h", "b1"}, "hb");
  node(g, "Relu", {"hb"}, "r");
  node(g, "Identity", {"r"}, "i");
  node(g, "MatMul", {"i", "W2"}, "o");
  auto* c = node(g, "Constant", {}, "b2");
  auto* a = c->add_attribute();
  a->set_name("value");
  a->set_type(onnx::AttributeProto::TENSOR);
  *a->mutable_t() = tensor("", {2}, {0.5, -0.5}, s);
  node(g, "Add", {"o", "b2"}, "y");
  value_info(g.add_output(), "y", 2);
  save(m, dir + "/" + name);
}

// An operator the loader refuses.
void unsupported_model(const std::string& dir) {
  onnx::ModelProto m;
  auto& g = *m.mutable_graph();
  value_info(g.add_input(), "x", 2);
  node(g, "Sigmoid", {"x"}, "y");
  value_info(g.add_output(), "y", 2);
  save(m, dir + "/unsupported_sigmoid.onnx");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::string dir = argv[1];
  gemm_model(dir);
  normalized_model(dir, Storage::Raw, "normalized_raw.onnx");
  normalized_model(dir, Storage::Doubles, "normalized_double.onnx");
  unsupported_model(dir);
  return 0;
}
