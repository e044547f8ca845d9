// Trains the two test models on synthetic data and writes, into the folder
// given as the only argument:
//   regressor_model.hpp   16-32-32-1 tanh regressor, with training-domain bounds
//   classifier_model.hpp  4-8-3 ReLU classifier whose first four weights are
//                         floats that printf-style export gets wrong
//   reference_inputs.hpp  100 fixed inputs for each model
//   expected_outputs.txt  basic_network::forward on each input alone (the
//                         batched kernels a frozen model also runs), as float
//                         bits: "<model> <sample> <bits>..."
// The embedded programs (x86, aarch64, Cortex-M4F) print the same lines for
// their frozen models, and the tests compare the two.

#include <array>
#include <span>
#include <bit>
#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <strata/io/export_header.hpp>
#include <strata/strata.hpp>

namespace {

using regressor = strata::network<strata::input<16>, strata::dense<32>, strata::tanh,
                                  strata::dense<32>, strata::tanh, strata::dense<1>>;
using classifier = strata::network<strata::input<4>, strata::dense<8>, strata::relu,
                                   strata::dense<3>>;

constexpr std::size_t reference_count = 100;

float target_function(const float* x) {
    return std::sin(x[0] + x[1]) + 0.5f * x[2] * x[3] - 0.25f * x[4] + 0.1f * x[15];
}

regressor train_regressor(strata::domain_bounds<16>& bounds) {
    constexpr std::size_t samples = 2000;
    strata::random_engine random(11);
    std::vector<float> x(samples * 16), y(samples);
    for (auto& value : x) value = static_cast<float>(2 * random.uniform() - 1);
    for (std::size_t s = 0; s < samples; ++s) y[s] = target_function(&x[s * 16]);
    bounds.min.fill(std::numeric_limits<float>::infinity());
    bounds.max.fill(-std::numeric_limits<float>::infinity());
    for (std::size_t s = 0; s < samples; ++s)
        for (std::size_t j = 0; j < 16; ++j) {
            bounds.min[j] = std::min(bounds.min[j], x[s * 16 + j]);
            bounds.max[j] = std::max(bounds.max[j], x[s * 16 + j]);
        }
    const strata::dataset data(x, 16, y, 1, "synthetic regression");
    regressor net(3);
    strata::trainer<regressor, strata::losses::mse, strata::optimizers::adam> trainer;
    trainer.fit(net, data, {.epochs = 20, .batch_size = 32, .seed = 5});
    return net;
}

classifier train_classifier() {
    constexpr std::size_t samples = 600;
    strata::random_engine random(12);
    std::vector<float> x(samples * 4), y(samples);
    for (std::size_t s = 0; s < samples; ++s) {
        for (std::size_t j = 0; j < 4; ++j) x[s * 4 + j] = static_cast<float>(random.normal());
        const float score = x[s * 4] + 0.5f * x[s * 4 + 1] - x[s * 4 + 2] * x[s * 4 + 3];
        y[s] = score < -0.5f ? 0.0f : (score < 0.5f ? 1.0f : 2.0f);
    }
    const strata::dataset data(x, 4, y, 1, "synthetic classes");
    classifier net(4);
    strata::trainer<classifier, strata::losses::cross_entropy, strata::optimizers::adam> trainer;
    trainer.fit(net, data, {.epochs = 20, .batch_size = 16, .seed = 6});

    // Floats that %g or %.6f would not round-trip: nextafter(0.1f, 1), a
    // value whose 7th digit matters, negative zero, the smallest subnormal.
    auto w = net.weights<0>();
    w[0] = std::bit_cast<float>(0x3DCCCCCEu);
    w[1] = 0.515482306f;
    w[2] = -0.0f;
    w[3] = std::numeric_limits<float>::denorm_min();
    return net;
}

template <std::size_t N>
std::vector<std::array<float, N>> make_inputs(std::uint64_t seed, float scale) {
    strata::random_engine random(seed);
    std::vector<std::array<float, N>> inputs(reference_count);
    for (auto& input : inputs)
        for (auto& value : input) value = static_cast<float>(scale * (2 * random.uniform() - 1));
    return inputs;
}

template <std::size_t N>
std::string inputs_source(const char* name, const std::vector<std::array<float, N>>& inputs) {
    std::string out = "inline constexpr std::array<std::array<float, " + std::to_string(N) +
                      ">, " + std::to_string(inputs.size()) + "> " + name + "{{\n";
    for (const auto& input : inputs) {
        out += "    {";
        for (std::size_t j = 0; j < N; ++j)
            out += (j == 0 ? "" : ", ") + strata::float_literal(input[j]);
        out += "},\n";
    }
    return out + "}};\n";
}

template <class Net, std::size_t N>
void write_expected(std::ofstream& out, const char* name, const Net& net,
                    const std::vector<std::array<float, N>>& inputs) {
    // predict() runs single-sample kernels on a packed weight copy, whose
    // order of additions differs by an ulp or two from the batched kernels.
    strata::workspace<Net> work(1);
    for (std::size_t s = 0; s < inputs.size(); ++s) {
        net.forward(work, inputs[s].data(), 1, {});
        const std::span<const float> y(work.output(), Net::output_size);
        out << name << ' ' << s;
        for (float value : y) {
            char bits[12];
            std::snprintf(bits, sizeof bits, " %08x", std::bit_cast<std::uint32_t>(value));
            out << bits;
        }
        out << '\n';
    }
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc != 2) {
        std::fputs("usage: generate_models OUTPUT_DIR\n", stderr);
        return 2;
    }
    const std::filesystem::path folder = argv[1];
    std::filesystem::create_directories(folder);

    strata::domain_bounds<16> bounds;
    const regressor regression = train_regressor(bounds);
    const classifier classification = train_classifier();
    strata::export_header(regression, folder / "regressor_model.hpp", "regressor_model", bounds);
    strata::export_header(classification, folder / "classifier_model.hpp", "classifier_model");

    const auto regressor_inputs = make_inputs<16>(21, 1.0f);
    const auto classifier_inputs = make_inputs<4>(22, 3.0f);
    std::ofstream inputs(folder / "reference_inputs.hpp");
    inputs << "// Generated by generate_models; do not edit.\n#pragma once\n\n#include <array>\n\n"
           << "namespace reference_inputs {\n\n"
           << inputs_source("regressor", regressor_inputs) << '\n'
           << inputs_source("classifier", classifier_inputs)
           << "\n}  // namespace reference_inputs\n";

    std::ofstream expected(folder / "expected_outputs.txt");
    write_expected(expected, "regressor", regression, regressor_inputs);
    write_expected(expected, "classifier", classification, classifier_inputs);
    if (!inputs || !expected) {
        std::fprintf(stderr, "generate_models: cannot write into %s\n", folder.c_str());
        return 1;
    }
    return 0;
} catch (const std::exception& error) {
    std::fprintf(stderr, "generate_models: %s\n", error.what());
    return 1;
}
