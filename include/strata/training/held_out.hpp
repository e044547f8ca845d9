#pragma once
// A test set that can be evaluated once, after training.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

namespace strata {

template <class T>
class basic_dataset;

/// Raised by a second held_out::evaluate_once on the same test set.
class held_out_error : public std::logic_error {
public:
    using std::logic_error::logic_error;
};

/// Test samples kept away from training, model selection and early
/// stopping. The samples are private: fit(), the searches and early stopping
/// take plain datasets only, so a held_out set cannot reach them. The one
/// way to use it is evaluate_once(), after training; a second call throws
/// held_out_error, because a test score that has steered a choice is no
/// longer an unbiased estimate of the error on new data. Copying is
/// disabled so that a copy cannot grant a second look.
template <class T>
class held_out {
public:
    held_out() = default;
    explicit held_out(basic_dataset<T> data) : data_(std::move(data)) {}
    held_out(held_out&&) noexcept = default;
    held_out& operator=(held_out&&) noexcept = default;
    held_out(const held_out&) = delete;
    held_out& operator=(const held_out&) = delete;

    std::size_t size() const noexcept { return data_.size(); }
    bool empty() const noexcept { return data_.empty(); }
    std::size_t feature_count() const noexcept { return data_.feature_count(); }
    std::size_t target_count() const noexcept { return data_.target_count(); }
    const std::string& source() const noexcept { return data_.source(); }

    /// Index of test sample i in the data it was split from. Row indexes
    /// reveal no feature or target, so audits (disjointness, class balance
    /// by index) may use them freely.
    std::size_t origin(std::size_t i) const noexcept { return data_.origin(i); }

    /// True after a successful evaluate_once().
    bool evaluated() const noexcept { return evaluated_; }

    /// Returns `evaluator.evaluate(model, test data)` (a trainer's evaluate,
    /// or any type with that member) and marks the set as used. Throws
    /// held_out_error on a second call. If the evaluation itself throws, the
    /// set stays unused.
    template <class Evaluator, class Model>
    auto evaluate_once(const Evaluator& evaluator, const Model& model)
        -> decltype(evaluator.evaluate(model, std::declval<const basic_dataset<T>&>())) {
        if (evaluated_)
            throw held_out_error(
                "held_out::evaluate_once: the test set from " + data_.source() + " (" +
                std::to_string(data_.size()) +
                " samples) was already evaluated; a second look lets the test score steer "
                "choices, so it stops estimating the error on new data. Compare models on "
                "the validation set and report the first test result");
        auto result = evaluator.evaluate(model, data_);
        evaluated_ = true;
        return result;
    }

private:
    basic_dataset<T> data_;
    bool evaluated_ = false;
};

/// Wraps a test set that came separately (such as Fashion-MNIST's t10k
/// files) so that it can be evaluated once.
template <class T>
held_out<T> hold_out(basic_dataset<T> data) {
    return held_out<T>(std::move(data));
}

}  // namespace strata

// basic_dataset is defined there; included last so that either header may come first.
#include "dataset.hpp"
