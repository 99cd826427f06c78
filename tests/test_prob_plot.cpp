// Plots drawn by gnuplot: SVG and PNG files, refused extensions, a missing
// gnuplot, and the quoting of labels.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "arith/error.hpp"
#include "prob/plot.hpp"

using namespace rl;
namespace fs = std::filesystem;

namespace {

Plot sample_plot() {
  Plot p;
  p.title = "tail d = 100, it's \"quoted\"\nand two lines";
  p.x_label = "t";
  p.y_label = "P";
  PlotSeries bars{"interval", "#2c3e50", false, {}, {}, {}};
  PlotSeries curve{"bound", "#c0392b", true, {}, {}, {}};
  for (int i = 1; i <= 20; ++i) {
    double t = i / 20.0, v = 2 * std::exp(-10 * t * t);
    bars.x.push_back(t);
    bars.lo.push_back(i == 20 ? 0.0 : 0.9 * v);  // a zero lower end on the log axis
    bars.hi.push_back(1.1 * v);
    curve.x.push_back(t);
    curve.lo.push_back(v);
    curve.hi.push_back(v);
  }
  p.series = {bars, curve};
  return p;
}

std::string read_all(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct PlotFolder {
  fs::path path;
  PlotFolder() {
    path = fs::temp_directory_path() / ("robustlaw-plot-test-" + std::to_string(getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~PlotFolder() { fs::remove_all(path); }
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), fs::directory_iterator())); }
};

}  // namespace

TEST_CASE("prob plot: gnuplot draws a valid SVG and a valid PNG, and the extension picks the format") {
  PlotFolder dir;
  const fs::path svg = dir.path / "tail.svg", png = dir.path / "tail.PNG";
  plot_write(sample_plot(), svg.string());
  const std::string s = read_all(svg);
  CHECK(s.find("<svg") != std::string::npos);
  CHECK(s.find("</svg>") != std::string::npos);
  CHECK(s.find("interval") != std::string::npos);  // the legend is drawn
  plot_write(sample_plot(), png.string());
  const std::string p = read_all(png);
  REQUIRE(p.size() > 8);
  CHECK(p.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(p.find("IEND") != std::string::npos);
  CHECK(dir.entries() == 2);  // no temporary file left behind
}

TEST_CASE("prob plot: other extensions are refused before anything is written") {
  PlotFolder dir;
  for (const char* name : {"tail.txt", "tail", "tail.svg.bak", ".svg"}) {
    const std::string path = (dir.path / name).string();
    CHECK_THROWS_AS(plot_format(path, "--plot"), InputError);
    CHECK_THROWS_AS(plot_write(sample_plot(), path), InputError);
  }
  CHECK(plot_format("a.svg", "--plot") == PlotFormat::Svg);
  CHECK(plot_format("dir/a.Png", "--plot") == PlotFormat::Png);
  CHECK(dir.entries() == 0);
}

TEST_CASE("prob plot: a missing gnuplot is named in the error and leaves the target untouched") {
  PlotFolder dir;
  const fs::path target = dir.path / "old.svg";
  { std::ofstream(target) << "previous"; }
  const char* old = std::getenv("PATH");
  const std::string saved = old ? old : "";
  setenv("PATH", dir.path.c_str(), 1);  // an empty directory: no gnuplot
  std::string message;
  try {
    plot_write(sample_plot(), target.string());
  } catch (const std::runtime_error& e) {
    message = e.what();
  }
  setenv("PATH", saved.c_str(), 1);
  CHECK(message.find("gnuplot") != std::string::npos);
  CHECK(read_all(target) == "previous");
  CHECK(dir.entries() == 1);
}

TEST_CASE("prob plot: labels cannot inject gnuplot commands, and empty plots are refused") {
  const std::string script = plot_gnuplot_script(sample_plot(), PlotFormat::Svg);
  CHECK(script.find("set title 'tail d = 100, it''s \"quoted\"?and two lines'") != std::string::npos);
  CHECK(script.find("set logscale y") != std::string::npos);
  CHECK(script.find("yerrorbars") != std::string::npos);
  CHECK(script.find("with lines") != std::string::npos);
  CHECK(script.find("\nset output") == std::string::npos);  // the output is the child's stdout
  Plot empty = sample_plot();
  for (auto& s : empty.series)
    for (auto& v : s.hi) v = -1;  // nothing positive on a log axis
  CHECK_THROWS_AS(plot_gnuplot_script(empty, PlotFormat::Png), std::runtime_error);
}
