// Forward values and derivatives of each layer on known inputs.

#include <array>
#include <cmath>
#include <limits>
#include <numeric>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

using namespace strata;
using leaky_tenth = leaky_relu<std::ratio<1, 10>>;  // an alias, since a comma would split the macro arguments
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

// Runs an activation over `x` (forward) and back with dy = 1 (backward).
template <class Activation, std::size_t N>
std::pair<std::array<double, N>, std::array<double, N>> run_activation(
    const std::array<double, N>& x) {
    std::array<double, N> y{};
    std::array<double, N> dx{};
    std::array<double, N> dy{};
    dy.fill(1.0);
    Activation::template forward<1, double>(nullptr, x.data(), y.data(), nullptr, N, {});
    Activation::template backward<1, double>(nullptr, x.data(), y.data(), dy.data(), dx.data(),
                                             nullptr, nullptr, N);
    return {y, dx};
}

}  // namespace

TEMPLATE_TEST_CASE("activation derivative against finite differences", "[layers][gradient]",
                   relu, leaky_relu<>, leaky_tenth, sigmoid, strata::tanh,
                   identity) {
    const std::array<double, 4> points{-3.0, -0.5, 0.5, 3.0};
    const auto [y, dx] = run_activation<TestType>(points);
    constexpr double step = 1e-6;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const auto plus = run_activation<TestType>(std::array<double, 1>{points[i] + step}).first;
        const auto minus = run_activation<TestType>(std::array<double, 1>{points[i] - step}).first;
        CAPTURE(points[i]);
        REQUIRE_THAT(dx[i], WithinAbs((plus[0] - minus[0]) / (2 * step), 1e-6));
    }
}

TEST_CASE("leaky relu values and slopes", "[layers][leaky_relu]") {
    const std::array<double, 4> x{-2.0, -0.5, 0.5, 3.0};
    const auto [y, dx] = run_activation<leaky_relu<std::ratio<1, 10>>>(x);
    REQUIRE_THAT(y[0], WithinAbs(-0.2, 1e-12));
    REQUIRE_THAT(y[1], WithinAbs(-0.05, 1e-12));
    REQUIRE_THAT(y[2], WithinAbs(0.5, 1e-12));
    REQUIRE_THAT(y[3], WithinAbs(3.0, 1e-12));
    REQUIRE_THAT(dx[0], WithinAbs(0.1, 1e-12));
    REQUIRE_THAT(dx[1], WithinAbs(0.1, 1e-12));
    REQUIRE_THAT(dx[2], WithinAbs(1.0, 1e-12));
    REQUIRE_THAT(dx[3], WithinAbs(1.0, 1e-12));

    const auto [y0, dx0] = run_activation<leaky_relu<std::ratio<0>>>(std::array<double, 1>{-2.0});
    REQUIRE_THAT(y0[0], WithinAbs(0.0, 1e-12));
    REQUIRE_THAT(dx0[0], WithinAbs(0.0, 1e-12));
}

TEST_CASE("sigmoid at saturated inputs", "[layers][sigmoid]") {
    const std::array<float, 4> x{1000.0f, -1000.0f, 0.0f, -88.7f};
    std::array<float, 4> y{};
    sigmoid::forward<4, float>(nullptr, x.data(), y.data(), nullptr, 1, {});
    REQUIRE(y[0] == 1.0f);
    REQUIRE(y[1] == 0.0f);
    REQUIRE_THAT(y[2], WithinAbs(0.5f, 1e-7));
    // sigmoid(-88.7) is about 3.0066e-39, a subnormal; 0 is acceptable under flush-to-zero.
    REQUIRE(y[3] >= 0.0f);
    REQUIRE(y[3] <= 1e-37f);
}

TEST_CASE("softmax of extreme logits", "[layers][softmax]") {
    const auto run = [](std::vector<float> z) {
        std::vector<float> y(z.size());
        switch (z.size()) {
            case 2: softmax::forward<2, float>(nullptr, z.data(), y.data(), nullptr, 1, {}); break;
            case 3: softmax::forward<3, float>(nullptr, z.data(), y.data(), nullptr, 1, {}); break;
            case 5: softmax::forward<5, float>(nullptr, z.data(), y.data(), nullptr, 1, {}); break;
        }
        double sum = 0;
        for (float v : y) {
            REQUIRE(std::isfinite(v));
            sum += v;
        }
        REQUIRE_THAT(sum, WithinAbs(1.0, 1e-6));
        return y;
    };

    const auto a = run({1000, 0});
    REQUIRE(a[0] == 1.0f);
    REQUIRE(a[1] == 0.0f);

    const auto b = run({90, 2, -2});
    REQUIRE_THAT(b[0], WithinAbs(1.0, 1e-7));
    REQUIRE(b[1] >= 0.0f);
    REQUIRE(b[1] <= 1e-37f);
    REQUIRE(b[2] >= 0.0f);
    REQUIRE(b[2] <= 1e-37f);

    const auto c = run({378.097443f, -249.873093f, -292.614532f, -424.126709f, -460.292542f});
    REQUIRE(c[0] == 1.0f);
    for (std::size_t i = 1; i < 5; ++i) REQUIRE(c[i] == 0.0f);

    const auto d = run({-1000, -1000});
    REQUIRE_THAT(d[0], WithinAbs(0.5, 1e-7));
    REQUIRE_THAT(d[1], WithinAbs(0.5, 1e-7));

    const auto e = run({1, 2, 3});
    REQUIRE_THAT(e[0], WithinAbs(0.0900306, 1e-6));
    REQUIRE_THAT(e[1], WithinAbs(0.2447285, 1e-6));
    REQUIRE_THAT(e[2], WithinAbs(0.6652410, 1e-6));
}

TEST_CASE("dense uses out by in row-major weights", "[layers][dense]") {
    network<input<2>, dense<3>> net;
    const std::array<float, 6> w{1, 2, 3, 4, 5, 6};
    std::copy(w.begin(), w.end(), net.weights<0>().begin());
    net.bias<0>()[0] = 0.1f;
    net.bias<0>()[1] = 0.2f;
    net.bias<0>()[2] = 0.3f;
    const auto y = net.predict(std::array<float, 2>{1, -1});
    // Reading the weights as in x out (transposed) would give -2.9, -2.8, -2.7.
    REQUIRE_THAT(y[0], WithinAbs(-0.9, 1e-6));
    REQUIRE_THAT(y[1], WithinAbs(-0.8, 1e-6));
    REQUIRE_THAT(y[2], WithinAbs(-0.7, 1e-6));
}

TEST_CASE("tanh kernel matches std::tanh", "[layers][tanh]") {
    std::vector<float> x(1000);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = -10.0f + 0.02f * static_cast<float>(i);
    std::vector<float> y(x.size());
    strata::tanh::forward<1000, float>(nullptr, x.data(), y.data(), nullptr, 1, {});
    for (std::size_t i = 0; i < x.size(); ++i) {
        CAPTURE(x[i]);
        REQUIRE_THAT(y[i], WithinAbs(std::tanh(x[i]), 1e-6));
    }
}
