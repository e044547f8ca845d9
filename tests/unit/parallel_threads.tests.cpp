// Data-parallel training on threads: the pool, and steps that match the
// one-thread step on a real network.

#include <atomic>
#include <cstring>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

#include "../support/parallel_support.hpp"

using namespace strata;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using strata_test::copy_parameters;
using strata_test::relative_difference;

namespace {

using classifier = network<input<784>, dense<64>, relu, dense<10>>;

// Inverted dropout with rate 1/2, for testing only: keeps each value with
// probability 1/2 and doubles it. The mask is drawn from the pass's random
// engine and kept in the scratch buffer for backward.
struct random_mask {
    static constexpr std::string_view name = "random_mask";
    template <std::size_t In>
    static constexpr std::size_t output_size = In;
    template <std::size_t In>
    static constexpr std::size_t parameter_count = 0;
    template <std::size_t In>
    static constexpr std::size_t weight_count = 0;
    template <std::size_t In>
    static constexpr std::size_t scratch_size = In;

    template <std::size_t In, class T>
    static void forward(const T*, const T* x, T* y, T* mask, std::size_t batch,
                        const pass_context& context) noexcept {
        for (std::size_t i = 0; i < batch * In; ++i) {
            const T keep = !context.training || context.random->uniform() < 0.5 ? T(2) : T(0);
            if (mask != nullptr) mask[i] = context.training ? keep : T(1);
            y[i] = context.training ? keep * x[i] : x[i];
        }
    }

    template <std::size_t In, class T>
    static void backward(const T*, const T*, const T*, const T* dy, T* dx, T*, const T* mask,
                         std::size_t batch) noexcept {
        if (dx == nullptr) return;
        for (std::size_t i = 0; i < batch * In; ++i) dx[i] = dy[i] * mask[i];
    }
};

// Records each gradient it is given and leaves the parameters unchanged.
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

// Trains a fresh classifier (seed 5) and returns its parameters.
template <class Optimizer>
std::vector<float> train_classifier(const dataset& data, Optimizer optimizer, fit_options options) {
    classifier net(5);
    trainer<classifier, losses::cross_entropy, Optimizer> t(optimizer);
    t.fit(net, data, options);
    return copy_parameters(net.parameters());
}

}  // namespace

TEST_CASE("thread pool runs every index once", "[parallel][threads]") {
    for (std::size_t size : {1u, 2u, 5u}) {
        parallel::thread_pool pool(size);
        REQUIRE(pool.size() == size);
        std::vector<std::atomic<int>> calls(size);
        auto task = [&](std::size_t i) { ++calls[i]; };
        for (int round = 0; round < 100; ++round) pool.run(task);
        for (auto& count : calls) REQUIRE(count == 100);
    }
}

TEST_CASE("thread pool rethrows the lowest index", "[parallel][threads]") {
    parallel::thread_pool pool(3);
    auto task = [](std::size_t i) {
        if (i >= 1) throw std::runtime_error("task " + std::to_string(i));
    };
    REQUIRE_THROWS_WITH(pool.run(task), "task 1");
    // The pool still works after a task threw.
    std::atomic<int> calls{0};
    auto count = [&](std::size_t) { ++calls; };
    pool.run(count);
    REQUIRE(calls == 3);
    REQUIRE_THROWS_WITH(parallel::thread_pool(0), Contains("at least 1, got 0"));
}

TEST_CASE("threads match one thread after one step", "[parallel][threads]") {
    const dataset data = strata_test::fashion_mnist_slice(256);
    const fit_options one_step{.epochs = 1, .batch_size = 256, .seed = 3};
    const auto sgd = optimizers::sgd{.learning_rate = 0.5};
    const auto reference = train_classifier(data, sgd, one_step);
    const auto start = copy_parameters(classifier(5).parameters());
    // The step is large compared with the tolerance.
    REQUIRE(relative_difference(reference, start) > 1e-2);

    for (std::size_t threads : {2u, 3u, 7u}) {
        INFO("threads: " << threads);
        auto options = one_step;
        options.threads = threads;
        const auto parallel_result = train_classifier(data, sgd, options);
        REQUIRE(relative_difference(parallel_result, reference) < 1e-5);
    }
}

TEST_CASE("threads match one thread after many steps", "[parallel][threads]") {
    const dataset data = strata_test::fashion_mnist_slice(1000);
    // 2 epochs of 4 batches of 256 and a last batch of 232: 10 Adam steps.
    const fit_options options{.epochs = 2, .batch_size = 256, .seed = 3};
    const auto adam = optimizers::adam{.learning_rate = 1e-3};
    const auto reference = train_classifier(data, adam, options);
    for (std::size_t threads : {2u, 3u}) {
        INFO("threads: " << threads);
        auto with_threads = options;
        with_threads.threads = threads;
        const auto parallel_result = train_classifier(data, adam, with_threads);
        REQUIRE(relative_difference(parallel_result, reference) < 1e-5);
    }
}

TEST_CASE("threads give the same history", "[parallel][threads]") {
    const dataset data = strata_test::fashion_mnist_slice(600);
    const auto run = [&](std::size_t threads) {
        classifier net(5);
        trainer<classifier, losses::cross_entropy, optimizers::adam> t;
        return t.fit(net, data, data, {.epochs = 2, .batch_size = 100, .threads = threads});
    };
    const auto one = run(1);
    const auto two = run(2);
    for (std::size_t e = 0; e < 2; ++e) {
        REQUIRE_THAT(two.epochs[e].train_loss, WithinAbs(one.epochs[e].train_loss, 1e-5));
        REQUIRE(two.epochs[e].train_metric == one.epochs[e].train_metric);
        REQUIRE_THAT(two.epochs[e].validation_loss, WithinAbs(one.epochs[e].validation_loss, 1e-5));
        REQUIRE(two.epochs[e].validation_metric == one.epochs[e].validation_metric);
    }
}

TEST_CASE("threads scale an mse gradient by the batch", "[parallel][threads]") {
    // mse divides by batch x outputs; the shards must still add up to that mean.
    using regressor = network<input<3>, dense<16>, strata::tanh, dense<2>>;
    std::vector<float> x(90 * 3), y(90 * 2);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.37f * static_cast<float>(i));
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = std::cos(0.11f * static_cast<float>(i));
    const dataset data(x, 3, y, 2);
    const auto run = [&](std::size_t threads) {
        regressor net(2);
        trainer<regressor, losses::mse, optimizers::sgd> t(optimizers::sgd{.learning_rate = 0.1});
        t.fit(net, data, {.epochs = 3, .batch_size = 32, .seed = 4, .threads = threads});
        return copy_parameters(net.parameters());
    };
    const auto one = run(1);
    REQUIRE(relative_difference(run(2), one) < 1e-5);
    REQUIRE(relative_difference(run(4), one) < 1e-5);
}

TEST_CASE("threads average a partial batch over its size", "[parallel][threads]") {
    // As in the one-thread test: 10 samples in batches of 4, the last of 2.
    // With 3 threads the last batch leaves thread 0 with no sample.
    using line = network<input<1>, dense<1>>;
    std::vector<float> x(10, 1.0f), y(10, 1.0f);
    y[8] = y[9] = std::sqrt(10.0f);
    const dataset data(x, 1, y, 1);
    line net;
    net.weights<0>()[0] = 0;
    std::vector<std::vector<float>> gradients;
    trainer<line, losses::mse, recording_optimizer> t(recording_optimizer{.gradients = &gradients});
    const auto h = t.fit(net, data, {.epochs = 1, .batch_size = 4, .shuffle = false, .threads = 3});
    REQUIRE(gradients.size() == 3);
    REQUIRE_THAT(h.epochs[0].train_loss, WithinAbs(2.8, 1e-6));
    const std::size_t bias_slot = line::layers[0].parameter_offset + 1;
    REQUIRE_THAT(gradients[0][bias_slot], WithinAbs(-2.0, 1e-6));
    REQUIRE_THAT(gradients[2][bias_slot], WithinAbs(-6.32456, 1e-5));
}

TEST_CASE("more threads than samples", "[parallel][threads]") {
    const dataset data = strata_test::fashion_mnist_slice(6);
    const fit_options options{.epochs = 2, .batch_size = 2, .seed = 1};
    const auto sgd = optimizers::sgd{.learning_rate = 0.1};
    const auto reference = train_classifier(data, sgd, options);
    auto many = options;
    many.threads = 5;
    REQUIRE(relative_difference(train_classifier(data, sgd, many), reference) < 1e-5);
}

TEST_CASE("threads reproduce dropout for one count", "[parallel][threads][reproducibility]") {
    using masked = network<input<784>, dense<32>, relu, random_mask, dense<10>>;
    const dataset data = strata_test::fashion_mnist_slice(300);
    const auto run = [&](std::size_t threads) {
        masked net(8);
        trainer<masked, losses::cross_entropy, optimizers::adam> t;
        t.fit(net, data, {.epochs = 2, .batch_size = 64, .seed = 9, .threads = threads});
        return copy_parameters(net.parameters());
    };
    for (std::size_t threads : {1u, 2u, 3u}) {
        INFO("threads: " << threads);
        const auto first = run(threads);
        const auto second = run(threads);
        REQUIRE(std::memcmp(first.data(), second.data(), first.size() * sizeof(float)) == 0);
    }
    // Each shard draws its own masks, so the thread count changes them.
    REQUIRE(relative_difference(run(2), run(1)) > 1e-3);
}

TEST_CASE("zero threads is rejected", "[parallel][threads][errors]") {
    const dataset data = strata_test::fashion_mnist_slice(4);
    classifier net;
    trainer<classifier, losses::cross_entropy, optimizers::sgd> t;
    REQUIRE_THROWS_WITH(t.fit(net, data, {.threads = 0}), Contains("threads must be at least 1, got 0"));
}
