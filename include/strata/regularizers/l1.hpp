#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "../shape.hpp"

namespace strata::regularizers {

/// L1 penalty strength * sum |w|, whose subgradient strength * sign(w)
/// (0 at w = 0) is added to each weight's gradient. It acts on weights only
/// unless `include_biases` is set.
struct l1 {
    static constexpr std::string_view name = "l1";

    double strength = 1e-5;
    bool include_biases = false;

    template <class T>
    void add_gradient(std::span<const parameter_segment> segments, const T* parameters,
                      T* gradient) const noexcept {
        const T s = static_cast<T>(strength);
        for (const auto& segment : segments)
            for (std::size_t i = 0; i < segment.count; ++i) {
                const T w = parameters[segment.offset + i];
                gradient[segment.offset + i] += w > T(0) ? s : (w < T(0) ? -s : T(0));
            }
    }

    template <class T>
    double penalty(std::span<const parameter_segment> segments,
                   const T* parameters) const noexcept {
        double sum = 0;
        for (const auto& segment : segments)
            for (std::size_t i = 0; i < segment.count; ++i) {
                const double w = parameters[segment.offset + i];
                sum += w < 0 ? -w : w;
            }
        return strength * sum;
    }
};

}  // namespace strata::regularizers
