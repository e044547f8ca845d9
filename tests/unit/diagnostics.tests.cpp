// The typed single-sample API behind the compile-time checks (predict into an
// array, evaluate_sample), the policy concepts, deep layer lists and
// assert_fits. The misuses themselves are in tests/compile_fail/.

#include <array>
#include <cmath>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

using namespace strata;

namespace {

using small = network<input<3>, dense<4>, strata::tanh, dense<2>>;

// A type that has a name but no other member of any policy.
struct named_only {
    static constexpr std::string_view name = "named_only";
};

}  // namespace

TEST_CASE("predict into array matches predict", "[diagnostics][network]") {
    const small net(7);
    const std::array<float, 3> x{0.5f, -1.0f, 2.0f};
    std::array<float, 2> y{};
    net.predict(x, y);
    const auto expected = net.predict(x);
    REQUIRE(y[0] == Approx(expected[0]).margin(1e-7));
    REQUIRE(y[1] == Approx(expected[1]).margin(1e-7));
}

TEST_CASE("evaluate_sample mse equals hand computation", "[diagnostics][losses]") {
    const small net(7);
    const std::array<float, 3> x{0.5f, -1.0f, 2.0f};
    const std::array<float, 2> target{0.25f, -0.75f};
    const auto y = net.predict(x);
    const double e0 = double(y[0]) - 0.25;
    const double e1 = double(y[1]) + 0.75;

    const evaluation result = evaluate_sample<losses::mse>(net, x, target);
    REQUIRE(result.samples == 1);
    REQUIRE(result.loss == Approx((e0 * e0 + e1 * e1) / 2).epsilon(1e-6));
    REQUIRE(result.metric == Approx((std::abs(e0) + std::abs(e1)) / 2).epsilon(1e-6));
}

TEST_CASE("evaluate_sample cross_entropy takes a class index", "[diagnostics][losses]") {
    const small net(7);
    const std::array<float, 3> x{0.5f, -1.0f, 2.0f};
    const auto z = net.predict(x);
    const double log_sum_exp = std::log(std::exp(double(z[0])) + std::exp(double(z[1])));

    const evaluation result = evaluate_sample<losses::cross_entropy>(net, x, std::array{1.0f});
    REQUIRE(result.loss == Approx(log_sum_exp - double(z[1])).epsilon(1e-6));
    REQUIRE(result.metric == (z[1] > z[0] ? 1.0 : 0.0));

    // One probability per class is the other target form cross_entropy takes.
    const evaluation soft = evaluate_sample<losses::cross_entropy>(net, x, std::array{0.0f, 1.0f});
    REQUIRE(soft.loss == Approx(result.loss).epsilon(1e-6));
}

TEST_CASE("evaluate_sample rejects a class index past the outputs", "[diagnostics][losses]") {
    const small net(7);
    const std::array<float, 3> x{};
    REQUIRE_THROWS_AS(evaluate_sample<losses::cross_entropy>(net, x, std::array{2.0f}),
                      data_error);
    REQUIRE_THROWS_WITH(evaluate_sample<losses::cross_entropy>(net, x, std::array{2.0f}),
                        Catch::Contains("not in [0,2)"));
}

TEST_CASE("policy concepts accept the library's policies", "[diagnostics][policies]") {
    STATIC_REQUIRE(loss_policy<losses::mse>);
    STATIC_REQUIRE(loss_policy<losses::cross_entropy>);
    STATIC_REQUIRE(optimizer_policy<optimizers::sgd>);
    STATIC_REQUIRE(optimizer_policy<optimizers::adam>);
    STATIC_REQUIRE(regularizer_policy<regularizers::none>);
    STATIC_REQUIRE(regularizer_policy<regularizers::l1>);
    STATIC_REQUIRE(regularizer_policy<regularizers::l2>);
}

TEST_CASE("policy concepts reject other types", "[diagnostics][policies]") {
    STATIC_REQUIRE_FALSE(loss_policy<optimizers::sgd>);
    STATIC_REQUIRE_FALSE(loss_policy<named_only>);
    STATIC_REQUIRE_FALSE(optimizer_policy<regularizers::l2>);
    STATIC_REQUIRE_FALSE(optimizer_policy<losses::mse>);
    STATIC_REQUIRE_FALSE(optimizer_policy<int>);
    STATIC_REQUIRE_FALSE(regularizer_policy<optimizers::adam>);
    STATIC_REQUIRE_FALSE(regularizer_policy<double>);
}

TEST_CASE("assert_fits compares the inference footprint", "[diagnostics][shape]") {
    // 3*4+4 and 4*2+2 parameters, each block padded to 16 floats; two
    // 16-float buffers for predict().
    STATIC_REQUIRE(small::shape::inference_footprint_bytes == (16 + 16 + 2 * 16) * sizeof(float));
    STATIC_REQUIRE(assert_fits<small, 256>());
}

TEST_CASE("deep layer list keeps its widths", "[diagnostics][shape]") {
    // 60 layers: the width fold and type lookups must stay linear in depth.
    using deep = network<input<5>, dense<6>, relu, dense<7>, relu, dense<6>, relu, dense<7>, relu,
                         dense<6>, relu, dense<7>, relu, dense<6>, relu, dense<7>, relu, dense<6>,
                         relu, dense<7>, relu, dense<6>, relu, dense<7>, relu, dense<6>, relu,
                         dense<7>, relu, dense<6>, relu, dense<7>, relu, dense<6>, relu, dense<7>,
                         relu, dense<6>, relu, dense<7>, relu, dense<6>, relu, dense<7>, relu,
                         dense<6>, relu, dense<7>, relu, dense<6>, relu, dense<7>, relu, dense<6>,
                         relu, dense<7>, relu, dense<6>, relu, dense<3>>;
    STATIC_REQUIRE(deep::layer_count == 59);
    STATIC_REQUIRE(deep::layers[0].input_size == 5);
    STATIC_REQUIRE(deep::layers[2].input_size == 6);
    STATIC_REQUIRE(deep::layers[3].input_size == 7);
    STATIC_REQUIRE(deep::layers[58].input_size == 6);
    STATIC_REQUIRE(deep::output_size == 3);
    STATIC_REQUIRE(deep::parameter_count ==
                   (5 * 6 + 6) + 14 * (6 * 7 + 7) + 14 * (7 * 6 + 6) + (6 * 3 + 3));
}
