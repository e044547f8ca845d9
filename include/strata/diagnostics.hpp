#pragma once
// Compile-time checks for every misuse the types can see. Each check is a
// function template named after the rule it enforces and parameterized on the
// sizes involved, so the compiler's first line of output, "In instantiation
// of 'strata::diagnostics::RULE() [with POSITION = ...; WIDTH = ...]'", names
// both the mistake and the numbers; the static_assert message below it gives
// the fix. This header includes nothing from strata and is included
// first by strata.hpp, which keeps the include trace above that line short.
//
// Callers pass the results of concepts and traits as bool template arguments
// instead of evaluating them here, so a failed check never triggers a second
// error inside this header. Every check returns true: its own static_assert
// has reported the failure, and the caller's static_assert(check()) would
// only repeat it without the message.

#include <cstddef>

namespace strata::diagnostics {

/// input<Size> needs Size > 0.
template <std::size_t InputWidth>
constexpr bool network_input_width_must_be_positive() {
    static_assert(InputWidth > 0, "strata::input<Size>: a network input needs Size > 0");
    return true;
}

/// The first entry of a network's list must be input<N>.
template <class FirstEntry, bool IsInput>
constexpr bool first_entry_must_be_input() {
    static_assert(IsInput,
                  "strata::network: the first entry must be strata::input<N>, the input width");
    return true;
}

/// A network needs at least one layer after its input.
template <std::size_t InputWidth, std::size_t LayerCount>
constexpr bool network_must_have_a_layer_after_input() {
    static_assert(LayerCount > 0,
                  "strata::network needs at least one layer after input<N>, e.g. dense<10>");
    return true;
}

/// Every entry after input<N> must model strata::layer.
template <std::size_t LayerPosition, class Entry, bool IsLayer>
constexpr bool layer_list_entry_must_be_a_layer() {
    static_assert(IsLayer,
                  "strata::network: the entry at LayerPosition is not a layer; every entry after "
                  "input<N> must be a layer such as dense<N> or relu");
    return true;
}

/// Every layer must produce at least one value.
template <std::size_t LayerPosition, std::size_t InputWidth, std::size_t OutputWidth>
constexpr bool layer_output_width_must_be_positive() {
    static_assert(OutputWidth > 0,
                  "strata::network: the layer at LayerPosition has output width 0; a dense<N> "
                  "layer needs N > 0");
    return true;
}

/// leaky_relu<std::ratio<Num, Den>> needs a slope in [0, 1).
template <long long SlopeNumerator, long long SlopeDenominator>
constexpr bool leaky_relu_slope_must_lie_in_0_to_1() {
    constexpr bool valid = SlopeNumerator >= 0 && SlopeNumerator < SlopeDenominator;
    static_assert(valid, "strata::leaky_relu<Slope>: the negative slope must lie in [0, 1)");
    return true;
}

/// drop_rate<N, D> needs D > 0 and N/D in [0, 1).
template <long long Numerator, long long Denominator>
constexpr bool drop_rate_must_lie_in_0_to_1() {
    static_assert(Denominator > 0 && Numerator >= 0 && Numerator < Denominator,
                  "strata::drop_rate<N, D>: the drop rate N/D must lie in [0, 1), with a "
                  "positive denominator D; drop_rate<1, 5> zeroes one value in five on average");
    return true;
}

/// keep_probability<N, D> needs D > 0 and N/D in (0, 1].
template <long long Numerator, long long Denominator>
constexpr bool keep_probability_must_lie_in_0_to_1() {
    static_assert(Denominator > 0 && Numerator > 0 && Numerator <= Denominator,
                  "strata::keep_probability<N, D>: the keep probability N/D must lie in (0, 1], "
                  "with a positive denominator D; keep_probability<4, 5> keeps four values in "
                  "five on average");
    return true;
}

/// dropout<P> takes drop_rate<N, D> or keep_probability<N, D>.
template <class Probability, bool IsDropoutProbability>
constexpr bool dropout_probability_must_be_drop_rate_or_keep_probability() {
    static_assert(IsDropoutProbability,
                  "strata::dropout<P>: P must be strata::drop_rate<N, D> (the probability to "
                  "zero a value) or strata::keep_probability<N, D> (the probability to keep it)");
    return true;
}

/// A network's elements must be float or double.
template <class ValueType, bool IsFloatOrDouble>
constexpr bool network_value_type_must_be_float_or_double() {
    static_assert(IsFloatOrDouble, "strata::basic_network<T, ...>: T must be float or double");
    return true;
}

/// predict() takes an array exactly as long as the network's input.
template <std::size_t ParameterStorageSize, std::size_t ArrayLength>
constexpr bool frozen_weight_array_length_must_equal_parameter_storage_size() {
    static_assert(ParameterStorageSize == ArrayLength,
                  "strata::frozen_network: the weight array's length differs from the network "
                  "type's parameter_storage_size; export the header again from a network of "
                  "this type");
    return true;
}

template <std::size_t NetworkInputWidth, std::size_t ArrayLength>
constexpr bool input_array_length_must_equal_network_input_width() {
    static_assert(NetworkInputWidth == ArrayLength,
                  "strata::network: the input array's length differs from the network's input "
                  "width");
    return true;
}

/// predict(x, y) writes into an array exactly as long as the network's output.
template <std::size_t NetworkOutputWidth, std::size_t ArrayLength>
constexpr bool output_array_length_must_equal_network_output_width() {
    static_assert(NetworkOutputWidth == ArrayLength,
                  "strata::network: the output array's length differs from the network's output "
                  "width");
    return true;
}

/// Layer indexes run from 0 to layer_count - 1.
template <std::size_t LayerIndex, std::size_t LayerCount>
constexpr bool layer_index_must_be_below_layer_count() {
    static_assert(LayerIndex < LayerCount, "strata::network: layer index out of range");
    return true;
}

/// The trainer's Loss must model strata::loss_policy.
template <class Loss, bool IsPolicy>
constexpr bool loss_must_be_a_loss_policy() {
    static_assert(IsPolicy,
                  "strata::trainer<Net, Loss, ...>: Loss is not a loss policy; use one of "
                  "strata::losses (mse, cross_entropy) or a type modelling strata::loss_policy");
    return true;
}

/// The trainer's Optimizer must model strata::optimizer_policy.
template <class Optimizer, bool IsPolicy>
constexpr bool optimizer_must_be_an_optimizer_policy() {
    static_assert(IsPolicy,
                  "strata::trainer<Net, Loss, Optimizer>: Optimizer is not an optimizer policy; "
                  "use one of strata::optimizers (sgd, adam) or a type modelling "
                  "strata::optimizer_policy");
    return true;
}

/// The trainer's Regularizer must model strata::regularizer_policy.
template <class Regularizer, bool IsPolicy>
constexpr bool regularizer_must_be_a_regularizer_policy() {
    static_assert(IsPolicy,
                  "strata::trainer<Net, Loss, Optimizer, Regularizer>: Regularizer is not a "
                  "regularizer policy; use one of strata::regularizers (none, l1, l2) or a type "
                  "modelling strata::regularizer_policy");
    return true;
}

/// The loss must accept the network's output width.
template <class Loss, std::size_t NetworkOutputWidth, bool Fits>
constexpr bool loss_must_fit_network_output() {
    static_assert(Fits,
                  "strata::trainer: this loss does not fit the network's output width; "
                  "cross_entropy needs at least 2 outputs (one per class)");
    return true;
}

/// cross_entropy takes logits, so the network must not end in softmax.
template <class Loss, class LastLayer, bool EndsInSoftmax>
constexpr bool cross_entropy_needs_logits_not_softmax() {
    static_assert(!EndsInSoftmax,
                  "strata::trainer: cross_entropy applies softmax to the logits itself; remove "
                  "the network's final softmax layer");
    return true;
}

/// binary_cross_entropy takes logits, so the network must not end in sigmoid.
template <class Loss, class LastLayer, bool EndsInSigmoid>
constexpr bool binary_cross_entropy_needs_logits_not_sigmoid() {
    static_assert(!EndsInSigmoid,
                  "strata::trainer: binary_cross_entropy applies sigmoid to the logits itself; "
                  "remove the network's final sigmoid layer");
    return true;
}

/// A target array must have as many values as the loss reads per sample.
template <class Loss, std::size_t NetworkOutputWidth, std::size_t TargetLength, bool Fits>
constexpr bool target_length_must_fit_loss_and_output() {
    static_assert(Fits,
                  "strata: the target array does not fit the loss and the network's output; mse "
                  "needs one target per output, cross_entropy one class index or one "
                  "probability per output");
    return true;
}

/// The network's inference footprint must fit a declared memory budget.
template <std::size_t FootprintBytes, std::size_t BudgetBytes>
constexpr bool inference_footprint_must_fit_budget() {
    static_assert(FootprintBytes <= BudgetBytes,
                  "strata::assert_fits<Net, BudgetBytes>: the network's parameters and inference "
                  "buffers need more bytes than the budget");
    return true;
}

/// A frozen network's weights must fit the flash budget of fits_budget.
template <std::size_t WeightBytes, std::size_t FlashBytes>
constexpr bool weights_must_fit_flash_budget() {
    static_assert(WeightBytes <= FlashBytes,
                  "strata::fits_budget: the network's weights exceed the flash budget "
                  "(see WeightBytes and FlashBytes in this instantiation)");
    return true;
}

/// One forward pass's activations must fit the RAM budget of fits_budget.
template <std::size_t ActivationBytes, std::size_t RamBytes>
constexpr bool activations_must_fit_ram_budget() {
    static_assert(ActivationBytes <= RamBytes,
                  "strata::fits_budget: the activations of one forward pass exceed the RAM budget "
                  "(see ActivationBytes and RamBytes in this instantiation)");
    return true;
}

/// Weights, gradients and optimizer state must fit fits_training_budget's RAM.
template <std::size_t TrainingBytes, std::size_t RamBytes>
constexpr bool training_state_must_fit_ram_budget() {
    static_assert(TrainingBytes <= RamBytes,
                  "strata::fits_training_budget: weights, gradients and optimizer state exceed "
                  "the RAM budget (see TrainingBytes and RamBytes in this instantiation)");
    return true;
}

/// trainer::fit takes validation data, never the held-out test set.
template <class TestSet, bool IsValidationData>
constexpr bool held_out_test_set_must_not_validate() {
    static_assert(IsValidationData,
                  "strata::trainer::fit: the test set is held out; validate on the "
                  "validation part and evaluate the test set once, after training, with "
                  "held_out::evaluate_once");
    return true;
}

}  // namespace strata::diagnostics
