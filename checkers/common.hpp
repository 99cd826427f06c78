// Helpers shared by the subcommands: model options, number lists, output.
#pragma once
#include <CLI/CLI.hpp>
#include <iostream>
#include <string>

#include "arith/decimal.hpp"
#include "io/json_exact.hpp"
#include "net/load.hpp"

namespace rl::cli {

struct ModelOptions {
  std::string path;
  bool normalized = false;
};

// Adds the positional MODEL and --normalized.
void add_model_options(CLI::App& app, ModelOptions& options);
Network load_model(const ModelOptions& options);

// Exact value plus outward decimals, as JSON.
Json json_exact_value(const Rational& q, int digits);
// An enclosure [lower, upper] with its provenance.
Json json_enclosure(const Rational& lower, const Rational& upper, const std::string& method, int digits);

void print_json(const Json& j);

}  // namespace rl::cli
