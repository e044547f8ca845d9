#pragma once

#include <cstddef>
#include <string_view>

namespace strata::schedules {

/// The initial learning rate in every epoch (PyTorch: no scheduler).
struct constant {
    static constexpr std::string_view name = "constant";

    /// Returns the rate of `epoch` (counted from 0).
    double learning_rate(std::size_t, double initial_rate) const noexcept { return initial_rate; }
};

}  // namespace strata::schedules
