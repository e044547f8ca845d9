#pragma once
// Finite-difference checks of a network's analytic gradients.

#include <cmath>
#include <cstddef>
#include <vector>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

namespace strata_test {

/// Mean loss of `net` over a batch, in inference mode.
template <class Loss, class Net>
double batch_loss(const Net& net, const std::vector<double>& x, const std::vector<double>& t,
                  std::size_t target_count, std::size_t batch) {
    strata::workspace<Net> work(batch);
    net.forward(work, x.data(), batch, {});
    std::vector<double> unused(batch * Net::output_size);
    return Loss::template loss_and_gradient<Net::output_size>(work.output(), t.data(),
                                                              target_count, unused.data(), batch) /
           static_cast<double>(batch);
}

/// Returns the analytic gradient of the batch-mean loss with respect to
/// every parameter slot (alignment gaps included).
template <class Loss, class Net>
std::vector<double> analytic_gradient(const Net& net, const std::vector<double>& x,
                                      const std::vector<double>& t, std::size_t target_count,
                                      std::size_t batch) {
    strata::workspace<Net> work(batch);
    net.forward(work, x.data(), batch, {});
    Loss::template loss_and_gradient<Net::output_size>(work.output(), t.data(), target_count,
                                                       work.output_gradient(), batch);
    std::vector<double> gradient(Net::parameter_storage_size);
    net.backward(work, x.data(), gradient.data(), batch);
    return gradient;
}

/// Compares every parameter's analytic gradient with a central difference
/// (step 1e-6) of the batch-mean loss, to 1e-6 absolute plus 1e-5 relative.
template <class Loss, class Net>
void check_gradient(Net& net, const std::vector<double>& x, const std::vector<double>& t,
                    std::size_t target_count, std::size_t batch) {
    const auto analytic = analytic_gradient<Loss>(net, x, t, target_count, batch);
    constexpr double step = 1e-6;
    for (const auto& layer : Net::layers) {
        for (std::size_t i = 0; i < layer.parameter_count; ++i) {
            const std::size_t slot = layer.parameter_offset + i;
            double& p = net.parameters()[slot];
            const double saved = p;
            p = saved + step;
            const double plus = batch_loss<Loss>(net, x, t, target_count, batch);
            p = saved - step;
            const double minus = batch_loss<Loss>(net, x, t, target_count, batch);
            p = saved;
            const double numeric = (plus - minus) / (2 * step);
            CAPTURE(layer.name, layer.parameter_offset, i);
            REQUIRE(std::abs(analytic[slot] - numeric) <= 1e-6 + 1e-5 * std::abs(numeric));
        }
    }
}

/// Deterministic values in [-scale, scale) from `seed`.
inline std::vector<double> random_values(std::size_t count, std::uint64_t seed,
                                         double scale = 1.0) {
    strata::random_engine engine(seed);
    std::vector<double> values(count);
    for (auto& v : values) v = scale * (2 * engine.uniform() - 1);
    return values;
}

}  // namespace strata_test
