#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "../kernels/elementwise.hpp"
#include "../shape.hpp"

namespace strata::regularizers {

/// No regularization.
struct none {
    static constexpr std::string_view name = "none";
    static constexpr bool include_biases = false;

    template <class T>
    void add_gradient(std::span<const parameter_segment>, const T*, T*) const noexcept {}

    template <class T>
    double penalty(std::span<const parameter_segment>, const T*) const noexcept {
        return 0.0;
    }
};

/// L2 penalty (strength / 2) * sum w^2, whose gradient strength * w is added
/// to each weight's gradient; this is PyTorch's weight_decay for sgd and
/// adam. It acts on weights only unless `include_biases` is set.
struct l2 {
    static constexpr std::string_view name = "l2";

    double strength = 1e-4;
    bool include_biases = false;

    template <class T>
    void add_gradient(std::span<const parameter_segment> segments, const T* parameters,
                      T* gradient) const noexcept {
        for (const auto& segment : segments)
            kernels::axpy(segment.count, static_cast<T>(strength), parameters + segment.offset,
                          gradient + segment.offset);
    }

    template <class T>
    double penalty(std::span<const parameter_segment> segments,
                   const T* parameters) const noexcept {
        double sum = 0;
        for (const auto& segment : segments)
            for (std::size_t i = 0; i < segment.count; ++i) {
                const double w = parameters[segment.offset + i];
                sum += w * w;
            }
        return 0.5 * strength * sum;
    }
};

}  // namespace strata::regularizers
