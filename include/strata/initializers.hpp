#pragma once
// Weight initializers as policies. Each fills a layer's weights from a seeded
// engine given the layer's fan-in and fan-out; biases start at zero.

#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>

#include "random.hpp"

namespace strata::initializers {

/// He (Kaiming) normal: N(0, 2 / fan_in). Suited to ReLU layers.
struct he_normal {
    static constexpr std::string_view name = "he_normal";

    template <class T>
    void fill(std::span<T> weights, std::size_t fan_in, std::size_t, random_engine& engine) const {
        const double deviation = std::sqrt(2.0 / static_cast<double>(fan_in));
        for (auto& w : weights) w = static_cast<T>(deviation * engine.normal());
    }
};

/// Glorot (Xavier) uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)).
/// Suited to tanh, sigmoid and linear layers.
struct glorot_uniform {
    static constexpr std::string_view name = "glorot_uniform";

    template <class T>
    void fill(std::span<T> weights, std::size_t fan_in, std::size_t fan_out,
              random_engine& engine) const {
        const double limit = std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
        for (auto& w : weights) w = static_cast<T>(limit * (2.0 * engine.uniform() - 1.0));
    }
};

/// He normal for a layer followed by relu or leaky_relu, Glorot uniform for
/// every other layer. Networks start this way unless told otherwise.
struct automatic {
    static constexpr std::string_view name = "automatic";
};

}  // namespace strata::initializers
