#pragma once
// The loss and metric of one sample, with the input and target lengths
// checked at compile time against the network and the loss.

#include <array>
#include <cstddef>
#include <span>

#include "../diagnostics.hpp"
#include "../policies.hpp"
#include "dataset.hpp"
#include "history.hpp"

namespace strata {

namespace detail {

// Whether a target of Targets values fits Loss on Outputs outputs. A loss
// without fits_targets takes one target per output.
template <class Loss, std::size_t Outputs, std::size_t Targets>
constexpr bool loss_fits_targets() {
    if constexpr (requires { Loss::template fits_targets<Outputs, Targets>; })
        return Loss::template fits_targets<Outputs, Targets>;
    else
        return Targets == Outputs;
}

}  // namespace detail

/// Returns the loss and metric of `net` on the sample (`x`, `target`) in
/// inference mode. A target array whose length does not fit `Loss` (mse:
/// output_size values; cross_entropy: 1 class index or output_size
/// probabilities) does not compile. Throws data_error if the target's values
/// are invalid for the loss, e.g. a class index outside [0, output_size).
template <loss_policy Loss, class Net, std::size_t N, std::size_t M>
evaluation evaluate_sample(const Net& net, const std::array<typename Net::value_type, N>& x,
                           const std::array<typename Net::value_type, M>& target) {
    using T = typename Net::value_type;
    constexpr std::size_t outputs = Net::output_size;
    static_assert(diagnostics::target_length_must_fit_loss_and_output<
                  Loss, outputs, M, detail::loss_fits_targets<Loss, outputs, M>()>());

    const basic_dataset<T> sample(std::span<const T>(x), N, std::span<const T>(target), M,
                                  "evaluate_sample");
    Loss::template check_targets<outputs>(sample);
    const auto y = net.predict(x);
    evaluation result;
    result.loss = Loss::template loss<outputs>(y.data(), target.data(), M);
    result.metric = Loss::template metric<outputs>(y.data(), target.data(), M);
    result.samples = 1;
    return result;
}

}  // namespace strata
