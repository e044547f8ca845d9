#pragma once

#include <cstddef>
#include <string_view>

#include "../kernels/dense.hpp"
#include "../kernels/dense_single.hpp"
#include "context.hpp"

namespace strata {

/// Fully connected layer with `Out` outputs: y = W x + b.
///
/// Shape: In -> Out, where In is the width of the layer before. Parameters:
/// W (Out x In, row-major, W[o][i] at o * In + i), then b (Out), so
/// In * Out + Out in all; regularizers act on W only. Gradients:
/// dW = dy x^T, db = dy, dx = W^T dy, summed over the batch.
template <std::size_t Out>
struct dense {
    // dense<0> is rejected by the network, whose check names the layer's position and
    // input width (diagnostics::layer_output_width_must_be_positive).

    static constexpr std::string_view name = "dense";
    static constexpr std::size_t outputs = Out;

    template <std::size_t In>
    static constexpr std::size_t output_size = Out;
    template <std::size_t In>
    static constexpr std::size_t parameter_count = In * Out + Out;
    template <std::size_t In>
    static constexpr std::size_t weight_count = In * Out;
    template <std::size_t In>
    static constexpr std::size_t scratch_size = 0;

    template <std::size_t In, class T>
    static void forward(const T* params, const T* x, T* y, T*, std::size_t batch,
                        const pass_context&) noexcept {
        kernels::dense_forward<In, Out>(params, params + In * Out, x, y, batch);
    }

    /// Length of the copy of W^T and b that single-sample inference uses
    /// for small layers (kernels/dense_single.hpp); 0 if it uses W directly.
    template <std::size_t In, class T>
    static constexpr std::size_t packed_size = kernels::packed_dense_size<In, Out, T>;

    /// Writes the packed copy (packed_size<In, T> values) from the parameters.
    template <std::size_t In, class T>
    static void pack(const T* params, T* packed) noexcept {
        kernels::pack_dense<In, Out>(params, params + In * Out, packed);
    }

#if STRATA_HAS_SIMD
    /// One sample's forward pass on the packed copy, with `activation` (a
    /// function of one SIMD register) applied to the result.
    template <std::size_t In, class T, class Activation>
    static void forward_packed(const T* packed, const T* x, T* y, Activation activation) noexcept {
        kernels::dense_forward_packed<In, Out>(packed, x, y, activation);
    }
#endif

    /// Writes dW and db into `dparams`; writes dx unless it is null (the first layer).
    template <std::size_t In, class T>
    static void backward(const T* params, const T* x, const T*, const T* dy, T* dx, T* dparams,
                         const T*, std::size_t batch) noexcept {
        kernels::dense_parameter_gradient<In, Out>(x, dy, dparams, dparams + In * Out, batch);
        if (dx != nullptr) kernels::dense_input_gradient<In, Out>(params, dy, dx, batch);
    }
};

}  // namespace strata
