#pragma once
// Line and scatter charts written as SVG, for learning curves and model
// fits. Self-contained: no plotting library and no fonts are needed to
// write one; a browser or an SVG viewer draws it.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "../detail/write_text.hpp"
#include "../error.hpp"

namespace strata::plot {

/// One data series: a polyline through (x[i], y[i]), or markers only.
/// Points with a non-finite coordinate are skipped and break the line.
struct series {
    std::string label;
    std::vector<double> x;
    std::vector<double> y;
    std::string color = "#1f77b4";
    bool markers_only = false;
    bool dashed = false;
};

/// A vertical marker line at `x`, such as the best epoch.
struct vertical_line {
    double x = 0;
    std::string label;
    std::string color = "#7f7f7f";
};

/// One panel: axes with ticks and labels, a title, the series and a legend.
struct chart {
    std::string title;
    std::string x_label;
    std::string y_label;
    std::vector<series> lines;
    std::vector<vertical_line> markers;
    /// Fixed axis ranges; NaN takes the range of the data.
    double x_min = std::numeric_limits<double>::quiet_NaN();
    double x_max = std::numeric_limits<double>::quiet_NaN();
    double y_min = std::numeric_limits<double>::quiet_NaN();
    double y_max = std::numeric_limits<double>::quiet_NaN();
};

/// Ten distinct colors for series, from the Tableau 10 palette.
inline const char* palette(std::size_t i) noexcept {
    static const char* const colors[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    return colors[i % 10];
}

namespace detail {

inline std::string escape_xml(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

inline std::string number(double value, const char* format = "%.2f") {
    char text[64];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

// Tick positions at 1, 2 or 5 times a power of ten, about `target` of them,
// covering [low, high]; widens the range to whole ticks.
struct axis_ticks {
    double low, high, step;
    std::vector<double> values;
};

inline axis_ticks make_ticks(double low, double high, int target = 6) {
    if (!(high > low)) {
        const double pad = low == 0 ? 1.0 : std::abs(low) * 0.1;
        low -= pad;
        high += pad;
    }
    const double raw = (high - low) / target;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = magnitude;
    for (double factor : {1.0, 2.0, 5.0, 10.0})
        if (factor * magnitude >= raw) {
            step = factor * magnitude;
            break;
        }
    axis_ticks ticks{std::floor(low / step) * step, std::ceil(high / step) * step, step, {}};
    for (double v = ticks.low; v <= ticks.high + step * 1e-9; v += step)
        ticks.values.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
    return ticks;
}

// printf format that shows ticks `step` apart without trailing noise.
inline const char* tick_format(double step) {
    if (step >= 1) return "%.0f";
    if (step >= 0.1) return "%.1f";
    if (step >= 0.01) return "%.2f";
    if (step >= 0.001) return "%.3f";
    return "%.2g";
}

inline void extend(double& low, double& high, double value) {
    if (!std::isfinite(value)) return;
    low = std::min(low, value);
    high = std::max(high, value);
}

// Draws `c` into the rectangle at (left, top) of size width x height.
inline std::string render_panel(const chart& c, double left, double top, double width,
                                double height) {
    constexpr double margin_left = 64, margin_right = 16, margin_top = 34, margin_bottom = 48;
    const double plot_left = left + margin_left;
    const double plot_top = top + margin_top;
    const double plot_width = width - margin_left - margin_right;
    const double plot_height = height - margin_top - margin_bottom;

    double x_low = std::numeric_limits<double>::infinity(), x_high = -x_low;
    double y_low = x_low, y_high = -x_low;
    for (const auto& s : c.lines) {
        for (double v : s.x) extend(x_low, x_high, v);
        for (double v : s.y) extend(y_low, y_high, v);
    }
    if (!std::isfinite(x_low)) x_low = 0, x_high = 1;
    if (!std::isfinite(y_low)) y_low = 0, y_high = 1;
    if (!std::isnan(c.x_min)) x_low = c.x_min;
    if (!std::isnan(c.x_max)) x_high = c.x_max;
    if (!std::isnan(c.y_min)) y_low = c.y_min;
    if (!std::isnan(c.y_max)) y_high = c.y_max;
    const axis_ticks xt = make_ticks(x_low, x_high);
    const axis_ticks yt = make_ticks(y_low, y_high);
    const auto px = [&](double x) {
        return plot_left + (x - xt.low) / (xt.high - xt.low) * plot_width;
    };
    const auto py = [&](double y) {
        return plot_top + plot_height - (y - yt.low) / (yt.high - yt.low) * plot_height;
    };

    std::string svg;
    svg += "<g font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">\n";
    svg += "<text x=\"" + number(left + width / 2) + "\" y=\"" + number(top + 22) +
           "\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">" +
           escape_xml(c.title) + "</text>\n";
    // Grid lines and tick labels.
    for (double v : xt.values) {
        const double x = px(v);
        svg += "<line x1=\"" + number(x) + "\" y1=\"" + number(plot_top) + "\" x2=\"" +
               number(x) + "\" y2=\"" + number(plot_top + plot_height) +
               "\" stroke=\"#e5e5e5\"/>\n";
        svg += "<text x=\"" + number(x) + "\" y=\"" + number(plot_top + plot_height + 16) +
               "\" text-anchor=\"middle\">" + number(v, tick_format(xt.step)) + "</text>\n";
    }
    for (double v : yt.values) {
        const double y = py(v);
        svg += "<line x1=\"" + number(plot_left) + "\" y1=\"" + number(y) + "\" x2=\"" +
               number(plot_left + plot_width) + "\" y2=\"" + number(y) +
               "\" stroke=\"#e5e5e5\"/>\n";
        svg += "<text x=\"" + number(plot_left - 6) + "\" y=\"" + number(y + 4) +
               "\" text-anchor=\"end\">" + number(v, tick_format(yt.step)) + "</text>\n";
    }
    svg += "<rect x=\"" + number(plot_left) + "\" y=\"" + number(plot_top) + "\" width=\"" +
           number(plot_width) + "\" height=\"" + number(plot_height) +
           "\" fill=\"none\" stroke=\"#333\"/>\n";
    svg += "<text x=\"" + number(plot_left + plot_width / 2) + "\" y=\"" +
           number(top + height - 10) + "\" text-anchor=\"middle\">" + escape_xml(c.x_label) +
           "</text>\n";
    const double y_label_x = left + 16, y_label_y = plot_top + plot_height / 2;
    svg += "<text x=\"" + number(y_label_x) + "\" y=\"" + number(y_label_y) +
           "\" text-anchor=\"middle\" transform=\"rotate(-90 " + number(y_label_x) + " " +
           number(y_label_y) + ")\">" + escape_xml(c.y_label) + "</text>\n";

    // Data, clipped to the plot area.
    svg += "<svg x=\"" + number(plot_left) + "\" y=\"" + number(plot_top) + "\" width=\"" +
           number(plot_width) + "\" height=\"" + number(plot_height) + "\" viewBox=\"" +
           number(plot_left) + " " + number(plot_top) + " " + number(plot_width) + " " +
           number(plot_height) + "\">\n";
    for (const auto& m : c.markers)
        svg += "<line x1=\"" + number(px(m.x)) + "\" y1=\"" + number(plot_top) + "\" x2=\"" +
               number(px(m.x)) + "\" y2=\"" + number(plot_top + plot_height) + "\" stroke=\"" +
               m.color + "\" stroke-dasharray=\"2 3\"/>\n";
    for (const auto& s : c.lines) {
        const std::size_t n = std::min(s.x.size(), s.y.size());
        if (s.markers_only) {
            for (std::size_t i = 0; i < n; ++i)
                if (std::isfinite(s.x[i]) && std::isfinite(s.y[i]))
                    svg += "<circle cx=\"" + number(px(s.x[i])) + "\" cy=\"" +
                           number(py(s.y[i])) + "\" r=\"3\" fill=\"" + s.color +
                           "\" fill-opacity=\"0.8\"/>\n";
            continue;
        }
        std::string path;
        bool pen_down = false;
        for (std::size_t i = 0; i < n; ++i) {
            if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
                pen_down = false;
                continue;
            }
            path += (pen_down ? " L" : " M") + number(px(s.x[i])) + " " + number(py(s.y[i]));
            pen_down = true;
        }
        if (path.empty()) continue;
        svg += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + s.color +
               "\" stroke-width=\"2\"" + (s.dashed ? " stroke-dasharray=\"6 4\"" : "") +
               "/>\n";
        if (n == 1)  // a single point draws no line
            svg += "<circle cx=\"" + number(px(s.x[0])) + "\" cy=\"" + number(py(s.y[0])) +
                   "\" r=\"3\" fill=\"" + s.color + "\"/>\n";
    }
    svg += "</svg>\n";

    // Legend in the corner of the plot area that covers the fewest data.
    struct legend_entry {
        std::string label, color;
        bool dotted;  // a marker line
        bool dot;     // a series of markers only
    };
    std::vector<legend_entry> entries;
    for (const auto& s : c.lines)
        if (!s.label.empty()) entries.push_back({s.label, s.color, false, s.markers_only});
    for (const auto& m : c.markers)
        if (!m.label.empty()) entries.push_back({m.label, m.color, true, false});
    if (!entries.empty()) {
        std::size_t longest = 0;
        for (const auto& e : entries) longest = std::max(longest, e.label.size());
        const double box_width = 34 + 7.0 * static_cast<double>(longest);
        const double box_height = 8 + 17.0 * static_cast<double>(entries.size());
        const double right = plot_left + plot_width - box_width - 8;
        const double bottom = plot_top + plot_height - box_height - 8;
        const double corners[4][2] = {{right, plot_top + 8},
                                      {plot_left + 8, plot_top + 8},
                                      {right, bottom},
                                      {plot_left + 8, bottom}};
        std::size_t best_corner = 0, fewest = std::numeric_limits<std::size_t>::max();
        for (std::size_t k = 0; k < 4; ++k) {
            std::size_t covered = 0;
            const auto count_point = [&](double x, double y) {
                const double sx = px(x), sy = py(y);
                covered += sx >= corners[k][0] && sx <= corners[k][0] + box_width &&
                           sy >= corners[k][1] && sy <= corners[k][1] + box_height;
            };
            for (const auto& s : c.lines) {
                const std::size_t n = std::min(s.x.size(), s.y.size());
                for (std::size_t i = 0; i < n; ++i) {
                    if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
                    count_point(s.x[i], s.y[i]);
                    // Points along the segment, so a line crossing the box counts.
                    if (s.markers_only || i + 1 >= n || !std::isfinite(s.x[i + 1]) ||
                        !std::isfinite(s.y[i + 1]))
                        continue;
                    for (int step = 1; step < 8; ++step) {
                        const double f = step / 8.0;
                        count_point(s.x[i] + f * (s.x[i + 1] - s.x[i]),
                                    s.y[i] + f * (s.y[i + 1] - s.y[i]));
                    }
                }
            }
            if (covered < fewest) {
                fewest = covered;
                best_corner = k;
            }
        }
        const double box_left = corners[best_corner][0];
        const double box_top = corners[best_corner][1];
        svg += "<rect x=\"" + number(box_left) + "\" y=\"" + number(box_top) + "\" width=\"" +
               number(box_width) + "\" height=\"" + number(box_height) +
               "\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#999\"/>\n";
        for (std::size_t i = 0; i < entries.size(); ++i) {
            const double y = box_top + 14 + 17.0 * static_cast<double>(i);
            if (entries[i].dot)
                svg += "<circle cx=\"" + number(box_left + 16) + "\" cy=\"" + number(y - 4) +
                       "\" r=\"3.5\" fill=\"" + entries[i].color + "\"/>\n";
            else
                svg += "<line x1=\"" + number(box_left + 6) + "\" y1=\"" + number(y - 4) +
                       "\" x2=\"" + number(box_left + 26) + "\" y2=\"" + number(y - 4) +
                       "\" stroke=\"" + entries[i].color + "\" stroke-width=\"" +
                       (entries[i].dotted ? "1.5\" stroke-dasharray=\"2 3\"" : "3\"") + "/>\n";
            svg += "<text x=\"" + number(box_left + 30) + "\" y=\"" + number(y) + "\">" +
                   escape_xml(entries[i].label) + "</text>\n";
        }
    }
    svg += "</g>\n";
    return svg;
}

}  // namespace detail

/// Returns an SVG document with `panels` side by side, each
/// `panel_width` x `panel_height` pixels.
inline std::string render_svg(const std::vector<chart>& panels, double panel_width = 560,
                              double panel_height = 400) {
    if (panels.empty()) throw config_error("plot::render_svg: no panels to draw");
    const double width = panel_width * static_cast<double>(panels.size());
    std::string svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + detail::number(width, "%.0f") +
           "\" height=\"" + detail::number(panel_height, "%.0f") + "\" viewBox=\"0 0 " +
           detail::number(width, "%.0f") + " " + detail::number(panel_height, "%.0f") + "\">\n";
    svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
    for (std::size_t i = 0; i < panels.size(); ++i)
        svg += detail::render_panel(panels[i], panel_width * static_cast<double>(i), 0,
                                    panel_width, panel_height);
    svg += "</svg>\n";
    return svg;
}

/// Writes render_svg(panels) to `path`, replacing it atomically.
inline void save_svg(const std::string& path, const std::vector<chart>& panels,
                     double panel_width = 560, double panel_height = 400) {
    strata::detail::write_text_atomically(path, render_svg(panels, panel_width, panel_height));
}

}  // namespace strata::plot
