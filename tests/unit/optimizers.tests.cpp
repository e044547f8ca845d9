// Optimizer and regularizer steps against values worked out by hand.

#include <array>
#include <cmath>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

using namespace strata;
using Catch::Matchers::WithinAbs;

namespace {

// Runs `steps` steps of `optimizer` on one parameter with a constant gradient.
template <class Optimizer>
std::vector<double> constant_gradient_path(const Optimizer& optimizer, double gradient,
                                           std::size_t steps) {
    typename Optimizer::template state<double, 1> state{};
    double parameter = 0;
    std::vector<double> path;
    for (std::size_t i = 0; i < steps; ++i) {
        optimizer.step(state, &parameter, &gradient);
        path.push_back(parameter);
    }
    return path;
}

}  // namespace

TEST_CASE("adam bias correction", "[optimizers][adam]") {
    const optimizers::adam adam{.learning_rate = 0.1};
    // With a constant gradient the corrected moments are g and g^2 exactly,
    // so each step moves by lr * |g| / (|g| + eps).
    const auto half = constant_gradient_path(adam, 0.5, 10);
    REQUIRE_THAT(half[0], WithinAbs(-0.099999998, 1e-7));
    REQUIRE_THAT(half[1], WithinAbs(-0.199999996, 1e-7));
    REQUIRE_THAT(half[9], WithinAbs(-0.99999998, 1e-7));
    // Known wrong values: t from 2 gives -0.0744137, no correction -0.316228.
    REQUIRE(std::abs(half[0] + 0.0744137) > 1e-3);
    REQUIRE(std::abs(half[0] + 0.316228) > 1e-3);

    REQUIRE_THAT(constant_gradient_path(adam, -3.0, 1)[0], WithinAbs(0.0999999997, 1e-7));
    REQUIRE_THAT(constant_gradient_path(adam, 1e-3, 1)[0], WithinAbs(-0.0999990, 1e-7));
}

TEST_CASE("adam in float matches double", "[optimizers][adam]") {
    const optimizers::adam adam{.learning_rate = 0.1};
    optimizers::adam::state<float, 37> state{};
    std::array<float, 37> parameters{};
    std::array<float, 37> gradient{};
    gradient.fill(0.5f);
    for (int i = 0; i < 10; ++i) adam.step(state, parameters.data(), gradient.data());
    for (float p : parameters) REQUIRE_THAT(p, WithinAbs(-0.99999998, 1e-6));
}

TEST_CASE("sgd step", "[optimizers][sgd]") {
    const optimizers::sgd sgd{.learning_rate = 0.25};
    optimizers::sgd::state<float, 19> state{};
    std::array<float, 19> parameters{};
    std::array<float, 19> gradient{};
    for (std::size_t i = 0; i < 19; ++i) {
        parameters[i] = static_cast<float>(i);
        gradient[i] = 2.0f;
    }
    sgd.step(state, parameters.data(), gradient.data());
    for (std::size_t i = 0; i < 19; ++i)
        REQUIRE_THAT(parameters[i], WithinAbs(static_cast<double>(i) - 0.5, 1e-6));
}

TEST_CASE("l2 leaves biases alone", "[regularizers][l2]") {
    // Dense 1 -> 1 with w = 2, b = 3; x = 0 and y = 3, so the data gradient is 0.
    using line = network<input<1>, dense<1>>;
    line net;
    net.weights<0>()[0] = 2;
    net.bias<0>()[0] = 3;
    const dataset data(std::vector<float>{0}, 1, std::vector<float>{3}, 1);
    trainer<line, losses::mse, optimizers::sgd, regularizers::l2> t(
        optimizers::sgd{.learning_rate = 0.5}, regularizers::l2{.strength = 0.1});
    t.fit(net, data, {.epochs = 1, .batch_size = 1});
    // Penalty (0.1 / 2) w^2 has gradient 0.1 w: w = 2 - 0.5 * 0.1 * 2.
    REQUIRE_THAT(net.weights<0>()[0], WithinAbs(1.9, 1e-6));
    REQUIRE(net.bias<0>()[0] == 3.0f);
    const std::array<float, 2> parameters{2, 3};
    REQUIRE_THAT(regularizers::l2{.strength = 0.1}.penalty(line::shape::weight_segments,
                                                           parameters.data()),
                 WithinAbs(0.2, 1e-7));
}

TEST_CASE("l2 on biases when asked", "[regularizers][l2]") {
    using line = network<input<1>, dense<1>>;
    line net;
    net.weights<0>()[0] = 2;
    net.bias<0>()[0] = 3;
    const dataset data(std::vector<float>{0}, 1, std::vector<float>{3}, 1);
    trainer<line, losses::mse, optimizers::sgd, regularizers::l2> t(
        optimizers::sgd{.learning_rate = 0.5},
        regularizers::l2{.strength = 0.1, .include_biases = true});
    t.fit(net, data, {.epochs = 1, .batch_size = 1});
    REQUIRE_THAT(net.weights<0>()[0], WithinAbs(1.9, 1e-6));
    REQUIRE_THAT(net.bias<0>()[0], WithinAbs(3 - 0.5 * 0.1 * 3, 1e-6));
}

TEST_CASE("l1 subgradient", "[regularizers][l1]") {
    using line = network<input<2>, dense<1>>;
    const std::array<float, 3> parameters{-2, 0, 5};  // w = (-2, 0), b = 5
    std::array<float, 3> gradient{};
    const regularizers::l1 l1{.strength = 0.5};
    l1.add_gradient(std::span<const parameter_segment>(line::shape::weight_segments),
                    parameters.data(), gradient.data());
    REQUIRE_THAT(gradient[0], WithinAbs(-0.5, 1e-7));
    REQUIRE_THAT(gradient[1], WithinAbs(0.0, 1e-7));
    REQUIRE_THAT(gradient[2], WithinAbs(0.0, 1e-7));
    REQUIRE_THAT(l1.penalty(line::shape::weight_segments, parameters.data()),
                 WithinAbs(1.0, 1e-7));
}
