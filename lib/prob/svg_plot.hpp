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

// The SVG document (the command line writes it with write_file_atomic).
std::string plot_svg(const Plot& plot);

}  // namespace rl
