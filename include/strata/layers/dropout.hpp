#pragma once
// Inverted dropout: in training, each value is kept with probability
// q = 1 - drop rate and scaled by 1/q, or set to 0; at inference the layer
// is the identity.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../diagnostics.hpp"
#include "context.hpp"

namespace strata {

/// The probability that dropout zeroes a value (PyTorch's `p`), as the
/// fraction Numerator / Denominator; it must lie in [0, 1).
template <std::intmax_t Numerator, std::intmax_t Denominator = 1>
struct drop_rate {
    static_assert(diagnostics::drop_rate_must_lie_in_0_to_1<Numerator, Denominator>());
    static constexpr double value =
        Denominator > 0 ? static_cast<double>(Numerator) / Denominator : 0.0;
};

/// The probability that dropout keeps a value (the classic `p` of
/// Srivastava et al., 2014), as Numerator / Denominator in (0, 1].
template <std::intmax_t Numerator, std::intmax_t Denominator = 1>
struct keep_probability {
    static_assert(diagnostics::keep_probability_must_lie_in_0_to_1<Numerator, Denominator>());
    static constexpr double value =
        Denominator > 0 ? 1.0 - static_cast<double>(Numerator) / Denominator : 0.0;
};

namespace detail {

template <class P>
inline constexpr bool is_dropout_probability_v = false;
template <std::intmax_t N, std::intmax_t D>
inline constexpr bool is_dropout_probability_v<drop_rate<N, D>> = true;
template <std::intmax_t N, std::intmax_t D>
inline constexpr bool is_dropout_probability_v<keep_probability<N, D>> = true;

// Probability::value, or 0 where Probability failed the dropout check.
template <class Probability>
constexpr double dropout_rate() {
    if constexpr (is_dropout_probability_v<Probability>)
        return Probability::value;
    else
        return 0.0;
}

}  // namespace detail

/// Inverted dropout layer, placeable after any layer. `Probability` is
/// drop_rate<N, D> (the chance to zero a value) or keep_probability<N, D>
/// (the chance to keep it); a plain std::ratio is rejected because it would
/// not say which. In training (pass_context::training) every value is
/// zeroed with the drop rate r and otherwise scaled by 1 / (1 - r). The
/// mask is drawn from pass_context::random, and pass_context::drop_rate,
/// when set, replaces r for every dropout layer. At inference the layer
/// copies its input. The mask (0 or 1 / (1 - r) per value) is kept in the layer's
/// scratch for the backward pass: dx = dy * mask.
template <class Probability = drop_rate<1, 2>>
struct dropout {
    static_assert(diagnostics::dropout_probability_must_be_drop_rate_or_keep_probability<
                  Probability, detail::is_dropout_probability_v<Probability>>());

    static constexpr std::string_view name = "dropout";
    /// The compile-time probability of zeroing a value. Reading
    /// Probability::value completes it, so that its range check fires where
    /// the layer is named rather than in the first forward pass.
    static constexpr double rate = detail::dropout_rate<Probability>();

    template <std::size_t In>
    static constexpr std::size_t output_size = In;
    template <std::size_t In>
    static constexpr std::size_t parameter_count = 0;
    template <std::size_t In>
    static constexpr std::size_t weight_count = 0;
    template <std::size_t In>
    static constexpr std::size_t scratch_size = In;

    /// Copies `x` at inference; in training applies and stores a fresh mask.
    /// Training without a generator (context.random null) keeps every value.
    template <std::size_t In, class T>
    static void forward(const T*, const T* x, T* y, T* mask, std::size_t batch,
                        const pass_context& context) noexcept {
        const std::size_t count = batch * In;
        if (!context.training) {
            for (std::size_t i = 0; i < count; ++i) y[i] = x[i];
            return;
        }
        const double r = context.drop_rate ? *context.drop_rate : rate;
        if (r <= 0.0 || context.random == nullptr) {
            for (std::size_t i = 0; i < count; ++i) {
                mask[i] = T(1);
                y[i] = x[i];
            }
            return;
        }
        const T scale = static_cast<T>(1.0 / (1.0 - r));
        for (std::size_t i = 0; i < count; ++i) {
            // uniform() is in [0, 1), so a value survives with probability 1 - r.
            mask[i] = context.random->uniform() < r ? T(0) : scale;
            y[i] = x[i] * mask[i];
        }
    }

    template <std::size_t In, class T>
    static void backward(const T*, const T*, const T*, const T* dy, T* dx, T*, const T* mask,
                         std::size_t batch) noexcept {
        if (dx == nullptr) return;
        for (std::size_t i = 0; i < batch * In; ++i) dx[i] = dy[i] * mask[i];
    }
};

}  // namespace strata
