#pragma once
// Activation layers: element-wise functions (and softmax over each sample),
// with no parameters and the same output width as input width.

#include <cmath>
#include <cstddef>
#include <ratio>
#include <string_view>

#include "../diagnostics.hpp"
#include "../kernels/elementwise.hpp"
#include "context.hpp"

namespace strata {

namespace detail {

// Shape members shared by every activation: width In -> In, no parameters.
struct activation_shape {
    template <std::size_t In>
    static constexpr std::size_t output_size = In;
    template <std::size_t In>
    static constexpr std::size_t parameter_count = 0;
    template <std::size_t In>
    static constexpr std::size_t weight_count = 0;
    template <std::size_t In>
    static constexpr std::size_t scratch_size = 0;
};

}  // namespace detail

/// max(x, 0). Its derivative is taken as 0 at x = 0, as PyTorch does.
struct relu : detail::activation_shape {
    static constexpr std::string_view name = "relu";

#if STRATA_HAS_SIMD
    /// The forward function on one register, for kernels that fuse it.
    template <class T>
    static kernels::simd<T> apply(const kernels::simd<T>& v) noexcept {
        return xsimd::max(v, kernels::simd<T>(T(0)));
    }
#endif

    template <std::size_t In, class T>
    static void forward(const T*, const T* x, T* y, T*, std::size_t batch,
                        const pass_context&) noexcept {
        kernels::transform(
            batch * In, x, y, [](auto v) { return xsimd::max(v, decltype(v)(T(0))); },
            [](T v) { return v > T(0) ? v : T(0); });
    }

    template <std::size_t In, class T>
    static void backward(const T*, const T* x, const T*, const T* dy, T* dx, T*, const T*,
                         std::size_t batch) noexcept {
        if (dx == nullptr) return;
        kernels::transform(
            batch * In, x, dy, dx,
            [](auto v, auto d) { return kernels::select(v > decltype(v)(T(0)), d, decltype(v)(T(0))); },
            [](T v, T d) { return v > T(0) ? d : T(0); });
    }
};

/// x for x > 0, else Slope * x, with Slope a std::ratio in [0, 1); the
/// default slope is 0.01, as in PyTorch.
template <class Slope = std::ratio<1, 100>>
struct leaky_relu : detail::activation_shape {
    static_assert(diagnostics::leaky_relu_slope_must_lie_in_0_to_1<Slope::num, Slope::den>());

    static constexpr std::string_view name = "leaky_relu";
    static constexpr double slope = static_cast<double>(Slope::num) / Slope::den;

#if STRATA_HAS_SIMD
    /// The forward function on one register, for kernels that fuse it.
    template <class T>
    static kernels::simd<T> apply(const kernels::simd<T>& v) noexcept {
        using V = kernels::simd<T>;
        return xsimd::select(v > V(T(0)), v, V(T(slope)) * v);
    }
#endif

    template <std::size_t In, class T>
    static void forward(const T*, const T* x, T* y, T*, std::size_t batch,
                        const pass_context&) noexcept {
        kernels::transform(
            batch * In, x, y,
            [](auto v) {
                using V = decltype(v);
                return kernels::select(v > V(T(0)), v, V(T(slope)) * v);
            },
            [](T v) { return v > T(0) ? v : T(slope) * v; });
    }

    template <std::size_t In, class T>
    static void backward(const T*, const T* x, const T*, const T* dy, T* dx, T*, const T*,
                         std::size_t batch) noexcept {
        if (dx == nullptr) return;
        kernels::transform(
            batch * In, x, dy, dx,
            [](auto v, auto d) {
                using V = decltype(v);
                return kernels::select(v > V(T(0)), d, V(T(slope)) * d);
            },
            [](T v, T d) { return v > T(0) ? d : T(slope) * d; });
    }
};

/// 1 / (1 + exp(-x)), computed without overflow for any finite x.
/// The derivative uses the output: y (1 - y).
struct sigmoid : detail::activation_shape {
    static constexpr std::string_view name = "sigmoid";

#if STRATA_HAS_SIMD
    /// The forward function on one register, for kernels that fuse it.
    template <class T>
    static kernels::simd<T> apply(const kernels::simd<T>& v) noexcept {
        return kernels::sigmoid(v);
    }
#endif

    template <std::size_t In, class T>
    static void forward(const T*, const T* x, T* y, T*, std::size_t batch,
                        const pass_context&) noexcept {
        kernels::transform(
            batch * In, x, y, [](auto v) { return kernels::sigmoid(v); },
            [](T v) { return kernels::sigmoid(v); });
    }

    template <std::size_t In, class T>
    static void backward(const T*, const T*, const T* y, const T* dy, T* dx, T*, const T*,
                         std::size_t batch) noexcept {
        if (dx == nullptr) return;
        kernels::transform(
            batch * In, y, dy, dx,
            [](auto v, auto d) { return d * v * (decltype(v)(T(1)) - v); },
            [](T v, T d) { return d * v * (T(1) - v); });
    }
};

/// Hyperbolic tangent. The derivative uses the output: 1 - y^2.
struct tanh : detail::activation_shape {
    static constexpr std::string_view name = "tanh";

#if STRATA_HAS_SIMD
    /// The forward function on one register, for kernels that fuse it.
    template <class T>
    static kernels::simd<T> apply(const kernels::simd<T>& v) noexcept {
        return kernels::tanh<T>(v);
    }
#endif

    template <std::size_t In, class T>
    static void forward(const T*, const T* x, T* y, T*, std::size_t batch,
                        const pass_context&) noexcept {
        kernels::transform(
            batch * In, x, y, [](auto v) { return kernels::tanh<T>(v); },
            [](T v) { return std::tanh(v); });
    }

    template <std::size_t In, class T>
    static void backward(const T*, const T*, const T* y, const T* dy, T* dx, T*, const T*,
                         std::size_t batch) noexcept {
        if (dx == nullptr) return;
        kernels::transform(
            batch * In, y, dy, dx,
            [](auto v, auto d) { return d * (decltype(v)(T(1)) - v * v); },
            [](T v, T d) { return d * (T(1) - v * v); });
    }
};

/// y = x. Useful to mark a linear output explicitly.
struct identity : detail::activation_shape {
    static constexpr std::string_view name = "identity";

#if STRATA_HAS_SIMD
    /// The forward function on one register, for kernels that fuse it.
    template <class T>
    static kernels::simd<T> apply(const kernels::simd<T>& v) noexcept {
        return v;
    }
#endif

    template <std::size_t In, class T>
    static void forward(const T*, const T* x, T* y, T*, std::size_t batch,
                        const pass_context&) noexcept {
        for (std::size_t i = 0; i < batch * In; ++i) y[i] = x[i];
    }

    template <std::size_t In, class T>
    static void backward(const T*, const T*, const T*, const T* dy, T* dx, T*, const T*,
                         std::size_t batch) noexcept {
        if (dx == nullptr) return;
        for (std::size_t i = 0; i < batch * In; ++i) dx[i] = dy[i];
    }
};

/// Softmax over each sample's In values, stable for any finite logits.
/// Backward: dx = y * (dy - sum(dy * y)). For classification, prefer a
/// linear last layer with losses::cross_entropy, which fuses the softmax.
struct softmax : detail::activation_shape {
    static constexpr std::string_view name = "softmax";

    template <std::size_t In, class T>
    static void forward(const T*, const T* x, T* y, T*, std::size_t batch,
                        const pass_context&) noexcept {
        kernels::softmax_rows<In>(x, y, batch);
    }

    template <std::size_t In, class T>
    static void backward(const T*, const T*, const T* y, const T* dy, T* dx, T*, const T*,
                         std::size_t batch) noexcept {
        if (dx == nullptr) return;
        for (std::size_t s = 0; s < batch; ++s) {
            const T* ys = y + s * In;
            const T* dys = dy + s * In;
            T dot = 0;
            for (std::size_t k = 0; k < In; ++k) dot += dys[k] * ys[k];
            for (std::size_t k = 0; k < In; ++k) dx[s * In + k] = ys[k] * (dys[k] - dot);
        }
    }
};

}  // namespace strata
