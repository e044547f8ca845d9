#pragma once

#include <cmath>
#include <cstddef>
#include <string_view>
#include <type_traits>

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

#if STRATA_HAS_SIMD
        constexpr std::size_t full = Size / kernels::simd_width<T> * kernels::simd_width<T>;
        using V = kernels::simd<T>;
        for (std::size_t i = 0; i < full; i += kernels::simd_width<T>) {
            const V g = V::load_unaligned(gradient + i);
            const V mv = xsimd::fma(V(b1), V::load_unaligned(m + i), V(one_minus_b1) * g);
            const V vv = xsimd::fma(V(b2), V::load_unaligned(v + i), V(one_minus_b2) * g * g);
            mv.store_unaligned(m + i);
            vv.store_unaligned(v + i);
            const V denominator = xsimd::sqrt(vv) * V(inverse_root_correction2) + V(eps);
            V p;
            if constexpr (std::is_same_v<T, float> && XSIMD_WITH_SSE2) {
                // On x86, 1 / denominator from the reciprocal estimate and
                // one Newton step (error about 2^-24) instead of a division,
                // which took a third of the step's time. Double divides: the
                // estimate has 14 bits at most, too few for one step.
                const V estimate = xsimd::reciprocal(denominator);
                const V inverse = estimate * xsimd::fnma(denominator, estimate, V(T(2)));
                p = V::load_unaligned(parameters + i) - V(step_size) * mv * inverse;
            } else {
                p = V::load_unaligned(parameters + i) - V(step_size) * mv / denominator;
            }
            p.store_unaligned(parameters + i);
        }
#else
        constexpr std::size_t full = 0;
#endif
        for (std::size_t i = full; i < Size; ++i) {
            const T g = gradient[i];
            m[i] = b1 * m[i] + one_minus_b1 * g;
            v[i] = b2 * v[i] + one_minus_b2 * g * g;
            const T denominator = std::sqrt(v[i]) * inverse_root_correction2 + eps;
            parameters[i] -= step_size * m[i] / denominator;
        }
    }
};

}  // namespace strata::optimizers
