#include "prob/svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace rl {
namespace {

constexpr double kW = 720, kH = 480, kLeft = 80, kRight = 170, kTop = 40, kBottom = 60;

struct Axes {
  double x0, x1, y0, y1;
  bool log_y;
  double fy(double v) const { return log_y ? std::log10(std::max(v, 1e-300)) : v; }
  double px(double v) const { return kLeft + (v - x0) / (x1 - x0) * (kW - kLeft - kRight); }
  // Clamped to the frame, so curves leaving the range run along its edge.
  double py(double v) const {
    double y = kH - kBottom - (fy(v) - y0) / (y1 - y0) * (kH - kTop - kBottom);
    return std::clamp(y, kTop, kH - kBottom);
  }
};

Axes axes_fit(const Plot& plot) {
  Axes a{1e300, -1e300, 1e300, -1e300, plot.log_y};
  for (const auto& s : plot.series)
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      a.x0 = std::min(a.x0, s.x[i]);
      a.x1 = std::max(a.x1, s.x[i]);
      for (double v : {s.lo[i], s.hi[i]}) {
        if (plot.log_y && v <= 0) continue;
        a.y0 = std::min(a.y0, a.fy(v));
        a.y1 = std::max(a.y1, a.fy(v));
      }
    }
  if (a.x0 >= a.x1) a.x1 = a.x0 + 1;
  if (plot.log_y) { a.y0 = std::floor(std::max(a.y0, a.y1 - 12)); a.y1 = std::ceil(a.y1); }
  if (!plot.log_y) a.y0 = std::min(a.y0, 0.0);
  if (a.y0 >= a.y1) a.y1 = a.y0 + 1;
  return a;
}

void draw_frame(std::ostringstream& o, const Plot& plot, const Axes& a) {
  o << "<rect x='" << kLeft << "' y='" << kTop << "' width='" << kW - kLeft - kRight << "' height='"
    << kH - kTop - kBottom << "' fill='none' stroke='black'/>\n";
  for (int i = 0; i <= 5; ++i) {
    double xv = a.x0 + (a.x1 - a.x0) * i / 5;
    o << "<text x='" << a.px(xv) << "' y='" << kH - kBottom + 18 << "' font-size='11' text-anchor='middle'>" << xv
      << "</text>\n";
  }
  const double step = a.log_y ? std::max(1.0, std::ceil((a.y1 - a.y0) / 8)) : (a.y1 - a.y0) / 5;
  for (double e = a.y0; e <= a.y1 + 1e-9 * std::fabs(a.y1); e += step) {
    double yv = a.log_y ? std::pow(10.0, e) : e, y = a.py(yv);
    o << "<line x1='" << kLeft << "' x2='" << kW - kRight << "' y1='" << y << "' y2='" << y
      << "' stroke='#ddd'/>\n<text x='" << kLeft - 6 << "' y='" << y + 4 << "' font-size='11' text-anchor='end'>"
      << (a.log_y ? "1e" : "") << e << "</text>\n";
  }
  o << "<text x='" << kW / 2 << "' y='22' font-size='14' text-anchor='middle'>" << plot.title << "</text>\n"
    << "<text x='" << (kLeft + kW - kRight) / 2 << "' y='" << kH - 18 << "' font-size='12' text-anchor='middle'>"
    << plot.x_label << "</text>\n<text x='18' y='" << kH / 2 << "' font-size='12' transform='rotate(-90 18 " << kH / 2
    << ")' text-anchor='middle'>" << plot.y_label << "</text>\n";
}

}  // namespace

std::string plot_svg(const Plot& plot) {
  Axes a = axes_fit(plot);
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << kW << "' height='" << kH
    << "' font-family='sans-serif'>\n<rect width='100%' height='100%' fill='white'/>\n";
  draw_frame(o, plot, a);

  double legend_y = kTop + 10;
  std::vector<std::pair<std::string, std::string>> legend;
  for (const auto& s : plot.series) {
    if (s.curve) {
      o << "<polyline fill='none' stroke='" << s.color << "' stroke-width='1.5' points='";
      for (std::size_t i = 0; i < s.x.size(); ++i)
        if (!a.log_y || s.hi[i] > 0) o << a.px(s.x[i]) << "," << a.py(std::sqrt(std::max(s.lo[i], 0.0) * s.hi[i])) << " ";
      o << "'/>\n";
    } else {
      for (std::size_t i = 0; i < s.x.size(); ++i) {
        if (a.log_y && s.hi[i] <= 0) continue;
        const double floor_y = a.log_y ? std::pow(10.0, a.y0) : a.y0;
        double x = a.px(s.x[i]), ylo = a.py(std::max(s.lo[i], floor_y)), yhi = a.py(s.hi[i]);
        o << "<circle cx='" << x << "' cy='" << (ylo + yhi) / 2 << "' r='2' fill='" << s.color << "'/>\n";
        o << "<line x1='" << x << "' x2='" << x << "' y1='" << ylo << "' y2='" << yhi << "' stroke='" << s.color
          << "' stroke-width='1.5'/>\n<line x1='" << x - 3 << "' x2='" << x + 3 << "' y1='" << ylo << "' y2='" << ylo
          << "' stroke='" << s.color << "'/>\n<line x1='" << x - 3 << "' x2='" << x + 3 << "' y1='" << yhi
          << "' y2='" << yhi << "' stroke='" << s.color << "'/>\n";
      }
    }
    legend.push_back({s.label, s.color});
  }
  for (const auto& [label, color] : legend) {
    o << "<line x1='" << kW - kRight + 10 << "' x2='" << kW - kRight + 30 << "' y1='" << legend_y << "' y2='"
      << legend_y << "' stroke='" << color << "' stroke-width='2'/>\n<text x='" << kW - kRight + 35 << "' y='"
      << legend_y + 4 << "' font-size='11'>" << label << "</text>\n";
    legend_y += 18;
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace rl
