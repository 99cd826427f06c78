// Plots of tails and MGFs against their bounds, drawn by gnuplot: a log-scale
// y axis (optional), error bars for enclosures or confidence intervals, and
// curves for bounds. The numbers drawn are doubles for display only; the
// certified values are in the JSON and text reports.
//
// The output format follows the file extension: .svg (gnuplot's svg
// terminal) or .png (pngcairo). gnuplot runs as a child process
// (io/process_run.hpp: found on PATH, no shell): the script, with the data
// inline, is its stdin and its stdout is a temporary file next to the target
// (io/file_atomic.hpp), renamed over the target only when gnuplot succeeds, so
// a failure never leaves a partial file. SIGINT or SIGTERM while gnuplot runs
// stops it, removes the temporary file and then takes its usual course.
#pragma once
#include <string>
#include <vector>

namespace rl {

struct PlotSeries {
  std::string label;
  std::string color;   // "#rrggbb"
  bool curve = false;  // a line through the mid values; else error bars [lo, hi]
  std::vector<double> x, lo, hi;
};

struct Plot {
  std::string title, x_label, y_label;
  bool log_y = true;
  std::vector<PlotSeries> series;
};

enum class PlotFormat { Svg, Png };

// The format named by the path's extension (case-insensitive .svg or .png);
// any other path throws InputError naming `where`. Call it before the
// computation so that a bad path is refused early.
PlotFormat plot_format(const std::string& path, const std::string& where);

// The gnuplot script (terminal, labels, inline data, plot command) that
// draws `plot`; its output goes to stdout. Labels are sanitized to
// printable ASCII and quoted, so no input text is interpreted by gnuplot.
std::string plot_gnuplot_script(const Plot& plot, PlotFormat format);

// Draws `plot` into `path` with gnuplot. Throws InputError for a bad
// extension and std::runtime_error naming gnuplot when it is missing or fails
// (the target is then untouched).
void plot_write(const Plot& plot, const std::string& path);

}  // namespace rl
