#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace strata {

/// Measurements of one epoch. Training loss and metric are averaged over the
/// epoch's samples as the weights changed (as PyTorch and Keras report
/// them); validation figures use the weights at the end of the epoch. The
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

/// Everything fit() recorded, one entry per completed epoch.
struct history {
    std::string loss_name;
    std::string metric_name;
    std::vector<epoch_record> epochs;
};

/// Loss and metric of a network over a whole dataset.
struct evaluation {
    double loss = 0;
    double metric = 0;
    std::size_t samples = 0;
};

}  // namespace strata
