#pragma once
// The one place that decides between xsimd and plain loops. xsimd 8 has no
// batch type on targets without a SIMD unit (Cortex-M); STRATA_SCALAR forces
// the plain loops everywhere, for testing and comparison.

#include <cstddef>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#if defined(XSIMD_NO_SUPPORTED_ARCHITECTURE) || defined(STRATA_SCALAR)
#define STRATA_HAS_SIMD 0
#else
#define STRATA_HAS_SIMD 1
#endif

namespace strata::kernels {

#if STRATA_HAS_SIMD
template <class T>
using simd = xsimd::batch<T>;

/// Values of `T` in one SIMD register of the target.
template <class T>
inline constexpr std::size_t simd_width = simd<T>::size;

// xsimd 8 names the horizontal sum hadd; 9.0 renamed it reduce_add.
template <class B>
inline auto reduce_add(const B& b) noexcept {
#if XSIMD_VERSION_MAJOR >= 9
    return xsimd::reduce_add(b);
#else
    return xsimd::hadd(b);
#endif
}

/// Returns the register whose lane i is the sum of the lanes of rows[i], for
/// `simd_width<T>` registers: a transposing horizontal add.
template <class T>
inline simd<T> reduce_add_rows(const simd<T>* rows) noexcept {
#if XSIMD_VERSION_MAJOR < 9 && XSIMD_WITH_AVX512F
    if constexpr (std::is_same_v<T, float> && simd_width<T> == 16) {
        // xsimd 8.1's haddp for 16 floats swaps result lanes 2-3 with 4-5
        // and 10-11 with 12-13, so this is done here. First, within each
        // 128-bit block, four rows at a time: lanes (a, b, c, d) of block k
        // become the sums of rows a..d over block k.
        __m512 quads[4];
        for (int q = 0; q < 4; ++q) {
            const __m512 r0 = rows[4 * q], r1 = rows[4 * q + 1];
            const __m512 r2 = rows[4 * q + 2], r3 = rows[4 * q + 3];
            const __m512 s01 = _mm512_add_ps(_mm512_unpacklo_ps(r0, r1), _mm512_unpackhi_ps(r0, r1));
            const __m512 s23 = _mm512_add_ps(_mm512_unpacklo_ps(r2, r3), _mm512_unpackhi_ps(r2, r3));
            quads[q] = _mm512_add_ps(_mm512_shuffle_ps(s01, s23, _MM_SHUFFLE(1, 0, 1, 0)),
                                     _mm512_shuffle_ps(s01, s23, _MM_SHUFFLE(3, 2, 3, 2)));
        }
        // Then add the four blocks of each quad: block q of the result holds
        // the totals of rows 4q .. 4q + 3.
        const __m512 h01 =
            _mm512_add_ps(_mm512_shuffle_f32x4(quads[0], quads[1], _MM_SHUFFLE(2, 0, 2, 0)),
                          _mm512_shuffle_f32x4(quads[0], quads[1], _MM_SHUFFLE(3, 1, 3, 1)));
        const __m512 h23 =
            _mm512_add_ps(_mm512_shuffle_f32x4(quads[2], quads[3], _MM_SHUFFLE(2, 0, 2, 0)),
                          _mm512_shuffle_f32x4(quads[2], quads[3], _MM_SHUFFLE(3, 1, 3, 1)));
        return _mm512_add_ps(_mm512_shuffle_f32x4(h01, h23, _MM_SHUFFLE(2, 0, 2, 0)),
                             _mm512_shuffle_f32x4(h01, h23, _MM_SHUFFLE(3, 1, 3, 1)));
    } else {
        return xsimd::haddp(rows);
    }
#else
    return xsimd::haddp(rows);
#endif
}

/// Name of the instruction set the kernels were compiled for.
inline const char* instruction_set() noexcept { return xsimd::default_arch::name(); }

using xsimd::select;
#else
// Without a batch type xsimd declares no select, but the vector lambdas in
// the layers still name one; they are never called on such targets.
template <class... Args>
void select(const Args&...) = delete;

template <class T>
inline constexpr std::size_t simd_width = 1;

inline const char* instruction_set() noexcept { return "scalar"; }
#endif

}  // namespace strata::kernels
