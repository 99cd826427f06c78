#include "net/network.hpp"

#include <mutex>
#include <stdexcept>

#include "arith/error.hpp"

namespace rl {

std::size_t Network::parameter_count() const {
  std::size_t p = 0;
  for (const Layer& l : layers) p += l.out_dim() * l.in_dim() + l.bias.size();
  return p;
}

void network_finalize(Network& net) {
  if (net.input_dim == 0) throw InputError(net.source, "network has no inputs");
  if (net.layers.empty()) throw InputError(net.source, "network has no layers");
  std::size_t width = net.input_dim;
  for (std::size_t k = 0; k < net.layers.size(); ++k) {
    Layer& l = net.layers[k];
    std::string where = net.source + ": layer " + std::to_string(k + 1);
    if (l.weights.empty()) throw InputError(where, "layer has no neurons");
    for (const auto& row : l.weights)
      if (row.size() != width)
        throw InputError(where, "weight row has " + std::to_string(row.size()) + " entries, expected " + std::to_string(width));
    if (l.bias.size() != l.out_dim())
      throw InputError(where, "bias has " + std::to_string(l.bias.size()) + " entries, expected " + std::to_string(l.out_dim()));
    l.weights_f.clear(); l.weights_i.clear(); l.bias_f.clear(); l.bias_i.clear();
    l.scaled = std::make_shared<ScaledLayerOnce>();
    double nearest = 0;
    for (const auto& row : l.weights)
      for (const Rational& w : row) {
        l.weights_i.push_back(DInterval::from_rational(w, nearest));
        l.weights_f.push_back(nearest);
      }
    for (const Rational& b : l.bias) {
      l.bias_i.push_back(DInterval::from_rational(b, nearest));
      l.bias_f.push_back(nearest);
    }
    const std::size_t rows = l.out_dim(), cols = l.in_dim();
    l.weights_ft.assign(rows * cols, 0.0);
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < cols; ++j) l.weights_ft[j * rows + i] = l.weights_f[i * cols + j];
    width = l.out_dim();
  }
  if (net.clamp) {
    if (net.clamp->lo.size() != net.input_dim || net.clamp->hi.size() != net.input_dim)
      throw InputError(net.source, "input clamp has the wrong dimension");
    for (std::size_t i = 0; i < net.input_dim; ++i)
      if (net.clamp->lo[i] > net.clamp->hi[i])
        throw InputError(net.source, "input " + std::to_string(i + 1) + " has minimum > maximum");
  }
}

Network network_from_layers(std::size_t input_dim, std::vector<std::pair<RationalMatrix, std::vector<Rational>>> layers,
                            std::string source) {
  Network net;
  net.source = std::move(source);
  net.format = "memory";
  net.input_dim = input_dim;
  for (auto& [w, b] : layers) {
    Layer l;
    l.weights = std::move(w);
    l.bias = std::move(b);
    net.layers.push_back(std::move(l));
  }
  network_finalize(net);
  return net;
}

Network network_select_outputs(const Network& net, const std::vector<std::size_t>& rows) {
  Network out = net;
  Layer& last = out.layers.back();
  const Layer& src = net.layers.back();
  last.weights.clear();
  last.bias.clear();
  for (std::size_t r : rows) {
    if (r >= src.out_dim()) throw InputError(net.source, "output " + std::to_string(r) + " does not exist (the network has " + std::to_string(src.out_dim()) + " outputs, numbered from 0)");
    last.weights.push_back(src.weights[r]);
    last.bias.push_back(src.bias[r]);
  }
  network_finalize(out);
  return out;
}

Network network_output_difference(const Network& net, std::size_t i, std::size_t j) {
  Network out = network_select_outputs(net, {i});
  const Layer& src = net.layers.back();
  if (j >= src.out_dim()) throw InputError(net.source, "output " + std::to_string(j) + " does not exist");
  Layer& last = out.layers.back();
  for (std::size_t c = 0; c < last.in_dim(); ++c) last.weights[0][c] -= src.weights[j][c];
  last.bias[0] -= src.bias[j];
  network_finalize(out);
  return out;
}

namespace {

ScaledLayer scaled_layer(const Layer& l) {
  ScaledLayer s;
  std::vector<const Rational*> qs;
  for (const auto& row : l.weights) for (const Rational& w : row) qs.push_back(&w);
  std::vector<Integer> flat;
  s.d = rational_common_denominator(qs, flat);
  const std::size_t n = l.in_dim();
  for (std::size_t i = 0; i < l.out_dim(); ++i)
    s.a.emplace_back(std::make_move_iterator(flat.begin() + i * n), std::make_move_iterator(flat.begin() + (i + 1) * n));
  qs.clear();
  for (const Rational& v : l.bias) qs.push_back(&v);
  s.e = rational_common_denominator(qs, s.b);
  return s;
}

}  // namespace

struct ScaledLayerOnce {
  std::once_flag once;
  std::shared_ptr<const ScaledLayer> value;
};

std::shared_ptr<const ScaledLayer> layer_scaled(const Layer& l) {
  if (!l.scaled) return std::make_shared<const ScaledLayer>(scaled_layer(l));
  std::call_once(l.scaled->once, [&] { l.scaled->value = std::make_shared<const ScaledLayer>(scaled_layer(l)); });
  // A layer reshaped without network_finalize is a programming error; a
  // change of values alone cannot be seen here (network.hpp states the rule).
  const ScaledLayer& s = *l.scaled->value;
  if (s.a.size() != l.out_dim() || s.b.size() != l.bias.size() || (!s.a.empty() && s.a.front().size() != l.in_dim()))
    throw std::logic_error("a layer changed shape after network_finalize");
  return l.scaled->value;
}

}  // namespace rl
