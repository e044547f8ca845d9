#pragma once
// Element-wise kernels over contiguous arrays: activations and their
// derivatives, row-wise softmax, and the optimizer updates.

#include <cmath>
#include <cstddef>
#include <type_traits>

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

/// Hyperbolic tangent of one value (std::tanh); the scalar counterpart of
/// the SIMD overload below.
template <class T>
inline T tanh(T x) noexcept {
    return std::tanh(x);
}

#if STRATA_HAS_SIMD
/// Hyperbolic tangent of each lane. For float, a rational function
/// x P(x^2) / Q(x^2) of degrees 5 and 3 in x^2, fitted by weighted least
/// squares to the relative error on [0, 9]. Against tanh in double on a
/// grid of [-12, 12], its relative error stays under 4.2e-7, a few units in
/// the last place (3.6e-7 with AVX-512 and on NEON, 4.2e-7 with SSE). Inputs beyond +-9, where tanh rounds to +-1 in
/// float, are clamped. It has no branches, so every input costs the same;
/// xsimd's tanh takes a branch on |x| < 0.625 and computes both paths when
/// the lanes of a register fall on both sides. NaN stays NaN. For double,
/// xsimd's tanh.
template <class T>
inline simd<T> tanh(const simd<T>& x) noexcept {
    if constexpr (std::is_same_v<T, float>) {
        using V = simd<float>;
        // Comparisons with NaN are false, so a NaN input passes through.
        const V limit(9.0f);
        const V xc = xsimd::select(xsimd::abs(x) > limit, xsimd::copysign(limit, x), x);
        const V y = xc * xc;
        const V y2 = y * y;
        // Estrin's scheme: independent FMAs, so less latency than Horner's.
        const V p01 = xsimd::fma(y, V(1.292271089e-01f), V(9.999999780e-01f));
        const V p23 = xsimd::fma(y, V(9.296621896e-06f), V(2.924334007e-03f));
        const V p45 = xsimd::fma(y, V(1.841616673e-11f), V(-1.285538179e-08f));
        const V q01 = xsimd::fma(y, V(4.625600932e-01f), V(1.0f));
        const V q23 = xsimd::fma(y, V(2.285709358e-04f), V(2.377825825e-02f));
        const V p = xsimd::fma(y2, xsimd::fma(y2, p45, p23), p01);
        const V q = xsimd::fma(y2, q23, q01);
#if XSIMD_WITH_SSE2
        // 1 / q from the x86 reciprocal estimate (14 bits with AVX-512, 12
        // before) and one Newton step, which squares the error to about
        // 2^-24 at a third less latency than a division. q >= 1. (NEON's
        // estimate has 8 bits, so other targets divide.)
        const V estimate = xsimd::reciprocal(q);
        const V inverse = estimate * xsimd::fnma(q, estimate, V(2.0f));
        const V r = xc * p * inverse;
#else
        const V r = xc * p / q;
#endif
        // The fit overshoots 1 by up to 2.4e-7 near the clamp.
        const V one(1.0f);
        return xsimd::select(xsimd::abs(r) > one, xsimd::copysign(one, r), r);
    } else {
        return xsimd::tanh(x);
    }
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
