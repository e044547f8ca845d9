// The frozen network, constexpr activations, footprints and architecture
// hashes.

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>

#include <catch2/catch.hpp>
#include <strata/architecture.hpp>
#include <strata/inference/constexpr_math.hpp>
#include <strata/inference/footprint.hpp>
#include <strata/inference/frozen.hpp>
#include <strata/strata.hpp>

using namespace strata;

namespace {

using tiny = network<input<2>, dense<2>, strata::tanh, dense<1>, sigmoid>;
using mixed = network<input<5>, dense<7>, leaky_relu<>, dense<6>, sigmoid, dense<6>, relu,
                      dense<4>, strata::tanh, dense<3>, identity, softmax>;

// Hand-picked weights; the expected output below was computed in double
// precision with Python's math.tanh and math.exp.
constexpr auto tiny_parameters = [] {
    std::array<float, frozen_network<tiny>::parameter_storage_size> p{};
    const float layer0[] = {0.5f, -1.0f, 2.0f, 0.25f, 0.1f, -0.2f};
    const float layer2[] = {1.5f, -0.75f, 0.05f};
    for (std::size_t i = 0; i < 6; ++i) p[i] = layer0[i];
    for (std::size_t i = 0; i < 3; ++i) p[frozen_network<tiny>::layers[2].parameter_offset + i] = layer2[i];
    return p;
}();
constexpr frozen_network<tiny> tiny_model{tiny_parameters};
constexpr float tiny_output = tiny_model.predict({0.3f, -0.7f})[0];
static_assert(tiny_output > 0.7298212227549105 - 1e-6 && tiny_output < 0.7298212227549105 + 1e-6,
              "the compile-time forward pass must give 0.72982122");

// Fills parameters and inputs from a linear congruential generator, so that
// both are constant expressions.
template <std::size_t N>
constexpr std::array<float, N> pseudo_random(std::uint32_t seed, float scale) {
    std::array<float, N> values{};
    for (auto& value : values) {
        seed = seed * 1664525u + 1013904223u;
        value = scale * (static_cast<float>(seed >> 8) * 0x1.0p-24f * 2 - 1);
    }
    return values;
}

constexpr auto mixed_parameters =
    pseudo_random<frozen_network<mixed>::parameter_storage_size>(3, 0.8f);
constexpr frozen_network<mixed> mixed_model{mixed_parameters};
constexpr std::size_t sample_count = 16;
constexpr auto mixed_inputs = pseudo_random<5 * sample_count>(9, 3.0f);
constexpr auto mixed_outputs = [] {
    std::array<std::array<float, 3>, sample_count> outputs{};
    for (std::size_t s = 0; s < sample_count; ++s) {
        std::array<float, 5> x{};
        for (std::size_t j = 0; j < 5; ++j) x[j] = mixed_inputs[5 * s + j];
        outputs[s] = mixed_model.predict(x);
    }
    return outputs;
}();

}  // namespace

TEST_CASE("constexpr exp matches std::exp", "[inference][math]") {
    double worst = 0;
    for (double x = -740; x <= 709; x += 0.173) {
        const double expected = std::exp(x);
        worst = std::fmax(worst, std::fabs(constexpr_math::exp(x) - expected) / expected);
    }
    CAPTURE(worst);
    CHECK(worst < 1e-14);
    CHECK(constexpr_math::exp(0.0) == 1.0);
    CHECK(std::isinf(constexpr_math::exp(710.0)));
    CHECK(constexpr_math::exp(-746.0) == 0.0);
    CHECK(std::isnan(constexpr_math::exp(std::nan(""))));
}

TEST_CASE("constexpr tanh and sigmoid match std", "[inference][math]") {
    double worst_tanh = 0;
    double worst_sigmoid = 0;
    for (double x = -40; x <= 40; x += 0.0137) {
        const double t = std::tanh(x);
        if (t != 0) worst_tanh = std::fmax(worst_tanh, std::fabs(constexpr_math::tanh(x) - t) / std::fabs(t));
        const double s = 1 / (1 + std::exp(-x));
        worst_sigmoid = std::fmax(worst_sigmoid, std::fabs(constexpr_math::sigmoid(x) - s) / s);
    }
    // Near 0, where tanh(x) ~ x, the relative error must stay small too.
    for (double x = 1e-12; x < 1; x *= 1.7) {
        worst_tanh = std::fmax(worst_tanh, std::fabs(constexpr_math::tanh(x) - std::tanh(x)) / std::tanh(x));
        CHECK(std::fabs(constexpr_math::expm1(x) - std::expm1(x)) <= 1e-14 * std::expm1(x));
    }
    CAPTURE(worst_tanh, worst_sigmoid);
    CHECK(worst_tanh < 1e-14);
    CHECK(worst_sigmoid < 1e-14);
    CHECK(constexpr_math::sigmoid(-800.0) == 0.0);
    CHECK(constexpr_math::sigmoid(800.0) == 1.0);
}

TEST_CASE("frozen network equals forward bit for bit", "[inference][frozen]") {
    // A frozen model runs the batched kernels, as forward() does; predict()
    // runs single-sample kernels on a packed copy, which may round differently.
    mixed net(4);
    std::array<float, mixed::parameter_storage_size> parameters{};
    std::copy(net.parameters().begin(), net.parameters().end(), parameters.begin());
    const frozen_network<mixed> frozen(parameters);
    workspace<mixed> work(1);
    random_engine random(5);
    for (int s = 0; s < 200; ++s) {
        std::array<float, 5> x{};
        for (auto& value : x) value = static_cast<float>(4 * random.uniform() - 2);
        net.forward(work, x.data(), 1, {});
        const auto predicted = net.predict(x);
        const auto actual = frozen.predict(x);
        for (std::size_t k = 0; k < 3; ++k) {
            CAPTURE(s, k);
            CHECK(std::bit_cast<std::uint32_t>(actual[k]) ==
                  std::bit_cast<std::uint32_t>(work.output()[k]));
            CHECK_THAT(actual[k], Catch::Matchers::WithinRel(predicted[k], 1e-5f) ||
                                      Catch::Matchers::WithinAbs(predicted[k], 1e-6));
        }
    }
}

TEST_CASE("compile-time forward pass matches run time", "[inference][frozen]") {
    CHECK_THAT(tiny_model.predict({0.3f, -0.7f})[0], Catch::Matchers::WithinAbs(tiny_output, 1e-6));
    for (std::size_t s = 0; s < sample_count; ++s) {
        std::array<float, 5> x{};
        for (std::size_t j = 0; j < 5; ++j) x[j] = mixed_inputs[5 * s + j];
        const auto run_time = mixed_model.predict(x);
        for (std::size_t k = 0; k < 3; ++k) {
            CAPTURE(s, k);
            CHECK_THAT(mixed_outputs[s][k], Catch::Matchers::WithinAbs(run_time[k], 1e-6));
        }
    }
}

TEST_CASE("footprints of a network type", "[inference][footprint]") {
    using classifier = network<input<784>, dense<128>, relu, dense<10>>;
    // 784*128 + 128 = 100480 values, then 1290 padded to 1296.
    STATIC_REQUIRE(weight_bytes<classifier> == (100480 + 1296) * 4);
    STATIC_REQUIRE(inference_activation_bytes<classifier> == 2 * 128 * 4);
    STATIC_REQUIRE(training_state_bytes<classifier, optimizers::adam> == 3 * weight_bytes<classifier>);
    STATIC_REQUIRE(training_state_bytes<classifier, optimizers::sgd> == weight_bytes<classifier>);
    STATIC_REQUIRE(weight_bytes<classifier> == classifier::parameter_storage_size * sizeof(float));
    STATIC_REQUIRE(fits_budget<classifier, memory_budget{.flash_bytes = 512 * 1024, .ram_bytes = 1024}>());
    STATIC_REQUIRE(fits_training_budget<classifier, optimizers::adam, 2 * 1024 * 1024>());
    using wide_double = basic_network<double, input<3>, dense<33>, dense<2>>;
    STATIC_REQUIRE(inference_activation_bytes<wide_double> == 2 * 40 * 8);
}

TEST_CASE("architecture description and hash", "[inference][architecture]") {
    STATIC_REQUIRE(fnv1a_64("") == 0xcbf29ce484222325ull);
    STATIC_REQUIRE(fnv1a_64("a") == 0xaf63dc4c8601ec8cull);
    STATIC_REQUIRE(architecture_description<tiny> ==
                   "f32 input 2 | dense 2->2 | tanh 2->2 | dense 2->1 | sigmoid 1->1");
    STATIC_REQUIRE(architecture_hash<tiny> == fnv1a_64(architecture_description<tiny>));
    using same_count = network<input<2>, dense<2>, relu, dense<1>, sigmoid>;
    STATIC_REQUIRE(same_count::parameter_count == tiny::parameter_count);
    STATIC_REQUIRE(architecture_hash<same_count> != architecture_hash<tiny>);
    STATIC_REQUIRE(architecture_hash<basic_network<double, input<2>, dense<2>, strata::tanh, dense<1>, sigmoid>> !=
                   architecture_hash<tiny>);
}
