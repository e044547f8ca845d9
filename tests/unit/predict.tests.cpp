// Single-sample predict() against the batched forward pass: the packed
// copies of small layers, the fused activations, and keeping the copies
// current after parameters change.

#include <array>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

using namespace strata;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
using leaky_tenth = leaky_relu<std::ratio<1, 10>>;  // an alias, since a comma would split the macro arguments

namespace {

template <class Net>
typename Net::input_array sample(std::uint64_t seed) {
    random_engine engine(seed);
    typename Net::input_array x{};
    for (auto& v : x) v = static_cast<typename Net::value_type>(2 * engine.uniform() - 1);
    return x;
}

// Returns the batched forward pass's output for one sample.
template <class Net>
typename Net::output_array forward_one(const Net& net, const typename Net::input_array& x) {
    workspace<Net> work(1);
    net.forward(work, x.data(), 1, {});
    typename Net::output_array y{};
    std::copy_n(work.output(), Net::output_size, y.begin());
    return y;
}

template <class Net>
void require_predict_matches_forward(const Net& net, std::uint64_t seed) {
    const auto x = sample<Net>(seed);
    const auto expected = forward_one(net, x);
    const auto y = net.predict(x);
    for (std::size_t o = 0; o < Net::output_size; ++o) {
        CAPTURE(o);
        // The kernels sum in different orders, so allow float rounding.
        REQUIRE_THAT(y[o], WithinAbs(expected[o], 1e-5) || WithinRel(expected[o], typename Net::value_type(1e-5)));
    }
}

// Shifts every parameter by one of 11 small steps, so that biases (zero
// after initialization) differ and a kernel that drops or misplaces one fails.
template <class Net>
void spread_biases(Net& net) {
    std::size_t i = 0;
    for (auto& p : net.parameters()) p += 0.02f * (static_cast<float>(i++ % 11) - 5.0f);
}

}  // namespace

TEMPLATE_TEST_CASE("predict matches forward for each activation", "[network][predict]", relu,
                   leaky_tenth, sigmoid, strata::tanh, identity, softmax) {
    network<input<16>, dense<32>, TestType, dense<32>, TestType, dense<1>> small(3);
    spread_biases(small);
    require_predict_matches_forward(small, 1);

    network<input<20>, dense<9>, TestType, dense<17>, TestType> wide_last(4);
    spread_biases(wide_last);
    require_predict_matches_forward(wide_last, 2);

    network<input<784>, dense<128>, TestType, dense<10>> large(5);
    spread_biases(large);
    require_predict_matches_forward(large, 3);
}

TEST_CASE("predict in double matches forward", "[network][predict]") {
    basic_network<double, input<12>, dense<8>, strata::tanh, dense<3>> net(6);
    require_predict_matches_forward(net, 4);
}

TEST_CASE("predict sees parameters written after an earlier predict", "[network][predict]") {
    network<input<16>, dense<32>, strata::tanh, dense<32>, strata::tanh, dense<1>> net(7);
    const auto x = sample<decltype(net)>(5);
    const auto before = net.predict(x);

    SECTION("through weights()") {
        for (auto& w : net.weights<2>()) w *= -0.5f;
    }
    SECTION("through bias()") {
        net.bias<4>()[0] += 1.0f;
    }
    SECTION("through parameters()") {
        for (auto& p : net.parameters()) p *= 1.5f;
    }
    SECTION("through initialize()") {
        net.initialize(initializers::glorot_uniform{}, 99);
    }
    const auto after = net.predict(x);
    REQUIRE(std::abs(after[0] - before[0]) > 1e-4f);
    REQUIRE_THAT(after[0], WithinAbs(forward_one(net, x)[0], 1e-5));
}

TEST_CASE("copies predict from their own parameters", "[network][predict]") {
    using net_type = network<input<16>, dense<32>, relu, dense<16>>;
    net_type original(8);
    const auto x = sample<net_type>(6);
    const auto first = original.predict(x);

    net_type copy = original;
    for (auto& w : original.weights<0>()) w = -w;
    const auto from_copy = copy.predict(x);
    for (std::size_t o = 0; o < net_type::output_size; ++o)
        REQUIRE_THAT(from_copy[o], WithinAbs(first[o], 1e-6));
    require_predict_matches_forward(original, 6);

    net_type assigned(9);
    (void)assigned.predict(x);
    assigned = original;
    require_predict_matches_forward(assigned, 6);

    net_type moved = std::move(copy);
    require_predict_matches_forward(moved, 6);
}

TEST_CASE("threads predicting at once agree", "[network][predict]") {
    using net_type = network<input<16>, dense<32>, strata::tanh, dense<32>, strata::tanh, dense<1>>;
    for (int trial = 0; trial < 20; ++trial) {
        net_type net(static_cast<std::uint64_t>(trial));
        const auto x = sample<net_type>(7);
        const float expected = forward_one(net, x)[0];
        // Every thread finds the packed copy stale and races to build it.
        std::array<float, 4> results{};
        std::vector<std::thread> threads;
        for (std::size_t t = 0; t < results.size(); ++t)
            threads.emplace_back([&, t] { results[t] = net.predict(x)[0]; });
        for (auto& thread : threads) thread.join();
        for (float r : results) REQUIRE_THAT(r, WithinAbs(expected, 1e-5));
    }
}
