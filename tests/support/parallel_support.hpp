#pragma once
// Shared pieces of the thread and MPI tests: a slice of the real
// Fashion-MNIST test images, and a comparison of two parameter vectors.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include <strata/strata.hpp>

namespace strata_test {

/// The first `count` images of Fashion-MNIST's t10k files (10,000 images,
/// faster to read than the 60,000 training images).
inline strata::dataset fashion_mnist_slice(std::size_t count) {
    const std::string directory = STRATA_FASHION_MNIST_DIR;
    const auto all = strata::load_idx(directory + "/t10k-images-idx3-ubyte.gz",
                                      directory + "/t10k-labels-idx1-ubyte.gz");
    std::vector<std::size_t> first(count);
    std::iota(first.begin(), first.end(), std::size_t{0});
    return all.subset(first);
}

/// max_i |a_i - b_i| / max_i |b_i|: the largest difference relative to the
/// largest parameter of `b`, the reference (a ratio of infinity norms). A
/// per-element ratio would not do: a weight whose gradient is a sum that
/// nearly cancels, such as one fed by a mostly black border pixel, changes
/// by 1e-4 of itself when the sum is taken in another order.
inline double relative_difference(std::span<const float> a, std::span<const float> b) {
    double largest = 0;
    double worst = 0;
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        largest = std::max(largest, std::abs(double(b[i])));
        worst = std::max(worst, std::abs(double(a[i]) - double(b[i])));
    }
    return largest > 0 ? worst / largest : worst;
}

inline std::vector<float> copy_parameters(std::span<const float> parameters) {
    return {parameters.begin(), parameters.end()};
}

}  // namespace strata_test
