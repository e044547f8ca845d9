#pragma once

#include <cstddef>
#include <string_view>

#include "../kernels/dense.hpp"
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

    /// Writes dW and db into `dparams`; writes dx unless it is null (the first layer).
    template <std::size_t In, class T>
    static void backward(const T* params, const T* x, const T*, const T* dy, T* dx, T* dparams,
                         const T*, std::size_t batch) noexcept {
        kernels::dense_parameter_gradient<In, Out>(x, dy, dparams, dparams + In * Out, batch);
        if (dx != nullptr) kernels::dense_input_gradient<In, Out>(params, dy, dx, batch);
    }
};

}  // namespace strata
