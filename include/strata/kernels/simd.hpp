#pragma once
// The one place that decides between xsimd and plain loops. xsimd 8 has no
// batch type on targets without a SIMD unit (Cortex-M); STRATA_SCALAR forces
// the plain loops everywhere, for testing and comparison.

#include <cstddef>

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
