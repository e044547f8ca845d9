#pragma once
// Writes a training history as CSV, one row per epoch.

#include <cstdio>
#include <string>

#include "../detail/write_text.hpp"
#include "../training/history.hpp"

namespace strata {

namespace detail {

inline std::string csv_column_name(std::string name) {
    for (char& c : name)
        if (c == ' ') c = '_';
    return name;
}

inline void append_csv_number(std::string& row, double value) {
    // An empty field marks a missing value (no validation data), which
    // pandas and R read as NaN; %.17g keeps every double exact.
    if (value == value) {
        char text[32];
        std::snprintf(text, sizeof text, "%.17g", value);
        row += text;
    }
}

}  // namespace detail

/// Returns `h` as CSV: a header row (epoch, train_loss, train_<metric>,
/// validation_loss, validation_<metric>, learning_rate, seconds, with spaces
/// in the metric's name turned into underscores) and one row per epoch.
/// Missing validation figures are empty fields.
inline std::string to_csv(const history& h) {
    const std::string metric = detail::csv_column_name(h.metric_name);
    std::string text = "epoch,train_loss,train_" + metric + ",validation_loss,validation_" +
                       metric + ",learning_rate,seconds\n";
    for (const auto& e : h.epochs) {
        text += std::to_string(e.epoch);
        for (double value : {e.train_loss, e.train_metric, e.validation_loss, e.validation_metric,
                             e.learning_rate, e.seconds}) {
            text += ',';
            detail::append_csv_number(text, value);
        }
        text += '\n';
    }
    return text;
}

/// Writes to_csv(h) to `path`, replacing the file atomically. Throws
/// std::system_error naming the path if it cannot be written.
inline void save_csv(const history& h, const std::string& path) {
    detail::write_text_atomically(path, to_csv(h));
}

}  // namespace strata
