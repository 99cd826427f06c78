// The one network model: dense affine layers with ReLU between them.
//
// Semantics: f(x) = A_L(relu(A_{L-1}(... relu(A_1(clamp(x)))))) where
// A_i(z) = W_i z + b_i with exact rational W_i, b_i, and clamp(x) clips each
// input to [clamp_lo_i, clamp_hi_i] when the network carries an input clamp
// (the .nnet semantics); ReLU follows every layer except the last.
// Double and DInterval copies of the weights serve the fast paths: the
// DInterval copy encloses each exact weight, the double copy is for untrusted
// search only.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "arith/dinterval.hpp"
#include "arith/rational.hpp"

namespace rl {

using RationalMatrix = std::vector<std::vector<Rational>>;  // row-major, rows x cols

// A layer's weights and bias as integers over one denominator each, W = A / D
// and b = B / E (D and E the least common denominators), so that sums of
// products along a network are integer products: exact rationals would
// reduce every product by a gcd.
struct ScaledLayer {
  std::vector<std::vector<Integer>> a;  // out x in
  std::vector<Integer> b;
  Integer d = 1, e = 1;
};
struct ScaledLayerOnce;

struct Layer {
  RationalMatrix weights;        // out x in
  std::vector<Rational> bias;    // out
  // Fast copies, filled by network_finalize.
  std::vector<double> weights_f;      // out*in, row-major, nearest doubles (untrusted)
  std::vector<double> weights_ft;     // in*out: weights_f transposed, for forward passes column by column
  std::vector<double> bias_f;
  std::vector<DInterval> weights_i;   // enclosures of the exact weights
  std::vector<DInterval> bias_i;
  // The layer's ScaledLayer, made on first use (layer_scaled) and shared by
  // copies of the layer; network_finalize starts a new one, so a changed and
  // re-finalized layer never reads the old one.
  std::shared_ptr<ScaledLayerOnce> scaled;

  std::size_t out_dim() const { return weights.size(); }
  std::size_t in_dim() const { return weights.empty() ? 0 : weights.front().size(); }
};

struct InputClamp {
  std::vector<Rational> lo, hi;
};

struct Network {
  std::string source;                 // file it came from, for messages
  std::string format;                 // "nnet", "onnx", "json", "memory"
  std::size_t input_dim = 0;
  std::vector<Layer> layers;          // ReLU after every layer but the last
  std::optional<InputClamp> clamp;    // applied before the first layer

  std::size_t output_dim() const { return layers.empty() ? input_dim : layers.back().out_dim(); }
  std::size_t hidden_layer_count() const { return layers.empty() ? 0 : layers.size() - 1; }
  std::size_t hidden_neuron_count() const {
    std::size_t n = 0;
    for (std::size_t k = 0; k < hidden_layer_count(); ++k) n += layers[k].out_dim();
    return n;
  }
  // p: the number of weights and biases.
  std::size_t parameter_count() const;
};

// Validates shapes (throws InputError naming the source) and fills the fast copies.
void network_finalize(Network& net);

// Builds a network from exact layers, e.g. in tests. Calls network_finalize.
Network network_from_layers(std::size_t input_dim, std::vector<std::pair<RationalMatrix, std::vector<Rational>>> layers,
                            std::string source = "memory");

// The same network restricted to output rows `rows` (a copy of the last layer's rows).
Network network_select_outputs(const Network& net, const std::vector<std::size_t>& rows);
// The scalar network f_i - f_j (margins).
Network network_output_difference(const Network& net, std::size_t i, std::size_t j);

// The layer's ScaledLayer: made once per finalized layer, afresh for a layer
// that network_finalize never saw.
std::shared_ptr<const ScaledLayer> layer_scaled(const Layer& l);

}  // namespace rl
