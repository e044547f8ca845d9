// Analytic gradients against central finite differences, in double.

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

#include "../support/gradient_check.hpp"

using namespace strata;
using leaky_tenth = leaky_relu<std::ratio<1, 10>>;  // an alias, since a comma would split the macro arguments
using strata_test::check_gradient;
using strata_test::random_values;

namespace {

template <class Activation>
using probe = basic_network<double, input<5>, dense<7>, Activation, dense<3>>;

}  // namespace

TEMPLATE_TEST_CASE("gradient of dense and activation under mse", "[gradient]", relu,
                   leaky_relu<>, leaky_tenth, sigmoid, strata::tanh, identity,
                   softmax) {
    probe<TestType> net(3);
    constexpr std::size_t batch = 6;
    const auto x = random_values(batch * 5, 11, 2.0);
    const auto t = random_values(batch * 3, 12);
    check_gradient<losses::mse>(net, x, t, 3, batch);
}

TEST_CASE("gradient of cross entropy with class indexes", "[gradient][cross_entropy]") {
    basic_network<double, input<4>, dense<6>, strata::tanh, dense<5>> net(7);
    constexpr std::size_t batch = 5;
    const auto x = random_values(batch * 4, 21, 1.5);
    const std::vector<double> labels{0, 4, 2, 2, 1};
    check_gradient<losses::cross_entropy>(net, x, labels, 1, batch);
}

TEST_CASE("gradient of cross entropy with distributions", "[gradient][cross_entropy]") {
    basic_network<double, input<3>, dense<4>, sigmoid, dense<3>> net(8);
    constexpr std::size_t batch = 2;
    const auto x = random_values(batch * 3, 31);
    const std::vector<double> targets{0.2, 0.5, 0.3, 0.0, 1.0, 0.0};
    check_gradient<losses::cross_entropy>(net, x, targets, 3, batch);
}

TEST_CASE("gradient of a deep network", "[gradient]") {
    basic_network<double, input<9>, dense<17>, relu, dense<16>, strata::tanh, dense<33>,
                  sigmoid, dense<2>>
        net(5);
    constexpr std::size_t batch = 7;  // not a multiple of any register tile
    const auto x = random_values(batch * 9, 41, 2.0);
    const auto t = random_values(batch * 2, 42);
    check_gradient<losses::mse>(net, x, t, 2, batch);
}

TEST_CASE("activation derivative uses the input", "[gradient][tanh][sigmoid]") {
    // 1 -> 1 dense with w = 1, b = 0, then tanh; x = 1, target 0, loss (y - t)^2.
    basic_network<double, input<1>, dense<1>, strata::tanh> tanh_net;
    tanh_net.weights<0>()[0] = 1.0;
    tanh_net.bias<0>()[0] = 0.0;
    const auto tanh_gradient =
        strata_test::analytic_gradient<losses::mse>(tanh_net, {1.0}, {0.0}, 1, 1);
    REQUIRE_THAT(tanh_net.predict(std::array<double, 1>{1.0})[0],
                 Catch::Matchers::WithinAbs(0.7615942, 1e-7));
    // 2 tanh(1) (1 - tanh(1)^2); applying the derivative to the output gives 0.8953556.
    REQUIRE_THAT(tanh_gradient[0], Catch::Matchers::WithinAbs(0.6397000, 1e-7));

    basic_network<double, input<1>, dense<1>, sigmoid> sigmoid_net;
    sigmoid_net.weights<0>()[0] = 1.0;
    sigmoid_net.bias<0>()[0] = 0.0;
    const auto sigmoid_gradient =
        strata_test::analytic_gradient<losses::mse>(sigmoid_net, {2.0}, {0.0}, 1, 1);
    const double y = 0.8807971;
    REQUIRE_THAT(sigmoid_net.predict(std::array<double, 1>{2.0})[0],
                 Catch::Matchers::WithinAbs(y, 1e-7));
    // dL/dw = 2 y sigma'(2) x with sigma'(2) = 0.1049936 (0.2071562 if taken at the output).
    REQUIRE_THAT(sigmoid_gradient[0], Catch::Matchers::WithinAbs(2 * y * 0.1049936 * 2.0, 1e-6));
}

TEST_CASE("gradient of binary cross entropy", "[gradient][binary_cross_entropy]") {
    probe<strata::tanh> net(5);
    constexpr std::size_t batch = 4;
    const auto x = random_values(batch * 5, 21, 2.0);
    std::vector<double> t(batch * 3);
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<double>((i * 7) % 3) / 2.0;
    check_gradient<losses::binary_cross_entropy>(net, x, t, 3, batch);
}
