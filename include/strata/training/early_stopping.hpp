#pragma once
// Early stopping on the validation loss: the rule that decides when an
// epoch improved and when to stop. The trainer keeps the weights.

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>

#include "../error.hpp"

namespace strata {

/// Settings of early stopping, set through fit_options::early_stop. An epoch
/// improves when its validation loss is below the best so far minus
/// `min_delta`; training stops after `patience` epochs in a row without
/// improvement. With `restore_best`, fit() copies the best epoch's weights
/// back into the network when it returns, whatever the reason (patience,
/// epoch limit or time budget), and before it throws divergence_error.
struct early_stopping {
    std::size_t patience = 5;
    double min_delta = 0;
    bool restore_best = true;
};

/// Tracks the best validation loss and the epochs since it, for one fit().
class early_stopping_monitor {
public:
    explicit early_stopping_monitor(const early_stopping& settings) : settings_(settings) {
        if (settings.patience == 0)
            throw config_error("early_stopping: patience must be at least 1, got 0");
        if (!(settings.min_delta >= 0) || !std::isfinite(settings.min_delta))
            throw config_error("early_stopping: min_delta must be finite and non-negative, got " +
                               std::to_string(settings.min_delta));
    }

    /// Records the validation loss of `epoch` and returns true when it is the
    /// new best. A NaN loss never improves.
    bool update(std::size_t epoch, double validation_loss) noexcept {
        if (validation_loss < best_loss_ - settings_.min_delta) {
            best_loss_ = validation_loss;
            best_epoch_ = epoch;
            epochs_without_improvement_ = 0;
            return true;
        }
        ++epochs_without_improvement_;
        return false;
    }

    /// True once `patience` epochs in a row have not improved.
    bool should_stop() const noexcept {
        return epochs_without_improvement_ >= settings_.patience;
    }

    std::size_t best_epoch() const noexcept { return best_epoch_; }  ///< 0 before the first improvement
    double best_loss() const noexcept { return best_loss_; }

private:
    early_stopping settings_;
    double best_loss_ = std::numeric_limits<double>::infinity();
    std::size_t best_epoch_ = 0;
    std::size_t epochs_without_improvement_ = 0;
};

}  // namespace strata
