#pragma once
// Learning curves of a training history: loss and metric of training and
// validation data against the epoch.

#include <string>
#include <vector>

#include "../training/history.hpp"
#include "svg_chart.hpp"

namespace strata {

/// Returns two panels: the loss and the metric of training and validation
/// data per epoch, with a dotted line at the best epoch when there is one.
inline std::vector<plot::chart> learning_curve_charts(const history& h,
                                                      const std::string& title = "") {
    std::vector<double> epochs, train_loss, validation_loss, train_metric, validation_metric;
    for (const auto& e : h.epochs) {
        epochs.push_back(static_cast<double>(e.epoch));
        train_loss.push_back(e.train_loss);
        validation_loss.push_back(e.validation_loss);
        train_metric.push_back(e.train_metric);
        validation_metric.push_back(e.validation_metric);
    }
    const std::string prefix = title.empty() ? std::string() : title + ": ";
    plot::chart loss{prefix + h.loss_name + " loss", "epoch", h.loss_name, {}, {}};
    loss.lines.push_back({"training", epochs, train_loss, plot::palette(0)});
    loss.lines.push_back({"validation", epochs, validation_loss, plot::palette(1)});
    plot::chart metric{prefix + h.metric_name, "epoch", h.metric_name, {}, {}};
    metric.lines.push_back({"training", epochs, train_metric, plot::palette(0)});
    metric.lines.push_back({"validation", epochs, validation_metric, plot::palette(1)});
    if (h.best_epoch > 0) {
        const std::string label = "best epoch (" + std::to_string(h.best_epoch) + ")";
        loss.markers.push_back({static_cast<double>(h.best_epoch), label});
        metric.markers.push_back({static_cast<double>(h.best_epoch), label});
    }
    if (!epochs.empty()) {
        // Whole epochs from 1: a single epoch still gets a readable axis.
        for (auto* c : {&loss, &metric}) {
            c->x_min = epochs.size() == 1 ? 0.0 : 1.0;
            c->x_max = epochs.back();
        }
    }
    return {loss, metric};
}

/// Writes the learning curves of `h` to `path` as an SVG file with two panels.
inline void save_learning_curves(const history& h, const std::string& path,
                                 const std::string& title = "") {
    plot::save_svg(path, learning_curve_charts(h, title));
}

}  // namespace strata
