#include "prob/plot.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "arith/error.hpp"
#include "io/file_atomic.hpp"
#include "io/process_run.hpp"

namespace rl {
namespace {

// A gnuplot single-quoted string: no escapes are processed inside except ''
// for a quote; anything but printable ASCII becomes '?'.
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char ch : s) {
    if (ch == '\'') out += "''";
    else out += (ch >= 32 && ch < 127) ? ch : '?';
  }
  return out + "'";
}

std::string color_of(const std::string& c) {
  bool ok = c.size() == 7 && c[0] == '#' &&
            std::all_of(c.begin() + 1, c.end(), [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)); });
  return ok ? c : "#000000";
}

std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

// The lowest y drawn on a log axis: at most 12 decades below the largest value.
double log_floor(const Plot& plot) {
  double top = 0, low = INFINITY;
  for (const auto& s : plot.series)
    for (std::size_t i = 0; i < s.x.size(); ++i)
      for (double v : {s.lo[i], s.hi[i]})
        if (std::isfinite(v) && v > 0) { top = std::max(top, v); low = std::min(low, v); }
  if (top == 0) return 1e-300;
  return std::pow(10.0, std::floor(std::log10(std::max(low, top * 1e-12))));
}

// One datablock "$dK" of rows "x mid lo hi"; returns false when it is empty.
bool append_data(std::ostringstream& o, const PlotSeries& s, std::size_t k, bool log_y, double floor_y) {
  std::ostringstream rows;
  for (std::size_t i = 0; i < s.x.size(); ++i) {
    double x = s.x[i], lo = s.lo[i], hi = s.hi[i];
    if (!std::isfinite(x) || !std::isfinite(lo) || !std::isfinite(hi)) continue;
    if (log_y && hi <= 0) continue;
    if (log_y) lo = std::max(lo, floor_y);
    double mid = log_y ? std::sqrt(lo * hi) : (lo + hi) / 2;
    rows << number(x) << ' ' << number(mid) << ' ' << number(lo) << ' ' << number(hi) << '\n';
  }
  if (rows.str().empty()) return false;
  o << "$d" << k << " << EOD\n" << rows.str() << "EOD\n";
  return true;
}

struct TempFile {
  std::string path;
  int fd = -1;
  explicit TempFile(std::string pattern) : path(std::move(pattern)) {
    fd = mkostemp(path.data(), O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(path + ": cannot create a temporary file: " + std::strerror(errno));
  }
  ~TempFile() {
    if (fd >= 0) close(fd);
    if (!path.empty()) unlink(path.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
};

std::string temp_dir() {
  const char* t = std::getenv("TMPDIR");
  return t && *t ? t : "/tmp";
}

void write_all(int fd, const std::string& text, const std::string& what) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t k = write(fd, text.data() + done, text.size() - done);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) throw std::runtime_error(what + ": write failed: " + std::strerror(errno));
    done += static_cast<std::size_t>(k);
  }
}

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  std::string s = ss.str();
  return s.size() > 2000 ? s.substr(0, 2000) + "..." : s;
}

}  // namespace

PlotFormat plot_format(const std::string& path, const std::string& where) {
  std::string lower = path;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  auto ends = [&](const char* ext) {
    std::size_t n = std::strlen(ext);
    return lower.size() > n && lower.compare(lower.size() - n, n, ext) == 0 && lower[lower.size() - n - 1] != '/';
  };
  if (ends(".svg")) return PlotFormat::Svg;
  if (ends(".png")) return PlotFormat::Png;
  throw InputError(where, "'" + path + "': the plot file must end in .svg or .png");
}

std::string plot_gnuplot_script(const Plot& plot, PlotFormat format) {
  std::ostringstream o;
  o << (format == PlotFormat::Svg ? "set terminal svg size 760,480 dynamic noenhanced font 'sans,11' background '#ffffff'\n"
                                  : "set terminal pngcairo size 960,600 noenhanced font 'sans,10' background '#ffffff'\n")
    << "set title " << quoted(plot.title) << "\nset xlabel " << quoted(plot.x_label) << "\nset ylabel "
    << quoted(plot.y_label) << "\nset key below\nset grid\nset bars small\n";
  const double floor_y = log_floor(plot);
  if (plot.log_y) o << "set logscale y\nset format y '%.0e'\nset yrange [" << number(floor_y) << ":*]\n";
  std::vector<std::string> items;
  for (std::size_t k = 0; k < plot.series.size(); ++k) {
    const PlotSeries& s = plot.series[k];
    if (!append_data(o, s, k, plot.log_y, floor_y)) continue;
    std::string style = s.curve ? "using 1:2 with lines lw 2" : "using 1:2:3:4 with yerrorbars pt 7 ps 0.4 lw 1.2";
    items.push_back("$d" + std::to_string(k) + " " + style + " lc rgb '" + color_of(s.color) + "' title " +
                    quoted(s.label));
  }
  if (items.empty()) throw std::runtime_error("plot: no finite point to draw");
  o << "plot ";
  for (std::size_t i = 0; i < items.size(); ++i) o << (i ? ", \\\n     " : "") << items[i];
  o << "\nunset output\n";
  return o.str();
}

namespace {

// Runs gnuplot on `script_text` into `path` (atomically). Returns 0 when the
// plot was written, or the signal (SIGINT, SIGTERM) that stopped gnuplot, once
// every temporary file is gone.
int plot_run_gnuplot(const std::string& script_text, const std::string& path) {
  TempFile script(temp_dir() + "/robustlaw-plot-XXXXXX"), errors(temp_dir() + "/robustlaw-plot-err-XXXXXX");
  write_all(script.fd, script_text, script.path);
  if (lseek(script.fd, 0, SEEK_SET) != 0) throw std::runtime_error(script.path + ": cannot rewind");
  AtomicFile out(path);
  ProcessResult run;
  try {
    run = process_run({"gnuplot"}, script.fd, out.fd(), errors.fd);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) +
                             ": plots are drawn by gnuplot; install it (Debian: gnuplot-nox) and put it on PATH");
  }
  if (run.signal != 0) return run.signal;  // the destructors remove every temporary file
  const int status = run.wait_status;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("gnuplot failed (" + process_status_text(status) + "); " + path + " not written: " +
                             read_text(errors.path));
  struct stat st {};
  if (fstat(out.fd(), &st) != 0 || st.st_size == 0)
    throw std::runtime_error("gnuplot wrote nothing; " + path + " not written: " + read_text(errors.path));
  out.commit();
  return 0;
}

}  // namespace

void plot_write(const Plot& plot, const std::string& path) {
  PlotFormat format = plot_format(path, "--plot");
  const int caught = plot_run_gnuplot(plot_gnuplot_script(plot, format), path);
  if (caught == 0) return;
  // Interrupted while gnuplot ran: nothing partial is left; the signal now takes its course.
  process_reraise(caught);
  throw std::runtime_error("interrupted while gnuplot ran; " + path + " not written");
}

}  // namespace rl
