#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <string_view>

namespace strata::schedules {

/// Divides the rate when the monitored loss stops falling (PyTorch's
/// ReduceLROnPlateau in mode "min" with threshold_mode "rel"). After each
/// epoch, record() takes the validation loss (the trainer passes the
/// training loss when it has no validation data):
/// - a loss below best * (1 - threshold) is an improvement: it becomes the
///   best and the count of bad epochs returns to 0; any other loss adds one
///   bad epoch;
/// - during the `cooldown` epochs after a reduction, bad epochs are not counted;
/// - when the count exceeds `patience`, the rate becomes
///   max(rate * factor, minimum_rate) (if that changes it by more than
///   epsilon), the count returns to 0 and the cooldown starts.
struct reduce_on_plateau {
    static constexpr std::string_view name = "plateau";

    double factor = 0.1;
    std::size_t patience = 10;
    double threshold = 1e-4;
    std::size_t cooldown = 0;
    double minimum_rate = 0;  ///< PyTorch's min_lr
    double epsilon = 1e-8;    ///< PyTorch's eps: smaller changes of the rate are skipped

    // State, set by start() and record(); public so that the hyperparameters
    // above stay designated initializers.
    double current_rate = 0;
    double best_loss = std::numeric_limits<double>::infinity();
    std::size_t bad_epochs = 0;
    std::size_t cooldown_left = 0;

    /// Resets the schedule to `initial_rate` with no loss seen yet.
    void start(double initial_rate) noexcept {
        current_rate = initial_rate;
        best_loss = std::numeric_limits<double>::infinity();
        bad_epochs = 0;
        cooldown_left = 0;
    }

    /// Returns the current rate; the epoch does not enter.
    double learning_rate(std::size_t, double) const noexcept { return current_rate; }

    /// Takes the loss at the end of an epoch and reduces the rate if it has stalled.
    void record(double loss) noexcept {
        if (loss < best_loss * (1.0 - threshold)) {
            best_loss = loss;
            bad_epochs = 0;
        } else {
            ++bad_epochs;
        }
        if (cooldown_left > 0) {
            --cooldown_left;
            bad_epochs = 0;
        }
        if (bad_epochs > patience) {
            const double reduced = std::max(current_rate * factor, minimum_rate);
            if (current_rate - reduced > epsilon) current_rate = reduced;
            cooldown_left = cooldown;
            bad_epochs = 0;
        }
    }
};

}  // namespace strata::schedules
