#pragma once
// A trained network whose parameters are a constant array, for inference
// only. It needs no heap, no exceptions, no RTTI and no iostreams, so it
// builds for microcontrollers (-fno-exceptions -fno-rtti) as well as for
// workstations. Exported model headers (io/export_header.hpp) define their
// parameters as a constexpr array and a frozen_network over it, so the
// parameters live in read-only memory (.rodata, or flash on a
// microcontroller).

#include <array>
#include <cstddef>
#include <ratio>
#include <span>
#include <type_traits>
#include <utility>

// First, so a failed check is reported right below the include line.
#include "../diagnostics.hpp"

#include "../detail/aligned.hpp"
#include "../layers/activations.hpp"
#include "../layers/context.hpp"
#include "../layers/dense.hpp"
#include "../network_fwd.hpp"
#include "constexpr_math.hpp"

namespace strata {

namespace detail {

template <class L>
inline constexpr bool is_dense_v = false;
template <std::size_t Out>
inline constexpr bool is_dense_v<dense<Out>> = true;

template <class L>
inline constexpr bool is_leaky_relu_v = false;
template <class Slope>
inline constexpr bool is_leaky_relu_v<leaky_relu<Slope>> = true;

// Reached only when a forward pass is evaluated at compile time through a
// layer that has no constexpr form; the compiler's error names this function.
inline void layer_has_no_constexpr_forward() noexcept {}

// One layer's forward pass for one sample in a constant expression. Dense
// sums in the same order as the scalar kernel, so at run time the scalar
// build gives the same bits; activations use constexpr_math.
template <class L, std::size_t In, class T>
constexpr void constant_forward(const T* parameters, const T* x, T* y) noexcept {
    constexpr std::size_t out_size = L::template output_size<In>;
    if constexpr (is_dense_v<L>) {
        const T* bias = parameters + In * out_size;
        for (std::size_t o = 0; o < out_size; ++o) {
            T sum = 0;
            for (std::size_t k = 0; k < In; ++k) sum += parameters[o * In + k] * x[k];
            y[o] = bias[o] + sum;
        }
    } else if constexpr (std::is_same_v<L, relu>) {
        for (std::size_t i = 0; i < In; ++i) y[i] = x[i] > T(0) ? x[i] : T(0);
    } else if constexpr (is_leaky_relu_v<L>) {
        for (std::size_t i = 0; i < In; ++i) y[i] = x[i] > T(0) ? x[i] : T(L::slope) * x[i];
    } else if constexpr (std::is_same_v<L, sigmoid>) {
        for (std::size_t i = 0; i < In; ++i) y[i] = static_cast<T>(constexpr_math::sigmoid(x[i]));
    } else if constexpr (std::is_same_v<L, tanh>) {
        for (std::size_t i = 0; i < In; ++i) y[i] = static_cast<T>(constexpr_math::tanh(x[i]));
    } else if constexpr (std::is_same_v<L, identity>) {
        for (std::size_t i = 0; i < In; ++i) y[i] = x[i];
    } else if constexpr (std::is_same_v<L, softmax>) {
        T max = x[0];
        for (std::size_t k = 1; k < In; ++k) max = x[k] > max ? x[k] : max;
        T sum = 0;
        for (std::size_t k = 0; k < In; ++k) {
            y[k] = static_cast<T>(constexpr_math::exp(x[k] - max));
            sum += y[k];
        }
        const T inverse = T(1) / sum;
        for (std::size_t k = 0; k < In; ++k) y[k] *= inverse;
    } else {
        (void)parameters;
        (void)x;
        (void)y;
        layer_has_no_constexpr_forward();
    }
}

}  // namespace detail

template <class Net>
class frozen_network {
    static_assert(sizeof(Net) == 0,
                  "strata::frozen_network<Net>: Net must be a network type, "
                  "strata::network<strata::input<N>, Layers...> or basic_network<T, ...>");
};

/// A network of the layer list of `basic_network<T, Input, Layers...>`
/// whose parameters are a constant array in the network's flat layout
/// (parameter_storage_size values, each layer's block 64-byte aligned). It
/// only reads the array, never copies it, and predict() keeps two buffers of
/// the widest layer output on the stack. At run time predict() runs the same
/// kernels as basic_network::predict, so both give the same bits. In a
/// constant expression it runs plain loops and constexpr_math.
template <class T, class Input, class... Layers>
class frozen_network<basic_network<T, Input, Layers...>> {
public:
    using network_type = basic_network<T, Input, Layers...>;
    using value_type = T;
    using shape = typename network_traits<network_type>::shape;

    static constexpr std::size_t input_size = shape::input_size;
    static constexpr std::size_t output_size = shape::output_size;
    static constexpr std::size_t layer_count = shape::layer_count;
    static constexpr std::size_t parameter_count = shape::parameter_count;
    static constexpr std::size_t parameter_storage_size = shape::parameter_storage_size;
    static constexpr auto layers = shape::layers;

    /// Widest layer output: the width of predict()'s two stack buffers. The
    /// input is read where the caller keeps it, so it does not count.
    static constexpr std::size_t max_output_width = [] {
        std::size_t widest = 0;
        for (const auto& layer : layers) widest = layer.output_size > widest ? layer.output_size : widest;
        return widest;
    }();

    using parameter_array = std::array<T, parameter_storage_size>;
    using input_array = std::array<T, input_size>;
    using output_array = std::array<T, output_size>;

    /// Refers to `parameters`, which must outlive the frozen network; an
    /// exported header's constexpr array lives for the whole program. An
    /// array of another length than parameter_storage_size does not compile.
    template <std::size_t N>
    constexpr explicit frozen_network(const std::array<T, N>& parameters) noexcept
        : parameters_(parameters.data()) {
        static_assert(diagnostics::frozen_weight_array_length_must_equal_parameter_storage_size<
                      parameter_storage_size, N>());
    }

    /// Runs one sample; usable in constant expressions.
    constexpr output_array predict(const input_array& x) const noexcept {
        output_array y{};
        if (std::is_constant_evaluated())
            predict_constant(x.data(), y.data(), std::index_sequence_for<Layers...>{});
        else
            predict(x.data(), y.data());
        return y;
    }

    /// Runs one sample from `x` (input_size values) into `y` (output_size values).
    void predict(const T* x, T* y) const noexcept {
        alignas(simd_alignment) std::array<T, aligned_count<T>(max_output_width)> a{};
        alignas(simd_alignment) std::array<T, aligned_count<T>(max_output_width)> b{};
        predict_layers(x, y, a.data(), b.data(), std::index_sequence_for<Layers...>{});
    }

    /// Returns the flat parameter array, including the zero gaps between layers.
    constexpr std::span<const T, parameter_storage_size> parameters() const noexcept {
        return std::span<const T, parameter_storage_size>(parameters_, parameter_storage_size);
    }

private:
    template <std::size_t I>
    using layer_at = std::tuple_element_t<I, std::tuple<Layers...>>;

    // Mirrors basic_network::predict_layers, so both run the same operations.
    template <std::size_t... I>
    void predict_layers(const T* x, T* y, T* a, T* b, std::index_sequence<I...>) const noexcept {
        const pass_context inference{};
        const T* in = x;
        T* buffers[2] = {a, b};
        (
            [&] {
                T* out = I + 1 == layer_count ? y : buffers[I % 2];
                layer_at<I>::template forward<layers[I].input_size, T>(
                    parameters_ + layers[I].parameter_offset, in, out, nullptr, 1, inference);
                in = out;
            }(),
            ...);
    }

    template <std::size_t... I>
    constexpr void predict_constant(const T* x, T* y, std::index_sequence<I...>) const noexcept {
        std::array<T, max_output_width> a{};
        std::array<T, max_output_width> b{};
        const T* in = x;
        T* buffers[2] = {a.data(), b.data()};
        (
            [&] {
                T* out = I + 1 == layer_count ? y : buffers[I % 2];
                detail::constant_forward<layer_at<I>, layers[I].input_size>(
                    parameters_ + layers[I].parameter_offset, in, out);
                in = out;
            }(),
            ...);
    }

    const T* parameters_;
};

}  // namespace strata
