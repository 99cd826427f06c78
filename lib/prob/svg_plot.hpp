// A small SVG writer for tails and MGFs against their bounds: a log-scale y
// axis, error bars for enclosures or confidence intervals, and curves. The
// numbers drawn are doubles for display only; the certified values are in
// the JSON and text reports.
#pragma once
#include <string>
#include <vector>

namespace rl {

struct PlotSeries {
  std::string label;
  std::string color;
  bool curve = false;  // a polyline through the mid values; else error bars
  std::vector<double> x, lo, hi;
};

struct Plot {
  std::string title, x_label, y_label;
  bool log_y = true;
  std::vector<PlotSeries> series;
};

// Writes the SVG document; throws InputError naming the path on failure.
void plot_write_svg(const Plot& plot, const std::string& path);

}  // namespace rl
