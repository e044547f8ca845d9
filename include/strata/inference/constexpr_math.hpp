#pragma once
// exp, expm1, tanh and sigmoid that run in constant expressions, which the
// <cmath> functions do not do before C++26. They compute in double and are
// accurate to a few ulp of double, far inside float's 6e-8. The frozen
// network uses them when a forward pass is evaluated at compile time.

#include <bit>
#include <cstdint>
#include <limits>

namespace strata::constexpr_math {

namespace detail {

// 2^k for any k, exact, including the subnormal range.
constexpr double power_of_two(int k) noexcept {
    if (k > 1023) return std::numeric_limits<double>::infinity();
    if (k >= -1022) return std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52);
    if (k < -1074) return 0.0;
    return std::bit_cast<double>(std::uint64_t{1} << (k + 1074));
}

// exp(r) for |r| <= ln(2)/2 by its Taylor series; the 18th term is below
// 1e-22, so the truncation error is far below double's rounding.
constexpr double exp_reduced(double r) noexcept {
    double sum = 1.0;
    for (int n = 18; n >= 1; --n) sum = 1.0 + sum * r / n;
    return sum;
}

}  // namespace detail

constexpr bool isnan(double x) noexcept { return x != x; }

/// e^x. Overflows to +inf above 709.78 and underflows to 0 below -745.13.
constexpr double exp(double x) noexcept {
    if (isnan(x)) return x;
    if (x > 709.782712893384) return std::numeric_limits<double>::infinity();
    if (x < -745.1332191019412) return 0.0;

    // x = k ln2 + r with |r| <= ln2 / 2; ln2 is split in two so that k * ln2_hi is exact.
    constexpr double ln2_hi = 0x1.62e42fee00000p-1;
    constexpr double ln2_lo = 0x1.a39ef35793c76p-33;
    constexpr double inverse_ln2 = 0x1.71547652b82fep0;
    const double scaled = x * inverse_ln2;
    const int k = static_cast<int>(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
    const double r = (x - k * ln2_hi) - k * ln2_lo;

    // Scaling in two steps keeps 2^k representable when the result is
    // subnormal or close to overflow.
    const int half = k / 2;
    return detail::exp_reduced(r) * detail::power_of_two(half) * detail::power_of_two(k - half);
}

/// e^x - 1, without the cancellation of exp(x) - 1 near 0.
constexpr double expm1(double x) noexcept {
    if (isnan(x)) return x;
    if (x > 0.5 || x < -0.5) return exp(x) - 1.0;
    // The series for |x| <= 0.5: the 25th term is below 1e-33.
    double sum = 1.0;
    for (int n = 25; n >= 2; --n) sum = 1.0 + sum * x / n;
    return x * sum;
}

/// Hyperbolic tangent, with relative accuracy kept near 0.
constexpr double tanh(double x) noexcept {
    if (isnan(x)) return x;
    const double magnitude = x < 0 ? -x : x;
    // tanh(20) differs from 1 by 8.5e-18, less than half an ulp of 1.
    if (magnitude > 20.0) return x < 0 ? -1.0 : 1.0;
    const double e = expm1(2.0 * magnitude);
    const double t = e / (e + 2.0);
    return x < 0 ? -t : t;
}

/// 1 / (1 + e^-x), finite and without overflow for every x.
constexpr double sigmoid(double x) noexcept {
    if (isnan(x)) return x;
    if (x >= 0) return 1.0 / (1.0 + exp(-x));
    const double e = exp(x);
    return e / (1.0 + e);
}

}  // namespace strata::constexpr_math
