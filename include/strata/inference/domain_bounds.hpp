#pragma once
// The range of each input feature seen in training.

#include <array>
#include <cstddef>

namespace strata {

/// Per-feature minimum and maximum over a model's training inputs:
/// feature i ranged over [min[i], max[i]]. Exported model headers carry one
/// so firmware can tell when an input lies outside what the model saw.
template <std::size_t Features, class T = float>
struct domain_bounds {
    std::array<T, Features> min{};
    std::array<T, Features> max{};
};

}  // namespace strata
