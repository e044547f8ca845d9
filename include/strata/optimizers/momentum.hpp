#pragma once

#include <cstddef>
#include <string_view>

#include "../detail/aligned.hpp"
#include "../kernels/lanes.hpp"

namespace strata::optimizers {

/// Gradient descent with momentum (heavy ball, or Nesterov's form), as
/// PyTorch 1.13's SGD computes it with `momentum > 0`:
///   first step:  b = g
///   later steps: b = momentum b + (1 - dampening) g
///   d = g + momentum b  (nesterov)   or   d = b  (otherwise)
///   p -= learning_rate d
/// It is a separate policy from sgd so that plain sgd keeps no velocity
/// buffer; `momentum{.momentum = 0}` takes the same steps as sgd.
struct momentum {
    static constexpr std::string_view name = "momentum";
    /// Values of state per parameter (the velocity).
    static constexpr std::size_t state_values_per_parameter = 1;

    double learning_rate = 0.01;
    double momentum = 0.9;  ///< PyTorch's name; SGD's default there is 0
    double dampening = 0;
    bool nesterov = false;

    /// The velocity b of every parameter and the step count, allocated once.
    template <class T, std::size_t Size>
    struct state {
        aligned_buffer<T> velocity{Size};
        std::size_t steps = 0;
    };

    template <class T, std::size_t Size>
    void step(state<T, Size>& s, T* parameters, const T* gradient) const noexcept {
        const T rate = static_cast<T>(learning_rate);
        const T mu = static_cast<T>(momentum);
        // On the first step PyTorch copies the gradient into the buffer, undamped.
        const T gradient_share = static_cast<T>(s.steps == 0 ? 1.0 : 1.0 - dampening);
        const T previous_share = s.steps == 0 ? T(0) : mu;
        const bool look_ahead = nesterov;
        T* velocity = s.velocity.data();
        ++s.steps;
        kernels::for_each_lane<T>(Size, [&](auto lanes, std::size_t i) {
            using V = decltype(lanes);
            const V g = kernels::load<V>(gradient + i);
            const V b = V(previous_share) * kernels::load<V>(velocity + i) + V(gradient_share) * g;
            kernels::store(velocity + i, b);
            const V direction = look_ahead ? g + V(mu) * b : b;
            kernels::store(parameters + i, kernels::load<V>(parameters + i) - V(rate) * direction);
        });
    }
};

}  // namespace strata::optimizers
