// The .nnet format (Julian et al.): see data/nets/README.md of the shared data.
// The default semantics fold the normalization into the first and last
// layers exactly and keep the clamp to [min, max] as Network::clamp.
#include <algorithm>
#include <sstream>
#include <string_view>

#include "arith/error.hpp"
#include "io/json_exact.hpp"
#include "net/load.hpp"

namespace rl {
namespace {

class NnetReader {
 public:
  NnetReader(const std::string& text, std::string source) : source_(std::move(source)) {
    std::istringstream in(text);
    std::string line;
    std::size_t number = 0;
    bool header = true;
    while (std::getline(in, line)) {
      ++number;
      if (header && line.rfind("//", 0) == 0) continue;
      header = false;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      lines_.push_back({number, line});
    }
  }

  // The numbers on the next line.
  std::vector<Rational> next(const char* what, std::size_t expected) {
    if (pos_ >= lines_.size())
      throw InputError(source_, std::string("file ends early: expected ") + what);
    auto& [number, line] = lines_[pos_++];
    std::string where = source_ + ":" + std::to_string(number);
    std::vector<Rational> values;
    const std::string_view text = line;
    for (std::size_t start = 0; start <= text.size();) {
      const std::size_t comma = std::min(text.find(',', start), text.size());
      const std::string_view item = text.substr(start, comma - start);
      if (item.find_first_not_of(" \t\r") != std::string_view::npos) values.push_back(rational_parse(item, where));
      start = comma + 1;
    }
    if (expected != 0 && values.size() != expected)
      throw InputError(where, std::string(what) + ": expected " + std::to_string(expected) + " numbers, found " + std::to_string(values.size()));
    return values;
  }

  std::size_t count(const Rational& q, const char* what, std::size_t line_hint) const {
    if (q < 1 || q > 100000 || denominator(q) != 1)
      throw InputError(source_ + ":" + std::to_string(line_hint), std::string(what) + " must be a positive integer");
    return static_cast<std::size_t>(numerator(q).convert_to<long>());
  }

  std::size_t current_line() const { return pos_ < lines_.size() ? lines_[pos_].first : 0; }
  bool at_end() const { return pos_ >= lines_.size(); }

 private:
  std::string source_;
  std::vector<std::pair<std::size_t, std::string>> lines_;
  std::size_t pos_ = 0;
};

}  // namespace

Network network_parse_nnet(const std::string& text, const std::string& source, const LoadOptions& options) {
  NnetReader r(text, source);
  std::size_t header_line = r.current_line();
  std::vector<Rational> head = r.next("numLayers,numInputs,numOutputs,maxLayerSize", 4);
  std::size_t num_layers = r.count(head[0], "numLayers", header_line);
  std::size_t num_inputs = r.count(head[1], "numInputs", header_line);
  std::size_t num_outputs = r.count(head[2], "numOutputs", header_line);
  std::size_t sizes_line = r.current_line();
  std::vector<Rational> size_q = r.next("layer sizes", num_layers + 1);
  std::vector<std::size_t> sizes;
  for (const Rational& s : size_q) sizes.push_back(r.count(s, "layer size", sizes_line));
  if (sizes.front() != num_inputs || sizes.back() != num_outputs)
    throw InputError(source + ":" + std::to_string(sizes_line), "layer sizes disagree with numInputs/numOutputs");
  if (r.count(head[3], "maxLayerSize", header_line) != *std::max_element(sizes.begin(), sizes.end()))
    throw InputError(source + ":" + std::to_string(header_line), "maxLayerSize is not the largest layer size");
  r.next("the unused flag", 0);
  std::vector<Rational> mins = r.next("input minimums", num_inputs);
  std::vector<Rational> maxs = r.next("input maximums", num_inputs);
  std::vector<Rational> means = r.next("means", num_inputs + 1);
  std::size_t ranges_line = r.current_line();
  std::vector<Rational> ranges = r.next("ranges", num_inputs + 1);
  for (const Rational& q : ranges)
    if (q <= 0 && !options.nnet_normalized)
      throw InputError(source + ":" + std::to_string(ranges_line), "a normalization range is " + std::string(q == 0 ? "0" : "negative"));

  Network net;
  net.source = source;
  net.format = "nnet";
  net.input_dim = num_inputs;
  for (std::size_t k = 0; k < num_layers; ++k) {
    Layer layer;
    for (std::size_t i = 0; i < sizes[k + 1]; ++i) layer.weights.push_back(r.next("a weight row", sizes[k]));
    for (std::size_t i = 0; i < sizes[k + 1]; ++i) layer.bias.push_back(r.next("a bias", 1)[0]);
    net.layers.push_back(std::move(layer));
  }
  if (!r.at_end()) throw InputError(source + ":" + std::to_string(r.current_line()), "unexpected data after the last layer");

  if (!options.nnet_normalized) {
    // x_norm = (x - mean) / range, folded into layer 1: W' = W / range, b' = b - W (mean / range).
    Layer& first = net.layers.front();
    for (std::size_t i = 0; i < first.out_dim(); ++i)
      for (std::size_t j = 0; j < num_inputs; ++j) {
        first.bias[i] -= first.weights[i][j] * means[j] / ranges[j];
        first.weights[i][j] /= ranges[j];
      }
    // y = y_norm * range_out + mean_out, folded into the last layer.
    Layer& last = net.layers.back();
    const Rational& out_range = ranges[num_inputs];
    const Rational& out_mean = means[num_inputs];
    for (std::size_t i = 0; i < last.out_dim(); ++i) {
      for (Rational& w : last.weights[i]) w *= out_range;
      last.bias[i] = last.bias[i] * out_range + out_mean;
    }
    net.clamp = InputClamp{mins, maxs};
  }
  network_finalize(net);
  return net;
}

Network network_load_nnet(const std::string& path, const LoadOptions& options) {
  return network_parse_nnet(file_read_text(path, kNetworkFileMaxBytes), path, options);
}

}  // namespace rl
