#pragma once
// Dense-layer products for a batch of samples stored row-major:
//   forward         y[s][o]  = b[o] + sum_k W[o][k] x[s][k]
//   input gradient  dx[s][k] = sum_o dy[s][o] W[o][k]
//   weight gradient dW[o][k] = sum_s dy[s][o] x[s][k],  db[o] = sum_s dy[s][o]
// W is Out x In, row-major. In and Out are template arguments, so every
// inner loop has a compile-time trip count; only the batch size is a
// run-time value. Each SIMD kernel keeps a tile of accumulators in registers
// (up to a register's width of them) to reuse every load several times.

#include <cstddef>

#include "../detail/aligned.hpp"
#include "simd.hpp"

// dense_single.hpp defines the single-sample kernels that dense_forward
// calls for a batch of one; it includes this header first.

namespace strata::kernels {

namespace scalar {

template <std::size_t In, std::size_t Out, class T>
void dense_forward(const T* w, const T* b, const T* x, T* y, std::size_t batch) noexcept {
    for (std::size_t s = 0; s < batch; ++s)
        for (std::size_t o = 0; o < Out; ++o) {
            T sum = 0;
            for (std::size_t k = 0; k < In; ++k) sum += w[o * In + k] * x[s * In + k];
            y[s * Out + o] = b[o] + sum;
        }
}

// out[r][k] = sum_t coefficient(r, t) * rows[t][k] for r < row_count, k < In,
// where coefficient(r, t) = coefficients[r * row_stride + t * term_stride].
template <std::size_t In, class T>
void sum_scaled_rows(std::size_t row_count, std::size_t term_count, const T* coefficients,
                     std::size_t row_stride, std::size_t term_stride, const T* rows,
                     T* out) noexcept {
    for (std::size_t r = 0; r < row_count; ++r)
        for (std::size_t k = 0; k < In; ++k) {
            T sum = 0;
            for (std::size_t t = 0; t < term_count; ++t)
                sum += coefficients[r * row_stride + t * term_stride] * rows[t * In + k];
            out[r * In + k] = sum;
        }
}

}  // namespace scalar

#if STRATA_HAS_SIMD
namespace vector {

// Computes the MS x NO dot products of MS rows of x with NO rows of w.
template <std::size_t In, std::size_t MS, std::size_t NO, class T>
inline void dot_tile(const T* w, const T* x, T (&result)[MS][NO]) noexcept {
    constexpr std::size_t width = simd_width<T>;
    constexpr std::size_t full = In / width * width;
    simd<T> acc[MS][NO];
    for (std::size_t m = 0; m < MS; ++m)
        for (std::size_t n = 0; n < NO; ++n) acc[m][n] = simd<T>(T(0));

    for (std::size_t k = 0; k < full; k += width) {
        simd<T> xv[MS];
        for (std::size_t m = 0; m < MS; ++m) xv[m] = simd<T>::load_unaligned(x + m * In + k);
        for (std::size_t n = 0; n < NO; ++n) {
            const auto wv = simd<T>::load_unaligned(w + n * In + k);
            for (std::size_t m = 0; m < MS; ++m) acc[m][n] = xsimd::fma(xv[m], wv, acc[m][n]);
        }
    }

    for (std::size_t m = 0; m < MS; ++m)
        for (std::size_t n = 0; n < NO; ++n) {
            T sum = reduce_add(acc[m][n]);
            for (std::size_t k = full; k < In; ++k) sum += x[m * In + k] * w[n * In + k];
            result[m][n] = sum;
        }
}

template <std::size_t In, std::size_t Out, std::size_t MS, class T>
inline void dense_forward_rows(const T* w, const T* b, const T* x, T* y) noexcept {
    constexpr std::size_t NO = 4;
    constexpr std::size_t blocked = Out / NO * NO;
    for (std::size_t o = 0; o < blocked; o += NO) {
        T tile[MS][NO];
        dot_tile<In, MS, NO>(w + o * In, x, tile);
        for (std::size_t m = 0; m < MS; ++m)
            for (std::size_t n = 0; n < NO; ++n) y[m * Out + o + n] = b[o + n] + tile[m][n];
    }
    for (std::size_t o = blocked; o < Out; ++o) {
        T tile[MS][1];
        dot_tile<In, MS, 1>(w + o * In, x, tile);
        for (std::size_t m = 0; m < MS; ++m) y[m * Out + o] = b[o] + tile[m][0];
    }
}

/// Batch size from which dense_forward transposes W into panels.
inline constexpr std::size_t panel_batch = 128;

// y for MS = width / 2 samples and all outputs, two outputs at a time: the
// MS x 2 dot products accumulate in width registers, which one transposing
// add (reduce_add_rows) then sums. Each weight load feeds MS FMAs, so W,
// which streams from L2 once per MS samples, needs about 16 bytes per cycle
// at full FMA rate with AVX-512, half of what L2 delivers.
template <std::size_t In, std::size_t Out, class T>
inline void dense_forward_pairs(const T* w, const T* b, const T* x, T* y) noexcept {
    constexpr std::size_t width = simd_width<T>;
    constexpr std::size_t MS = width / 2;
    constexpr std::size_t full = In / width * width;
    constexpr std::size_t paired = Out / 2 * 2;
    for (std::size_t o = 0; o < paired; o += 2) {
        const T* w0 = w + o * In;
        const T* w1 = w0 + In;
        simd<T> acc[width];
#pragma GCC unroll 16
        for (std::size_t r = 0; r < width; ++r) acc[r] = simd<T>(T(0));
        for (std::size_t k = 0; k < full; k += width) {
            const auto a = simd<T>::load_unaligned(w0 + k);
            const auto c = simd<T>::load_unaligned(w1 + k);
#pragma GCC unroll 16
            for (std::size_t m = 0; m < MS; ++m) {
                const auto xv = simd<T>::load_unaligned(x + m * In + k);
                acc[2 * m] = xsimd::fma(xv, a, acc[2 * m]);
                acc[2 * m + 1] = xsimd::fma(xv, c, acc[2 * m + 1]);
            }
        }
        alignas(simd_alignment) T sums[width];
        reduce_add_rows<T>(acc).store_aligned(sums);
        for (std::size_t m = 0; m < MS; ++m)
            for (std::size_t n = 0; n < 2; ++n) {
                T sum = sums[2 * m + n];
                for (std::size_t k = full; k < In; ++k) sum += x[m * In + k] * w[(o + n) * In + k];
                y[m * Out + o + n] = b[o + n] + sum;
            }
    }
    if constexpr (paired < Out) {
        T tile[MS][1];
        dot_tile<In, MS, 1>(w + paired * In, x, tile);
        for (std::size_t m = 0; m < MS; ++m) y[m * Out + paired] = b[paired] + tile[m][0];
    }
}

// y for all samples and 2 registers of outputs starting at o0, from a
// packed panel of W^T: each x[s][k] is broadcast into FMAs on the output
// registers, so no horizontal sums are needed. The panel (KC inputs x 2
// registers of outputs) is transposed from W once per call, on the stack.
template <std::size_t In, std::size_t Out, class T>
inline void dense_forward_panel(const T* w, const T* b, const T* x, T* y, std::size_t batch,
                                std::size_t o0) noexcept {
    constexpr std::size_t width = simd_width<T>;
    constexpr std::size_t NV = 2;
    constexpr std::size_t NO = NV * width;
    constexpr std::size_t KC = 32 * 1024 / (NO * sizeof(T));  // a 32 KiB panel
    constexpr std::size_t MS = 8;
    alignas(simd_alignment) T panel[KC * NO];
    for (std::size_t k0 = 0; k0 < In; k0 += KC) {
        const std::size_t kc = In - k0 < KC ? In - k0 : KC;
        for (std::size_t n = 0; n < NO; ++n)
            for (std::size_t k = 0; k < kc; ++k) panel[k * NO + n] = w[(o0 + n) * In + k0 + k];
        std::size_t s = 0;
        for (; s + MS <= batch; s += MS) {
            simd<T> acc[MS][NV];
#pragma GCC unroll 8
            for (std::size_t m = 0; m < MS; ++m)
#pragma GCC unroll 2
                for (std::size_t v = 0; v < NV; ++v)
                    acc[m][v] = k0 == 0 ? simd<T>::load_unaligned(b + o0 + v * width)
                                        : simd<T>::load_unaligned(y + (s + m) * Out + o0 + v * width);
            for (std::size_t k = 0; k < kc; ++k) {
                const auto p0 = simd<T>::load_aligned(panel + k * NO);
                const auto p1 = simd<T>::load_aligned(panel + k * NO + width);
#pragma GCC unroll 8
                for (std::size_t m = 0; m < MS; ++m) {
                    const simd<T> xm(x[(s + m) * In + k0 + k]);
                    acc[m][0] = xsimd::fma(xm, p0, acc[m][0]);
                    acc[m][1] = xsimd::fma(xm, p1, acc[m][1]);
                }
            }
#pragma GCC unroll 8
            for (std::size_t m = 0; m < MS; ++m)
#pragma GCC unroll 2
                for (std::size_t v = 0; v < NV; ++v)
                    acc[m][v].store_unaligned(y + (s + m) * Out + o0 + v * width);
        }
        for (; s < batch; ++s) {
            simd<T> acc[NV];
            for (std::size_t v = 0; v < NV; ++v)
                acc[v] = k0 == 0 ? simd<T>::load_unaligned(b + o0 + v * width)
                                 : simd<T>::load_unaligned(y + s * Out + o0 + v * width);
            for (std::size_t k = 0; k < kc; ++k) {
                const simd<T> xs(x[s * In + k0 + k]);
                for (std::size_t v = 0; v < NV; ++v)
                    acc[v] = xsimd::fma(xs, simd<T>::load_aligned(panel + k * NO + v * width), acc[v]);
            }
            for (std::size_t v = 0; v < NV; ++v)
                acc[v].store_unaligned(y + s * Out + o0 + v * width);
        }
    }
}

template <std::size_t In, std::size_t Out, class T>
void dense_forward(const T* w, const T* b, const T* x, T* y, std::size_t batch) noexcept {
    constexpr std::size_t NO = 2 * simd_width<T>;
    if (batch >= panel_batch && Out >= NO && simd_width<T> >= 8) {
        // Transposing W once per call pays off over a large batch.
        constexpr std::size_t blocked = Out / NO * NO;
        for (std::size_t o = 0; o < blocked; o += NO)
            dense_forward_panel<In, Out>(w, b, x, y, batch, o);
        if constexpr (blocked < Out) {
            // The remaining outputs, as plain dot products per sample.
            for (std::size_t s = 0; s < batch; ++s)
                for (std::size_t o = blocked; o < Out; ++o) {
                    T tile[1][1];
                    dot_tile<In, 1, 1>(w + o * In, x + s * In, tile);
                    y[s * Out + o] = b[o] + tile[0][0];
                }
        }
        return;
    }
    constexpr std::size_t MS = simd_width<T> / 2;
    const std::size_t blocked = MS >= 2 ? batch / MS * MS : 0;
    if constexpr (MS >= 2)
        for (std::size_t s = 0; s < blocked; s += MS)
            dense_forward_pairs<In, Out>(w, b, x + s * In, y + s * Out);
    std::size_t s = blocked;
    for (; s + 4 <= batch; s += 4) dense_forward_rows<In, Out, 4>(w, b, x + s * In, y + s * Out);
    for (; s < batch; ++s) dense_forward_rows<In, Out, 1>(w, b, x + s * In, y + s * Out);
}

// Accumulates an RS x KV-register tile of out[r][k] over all terms.
template <std::size_t In, std::size_t RS, std::size_t KV, class T>
inline void scaled_rows_tile(std::size_t term_count, const T* coefficients, std::size_t row_stride,
                             std::size_t term_stride, const T* rows, T* out) noexcept {
    constexpr std::size_t width = simd_width<T>;
    simd<T> acc[RS][KV];
    for (std::size_t r = 0; r < RS; ++r)
        for (std::size_t j = 0; j < KV; ++j) acc[r][j] = simd<T>(T(0));

    for (std::size_t t = 0; t < term_count; ++t) {
        simd<T> row[KV];
        for (std::size_t j = 0; j < KV; ++j)
            row[j] = simd<T>::load_unaligned(rows + t * In + j * width);
        for (std::size_t r = 0; r < RS; ++r) {
            const simd<T> c(coefficients[r * row_stride + t * term_stride]);
            for (std::size_t j = 0; j < KV; ++j) acc[r][j] = xsimd::fma(c, row[j], acc[r][j]);
        }
    }

    for (std::size_t r = 0; r < RS; ++r)
        for (std::size_t j = 0; j < KV; ++j) acc[r][j].store_unaligned(out + r * In + j * width);
}

// The columns of `out` from k = First on that whole tiles do not cover:
// single registers, then plain loops, for RS rows.
template <std::size_t In, std::size_t RS, std::size_t First, class T>
inline void scaled_rows_tail(std::size_t term_count, const T* coefficients,
                             std::size_t row_stride, std::size_t term_stride, const T* rows,
                             T* out) noexcept {
    constexpr std::size_t width = simd_width<T>;
    constexpr std::size_t full = In / width * width;
    for (std::size_t k = First; k < full; k += width)
        scaled_rows_tile<In, RS, 1>(term_count, coefficients, row_stride, term_stride, rows + k,
                                    out + k);
    for (std::size_t k = full; k < In; ++k)
        for (std::size_t r = 0; r < RS; ++r) {
            T sum = 0;
            for (std::size_t t = 0; t < term_count; ++t)
                sum += coefficients[r * row_stride + t * term_stride] * rows[t * In + k];
            out[r * In + k] = sum;
        }
}

template <std::size_t In, class T>
void sum_scaled_rows(std::size_t row_count, std::size_t term_count, const T* coefficients,
                     std::size_t row_stride, std::size_t term_stride, const T* rows,
                     T* out) noexcept {
    // TODO(dW at batch >= 128): a panel kernel like dense_forward_panel could
    // lift this from about 95 to 125 GFLOP/s with AVX-512 (benchmarks.md).
    // Tiles of 8 rows x 2 registers: each load of `rows` feeds 8 FMAs. The
    // loop over columns is outside the loop over rows, so one column slice
    // of `rows` (term_count x 2 registers) stays in L1 for every row block.
    constexpr std::size_t width = simd_width<T>;
    constexpr std::size_t KV = 2;
    constexpr std::size_t blocked = In / (KV * width) * (KV * width);
    for (std::size_t k = 0; k < blocked; k += KV * width) {
        // Bounds computed up front: GCC 12 misreads `r + 8 <= row_count` loops
        // and warns of undefined behaviour (-Waggressive-loop-optimizations).
        const std::size_t rows_by_8 = row_count / 8 * 8;
        const std::size_t rows_by_4 = rows_by_8 + (row_count - rows_by_8) / 4 * 4;
        for (std::size_t r = 0; r < rows_by_8; r += 8)
            scaled_rows_tile<In, 8, KV>(term_count, coefficients + r * row_stride, row_stride,
                                        term_stride, rows + k, out + r * In + k);
        for (std::size_t r = rows_by_8; r < rows_by_4; r += 4)
            scaled_rows_tile<In, 4, KV>(term_count, coefficients + r * row_stride, row_stride,
                                        term_stride, rows + k, out + r * In + k);
        for (std::size_t r = rows_by_4; r < row_count; ++r)
            scaled_rows_tile<In, 1, KV>(term_count, coefficients + r * row_stride, row_stride,
                                        term_stride, rows + k, out + r * In + k);
    }
    if constexpr (blocked < In) {
        // Bounds computed up front: GCC 12 misreads `r + 8 <= row_count` loops
        // and warns of undefined behaviour (-Waggressive-loop-optimizations).
        const std::size_t rows_by_8 = row_count / 8 * 8;
        const std::size_t rows_by_4 = rows_by_8 + (row_count - rows_by_8) / 4 * 4;
        for (std::size_t r = 0; r < rows_by_8; r += 8)
            scaled_rows_tail<In, 8, blocked>(term_count, coefficients + r * row_stride,
                                             row_stride, term_stride, rows, out + r * In);
        for (std::size_t r = rows_by_8; r < rows_by_4; r += 4)
            scaled_rows_tail<In, 4, blocked>(term_count, coefficients + r * row_stride,
                                             row_stride, term_stride, rows, out + r * In);
        for (std::size_t r = rows_by_4; r < row_count; ++r)
            scaled_rows_tail<In, 1, blocked>(term_count, coefficients + r * row_stride,
                                             row_stride, term_stride, rows, out + r * In);
    }
}

}  // namespace vector
namespace active = vector;
#else
namespace active = scalar;
#endif

#if STRATA_HAS_SIMD
namespace vector {
template <std::size_t In, std::size_t Out, class T>
void dense_forward_single(const T* w, const T* b, const T* x, T* y) noexcept;
}  // namespace vector
#endif

/// y = x W^T + b for `batch` rows of x.
template <std::size_t In, std::size_t Out, class T>
void dense_forward(const T* w, const T* b, const T* x, T* y, std::size_t batch) noexcept {
#if STRATA_HAS_SIMD
    if (batch == 1) {
        vector::dense_forward_single<In, Out>(w, b, x, y);
        return;
    }
#endif
    active::dense_forward<In, Out>(w, b, x, y, batch);
}

/// dx = dy W for `batch` rows of dy.
template <std::size_t In, std::size_t Out, class T>
void dense_input_gradient(const T* w, const T* dy, T* dx, std::size_t batch) noexcept {
    active::sum_scaled_rows<In>(batch, Out, dy, Out, 1, w, dx);
}

/// dW = dy^T x and db = column sums of dy, overwriting dw and db.
template <std::size_t In, std::size_t Out, class T>
void dense_parameter_gradient(const T* x, const T* dy, T* dw, T* db, std::size_t batch) noexcept {
    active::sum_scaled_rows<In>(Out, batch, dy, 1, Out, x, dw);
    for (std::size_t o = 0; o < Out; ++o) db[o] = T(0);
    for (std::size_t s = 0; s < batch; ++s)
        for (std::size_t o = 0; o < Out; ++o) db[o] += dy[s * Out + o];
}

}  // namespace strata::kernels

#include "dense_single.hpp"
