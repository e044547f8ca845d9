#pragma once

#include <cstddef>
#include <string_view>

#include "../detail/aligned.hpp"
#include "../kernels/lanes.hpp"

namespace strata::optimizers {

/// RMSprop (Hinton's lecture notes, 2012) as PyTorch 1.13 computes it:
///   v = alpha v + (1 - alpha) g^2
///   centered:  a = alpha a + (1 - alpha) g,  d = sqrt(v - a^2) + epsilon
///   otherwise: d = sqrt(v) + epsilon          (epsilon outside the root)
///   momentum > 0: b = momentum b + g / d,  p -= learning_rate b
///   otherwise:    p -= learning_rate g / d
/// Hyperparameters carry PyTorch's names and defaults.
struct rmsprop {
    static constexpr std::string_view name = "rmsprop";
    /// Values of state per parameter (the average of g^2, the average of g and the velocity).
    static constexpr std::size_t state_values_per_parameter = 3;

    double learning_rate = 0.01;
    double alpha = 0.99;
    double epsilon = 1e-8;
    double momentum = 0;
    bool centered = false;

    /// The running mean of g^2, of g (centered only) and the momentum buffer.
    template <class T, std::size_t Size>
    struct state {
        aligned_buffer<T> square_average{Size};
        aligned_buffer<T> gradient_average{Size};
        aligned_buffer<T> velocity{Size};
    };

    template <class T, std::size_t Size>
    void step(state<T, Size>& s, T* parameters, const T* gradient) const noexcept {
        const T a = static_cast<T>(alpha);
        const T one_minus_a = static_cast<T>(1.0 - alpha);
        const T eps = static_cast<T>(epsilon);
        const T rate = static_cast<T>(learning_rate);
        const T mu = static_cast<T>(momentum);
        const bool use_momentum = momentum > 0;
        const bool subtract_mean = centered;
        T* square = s.square_average.data();
        T* mean = s.gradient_average.data();
        T* velocity = s.velocity.data();
        kernels::for_each_lane<T>(Size, [&](auto lanes, std::size_t i) {
            using V = decltype(lanes);
            const V g = kernels::load<V>(gradient + i);
            const V v = V(a) * kernels::load<V>(square + i) + V(one_minus_a) * g * g;
            kernels::store(square + i, v);
            V variance = v;
            if (subtract_mean) {
                const V m = V(a) * kernels::load<V>(mean + i) + V(one_minus_a) * g;
                kernels::store(mean + i, m);
                variance = v - m * m;
            }
            const V scaled = g / (kernels::sqrt(variance) + V(eps));
            V direction = scaled;
            if (use_momentum) {
                direction = V(mu) * kernels::load<V>(velocity + i) + scaled;
                kernels::store(velocity + i, direction);
            }
            kernels::store(parameters + i, kernels::load<V>(parameters + i) - V(rate) * direction);
        });
    }
};

}  // namespace strata::optimizers
