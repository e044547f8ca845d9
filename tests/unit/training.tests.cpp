// The trainer: convergence, batching, shuffling, reproducibility and errors.

#include <cmath>
#include <numbers>
#include <set>
#include <vector>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

using namespace strata;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;

namespace {

using line = network<input<1>, dense<1>>;

// An optimizer policy that records each gradient it is given and leaves the
// parameters unchanged, to observe what the trainer passes in.
struct recording_optimizer {
    static constexpr std::string_view name = "recording";
    double learning_rate = 0;
    template <class T, std::size_t Size>
    struct state {};
    std::vector<std::vector<float>>* gradients = nullptr;

    template <class T, std::size_t Size>
    void step(state<T, Size>&, T*, const T* gradient) const {
        gradients->emplace_back(gradient, gradient + Size);
    }
};

// sgd that keeps the bias of a 1 -> 1 dense layer fixed, for a no-bias line.
struct no_bias_sgd : optimizers::sgd {
    template <class T, std::size_t Size>
    void step(state<T, Size>& s, T* p, const T* g) const {
        std::array<T, Size> masked{};
        masked[0] = g[0];  // the weight; the bias slot stays fixed at 0
        optimizers::sgd::step(s, p, masked.data());
    }
};

dataset xor_data() {
    return dataset(std::vector<float>{0, 0, 0, 1, 1, 0, 1, 1}, 2,
                   std::vector<float>{0, 1, 1, 0}, 1);
}

}  // namespace

TEST_CASE("xor converges", "[training][convergence]") {
    using net_type = network<input<2>, dense<8>, strata::tanh, dense<1>>;
    net_type net(3);
    trainer<net_type, losses::mse, optimizers::adam> t(optimizers::adam{.learning_rate = 0.05});
    const auto h = t.fit(net, xor_data(), {.epochs = 500, .batch_size = 4});
    REQUIRE(h.epochs.back().train_loss < 1e-3);
    const std::array<std::array<float, 2>, 4> inputs{{{0, 0}, {0, 1}, {1, 0}, {1, 1}}};
    const std::array<float, 4> expected{0, 1, 1, 0};
    for (std::size_t i = 0; i < 4; ++i)
        REQUIRE_THAT(net.predict(inputs[i])[0], WithinAbs(expected[i], 0.1));
}

TEST_CASE("sine regression converges", "[training][convergence]") {
    std::vector<float> x, y;
    for (int i = 0; i < 200; ++i) {
        const float v = -std::numbers::pi_v<float> + 2 * std::numbers::pi_v<float> * i / 199.0f;
        x.push_back(v);
        y.push_back(std::sin(v));
    }
    const dataset data(x, 1, y, 1);
    using net_type = network<input<1>, dense<32>, strata::tanh, dense<32>, strata::tanh, dense<1>>;
    net_type net(1);
    trainer<net_type, losses::mse, optimizers::adam> t(optimizers::adam{.learning_rate = 0.01});
    const auto h = t.fit(net, data, {.epochs = 600, .batch_size = 16, .seed = 2});
    REQUIRE(h.epochs.back().train_loss < 1e-3);
    REQUIRE_THAT(net.predict(std::array<float, 1>{1.0f})[0], WithinAbs(std::sin(1.0), 0.05));
}

TEST_CASE("shuffle keeps pairs and reshuffles", "[training][shuffle]") {
    // x = i, y = 2 i + 1; batches of 2 over 2 epochs.
    std::vector<float> x(8), y(8);
    for (std::size_t i = 0; i < 8; ++i) {
        x[i] = static_cast<float>(i);
        y[i] = 2.0f * static_cast<float>(i) + 1.0f;
    }
    const dataset data(x, 1, y, 1);
    const auto run = [&](std::uint64_t seed) {
        std::vector<std::vector<std::size_t>> orders(2);
        line net;
        std::vector<std::vector<float>> gradients;
        trainer<line, losses::mse, recording_optimizer> t(recording_optimizer{.gradients = &gradients});
        t.on_batch = [&](std::size_t epoch, std::size_t, std::span<const std::size_t> batch) {
            for (auto i : batch) {
                REQUIRE(data.targets(i)[0] == 2.0f * data.features(i)[0] + 1.0f);
                orders[epoch - 1].push_back(i);
            }
        };
        t.fit(net, data, {.epochs = 2, .batch_size = 2, .seed = seed});
        return orders;
    };
    const auto orders = run(17);
    for (const auto& order : orders) {
        REQUIRE(order.size() == 8);
        REQUIRE(std::set<std::size_t>(order.begin(), order.end()).size() == 8);
    }
    REQUIRE(orders[0] != orders[1]);
    REQUIRE(run(17) == orders);
    REQUIRE(run(18) != orders);
}

TEST_CASE("last partial batch is averaged over its size", "[training][batch]") {
    // x = 1; y = 1 for samples 0-7 and sqrt(10) for 8-9, so per-sample losses
    // are 1 (x8) and 10 (x2) while w = b = 0 never change.
    std::vector<float> x(10, 1.0f), y(10, 1.0f);
    y[8] = y[9] = std::sqrt(10.0f);
    const dataset data(x, 1, y, 1);
    line net;
    net.weights<0>()[0] = 0;
    std::vector<std::vector<float>> gradients;
    trainer<line, losses::mse, recording_optimizer> t(recording_optimizer{.gradients = &gradients});
    std::size_t visited = 0;
    t.on_batch = [&](std::size_t, std::size_t, std::span<const std::size_t> batch) {
        visited += batch.size();
    };
    const auto h = t.fit(net, data, {.epochs = 1, .batch_size = 4, .shuffle = false});
    REQUIRE(gradients.size() == 3);
    REQUIRE(visited == 10);
    // (8 * 1 + 2 * 10) / 10; a mean of batch means would give 4.0.
    REQUIRE_THAT(h.epochs[0].train_loss, WithinAbs(2.8, 1e-6));
    // The bias gradient of the last batch is mean(2 (0 - sqrt 10)).
    const std::size_t bias_slot = line::layers[0].parameter_offset + 1;
    REQUIRE_THAT(gradients[2][bias_slot], WithinAbs(-6.32456, 1e-5));
    REQUIRE_THAT(gradients[0][bias_slot], WithinAbs(-2.0, 1e-6));
}

TEST_CASE("step size does not depend on batch size", "[training][batch]") {
    // 4 identical samples (x = 1, y = 1), w = b = 0, sgd with lr 0.1.
    const dataset four(std::vector<float>(4, 1.0f), 1, std::vector<float>(4, 1.0f), 1);
    const dataset one(std::vector<float>{1.0f}, 1, std::vector<float>{1.0f}, 1);
    for (const auto* data : {&four, &one}) {
        line net;
        net.weights<0>()[0] = 0;
        trainer<line, losses::mse, optimizers::sgd> t(optimizers::sgd{.learning_rate = 0.1});
        const auto h = t.fit(net, *data, {.epochs = 1, .batch_size = data->size()});
        REQUIRE_THAT(h.epochs[0].train_loss, WithinAbs(1.0, 1e-7));
        REQUIRE_THAT(net.weights<0>()[0], WithinAbs(0.2, 1e-7));
        REQUIRE_THAT(net.bias<0>()[0], WithinAbs(0.2, 1e-7));
    }
}

TEST_CASE("divergence stops with finite weights", "[training][divergence]") {
    // No-bias 1 -> 1 line with w = 1 on x = 1, y = 0: lr 1.5 maps w to -2 w.
    using no_bias_line = network<input<1>, dense<1>>;
    const dataset data(std::vector<float>{1}, 1, std::vector<float>{0}, 1);
    no_bias_line net;
    net.weights<0>()[0] = 1;
    trainer<no_bias_line, losses::mse, no_bias_sgd> t(no_bias_sgd{{.learning_rate = 1.5}});
    try {
        t.fit(net, data, {.epochs = 100, .batch_size = 1});
        FAIL("fit returned although the loss overflowed");
    } catch (const divergence_error& error) {
        // w after k steps is (-2)^k and the loss 4^k, which overflows float at step 64.
        REQUIRE(error.epoch() == 65);
        REQUIRE(error.batch() == 0);
        REQUIRE_THAT(error.what(), Contains("epoch 65, batch 0"));
    }
    REQUIRE(std::isfinite(net.weights<0>()[0]));
    REQUIRE_THAT(net.weights<0>()[0], WithinAbs(std::ldexp(1.0, 64), std::ldexp(1.0, 40)));

    net.weights<0>()[0] = 1;
    trainer<no_bias_line, losses::mse, no_bias_sgd> slow(no_bias_sgd{{.learning_rate = 0.1}});
    const auto h = slow.fit(net, data, {.epochs = 100, .batch_size = 1});
    REQUIRE(h.epochs.back().train_loss < 1e-6);
}

TEST_CASE("same seed gives identical weights", "[training][reproducibility]") {
    using net_type = network<input<2>, dense<4>, strata::tanh, dense<1>>;
    const auto train = [](std::uint64_t seed) {
        net_type net(seed);
        trainer<net_type, losses::mse, optimizers::adam> t;
        t.fit(net, xor_data(), {.epochs = 50, .batch_size = 2, .seed = seed});
        return std::vector<float>(net.parameters().begin(), net.parameters().end());
    };
    const auto first = train(42);
    const auto second = train(42);
    REQUIRE(std::memcmp(first.data(), second.data(), first.size() * sizeof(float)) == 0);
    REQUIRE(train(43) != first);
}

TEST_CASE("bad data is rejected before the first step", "[training][errors]") {
    using classifier = network<input<2>, dense<3>>;
    classifier net;
    const auto before = std::vector<float>(net.parameters().begin(), net.parameters().end());
    trainer<classifier, losses::cross_entropy, optimizers::sgd> t;
    const std::vector<float> x{1, 2, 3, 4, 5, 6};

    REQUIRE_THROWS_WITH(t.fit(net, dataset(x, 2, std::vector<float>{0, 1, 3}, 1), {}),
                        Contains("sample 2: label 3 not in [0,3)"));
    REQUIRE_THROWS_WITH(t.fit(net, dataset(x, 2, std::vector<float>{1, 2, 3}, 1), {}),
                        Contains("label 3 not in [0,3)"));
    REQUIRE_THROWS_WITH(t.fit(net, dataset(x, 3, std::vector<float>{0, 1}, 1), {}),
                        Contains("3 features per sample, but the network's input is 2 wide"));
    auto with_nan = x;
    with_nan[3] = std::numeric_limits<float>::quiet_NaN();
    REQUIRE_THROWS_WITH(t.fit(net, dataset(with_nan, 2, std::vector<float>{0, 1, 2}, 1), {}),
                        Contains("sample 1, feature 1 is nan"));
    REQUIRE_THROWS_AS(t.fit(net, dataset(x, 2, std::vector<float>{0, 1, 2}, 1), {.batch_size = 0}),
                      config_error);

    const auto after = std::vector<float>(net.parameters().begin(), net.parameters().end());
    REQUIRE(before == after);
}

TEST_CASE("validation figures each epoch", "[training]") {
    using net_type = network<input<2>, dense<8>, strata::tanh, dense<1>>;
    net_type net(3);
    trainer<net_type, losses::mse, optimizers::adam> t(optimizers::adam{.learning_rate = 0.05});
    std::size_t calls = 0;
    t.on_epoch_end = [&](const epoch_record& e) { REQUIRE(e.epoch == ++calls); };
    const auto h = t.fit(net, xor_data(), xor_data(), {.epochs = 3, .batch_size = 4});
    REQUIRE(calls == 3);
    REQUIRE(h.epochs.size() == 3);
    REQUIRE(h.loss_name == "mse");
    const auto direct = t.evaluate(net, xor_data());
    REQUIRE_THAT(h.epochs.back().validation_loss, WithinAbs(direct.loss, 1e-9));
    REQUIRE(h.epochs.back().learning_rate == 0.05);
    REQUIRE(h.epochs.back().seconds >= 0);
}

TEST_CASE("non-finite step is caught", "[training][divergence]") {
    using net_type = network<input<2>, dense<4>, relu, dense<1>>;
    const auto data = xor_data();
    for (double rate : {1e30, 1e38}) {
        net_type net(1);
        trainer<net_type, losses::mse, optimizers::sgd> t(optimizers::sgd{.learning_rate = rate});
        CAPTURE(rate);
        REQUIRE_THROWS_AS(t.fit(net, data, {.epochs = 3, .batch_size = 4}), divergence_error);
        for (float p : net.parameters()) REQUIRE(std::isfinite(p));
    }
}

TEST_CASE("invalid learning rate is rejected", "[training][errors]") {
    using net_type = network<input<2>, dense<1>>;
    for (double rate : {std::numeric_limits<double>::quiet_NaN(), -0.1,
                        std::numeric_limits<double>::infinity()}) {
        net_type net;
        trainer<net_type, losses::mse, optimizers::sgd> t(optimizers::sgd{.learning_rate = rate});
        CAPTURE(rate);
        REQUIRE_THROWS_WITH(t.fit(net, xor_data(), {}), Contains("learning rate must be a finite"));
    }
}

TEST_CASE("forward rejects a batch over capacity", "[network][errors]") {
    using net_type = network<input<2>, dense<3>>;
    net_type net;
    workspace<net_type> work(2);
    std::vector<float> x(16 * 2);
    REQUIRE_THROWS_WITH(net.forward(work, x.data(), 16, {}),
                        Contains("batch of 16 samples exceeds the workspace capacity of 2"));
}

TEST_CASE("evaluate rejects empty data", "[training][errors]") {
    using net_type = network<input<2>, dense<3>>;
    net_type net;
    trainer<net_type, losses::cross_entropy, optimizers::sgd> t;
    REQUIRE_THROWS_WITH(t.evaluate(net, dataset(std::vector<float>{}, 2, std::vector<float>{}, 1)),
                        Contains("empty dataset"));
}
