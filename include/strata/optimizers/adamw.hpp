#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "../shape.hpp"
#include "adam.hpp"

namespace strata::optimizers {

/// AdamW (Loshchilov and Hutter, 2019) as PyTorch 1.13 computes it: each
/// decayed parameter first shrinks by the decoupled weight decay,
///   p *= 1 - learning_rate * weight_decay,
/// then takes adam's step. The decay never enters the moments.
///
/// Through the trainer the decay acts on weights only, as PyTorch does for
/// a parameter group of weights with weight_decay set beside a group of
/// biases with weight_decay = 0; set `decay_biases` to decay every
/// parameter, as a single PyTorch group does. step() without segments
/// decays every value it is given.
struct adamw {
    static constexpr std::string_view name = "adamw";
    /// Values of state per parameter (adam's two moments).
    static constexpr std::size_t state_values_per_parameter = 2;

    double learning_rate = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double epsilon = 1e-8;
    double weight_decay = 1e-2;
    bool decay_biases = false;

    template <class T, std::size_t Size>
    using state = adam::state<T, Size>;

    /// Decays the parameters in `decayed` (offsets into `parameters`), then
    /// takes adam's step on all Size values.
    template <class T, std::size_t Size>
    void step(state<T, Size>& s, T* parameters, const T* gradient,
              std::span<const parameter_segment> decayed) const noexcept {
        for (const auto& segment : decayed) shrink(parameters + segment.offset, segment.count);
        adam_step(s, parameters, gradient);
    }

    /// Decays all Size values, then takes adam's step.
    template <class T, std::size_t Size>
    void step(state<T, Size>& s, T* parameters, const T* gradient) const noexcept {
        shrink(parameters, Size);
        adam_step(s, parameters, gradient);
    }

private:
    // Multiplies `count` values by 1 - learning_rate * weight_decay.
    template <class T>
    void shrink(T* p, std::size_t count) const noexcept {
        const T keep = static_cast<T>(1.0 - learning_rate * weight_decay);
        kernels::for_each_lane<T>(count, [&](auto lanes, std::size_t i) {
            using V = decltype(lanes);
            kernels::store(p + i, kernels::load<V>(p + i) * V(keep));
        });
    }

    template <class T, std::size_t Size>
    void adam_step(state<T, Size>& s, T* parameters, const T* gradient) const noexcept {
        const adam moments{.learning_rate = learning_rate, .beta1 = beta1, .beta2 = beta2,
                           .epsilon = epsilon};
        moments.step(s, parameters, gradient);
    }
};

}  // namespace strata::optimizers
