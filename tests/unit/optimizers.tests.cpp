// Optimizer and regularizer steps against values worked out by hand.

#include <array>
#include <cmath>
#include <vector>

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

TEST_CASE("momentum by hand", "[optimizers][momentum]") {
    // Constant gradient 1, learning rate 0.1, momentum 0.9.
    const auto heavy_ball =
        constant_gradient_path(optimizers::momentum{.learning_rate = 0.1, .momentum = 0.9}, 1.0, 2);
    REQUIRE_THAT(heavy_ball[0], WithinAbs(-0.1, 1e-12));
    REQUIRE_THAT(heavy_ball[1], WithinAbs(-0.29, 1e-12));  // b = 0.9 + 1
    const auto nesterov = constant_gradient_path(
        optimizers::momentum{.learning_rate = 0.1, .momentum = 0.9, .nesterov = true}, 1.0, 2);
    REQUIRE_THAT(nesterov[0], WithinAbs(-0.19, 1e-12));    // g + 0.9 b with b = 1
    REQUIRE_THAT(nesterov[1], WithinAbs(-0.461, 1e-12));   // b = 1.9, g + 0.9 b = 2.71
    // The first step copies the gradient undamped, as PyTorch does.
    const auto damped = constant_gradient_path(
        optimizers::momentum{.learning_rate = 0.1, .momentum = 0.9, .dampening = 0.5}, 1.0, 2);
    REQUIRE_THAT(damped[0], WithinAbs(-0.1, 1e-12));
    REQUIRE_THAT(damped[1], WithinAbs(-0.24, 1e-12));      // b = 0.9 + 0.5
    // Without momentum it is sgd.
    const auto plain = constant_gradient_path(
        optimizers::momentum{.learning_rate = 0.1, .momentum = 0}, 1.0, 3);
    REQUIRE_THAT(plain[2], WithinAbs(-0.3, 1e-12));
}

TEST_CASE("adagrad by hand", "[optimizers][adagrad]") {
    const auto path = constant_gradient_path(optimizers::adagrad{.learning_rate = 0.1}, 2.0, 2);
    REQUIRE_THAT(path[0], WithinAbs(-0.1, 1e-9));                       // 0.1 * 2 / sqrt(4)
    REQUIRE_THAT(path[1], WithinAbs(-0.1 - 0.2 / std::sqrt(8.0), 1e-9));
    // The accumulator starts at initial_accumulator_value; the rate decays from step 2.
    const auto decayed = constant_gradient_path(
        optimizers::adagrad{.learning_rate = 0.1, .learning_rate_decay = 1,
                            .initial_accumulator_value = 5},
        2.0, 2);
    REQUIRE_THAT(decayed[0], WithinAbs(-0.2 / 3.0, 1e-9));               // sqrt(5 + 4) = 3
    REQUIRE_THAT(decayed[1], WithinAbs(-0.2 / 3.0 - 0.05 * 2 / std::sqrt(13.0), 1e-9));
}

TEST_CASE("rmsprop by hand", "[optimizers][rmsprop]") {
    // v = 0.01 g^2 after one step, so the step is lr g / (0.1 |g| + eps).
    const auto path = constant_gradient_path(optimizers::rmsprop{.learning_rate = 0.01}, 3.0, 1);
    REQUIRE_THAT(path[0], WithinAbs(-0.01 * 3.0 / (0.3 + 1e-8), 1e-12));
    // Centered: v - a^2 = 0.01 g^2 - 0.0001 g^2.
    const auto centered = constant_gradient_path(
        optimizers::rmsprop{.learning_rate = 0.01, .epsilon = 0, .centered = true}, 3.0, 1);
    REQUIRE_THAT(centered[0], WithinAbs(-0.01 * 3.0 / std::sqrt(0.0099 * 9), 1e-12));
}

TEMPLATE_TEST_CASE("optimizer SIMD lanes match one value", "[optimizers]", optimizers::sgd,
                   optimizers::momentum, optimizers::adagrad, optimizers::rmsprop,
                   optimizers::adam, optimizers::adamw) {
    // 37 floats cover whole registers and a tail; each must follow the
    // single double parameter's path.
    const TestType optimizer{.learning_rate = 0.05};
    const auto expected = constant_gradient_path(optimizer, 0.7, 5);
    typename TestType::template state<float, 37> state{};
    std::array<float, 37> parameters{};
    std::array<float, 37> gradient{};
    gradient.fill(0.7f);
    for (int i = 0; i < 5; ++i) optimizer.step(state, parameters.data(), gradient.data());
    for (float p : parameters) REQUIRE_THAT(p, WithinAbs(expected.back(), 1e-6));
}

TEST_CASE("adamw decay leaves biases alone", "[regularizers][adamw]") {
    // x = 0 and y = 3 = b: the data gradient is 0, so adam's step is 0 and
    // only the decoupled decay moves w.
    using line = network<input<1>, dense<1>>;
    const dataset data(std::vector<float>{0}, 1, std::vector<float>{3}, 1);
    for (bool decay_biases : {false, true}) {
        line net;
        net.weights<0>()[0] = 2;
        net.bias<0>()[0] = 3;
        trainer<line, losses::mse, optimizers::adamw> t(optimizers::adamw{
            .learning_rate = 0.5, .weight_decay = 0.1, .decay_biases = decay_biases});
        t.fit(net, data, {.epochs = 1, .batch_size = 1});
        CAPTURE(decay_biases);
        REQUIRE_THAT(net.weights<0>()[0], WithinAbs(2 * (1 - 0.5 * 0.1), 1e-6));
        if (decay_biases)
            REQUIRE_THAT(net.bias<0>()[0], WithinAbs(3 * (1 - 0.5 * 0.1), 1e-6));
        else
            REQUIRE(net.bias<0>()[0] == 3.0f);
    }
}

TEST_CASE("l1 leaves biases alone", "[regularizers][l1]") {
    using line = network<input<1>, dense<1>>;
    line net;
    net.weights<0>()[0] = 2;
    net.bias<0>()[0] = 3;
    const dataset data(std::vector<float>{0}, 1, std::vector<float>{3}, 1);
    trainer<line, losses::mse, optimizers::sgd, regularizers::l1> t(
        optimizers::sgd{.learning_rate = 0.5}, regularizers::l1{.strength = 0.1});
    t.fit(net, data, {.epochs = 1, .batch_size = 1});
    REQUIRE_THAT(net.weights<0>()[0], WithinAbs(2 - 0.5 * 0.1, 1e-6));
    REQUIRE(net.bias<0>()[0] == 3.0f);
}

TEMPLATE_TEST_CASE("every optimizer trains a dropout network", "[optimizers][dropout]",
                   optimizers::sgd, optimizers::momentum, optimizers::adagrad,
                   optimizers::rmsprop, optimizers::adam, optimizers::adamw) {
    // Composition: every core layer kind in one network, each regularizer.
    using net_type = network<input<2>, dense<8>, relu, dropout<drop_rate<1, 10>>, dense<8>,
                             strata::tanh, dense<8>, leaky_relu<>, dense<8>, sigmoid, dense<1>>;
    const dataset data(std::vector<float>{0, 0, 0, 1, 1, 0, 1, 1}, 2,
                       std::vector<float>{0.1f, 0.9f, 0.9f, 0.1f}, 1);
    net_type net(2);
    trainer<net_type, losses::mse, TestType, regularizers::l2> t(
        TestType{.learning_rate = 0.01}, regularizers::l2{.strength = 1e-4});
    const auto h = t.fit(net, data, {.epochs = 300, .batch_size = 4});
    for (float p : net.parameters()) REQUIRE(std::isfinite(p));
    REQUIRE(h.epochs.back().train_loss < h.epochs.front().train_loss);
    trainer<net_type, losses::mse, TestType, regularizers::l1> t1(TestType{.learning_rate = 0.01},
                                                                  regularizers::l1{.strength = 1e-4});
    t1.fit(net, data, {.epochs = 2, .batch_size = 2});
    for (float p : net.parameters()) REQUIRE(std::isfinite(p));
}
