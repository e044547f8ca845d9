#pragma once
// Concepts for the trainer's policies: what a loss, an optimizer and a
// regularizer must provide. strata::trainer checks each with a static_assert
// that names the policy that failed.

#include <concepts>
#include <cstddef>
#include <span>
#include <string_view>

#include "shape.hpp"
#include "training/dataset.hpp"

namespace strata {

/// A loss over a network's Outputs values per sample: validates targets,
/// returns per-sample loss and metric, and writes dL/d(output) for a batch.
/// Probed with Outputs = 2 and float; see losses::mse for the full contract.
template <class Loss>
concept loss_policy = requires(const float* output, const float* target, float* gradient,
                               std::size_t count, const basic_dataset<float>& data) {
    { Loss::name } -> std::convertible_to<std::string_view>;
    { Loss::metric_name } -> std::convertible_to<std::string_view>;
    { Loss::template fits_output<2> } -> std::convertible_to<bool>;
    Loss::template check_targets<2>(data);
    {
        Loss::template loss_and_gradient<2>(output, target, count, gradient, count)
    } -> std::convertible_to<double>;
    { Loss::template loss<2>(output, target, count) } -> std::convertible_to<double>;
    { Loss::template metric<2>(output, target, count) } -> std::convertible_to<double>;
};

/// An optimizer: a default-constructible value with a learning_rate, a
/// per-network `state<T, Size>`, and `step(state, parameters, gradient)`,
/// or, with decoupled weight decay, `step(state, parameters, gradient,
/// segments)` as detail::optimizer_step calls it.
template <class Optimizer>
concept optimizer_policy =
    std::default_initializable<Optimizer> &&
    requires(const Optimizer& optimizer, typename Optimizer::template state<float, 16>& state,
             float* parameters, const float* gradient,
             std::span<const parameter_segment> segments) {
        { Optimizer::name } -> std::convertible_to<std::string_view>;
        { optimizer.learning_rate } -> std::convertible_to<double>;
        requires requires { optimizer.step(state, parameters, gradient); } ||
                     requires { optimizer.step(state, parameters, gradient, segments); };
    };

/// A regularizer: adds its penalty's gradient over the given parameter
/// segments, and reports whether biases are among them.
template <class Regularizer>
concept regularizer_policy =
    std::default_initializable<Regularizer> &&
    requires(const Regularizer& regularizer, std::span<const parameter_segment> segments,
             const float* parameters, float* gradient) {
        { Regularizer::name } -> std::convertible_to<std::string_view>;
        { regularizer.include_biases } -> std::convertible_to<bool>;
        regularizer.add_gradient(segments, parameters, gradient);
    };

}  // namespace strata
