#pragma once

#include <cmath>
#include <cstddef>
#include <string_view>

namespace strata::schedules {

/// Multiplies the rate by `gamma` every epoch (PyTorch's ExponentialLR):
///   rate(e) = initial_rate * gamma^e,  e counted from 0.
struct exponential_decay {
    static constexpr std::string_view name = "exponential";

    double gamma = 0.95;

    /// Returns the rate of `epoch` (counted from 0).
    double learning_rate(std::size_t epoch, double initial_rate) const noexcept {
        return initial_rate * std::pow(gamma, static_cast<double>(epoch));
    }
};

}  // namespace strata::schedules
