#pragma once
// The trainer's call of an optimizer step. An optimizer with decoupled
// weight decay (a `decay_biases` member, as adamw has) also gets the
// parameter segments to decay. Every other optimizer gets the flat arrays.

#include <span>

#include "../shape.hpp"

namespace strata::detail {

template <class Net, class Optimizer, class State, class T>
void optimizer_step(const Optimizer& optimizer, State& state, T* parameters,
                    const T* gradient) noexcept {
    if constexpr (requires { optimizer.decay_biases; }) {
        const std::span<const parameter_segment> decayed =
            optimizer.decay_biases ? std::span<const parameter_segment>(Net::shape::parameter_segments)
                                   : std::span<const parameter_segment>(Net::shape::weight_segments);
        optimizer.step(state, parameters, gradient, decayed);
    } else {
        optimizer.step(state, parameters, gradient);
    }
}

}  // namespace strata::detail
