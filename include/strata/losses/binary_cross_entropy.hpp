#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>

#include "../error.hpp"
#include "../kernels/elementwise.hpp"
#include "../training/dataset.hpp"

namespace strata::losses {

/// Binary cross-entropy on logits (PyTorch's BCEWithLogitsLoss): for a
/// logit z and a target t in [0, 1],
///   loss = max(z, 0) - z t + log(1 + exp(-|z|)),
/// which equals -t log(sigmoid z) - (1 - t) log(1 - sigmoid z) and stays
/// finite for any finite z. The loss is the mean over samples and outputs,
/// so dL/dz = (sigmoid(z) - t) / (batch * Outputs). Each output is an
/// independent yes/no; the sigmoid is fused, so the network's last layer
/// must be linear, not sigmoid. Targets have one column per output. The
/// metric is the accuracy over outputs: z > 0 predicts 1, and a target of
/// at least 0.5 counts as 1.
struct binary_cross_entropy {
    static constexpr std::string_view name = "binary_cross_entropy";
    static constexpr std::string_view metric_name = "accuracy";
    static constexpr bool higher_metric_is_better = true;

    template <std::size_t Outputs>
    static constexpr bool fits_output = true;

    /// Throws data_error naming the first sample whose targets are not one
    /// probability in [0, 1] per output.
    template <std::size_t Outputs, class T>
    static void check_targets(const basic_dataset<T>& data) {
        if (data.target_count() != Outputs)
            throw data_error(data.source() + ": binary_cross_entropy needs " +
                             std::to_string(Outputs) +
                             " target values per sample (one per network output), found " +
                             std::to_string(data.target_count()));
        for (std::size_t i = 0; i < data.size(); ++i) {
            const auto t = data.targets(i);
            for (std::size_t k = 0; k < Outputs; ++k)
                if (!(t[k] >= 0 && t[k] <= 1))
                    throw data_error(data.source() + ": sample " + std::to_string(data.origin(i)) +
                                     ": target " + std::to_string(k) + " is " +
                                     std::to_string(t[k]) +
                                     ", not a probability in [0, 1]; binary_cross_entropy needs "
                                     "0/1 labels or probabilities");
        }
    }

    /// Returns the per-sample losses summed over the batch and writes dL/dz
    /// for the batch-mean loss into `dz`.
    template <std::size_t Outputs, class T>
    static double loss_and_gradient(const T* z, const T* t, std::size_t, T* dz,
                                    std::size_t batch) noexcept {
        const T scale = T(1) / static_cast<T>(batch * Outputs);
        double total = 0;
        for (std::size_t s = 0; s < batch; ++s) {
            total += loss<Outputs>(z + s * Outputs, t + s * Outputs, Outputs);
            for (std::size_t k = 0; k < Outputs; ++k) {
                const std::size_t i = s * Outputs + k;
                dz[i] = scale * (kernels::sigmoid(z[i]) - t[i]);
            }
        }
        return total;
    }

    /// Returns the loss of one sample, the mean over its outputs.
    template <std::size_t Outputs, class T>
    static double loss(const T* z, const T* t, std::size_t) noexcept {
        double sample = 0;
        for (std::size_t k = 0; k < Outputs; ++k) {
            const double logit = z[k];
            const double target = t[k];
            sample += std::max(logit, 0.0) - logit * target + std::log1p(std::exp(-std::abs(logit)));
        }
        return sample / Outputs;
    }

    /// Returns the fraction of the sample's outputs whose sign matches the target.
    template <std::size_t Outputs, class T>
    static double metric(const T* z, const T* t, std::size_t) noexcept {
        std::size_t correct = 0;
        for (std::size_t k = 0; k < Outputs; ++k)
            correct += (z[k] > T(0)) == (t[k] >= T(0.5)) ? 1 : 0;
        return static_cast<double>(correct) / Outputs;
    }
};

}  // namespace strata::losses
