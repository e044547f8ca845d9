#pragma once

#include <cstddef>
#include <string_view>

#include "../kernels/elementwise.hpp"

namespace strata::optimizers {

/// Plain gradient descent: p -= learning_rate * g.
struct sgd {
    static constexpr std::string_view name = "sgd";
    /// Values of state per parameter: none.
    static constexpr std::size_t state_values_per_parameter = 0;

    double learning_rate = 0.01;

    /// sgd keeps no state between steps.
    template <class T, std::size_t Size>
    struct state {};

    template <class T, std::size_t Size>
    void step(state<T, Size>&, T* parameters, const T* gradient) const noexcept {
        kernels::axpy(Size, static_cast<T>(-learning_rate), gradient, parameters);
    }
};

}  // namespace strata::optimizers
