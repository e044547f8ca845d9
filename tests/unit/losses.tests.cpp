// Loss values, gradients and target checks.

#include <array>
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

using namespace strata;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;

TEST_CASE("cross entropy at saturated logits", "[losses][cross_entropy]") {
    const std::array<float, 3> z{200, 0, 0};
    const std::array<float, 1> label{1};
    std::array<float, 3> dz{};
    const double loss = losses::cross_entropy::loss_and_gradient<3>(z.data(), label.data(), 1,
                                                                    dz.data(), 1);
    // logsumexp(z) - z_1 = 200; the naive -log(softmax) would be inf.
    REQUIRE_THAT(loss, WithinAbs(200.0, 1e-3));
    REQUIRE_THAT(dz[0], WithinAbs(1.0, 1e-6));
    REQUIRE_THAT(dz[1], WithinAbs(-1.0, 1e-6));
    REQUIRE_THAT(dz[2], WithinAbs(0.0, 1e-6));
}

TEST_CASE("cross entropy at logits of 1000", "[losses][cross_entropy]") {
    const std::array<float, 4> z{1000, -1000, 0, 1000};
    for (float label : {0.0f, 1.0f, 2.0f}) {
        std::array<float, 4> dz{};
        const double loss = losses::cross_entropy::loss_and_gradient<4>(
            z.data(), &label, 1, dz.data(), 1);
        CAPTURE(label);
        REQUIRE(std::isfinite(loss));
        for (float g : dz) REQUIRE(std::isfinite(g));
    }
    float label = 1;
    std::array<float, 4> dz{};
    REQUIRE_THAT(losses::cross_entropy::loss_and_gradient<4>(z.data(), &label, 1, dz.data(), 1),
                 WithinAbs(2000.0 + std::log(2.0), 1e-2));
}

TEST_CASE("cross entropy one sgd step stays finite", "[losses][cross_entropy]") {
    network<input<2>, dense<3>> net;
    for (auto& w : net.weights<0>()) w = 0;
    net.bias<0>()[0] = 200;
    const std::vector<float> x{0.5f, -0.5f};
    const std::vector<float> y{1};
    const dataset data(x, 2, y, 1);
    trainer<network<input<2>, dense<3>>, losses::cross_entropy, optimizers::sgd> t(
        optimizers::sgd{.learning_rate = 0.1});
    const auto h = t.fit(net, data, {.epochs = 1, .batch_size = 1});
    REQUIRE_THAT(h.epochs[0].train_loss, WithinAbs(200.0, 1e-3));
    for (float p : net.parameters()) REQUIRE(std::isfinite(p));
    REQUIRE_THAT(net.bias<0>()[0], WithinAbs(200 - 0.1, 1e-4));
    REQUIRE_THAT(net.bias<0>()[1], WithinAbs(0.1, 1e-6));
}

TEST_CASE("cross entropy rejects bad targets", "[losses][cross_entropy]") {
    const std::vector<float> x(3 * 2, 0.5f);
    using check = decltype(&losses::cross_entropy::check_targets<3, float>);
    const check targets_fit = &losses::cross_entropy::check_targets<3, float>;

    REQUIRE_THROWS_WITH(targets_fit(dataset(x, 2, std::vector<float>{0, 1, 3}, 1)),
                        Contains("sample 2: label 3 not in [0,3)"));
    REQUIRE_THROWS_WITH(targets_fit(dataset(x, 2, std::vector<float>{0, -1, 2}, 1)),
                        Contains("sample 1: label -1"));
    REQUIRE_THROWS_WITH(targets_fit(dataset(x, 2, std::vector<float>{0, 1.5f, 2}, 1)),
                        Contains("sample 1: label 1.5"));
    REQUIRE_THROWS_WITH(
        targets_fit(dataset(x, 2, std::vector<float>{1, 0, 0, 0, 0, 0, 0, 1, 0}, 3)),
        Contains("sample 1: targets sum to 0, expected 1"));
    REQUIRE_THROWS_WITH(targets_fit(dataset(x, 2, std::vector<float>(6, 0.5f), 2)),
                        Contains("found 2"));
    REQUIRE_NOTHROW(targets_fit(dataset(x, 2, std::vector<float>{0, 1, 2}, 1)));
}

TEST_CASE("mse averages over samples and outputs", "[losses][mse]") {
    const std::array<float, 2> y{0, 0};
    const std::array<float, 2> t{1, 3};
    std::array<float, 2> dy{};
    // (1 + 9) / 2 outputs = 5; the gradient is 2 (y - t) / 2.
    REQUIRE_THAT(losses::mse::loss_and_gradient<2>(y.data(), t.data(), 2, dy.data(), 1),
                 WithinAbs(5.0, 1e-12));
    REQUIRE_THAT(dy[0], WithinAbs(-1.0, 1e-7));
    REQUIRE_THAT(dy[1], WithinAbs(-3.0, 1e-7));
}

TEST_CASE("binary cross entropy at saturated logits", "[losses][binary_cross_entropy]") {
    // (logit, target, loss): the naive -log(1 - sigmoid(20)) is inf in float.
    const std::array<std::array<float, 3>, 4> cases{{{20, 0, 20.000000002f},
                                                     {1000, 0, 1000},
                                                     {-1000, 0, 0},
                                                     {1000, 1, 0}}};
    for (const auto& [z, t, expected] : cases) {
        CAPTURE(z, t);
        float dz = 0;
        const double loss =
            losses::binary_cross_entropy::loss_and_gradient<1>(&z, &t, 1, &dz, 1);
        REQUIRE_THAT(loss, WithinAbs(expected, 1e-4));
        REQUIRE(std::isfinite(dz));
        REQUIRE_THAT(dz, WithinAbs(kernels::sigmoid(z) - t, 1e-6));
    }
}

TEST_CASE("binary cross entropy averages outputs", "[losses][binary_cross_entropy]") {
    // Two samples of two outputs; the gradient is (sigmoid(z) - t) / 4.
    const std::array<double, 4> z{0, 2, -1, 3};
    const std::array<double, 4> t{1, 0, 0, 1};
    std::array<double, 4> dz{};
    const double total =
        losses::binary_cross_entropy::loss_and_gradient<2>(z.data(), t.data(), 2, dz.data(), 2);
    const auto softplus = [](double x) { return std::log1p(std::exp(x)); };
    const double expected = (softplus(0) + softplus(2)) / 2 + (softplus(-1) + softplus(-3)) / 2;
    REQUIRE_THAT(total, WithinAbs(expected, 1e-12));
    REQUIRE_THAT(dz[1], WithinAbs((1 / (1 + std::exp(-2.0))) / 4, 1e-12));
    REQUIRE_THAT(dz[3], WithinAbs((1 / (1 + std::exp(-3.0)) - 1) / 4, 1e-12));
    REQUIRE(losses::binary_cross_entropy::metric<2>(z.data(), t.data(), 2) == 0.0);
    REQUIRE(losses::binary_cross_entropy::metric<2>(z.data() + 2, t.data() + 2, 2) == 1.0);
}

TEST_CASE("binary cross entropy rejects bad targets", "[losses][binary_cross_entropy]") {
    const std::vector<float> x(3 * 2, 0.5f);
    const auto targets_fit = &losses::binary_cross_entropy::check_targets<2, float>;
    REQUIRE_THROWS_WITH(targets_fit(dataset(x, 2, std::vector<float>{0, 1, 1, 2, 0, 0}, 2)),
                        Contains("sample 1: target 1 is 2.000000, not a probability in [0, 1]"));
    REQUIRE_THROWS_WITH(targets_fit(dataset(x, 2, std::vector<float>{0, 1, 1}, 1)),
                        Contains("needs 2 target values per sample"));
    REQUIRE_NOTHROW(targets_fit(dataset(x, 2, std::vector<float>{0, 1, 1, 0.5f, 0, 0}, 2)));
}
