// Times single-sample inference of the exported Fashion-MNIST model on this
// machine: the frozen model (parameters in .rodata) against
// basic_network::predict with the same parameters, in the same run.
//
//   strata_inference_timing [RUNS]
//
// Each run predicts the 20 sample images 50 times; the program prints the
// median and quartiles of the per-sample time over RUNS runs (default 301).

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <strata/strata.hpp>

#include "fashion_mnist_model.hpp"
#include "fashion_mnist_samples.hpp"

namespace {

constexpr int repeats = 50;

template <class Predict>
std::vector<double> time_runs(int runs, Predict predict) {
    const auto& images = fashion_mnist_samples::images;
    std::vector<double> per_sample(static_cast<std::size_t>(runs));
    volatile float sink = 0;
    for (auto& nanoseconds : per_sample) {
        const auto start = std::chrono::steady_clock::now();
        for (int r = 0; r < repeats; ++r)
            for (const auto& image : images) sink = sink + predict(image)[0];
        const auto stop = std::chrono::steady_clock::now();
        nanoseconds = std::chrono::duration<double, std::nano>(stop - start).count() /
                      (repeats * static_cast<double>(images.size()));
    }
    std::sort(per_sample.begin(), per_sample.end());
    return per_sample;
}

double quantile(const std::vector<double>& sorted, double q) {
    return sorted[static_cast<std::size_t>(q * static_cast<double>(sorted.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
    const int runs = argc > 1 ? std::atoi(argv[1]) : 301;
    if (runs < 1) {
        std::fprintf(stderr, "usage: strata_inference_timing [RUNS], RUNS >= 1\n");
        return 2;
    }
    using network_type = fashion_mnist_model::network_type;
    network_type net;
    std::copy(fashion_mnist_model::parameters.begin(), fashion_mnist_model::parameters.end(),
              net.parameters().begin());

    const auto frozen = time_runs(runs, [](const std::array<float, 784>& x) {
        return fashion_mnist_model::model.predict(x);
    });
    const auto network = time_runs(runs, [&](const std::array<float, 784>& x) { return net.predict(x); });

    std::printf("kernels: %s; %d runs of %d x 20 samples\n", strata::kernels::instruction_set(), runs,
                repeats);
    std::printf("frozen_network::predict  median %.0f ns per sample (quartiles %.0f, %.0f)\n",
                quantile(frozen, 0.5), quantile(frozen, 0.25), quantile(frozen, 0.75));
    std::printf("basic_network::predict   median %.0f ns per sample (quartiles %.0f, %.0f)\n",
                quantile(network, 0.5), quantile(network, 0.25), quantile(network, 0.75));
    std::printf("ratio frozen / network: %.3f\n", quantile(frozen, 0.5) / quantile(network, 0.5));
    return 0;
}
