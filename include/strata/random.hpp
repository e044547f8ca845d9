#pragma once
// Seeded random numbers with the same results under every standard library.
// std:: distributions and std::shuffle are implementation-defined, so strata
// draws its own: xoshiro128++ for bits, Lemire's method for bounded integers,
// Box-Muller for normals and Fisher-Yates for shuffles.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>
#include <utility>

namespace strata {

/// xoshiro128++ generator (Blackman and Vigna, 2019), seeded through splitmix64.
class random_engine {
public:
    constexpr explicit random_engine(std::uint64_t seed = 0) noexcept { reseed(seed); }

    constexpr void reseed(std::uint64_t seed) noexcept {
        for (auto& word : state_) {
            seed += 0x9E3779B97F4A7C15ull;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            word = static_cast<std::uint32_t>((z ^ (z >> 31)) >> 16);
        }
        if ((state_[0] | state_[1] | state_[2] | state_[3]) == 0) state_[0] = 1;
    }

    constexpr std::uint32_t next() noexcept {
        const std::uint32_t result = rotl(state_[0] + state_[3], 7) + state_[0];
        const std::uint32_t t = state_[1] << 9;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 11);
        return result;
    }

    /// Uniform in [0, 1) with 24 random bits, exact in float and double.
    constexpr double uniform() noexcept { return static_cast<double>(next() >> 8) * 0x1.0p-24; }

    /// Uniform integer in [0, bound), without modulo bias (Lemire, 2019).
    constexpr std::uint32_t below(std::uint32_t bound) noexcept {
        std::uint64_t product = static_cast<std::uint64_t>(next()) * bound;
        auto low = static_cast<std::uint32_t>(product);
        if (low < bound) {
            const std::uint32_t threshold = (0u - bound) % bound;
            while (low < threshold) {
                product = static_cast<std::uint64_t>(next()) * bound;
                low = static_cast<std::uint32_t>(product);
            }
        }
        return static_cast<std::uint32_t>(product >> 32);
    }

    /// Standard normal sample by the Box-Muller transform.
    double normal() noexcept {
        const double u1 = 1.0 - uniform();  // in (0, 1], so the log is finite
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }

    /// Shuffles `items` in place (Fisher-Yates).
    template <class T>
    constexpr void shuffle(std::span<T> items) noexcept {
        for (std::size_t i = items.size(); i > 1; --i) {
            const std::size_t j = below(static_cast<std::uint32_t>(i));
            std::swap(items[i - 1], items[j]);
        }
    }

private:
    static constexpr std::uint32_t rotl(std::uint32_t x, int k) noexcept {
        return (x << k) | (x >> (32 - k));
    }

    std::uint32_t state_[4]{};
};

}  // namespace strata
