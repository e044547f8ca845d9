#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "../error.hpp"
#include "../training/dataset.hpp"

namespace strata::losses {

/// Mean squared error: the mean over samples and outputs of (y - t)^2, with
/// no 1/2 factor, so dL/dy = 2 (y - t) / (batch * Outputs). Targets have one
/// column per output. The metric is the mean absolute error.
struct mse {
    static constexpr std::string_view name = "mse";
    static constexpr std::string_view metric_name = "mean absolute error";
    static constexpr bool higher_metric_is_better = false;

    template <std::size_t Outputs>
    static constexpr bool fits_output = true;

    /// A target has one value per output.
    template <std::size_t Outputs, std::size_t Targets>
    static constexpr bool fits_targets = Targets == Outputs;

    /// Throws data_error unless every sample has one target per output.
    template <std::size_t Outputs, class T>
    static void check_targets(const basic_dataset<T>& data) {
        if (data.target_count() != Outputs)
            throw data_error(data.source() + ": mse needs " + std::to_string(Outputs) +
                             " target values per sample (one per network output), found " +
                             std::to_string(data.target_count()));
    }

    /// Returns the per-sample losses summed over the batch and writes dL/dy for
    /// the batch-mean loss into `dy`.
    template <std::size_t Outputs, class T>
    static double loss_and_gradient(const T* y, const T* t, std::size_t, T* dy,
                                    std::size_t batch) noexcept {
        const T scale = T(2) / static_cast<T>(batch * Outputs);
        double total = 0;
        for (std::size_t s = 0; s < batch; ++s) {
            double sample = 0;
            for (std::size_t k = 0; k < Outputs; ++k) {
                const T e = y[s * Outputs + k] - t[s * Outputs + k];
                sample += static_cast<double>(e) * static_cast<double>(e);
                dy[s * Outputs + k] = scale * e;
            }
            total += sample / Outputs;
        }
        return total;
    }

    /// Returns the loss of one sample.
    template <std::size_t Outputs, class T>
    static double loss(const T* y, const T* t, std::size_t) noexcept {
        double sample = 0;
        for (std::size_t k = 0; k < Outputs; ++k) {
            const double e = static_cast<double>(y[k]) - static_cast<double>(t[k]);
            sample += e * e;
        }
        return sample / Outputs;
    }

    /// Returns the metric of one sample (its mean absolute error).
    template <std::size_t Outputs, class T>
    static double metric(const T* y, const T* t, std::size_t) noexcept {
        double sample = 0;
        for (std::size_t k = 0; k < Outputs; ++k) {
            const double e = static_cast<double>(y[k]) - static_cast<double>(t[k]);
            sample += e < 0 ? -e : e;
        }
        return sample / Outputs;
    }
};

}  // namespace strata::losses
