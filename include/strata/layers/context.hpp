#pragma once

#include <optional>

#include "../random.hpp"

namespace strata {

/// Purpose of a forward pass. Layers that act only in training (dropout)
/// read `training` and draw from `random`, which is null at inference.
struct pass_context {
    bool training = false;
    random_engine* random = nullptr;
    /// When set, every dropout layer zeroes values with this probability in
    /// [0, 1) in place of its compile-time drop rate.
    std::optional<double> drop_rate{};
};

}  // namespace strata
