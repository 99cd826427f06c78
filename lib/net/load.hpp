// Network loaders. Each returns an exact Network or throws InputError whose
// message names the file and the line (.nnet, JSON) or node (ONNX).
#pragma once
#include <string>

#include "net/network.hpp"

namespace rl {

struct LoadOptions {
  // .nnet only: analyse the weights alone, in normalized coordinates
  // (no input clamp, no input normalization, no output de-normalization).
  bool nnet_normalized = false;
};

// Network files larger than this are refused by their size before being read:
// exact rationals take several times the text's size, so a larger file would
// exhaust memory rather than load.
constexpr std::size_t kNetworkFileMaxBytes = std::size_t(256) << 20;

// Picks the loader from the extension: .nnet, .onnx, .json.
Network network_load(const std::string& path, const LoadOptions& options = {});

Network network_load_nnet(const std::string& path, const LoadOptions& options = {});
Network network_parse_nnet(const std::string& text, const std::string& source, const LoadOptions& options = {});
Network network_load_onnx(const std::string& path);
Network network_parse_onnx(const std::string& bytes, const std::string& source);
Network network_load_json(const std::string& path);
Network network_parse_json(const std::string& text, const std::string& source);

// The project's JSON network format (documented in README.md).
std::string network_to_json(const Network& net);

}  // namespace rl
