#pragma once
// Samples as two row-major matrices (features and targets), and the random
// train/validation/test split.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../detail/aligned.hpp"
#include "../error.hpp"
#include "../random.hpp"
#include "held_out.hpp"

namespace strata {

/// Samples for supervised learning: row i of `features` is the input of
/// sample i and row i of `targets` its target. A classification target is a
/// single column holding the class index (0, 1, ...); a regression target
/// has one column per network output.
template <class T>
class basic_dataset {
public:
    using value_type = T;

    basic_dataset() = default;

    basic_dataset(std::size_t size, std::size_t feature_count, std::size_t target_count,
                  std::string source = "in-memory data")
        : features_(size * feature_count),
          targets_(size * target_count),
          size_(size),
          feature_count_(feature_count),
          target_count_(target_count),
          source_(std::move(source)) {}

    /// Copies `features` (size x feature_count) and `targets` (size x target_count).
    basic_dataset(std::span<const T> features, std::size_t feature_count,
                  std::span<const T> targets, std::size_t target_count,
                  std::string source = "in-memory data")
        : basic_dataset(feature_count == 0 ? 0 : features.size() / feature_count, feature_count,
                        target_count, std::move(source)) {
        if (feature_count == 0 || target_count == 0)
            throw data_error(source_ + ": feature and target counts must be positive, got " +
                             std::to_string(feature_count) + " and " +
                             std::to_string(target_count));
        if (features.size() != size_ * feature_count)
            throw data_error(source_ + ": " + std::to_string(features.size()) +
                             " feature values do not divide into rows of " +
                             std::to_string(feature_count));
        if (targets.size() != size_ * target_count)
            throw data_error(source_ + ": expected " + std::to_string(size_ * target_count) +
                             " target values for " + std::to_string(size_) + " samples of " +
                             std::to_string(target_count) + ", found " +
                             std::to_string(targets.size()));
        std::copy(features.begin(), features.end(), features_.data());
        std::copy(targets.begin(), targets.end(), targets_.data());
    }

    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    std::size_t feature_count() const noexcept { return feature_count_; }
    std::size_t target_count() const noexcept { return target_count_; }

    /// Origin of the samples (a file path, or "in-memory data"), for messages.
    const std::string& source() const noexcept { return source_; }

    std::span<T> features(std::size_t i) noexcept {
        return {features_.data() + i * feature_count_, feature_count_};
    }
    std::span<const T> features(std::size_t i) const noexcept {
        return {features_.data() + i * feature_count_, feature_count_};
    }
    std::span<T> targets(std::size_t i) noexcept {
        return {targets_.data() + i * target_count_, target_count_};
    }
    std::span<const T> targets(std::size_t i) const noexcept {
        return {targets_.data() + i * target_count_, target_count_};
    }

    const T* feature_data() const noexcept { return features_.data(); }
    const T* target_data() const noexcept { return targets_.data(); }

    /// Index of sample i in the data it was taken from (the row in the file);
    /// equal to i unless this dataset is a subset.
    std::size_t origin(std::size_t i) const noexcept {
        return origins_.empty() ? i : origins_[i];
    }

    /// Copies the samples at `indices`, in that order, into a new dataset.
    basic_dataset subset(std::span<const std::size_t> indices) const {
        basic_dataset part(indices.size(), feature_count_, target_count_, source_);
        part.origins_.resize(indices.size());
        for (std::size_t row = 0; row < indices.size(); ++row) {
            const std::size_t i = indices[row];
            if (i >= size_)
                throw data_error(source_ + ": subset index " + std::to_string(i) +
                                 " is out of range for " + std::to_string(size_) + " samples");
            std::copy_n(features_.data() + i * feature_count_, feature_count_,
                        part.features_.data() + row * feature_count_);
            std::copy_n(targets_.data() + i * target_count_, target_count_,
                        part.targets_.data() + row * target_count_);
            part.origins_[row] = origin(i);
        }
        return part;
    }

    /// Throws data_error naming the first sample whose features or targets
    /// are NaN or infinite.
    void check_finite() const {
        for (std::size_t i = 0; i < size_; ++i) {
            for (std::size_t j = 0; j < feature_count_; ++j)
                if (!std::isfinite(features(i)[j]))
                    throw data_error(source_ + ": sample " + std::to_string(origin(i)) +
                                     ", feature " + std::to_string(j) + " is " +
                                     detail::format_number(features(i)[j]) +
                                     "; remove or impute non-finite values before training");
            for (std::size_t j = 0; j < target_count_; ++j)
                if (!std::isfinite(targets(i)[j]))
                    throw data_error(source_ + ": sample " + std::to_string(origin(i)) +
                                     ", target " + std::to_string(j) + " is " +
                                     detail::format_number(targets(i)[j]) +
                                     "; remove or impute non-finite values before training");
        }
    }

private:
    aligned_buffer<T> features_;
    aligned_buffer<T> targets_;
    std::vector<std::size_t> origins_;
    std::size_t size_ = 0;
    std::size_t feature_count_ = 0;
    std::size_t target_count_ = 0;
    std::string source_ = "in-memory data";
};

using dataset = basic_dataset<float>;

/// Fractions of a three-way split; they must be non-negative and sum to 1.
struct split_fractions {
    double train = 0.7;
    double validation = 0.2;
    double test = 0.1;
};

/// The parts of a three-way split. The test part is held out: it can be
/// evaluated once, after training, and never passed to fit() or a search.
template <class T>
struct split_parts {
    basic_dataset<T> train;
    basic_dataset<T> validation;
    held_out<T> test;
};

/// Returns a random permutation of 0 .. size-1 drawn from `seed`, the
/// same on every platform.
inline std::vector<std::size_t> random_permutation(std::size_t size, std::uint64_t seed) {
    std::vector<std::size_t> order(size);
    std::iota(order.begin(), order.end(), std::size_t{0});
    random_engine engine(seed);
    engine.shuffle(std::span<std::size_t>(order));
    return order;
}

/// Splits `data` at random into disjoint train, validation and test parts
/// that together cover every sample. Part sizes are floor(fraction * size)
/// for validation and test; train takes the rest.
template <class T>
split_parts<T> split(const basic_dataset<T>& data, split_fractions fractions, std::uint64_t seed) {
    const double total = fractions.train + fractions.validation + fractions.test;
    // Written as !(x >= 0) so that NaN fractions are rejected too.
    if (!(fractions.train >= 0) || !(fractions.validation >= 0) || !(fractions.test >= 0) ||
        !(std::abs(total - 1.0) <= 1e-9))
        throw config_error("split fractions must be non-negative and sum to 1, got " +
                           std::to_string(fractions.train) + " + " +
                           std::to_string(fractions.validation) + " + " +
                           std::to_string(fractions.test));
    const auto order = random_permutation(data.size(), seed);
    const auto n = static_cast<double>(data.size());
    const auto validation_size = static_cast<std::size_t>(std::floor(fractions.validation * n));
    const auto test_size = static_cast<std::size_t>(std::floor(fractions.test * n));
    const std::size_t train_size = data.size() - validation_size - test_size;

    const std::span<const std::size_t> all(order);
    return {data.subset(all.subspan(0, train_size)),
            data.subset(all.subspan(train_size, validation_size)),
            held_out<T>(data.subset(all.subspan(train_size + validation_size, test_size)))};
}

/// Splits `data` into train and validation parts only (for data whose test
/// set comes separately, such as Fashion-MNIST's t10k files).
template <class T>
std::pair<basic_dataset<T>, basic_dataset<T>> split(const basic_dataset<T>& data,
                                                    double validation_fraction,
                                                    std::uint64_t seed) {
    auto parts = split(data, split_fractions{1.0 - validation_fraction, validation_fraction, 0.0},
                       seed);
    return {std::move(parts.train), std::move(parts.validation)};
}

}  // namespace strata
