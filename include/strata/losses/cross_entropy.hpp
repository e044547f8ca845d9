#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <string_view>

#include "../error.hpp"
#include "../kernels/elementwise.hpp"
#include "../training/dataset.hpp"

namespace strata::losses {

/// Softmax cross-entropy on logits: for class c, loss = logsumexp(z) - z_c,
/// and dL/dz = softmax(z) - onehot(c), divided by the batch size. The
/// softmax is fused, so the network's last layer must be linear (dense), not
/// softmax. Computed through logsumexp, it stays finite for logits of
/// +-1000. Targets are one column holding the class index 0 .. Outputs-1,
/// or Outputs columns holding a probability distribution. The metric is
/// the accuracy (arg max of z equals the class).
struct cross_entropy {
    static constexpr std::string_view name = "cross_entropy";
    static constexpr std::string_view metric_name = "accuracy";
    static constexpr bool higher_metric_is_better = true;

    template <std::size_t Outputs>
    static constexpr bool fits_output = Outputs >= 2;

    /// A target is one class index or one probability per output.
    template <std::size_t Outputs, std::size_t Targets>
    static constexpr bool fits_targets = Targets == 1 || Targets == Outputs;

    /// Throws data_error naming the first sample whose target is not a class
    /// index in [0, Outputs) or a distribution that sums to 1.
    template <std::size_t Outputs, class T>
    static void check_targets(const basic_dataset<T>& data) {
        const std::size_t width = data.target_count();
        if (width != 1 && width != Outputs)
            throw data_error(data.source() + ": cross_entropy needs 1 target column (the class "
                             "index) or " + std::to_string(Outputs) +
                             " (a distribution over the classes), found " + std::to_string(width));
        for (std::size_t i = 0; i < data.size(); ++i) {
            const auto t = data.targets(i);
            if (width == 1) {
                const T label = t[0];
                if (!(label >= 0 && label < static_cast<T>(Outputs)) || label != std::floor(label))
                    throw data_error(data.source() + ": sample " + std::to_string(data.origin(i)) +
                                     ": label " + detail::format_number(label) + " not in [0," +
                                     std::to_string(Outputs) + "); labels must be class indexes "
                                     "counted from 0");
            } else {
                double sum = 0;
                for (std::size_t k = 0; k < width; ++k) {
                    if (!(t[k] >= 0 && t[k] <= 1))
                        throw data_error(data.source() + ": sample " +
                                         std::to_string(data.origin(i)) + ": target " +
                                         std::to_string(k) + " is " + detail::format_number(t[k]) +
                                         ", not a probability in [0, 1]");
                    sum += t[k];
                }
                if (std::abs(sum - 1.0) > 1e-4)
                    throw data_error(data.source() + ": sample " + std::to_string(data.origin(i)) +
                                     ": targets sum to " + detail::format_number(sum) +
                                     ", expected 1; cross_entropy needs a distribution");
            }
        }
    }

    template <std::size_t Outputs, class T>
    static double loss_and_gradient(const T* z, const T* t, std::size_t target_count, T* dz,
                                    std::size_t batch) noexcept {
        const T inverse_batch = T(1) / static_cast<T>(batch);
        double total = 0;
        for (std::size_t s = 0; s < batch; ++s) {
            const T* zs = z + s * Outputs;
            const T* ts = t + s * target_count;
            T* dzs = dz + s * Outputs;
            total += loss<Outputs>(zs, ts, target_count);
            kernels::softmax_rows<Outputs>(zs, dzs, 1);
            if (target_count == 1) {
                dzs[static_cast<std::size_t>(ts[0])] -= T(1);
            } else {
                for (std::size_t k = 0; k < Outputs; ++k) dzs[k] -= ts[k];
            }
            for (std::size_t k = 0; k < Outputs; ++k) dzs[k] *= inverse_batch;
        }
        return total;
    }

    template <std::size_t Outputs, class T>
    static double loss(const T* z, const T* t, std::size_t target_count) noexcept {
        const double lse = kernels::log_sum_exp<Outputs>(z);
        if (target_count == 1) return lse - static_cast<double>(z[static_cast<std::size_t>(t[0])]);
        double dot = 0;
        for (std::size_t k = 0; k < Outputs; ++k)
            dot += static_cast<double>(t[k]) * static_cast<double>(z[k]);
        return lse - dot;
    }

    template <std::size_t Outputs, class T>
    static double metric(const T* z, const T* t, std::size_t target_count) noexcept {
        std::size_t predicted = 0;
        for (std::size_t k = 1; k < Outputs; ++k)
            if (z[k] > z[predicted]) predicted = k;
        std::size_t actual = 0;
        if (target_count == 1) {
            actual = static_cast<std::size_t>(t[0]);
        } else {
            for (std::size_t k = 1; k < Outputs; ++k)
                if (t[k] > t[actual]) actual = k;
        }
        return predicted == actual ? 1.0 : 0.0;
    }
};

}  // namespace strata::losses
