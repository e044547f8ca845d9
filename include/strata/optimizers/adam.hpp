#pragma once

#include <cmath>
#include <cstddef>
#include <string_view>

#include "../detail/aligned.hpp"
#include "../kernels/lanes.hpp"

namespace strata::optimizers {

/// Adam (Kingma and Ba, 2015), in the form PyTorch 1.13 computes:
///   m = beta1 m + (1 - beta1) g,   v = beta2 v + (1 - beta2) g^2,
///   p -= (learning_rate / (1 - beta1^t)) * m / (sqrt(v) / sqrt(1 - beta2^t) + epsilon)
/// with t counted from 1, so the first step moves each parameter by about
/// learning_rate. Hyperparameters carry PyTorch's names and defaults.
struct adam {
    static constexpr std::string_view name = "adam";
    /// Values of state per parameter (the two moments m and v).
    static constexpr std::size_t state_values_per_parameter = 2;

    double learning_rate = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double epsilon = 1e-8;

    /// First and second moment estimates and the step count, allocated once.
    template <class T, std::size_t Size>
    struct state {
        aligned_buffer<T> m{Size};
        aligned_buffer<T> v{Size};
        std::size_t steps = 0;
    };

    template <class T, std::size_t Size>
    void step(state<T, Size>& s, T* parameters, const T* gradient) const noexcept {
        ++s.steps;
        const double t = static_cast<double>(s.steps);
        const double correction1 = 1.0 - std::pow(beta1, t);
        const double correction2 = 1.0 - std::pow(beta2, t);
        const T step_size = static_cast<T>(learning_rate / correction1);
        const T inverse_root_correction2 = static_cast<T>(1.0 / std::sqrt(correction2));
        // 1 - beta is formed in double, as PyTorch does: in float, 1 - 0.999f
        // is off by 1.3e-5 relative, which shifts every step.
        const T b1 = static_cast<T>(beta1);
        const T b2 = static_cast<T>(beta2);
        const T one_minus_b1 = static_cast<T>(1.0 - beta1);
        const T one_minus_b2 = static_cast<T>(1.0 - beta2);
        const T eps = static_cast<T>(epsilon);
        T* m = s.m.data();
        T* v = s.v.data();
        kernels::for_each_lane<T>(Size, [&](auto lanes, std::size_t i) {
            using V = decltype(lanes);
            const V g = kernels::load<V>(gradient + i);
            const V mv = V(b1) * kernels::load<V>(m + i) + V(one_minus_b1) * g;
            const V vv = V(b2) * kernels::load<V>(v + i) + V(one_minus_b2) * g * g;
            kernels::store(m + i, mv);
            kernels::store(v + i, vv);
            const V denominator = kernels::sqrt(vv) * V(inverse_root_correction2) + V(eps);
            const V p = kernels::load<V>(parameters + i) - V(step_size) * mv / denominator;
            kernels::store(parameters + i, p);
        });
    }
};

}  // namespace strata::optimizers
