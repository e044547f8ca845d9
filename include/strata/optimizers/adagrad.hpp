#pragma once

#include <cstddef>
#include <string_view>

#include "../detail/aligned.hpp"
#include "../kernels/lanes.hpp"

namespace strata::optimizers {

/// Adagrad (Duchi, Hazan and Singer, 2011) as PyTorch 1.13 computes it:
///   rate = learning_rate / (1 + (t - 1) learning_rate_decay),  t from 1
///   s += g^2   (s starts at initial_accumulator_value)
///   p -= rate g / (sqrt(s) + epsilon)
/// Hyperparameters carry PyTorch's defaults (lr_decay is learning_rate_decay).
struct adagrad {
    static constexpr std::string_view name = "adagrad";
    /// Values of state per parameter (the sum of squared gradients).
    static constexpr std::size_t state_values_per_parameter = 1;

    double learning_rate = 0.01;
    double learning_rate_decay = 0;
    double initial_accumulator_value = 0;
    double epsilon = 1e-10;

    /// The sum of squared gradients of every parameter and the step count.
    template <class T, std::size_t Size>
    struct state {
        aligned_buffer<T> sum{Size};
        std::size_t steps = 0;
    };

    template <class T, std::size_t Size>
    void step(state<T, Size>& s, T* parameters, const T* gradient) const noexcept {
        T* sum = s.sum.data();
        if (s.steps == 0)
            for (std::size_t i = 0; i < Size; ++i) sum[i] = static_cast<T>(initial_accumulator_value);
        const T rate = static_cast<T>(
            learning_rate / (1.0 + static_cast<double>(s.steps) * learning_rate_decay));
        const T eps = static_cast<T>(epsilon);
        ++s.steps;
        kernels::for_each_lane<T>(Size, [&](auto lanes, std::size_t i) {
            using V = decltype(lanes);
            const V g = kernels::load<V>(gradient + i);
            const V total = kernels::load<V>(sum + i) + g * g;
            kernels::store(sum + i, total);
            const V p = kernels::load<V>(parameters + i) - V(rate) * g / (kernels::sqrt(total) + V(eps));
            kernels::store(parameters + i, p);
        });
    }
};

}  // namespace strata::optimizers
