#pragma once
// Element-wise kernels over contiguous arrays: activations and their
// derivatives, row-wise softmax, and the optimizer updates.

#include <cmath>
#include <cstddef>

#include "simd.hpp"

namespace strata::kernels {

/// Applies `vector_op` to whole SIMD registers of `in` and `scalar_op` to the
/// tail, writing `out`. Without SIMD, `scalar_op` does all the work.
template <class T, class VectorOp, class ScalarOp>
inline void transform(std::size_t count, const T* in, T* out, VectorOp vector_op,
                      ScalarOp scalar_op) noexcept {
#if STRATA_HAS_SIMD
    constexpr std::size_t width = simd_width<T>;
    const std::size_t full = count / width * width;
    for (std::size_t i = 0; i < full; i += width)
        vector_op(simd<T>::load_unaligned(in + i)).store_unaligned(out + i);
#else
    const std::size_t full = 0;
    (void)vector_op;
#endif
    for (std::size_t i = full; i < count; ++i) out[i] = scalar_op(in[i]);
}

/// Like transform, over two inputs.
template <class T, class VectorOp, class ScalarOp>
inline void transform(std::size_t count, const T* a, const T* b, T* out, VectorOp vector_op,
                      ScalarOp scalar_op) noexcept {
#if STRATA_HAS_SIMD
    constexpr std::size_t width = simd_width<T>;
    const std::size_t full = count / width * width;
    for (std::size_t i = 0; i < full; i += width)
        vector_op(simd<T>::load_unaligned(a + i), simd<T>::load_unaligned(b + i))
            .store_unaligned(out + i);
#else
    const std::size_t full = 0;
    (void)vector_op;
#endif
    for (std::size_t i = full; i < count; ++i) out[i] = scalar_op(a[i], b[i]);
}

/// Logistic function without overflow: exp is only taken of -|x|, so it
/// stays in (0, 1], and the result is exactly 0 or 1 only where it rounds so.
template <class T>
inline T sigmoid(T x) noexcept {
    const T e = std::exp(-std::abs(x));
    const T s = T(1) / (T(1) + e);
    return x >= T(0) ? s : e * s;
}

#if STRATA_HAS_SIMD
template <class T>
inline simd<T> sigmoid(const simd<T>& x) noexcept {
    const auto e = xsimd::exp(-xsimd::abs(x));
    const auto s = simd<T>(T(1)) / (simd<T>(T(1)) + e);
    return xsimd::select(x >= simd<T>(T(0)), s, e * s);
}
#endif

/// Writes each row's softmax: exp(z - max z) / sum exp(z - max z). Taking
/// the max first keeps exp in (0, 1], so logits of +-1000 stay finite.
template <std::size_t Width, class T>
inline void softmax_rows(const T* z, T* y, std::size_t rows) noexcept {
    for (std::size_t r = 0; r < rows; ++r) {
        const T* zr = z + r * Width;
        T* yr = y + r * Width;
        T max = zr[0];
        for (std::size_t k = 1; k < Width; ++k) max = zr[k] > max ? zr[k] : max;
        T sum = 0;
        for (std::size_t k = 0; k < Width; ++k) {
            yr[k] = std::exp(zr[k] - max);
            sum += yr[k];
        }
        const T inverse = T(1) / sum;
        for (std::size_t k = 0; k < Width; ++k) yr[k] *= inverse;
    }
}

/// Returns log(sum exp(z)) for one row, computed as max + log(sum exp(z - max)).
template <std::size_t Width, class T>
inline T log_sum_exp(const T* z) noexcept {
    T max = z[0];
    for (std::size_t k = 1; k < Width; ++k) max = z[k] > max ? z[k] : max;
    T sum = 0;
    for (std::size_t k = 0; k < Width; ++k) sum += std::exp(z[k] - max);
    return max + std::log(sum);
}

/// x += alpha * y over `count` values.
template <class T>
inline void axpy(std::size_t count, T alpha, const T* y, T* x) noexcept {
    transform(
        count, x, y, x,
        [alpha](auto xv, auto yv) { return xsimd::fma(decltype(xv)(alpha), yv, xv); },
        [alpha](T xs, T ys) { return xs + alpha * ys; });
}

}  // namespace strata::kernels
