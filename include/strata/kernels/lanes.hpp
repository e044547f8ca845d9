#pragma once
// A loop over parameter-sized arrays whose body is written once, as a
// generic lambda, and runs on whole SIMD registers and then on the tail.
// Optimizers use it for updates that read and write several arrays.

#include <cmath>
#include <cstddef>
#include <type_traits>

#include "simd.hpp"

namespace strata::kernels {

/// Calls `body(V{}, i)` for every index `i` in [0, count): with V =
/// simd<T> at steps of simd_width<T>, then with V = T for the tail.
/// Without SIMD, V is always T.
template <class T, class Body>
inline void for_each_lane(std::size_t count, Body body) noexcept {
#if STRATA_HAS_SIMD
    constexpr std::size_t width = simd_width<T>;
    const std::size_t full = count / width * width;
    for (std::size_t i = 0; i < full; i += width) body(simd<T>{}, i);
#else
    const std::size_t full = 0;
#endif
    for (std::size_t i = full; i < count; ++i) body(T{}, i);
}

/// Loads one lane group (a SIMD register, or one value when V is a scalar).
template <class V, class T>
inline V load(const T* address) noexcept {
    if constexpr (std::is_floating_point_v<V>)
        return *address;
    else
        return V::load_unaligned(address);
}

/// Stores what load<V> read.
template <class V, class T>
inline void store(T* address, const V& value) noexcept {
    if constexpr (std::is_floating_point_v<V>)
        *address = value;
    else
        value.store_unaligned(address);
}

/// Square root of a value or of every lane.
template <class V>
inline V sqrt(const V& value) noexcept {
    if constexpr (std::is_floating_point_v<V>)
        return std::sqrt(value);
    else
        return xsimd::sqrt(value);
}

}  // namespace strata::kernels
