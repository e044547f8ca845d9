#pragma once

#include <cmath>
#include <cstddef>
#include <string_view>

namespace strata::schedules {

/// Multiplies the rate by `gamma` every `step_size` epochs (PyTorch's StepLR):
///   rate(e) = initial_rate * gamma^floor(e / step_size),  e counted from 0.
struct step_decay {
    static constexpr std::string_view name = "step";

    std::size_t step_size = 10;  ///< epochs between decays; must be at least 1
    double gamma = 0.1;

    /// Returns the rate of `epoch` (counted from 0).
    double learning_rate(std::size_t epoch, double initial_rate) const noexcept {
        const std::size_t decays = step_size == 0 ? 0 : epoch / step_size;
        return initial_rate * std::pow(gamma, static_cast<double>(decays));
    }
};

}  // namespace strata::schedules
