#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace strata {

/// Measurements of one epoch. Training loss and metric are averaged over the
/// epoch's samples as the weights changed, as PyTorch and Keras report
/// them. Validation figures use the weights at the end of the epoch. The
/// loss is the data loss, without any regularization penalty.
struct epoch_record {
    std::size_t epoch = 0;  ///< counted from 1
    double train_loss = 0;
    double train_metric = 0;
    double validation_loss = std::numeric_limits<double>::quiet_NaN();    ///< NaN without validation data
    double validation_metric = std::numeric_limits<double>::quiet_NaN();  ///< NaN without validation data
    double learning_rate = 0;
    double seconds = 0;  ///< wall time of the epoch, validation included
};

/// Measurements of one training step, passed to trainer::on_batch_end.
struct batch_record {
    std::size_t epoch = 0;    ///< counted from 1
    std::size_t batch = 0;    ///< counted from 0 within the epoch
    std::size_t samples = 0;  ///< samples in this batch
    double loss = 0;          ///< mean data loss over the batch, before the step
};

/// Reason fit() returned.
enum class stop_reason {
    epoch_limit,     ///< ran fit_options::epochs epochs
    early_stopping,  ///< the validation loss stopped improving for `patience` epochs
    time_budget,     ///< fit_options::time_budget_seconds ran out
};

/// Everything fit() recorded, one entry per completed epoch.
struct history {
    std::string loss_name;
    std::string metric_name;
    std::vector<epoch_record> epochs;
    /// The epoch with the lowest validation loss (0 without validation data).
    std::size_t best_epoch = 0;
    double best_validation_loss = std::numeric_limits<double>::quiet_NaN();
    stop_reason stopped_by = stop_reason::epoch_limit;
    /// True when early stopping copied the best epoch's weights back into the network.
    bool restored_best = false;

    /// Returns the record of `best_epoch`, or the last record when no epoch was best.
    /// Throws std::out_of_range when there are no records.
    const epoch_record& best_or_last() const {
        return epochs.at(best_epoch > 0 ? best_epoch - 1 : epochs.size() - 1);
    }
};

/// Returns a short name for `reason`: "epoch limit", "early stopping" or "time budget".
inline const char* to_string(stop_reason reason) noexcept {
    switch (reason) {
        case stop_reason::epoch_limit: return "epoch limit";
        case stop_reason::early_stopping: return "early stopping";
        case stop_reason::time_budget: return "time budget";
    }
    return "unknown";
}

/// Loss and metric of a network over a whole dataset.
struct evaluation {
    double loss = 0;
    double metric = 0;
    std::size_t samples = 0;
};

}  // namespace strata
