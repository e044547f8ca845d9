#pragma once

#include <cmath>
#include <cstddef>
#include <numbers>
#include <string_view>

namespace strata::schedules {

/// Cosine annealing from the initial rate down to `minimum_rate` over
/// `t_max` epochs (PyTorch's CosineAnnealingLR, closed form, no restarts):
///   rate(e) = minimum_rate + (initial_rate - minimum_rate) (1 + cos(pi e / t_max)) / 2
/// with e counted from 0. Past t_max the rate rises again along the same
/// cosine, as PyTorch's does.
struct cosine {
    static constexpr std::string_view name = "cosine";

    std::size_t t_max = 10;     ///< epochs of one half period; must be at least 1
    double minimum_rate = 0;    ///< PyTorch's eta_min

    /// Returns the rate of `epoch` (counted from 0).
    double learning_rate(std::size_t epoch, double initial_rate) const noexcept {
        const double phase = std::numbers::pi * static_cast<double>(epoch) /
                             static_cast<double>(t_max == 0 ? 1 : t_max);
        return minimum_rate + (initial_rate - minimum_rate) * (1 + std::cos(phase)) / 2;
    }
};

}  // namespace strata::schedules
