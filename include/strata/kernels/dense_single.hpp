#pragma once
// Single-sample forward kernels for small dense layers, on a packed copy of
// the parameters: W^T (In rows, each padded to whole SIMD registers), then
// b padded the same way. With W^T, each input x[k] is broadcast and
// multiplied into a row of W^T held in registers, so y = b + sum_k x[k] W^T[k]
// needs no horizontal sums; the row-major form needs one per output, which
// dominates when In spans only a register or two.
//
// The public parameter layout stays W row-major (Out x In), then b; the
// packed copy is internal to basic_network's predict().

#include <algorithm>
#include <cstddef>

#include "../detail/aligned.hpp"
#include "dense.hpp"
#include "simd.hpp"

namespace strata::kernels {

/// Values per row of the packed W^T: Out rounded up to whole registers.
template <std::size_t Out, class T>
inline constexpr std::size_t packed_stride = (Out + simd_width<T> - 1) / simd_width<T> * simd_width<T>;

/// Whether an In -> Out dense layer predicts from a packed copy: with SIMD
/// only, when Out fills at least half a register (otherwise the row form's
/// few horizontal sums cost less than the idle lanes), and when the copy
/// fits in half of a 48 KiB L1 data cache, so it stays there between calls.
template <std::size_t In, std::size_t Out, class T>
inline constexpr bool use_packed_dense = STRATA_HAS_SIMD && simd_width<T> > 1 &&
                                         2 * Out >= simd_width<T> &&
                                         (In + 1) * packed_stride<Out, T> * sizeof(T) <= 24 * 1024;

/// Length of the packed copy of an In -> Out dense layer, 0 if it has none.
template <std::size_t In, std::size_t Out, class T>
inline constexpr std::size_t packed_dense_size =
    use_packed_dense<In, Out, T> ? (In + 1) * packed_stride<Out, T> : 0;

/// Writes W^T and b of a dense layer into `packed`, zero-padding each row.
template <std::size_t In, std::size_t Out, class T>
void pack_dense(const T* w, const T* b, T* packed) noexcept {
    constexpr std::size_t stride = packed_stride<Out, T>;
    for (std::size_t k = 0; k < In; ++k) {
        T* row = packed + k * stride;
        for (std::size_t o = 0; o < Out; ++o) row[o] = w[o * In + k];
        for (std::size_t o = Out; o < stride; ++o) row[o] = T(0);
    }
    T* bias = packed + In * stride;
    for (std::size_t o = 0; o < Out; ++o) bias[o] = b[o];
    for (std::size_t o = Out; o < stride; ++o) bias[o] = T(0);
}

namespace scalar {

/// y = b + sum_k x[k] W^T[k] on the packed copy, as plain loops.
template <std::size_t In, std::size_t Out, class T>
void dense_forward_packed(const T* packed, const T* x, T* y) noexcept {
    constexpr std::size_t stride = packed_stride<Out, T>;
    for (std::size_t o = 0; o < Out; ++o) {
        T sum = 0;
        for (std::size_t k = 0; k < In; ++k) sum += x[k] * packed[k * stride + o];
        y[o] = packed[In * stride + o] + sum;
    }
}

}  // namespace scalar

#if STRATA_HAS_SIMD
namespace vector {

// Adds partial sums acc[c + Step] into acc[c] for c = First, First + 2 Step, ...
template <std::size_t Step, std::size_t First, std::size_t Chains, std::size_t Registers, class V>
inline void add_chain_pairs(V (&acc)[Chains][Registers]) noexcept {
    if constexpr (First + Step < Chains) {
#pragma GCC unroll 16
        for (std::size_t r = 0; r < Registers; ++r) acc[First][r] += acc[First + Step][r];
        add_chain_pairs<Step, First + 2 * Step>(acc);
    }
}

// Sums all partial sums into acc[0] as a tree of adds. It is template
// recursion because g++ 12 leaves the equivalent loop rolled and spills the
// accumulators to memory.
template <std::size_t Step, std::size_t Chains, std::size_t Registers, class V>
inline void add_chains(V (&acc)[Chains][Registers]) noexcept {
    if constexpr (Step < Chains) {
        add_chain_pairs<Step, 0>(acc);
        add_chains<2 * Step>(acc);
    }
}

/// Returns its argument: the default activation of dense_forward_packed.
struct no_activation {
    template <class V>
    V operator()(const V& v) const noexcept {
        return v;
    }
};

/// y = activation(b + sum_k x[k] W^T[k]) on the packed copy (64-byte
/// aligned), where `activation` maps one register; applying it before the
/// store saves a store and reload per layer. Writes exactly Out values of y.
template <std::size_t In, std::size_t Out, class T, class Activation = no_activation>
void dense_forward_packed(const T* packed, const T* x, T* y,
                          Activation activation = {}) noexcept {
    constexpr std::size_t width = simd_width<T>;
    constexpr std::size_t stride = packed_stride<Out, T>;
    constexpr std::size_t registers = stride / width;
    // Split the sum over k into `chains` interleaved partial sums, so that up
    // to 16 accumulators are in flight: at least 8 are needed to cover an
    // FMA latency of 4 cycles on 2 ports, and more shorten the chains.
    constexpr std::size_t chains = std::clamp<std::size_t>(16 / registers, 1, std::min<std::size_t>(In, 8));
    constexpr std::size_t full = In / chains * chains;

    simd<T> acc[chains][registers];
#pragma GCC unroll 16
    for (std::size_t r = 0; r < registers; ++r) {
        acc[0][r] = simd<T>::load_aligned(packed + In * stride + r * width);
        for (std::size_t c = 1; c < chains; ++c) acc[c][r] = simd<T>(T(0));
    }
    for (std::size_t k = 0; k < full; k += chains)
#pragma GCC unroll 16
        for (std::size_t c = 0; c < chains; ++c) {
            const simd<T> xk(x[k + c]);
#pragma GCC unroll 16
            for (std::size_t r = 0; r < registers; ++r)
                acc[c][r] = xsimd::fma(
                    xk, simd<T>::load_aligned(packed + (k + c) * stride + r * width), acc[c][r]);
        }
    for (std::size_t k = full; k < In; ++k) {
        const simd<T> xk(x[k]);
#pragma GCC unroll 16
        for (std::size_t r = 0; r < registers; ++r)
            acc[0][r] = xsimd::fma(xk, simd<T>::load_aligned(packed + k * stride + r * width),
                                   acc[0][r]);
    }
    add_chains<1>(acc);
#pragma GCC unroll 16
    for (std::size_t r = 0; r < registers; ++r) acc[0][r] = activation(acc[0][r]);

    constexpr std::size_t whole = Out / width;
#pragma GCC unroll 16
    for (std::size_t r = 0; r < whole; ++r) acc[0][r].store_unaligned(y + r * width);
    if constexpr (whole < registers) {
        alignas(simd_alignment) T last[width];
        acc[0][whole].store_aligned(last);
        for (std::size_t o = whole * width; o < Out; ++o) y[o] = last[o - whole * width];
    }
}

/// y = W x + b for one sample on the row-major W: a register's width of
/// rows at a time, each row's dot product in its own accumulator, the
/// accumulators then summed into one register of results by a transposing
/// horizontal add (reduce_add_rows), which costs far less than one horizontal
/// sum per row. Used for layers too large for a packed copy; there the
/// weights stream from L2, 16 rows side by side.
template <std::size_t In, std::size_t Out, class T>
void dense_forward_single(const T* w, const T* b, const T* x, T* y) noexcept {
    constexpr std::size_t width = simd_width<T>;
    constexpr std::size_t full = In / width * width;
    constexpr std::size_t blocked = Out / width * width;
    for (std::size_t o = 0; o < blocked; o += width) {
        const T* rows = w + o * In;
        simd<T> acc[width];
#pragma GCC unroll 16
        for (std::size_t r = 0; r < width; ++r) acc[r] = simd<T>(T(0));
        for (std::size_t k = 0; k < full; k += width) {
            const auto xv = simd<T>::load_unaligned(x + k);
#pragma GCC unroll 16
            for (std::size_t r = 0; r < width; ++r)
                acc[r] = xsimd::fma(simd<T>::load_unaligned(rows + r * In + k), xv, acc[r]);
        }
        simd<T> sums = reduce_add_rows<T>(acc) + simd<T>::load_unaligned(b + o);
        if constexpr (full < In) {
            alignas(simd_alignment) T tail[width];
            for (std::size_t r = 0; r < width; ++r) {
                T sum = 0;
                for (std::size_t k = full; k < In; ++k) sum += rows[r * In + k] * x[k];
                tail[r] = sum;
            }
            sums += simd<T>::load_aligned(tail);
        }
        sums.store_unaligned(y + o);
    }
    for (std::size_t o = blocked; o < Out; ++o) {
        T sum[1][1];
        dot_tile<In, 1, 1>(w + o * In, x, sum);
        y[o] = b[o] + sum[0][0];
    }
}

}  // namespace vector
#endif

#if STRATA_HAS_SIMD
/// One sample through a dense layer on its packed copy (see pack_dense),
/// then `activation` on each register of the result. Only SIMD builds pack.
template <std::size_t In, std::size_t Out, class T, class Activation = vector::no_activation>
void dense_forward_packed(const T* packed, const T* x, T* y, Activation activation = {}) noexcept {
    vector::dense_forward_packed<In, Out>(packed, x, y, activation);
}
#endif

}  // namespace strata::kernels
