// Early stopping, the time budget, the held-out test set and the diagnosis.

#include <cmath>
#include <cstring>
#include <vector>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

using namespace strata;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;

namespace {

using line = network<input<1>, dense<1>>;

// sgd that keeps the bias of a 1 -> 1 dense layer fixed, for a no-bias line.
struct no_bias_sgd : optimizers::sgd {
    template <class T, std::size_t Size>
    void step(state<T, Size>& s, T* p, const T* g) const {
        std::array<T, Size> masked{};
        masked[0] = g[0];  // the weight; the bias slot stays fixed at 0
        optimizers::sgd::step(s, p, masked.data());
    }
};

// y = 3 x - 1 on 16 points; sgd moves the weights every epoch.
dataset line_data() {
    std::vector<float> x, y;
    for (int i = 0; i < 16; ++i) {
        x.push_back(static_cast<float>(i) / 8.0f - 1.0f);
        y.push_back(3.0f * x.back() - 1.0f);
    }
    return dataset(x, 1, y, 1);
}

std::vector<float> weights_of(const line& net) {
    return {net.parameters().begin(), net.parameters().end()};
}

bool bitwise_equal(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

struct scripted_run {
    history record;
    std::vector<std::vector<float>> snapshots;  // weights after each epoch
    std::vector<float> final_weights;
};

// Trains on line_data() with validation losses taken from `losses` by epoch.
scripted_run run_scripted(const std::vector<double>& losses, std::size_t epochs,
                          early_stopping settings) {
    line net(7);
    trainer<line, losses::mse, optimizers::sgd> t(optimizers::sgd{.learning_rate = 0.05});
    scripted_run run;
    t.validation_evaluator = [&](const line&, std::size_t epoch) {
        return evaluation{losses.at(epoch - 1), 0.0, 1};
    };
    t.on_epoch_end = [&](const epoch_record&) { run.snapshots.push_back(weights_of(net)); };
    fit_options options{.epochs = epochs, .batch_size = 4, .seed = 3};
    options.early_stop = settings;
    run.record = t.fit(net, line_data(), line_data(), options);
    run.final_weights = weights_of(net);
    return run;
}

// Two clusters per class in the XOR pattern, with Gaussian spread `spread`.
dataset xor_clusters(std::size_t per_cluster, double spread, std::uint64_t seed) {
    random_engine engine(seed);
    std::vector<float> x, y;
    const float centers[4][2] = {{-1, -1}, {1, 1}, {-1, 1}, {1, -1}};
    for (std::size_t c = 0; c < 4; ++c)
        for (std::size_t i = 0; i < per_cluster; ++i) {
            x.push_back(centers[c][0] + static_cast<float>(spread * engine.normal()));
            x.push_back(centers[c][1] + static_cast<float>(spread * engine.normal()));
            y.push_back(c < 2 ? 0.0f : 1.0f);
        }
    return dataset(x, 2, y, 1);
}

// 20 Gaussian features; the label is x0 > 0, flipped for `noise` of the samples.
dataset noisy_labels(std::size_t size, double noise, std::uint64_t seed) {
    random_engine engine(seed);
    std::vector<float> x, y;
    for (std::size_t i = 0; i < size; ++i) {
        for (int j = 0; j < 20; ++j) x.push_back(static_cast<float>(engine.normal()));
        const bool label = x[x.size() - 20] > 0;
        y.push_back((engine.uniform() < noise) != label ? 1.0f : 0.0f);
    }
    return dataset(x, 20, y, 1);
}

}  // namespace

TEST_CASE("early stopping restores best at epoch limit", "[training][early_stopping]") {
    const auto run = run_scripted({5, 4, 3, 2, 1.5, 1.6, 1.7}, 7, {.patience = 5});
    REQUIRE(run.record.epochs.size() == 7);
    REQUIRE(run.record.stopped_by == stop_reason::epoch_limit);
    REQUIRE(run.record.best_epoch == 5);
    REQUIRE(run.record.best_validation_loss == 1.5);
    REQUIRE(run.record.restored_best);
    REQUIRE(bitwise_equal(run.final_weights, run.snapshots[4]));
    REQUIRE_FALSE(bitwise_equal(run.final_weights, run.snapshots[6]));
}

TEST_CASE("early stopping stops after patience", "[training][early_stopping]") {
    const auto run =
        run_scripted({5, 4, 3, 3.1, 3.2, 3.3, 3.4, 3.5, 3.6, 3.7}, 10, {.patience = 3});
    REQUIRE(run.record.epochs.size() == 6);
    REQUIRE(run.record.stopped_by == stop_reason::early_stopping);
    REQUIRE(run.record.best_epoch == 3);
    REQUIRE(run.record.best_validation_loss == 3.0);
    REQUIRE(bitwise_equal(run.final_weights, run.snapshots[2]));
}

TEST_CASE("early stopping min_delta", "[training][early_stopping]") {
    // 3.95 improves on 4 by less than min_delta 0.1, so it does not count.
    const auto run = run_scripted({5, 4, 3.95, 3.92, 3.91, 1}, 6, {.patience = 3, .min_delta = 0.1});
    REQUIRE(run.record.epochs.size() == 5);
    REQUIRE(run.record.best_epoch == 2);
    REQUIRE(bitwise_equal(run.final_weights, run.snapshots[1]));
}

TEST_CASE("early stopping without restore", "[training][early_stopping]") {
    const auto run =
        run_scripted({5, 4, 3, 3.1, 3.2, 3.3}, 6, {.patience = 3, .restore_best = false});
    REQUIRE(run.record.best_epoch == 3);
    REQUIRE_FALSE(run.record.restored_best);
    REQUIRE(bitwise_equal(run.final_weights, run.snapshots[5]));
}

TEST_CASE("early stopping rejects bad settings", "[training][early_stopping]") {
    line net;
    trainer<line, losses::mse, optimizers::sgd> t;
    fit_options options{.epochs = 2};
    options.early_stop = early_stopping{};
    REQUIRE_THROWS_WITH(t.fit(net, line_data(), options), Contains("watches the validation loss"));
    options.early_stop = early_stopping{.patience = 0};
    REQUIRE_THROWS_WITH(t.fit(net, line_data(), line_data(), options),
                        Contains("patience must be at least 1"));
    options.early_stop = early_stopping{.min_delta = -1};
    REQUIRE_THROWS_AS(t.fit(net, line_data(), line_data(), options), config_error);
}

TEST_CASE("best epoch reported without early stopping", "[training][early_stopping]") {
    line net(7);
    trainer<line, losses::mse, optimizers::sgd> t(optimizers::sgd{.learning_rate = 0.05});
    const std::vector<double> losses{5, 2, 3, 4};
    t.validation_evaluator = [&](const line&, std::size_t epoch) {
        return evaluation{losses[epoch - 1], 0.0, 1};
    };
    std::vector<float> last;
    t.on_epoch_end = [&](const epoch_record&) { last = weights_of(net); };
    const auto h = t.fit(net, line_data(), line_data(), {.epochs = 4, .batch_size = 4});
    REQUIRE(h.best_epoch == 2);
    REQUIRE(h.best_validation_loss == 2.0);
    REQUIRE_FALSE(h.restored_best);
    REQUIRE(bitwise_equal(weights_of(net), last));
}

TEST_CASE("time budget stops training", "[training][time_budget]") {
    line net;
    trainer<line, losses::mse, optimizers::sgd> t;
    fit_options options{.epochs = 50, .batch_size = 4};
    options.time_budget_seconds = 1e-9;
    const auto h = t.fit(net, line_data(), options);
    REQUIRE(h.epochs.size() == 1);
    REQUIRE(h.stopped_by == stop_reason::time_budget);
    options.time_budget_seconds = -1;
    REQUIRE_THROWS_WITH(t.fit(net, line_data(), options), Contains("time_budget_seconds"));
}

TEST_CASE("divergence restores best weights", "[training][early_stopping][divergence]") {
    // No-bias line, w = 1 on x = 1, y = 0, sgd lr 1.5: w -> -2 w each step,
    // and the loss 4^k overflows float in epoch 65. Epoch 1 (w = -2) has the
    // best scripted validation loss.
    const dataset data(std::vector<float>{1}, 1, std::vector<float>{0}, 1);
    line net;
    net.weights<0>()[0] = 1;
    net.bias<0>()[0] = 0;
    trainer<line, losses::mse, no_bias_sgd> t(no_bias_sgd{{.learning_rate = 1.5}});
    t.validation_evaluator = [](const line&, std::size_t epoch) {
        return evaluation{epoch == 1 ? 1.0 : 2.0, 0.0, 1};
    };
    fit_options options{.epochs = 100, .batch_size = 1};
    options.early_stop = early_stopping{.patience = 100};
    try {
        t.fit(net, data, data, options);
        FAIL("fit returned although the loss overflowed");
    } catch (const divergence_error& error) {
        REQUIRE(error.epoch() == 65);
        REQUIRE(error.batch() == 0);
        REQUIRE_THAT(error.what(), Contains("epoch 65, batch 0"));
        REQUIRE_THAT(error.what(), Contains("restored the best weights, from epoch 1"));
    }
    REQUIRE(net.weights<0>()[0] == -2.0f);
}

TEST_CASE("on_batch_end reports batch losses", "[training]") {
    // w = b = 0, x = 1, y = 1 for samples 0-7 and sqrt(10) for 8-9, shuffle off.
    std::vector<float> x(10, 1.0f), y(10, 1.0f);
    y[8] = y[9] = std::sqrt(10.0f);
    line net;
    net.weights<0>()[0] = 0;
    trainer<line, losses::mse, optimizers::sgd> t(optimizers::sgd{.learning_rate = 0});
    std::vector<batch_record> batches;
    t.on_batch_end = [&](const batch_record& b) { batches.push_back(b); };
    t.fit(net, dataset(x, 1, y, 1), {.epochs = 1, .batch_size = 4, .shuffle = false});
    REQUIRE(batches.size() == 3);
    REQUIRE(batches[2].epoch == 1);
    REQUIRE(batches[2].batch == 2);
    REQUIRE(batches[2].samples == 2);
    REQUIRE_THAT(batches[0].loss, WithinAbs(1.0, 1e-6));
    REQUIRE_THAT(batches[2].loss, WithinAbs(10.0, 1e-5));
}

TEST_CASE("held-out test set evaluates once", "[dataset][held_out]") {
    auto parts = split(line_data(), split_fractions{0.5, 0.25, 0.25}, 1);
    REQUIRE(parts.test.size() == 4);
    line net;
    trainer<line, losses::mse, optimizers::sgd> t;
    t.fit(net, parts.train, parts.validation, {.epochs = 2, .batch_size = 4});
    REQUIRE_FALSE(parts.test.evaluated());
    const auto first = parts.test.evaluate_once(t, net);
    REQUIRE(first.samples == 4);
    REQUIRE(parts.test.evaluated());
    REQUIRE_THROWS_AS(parts.test.evaluate_once(t, net), held_out_error);
    REQUIRE_THROWS_WITH(parts.test.evaluate_once(t, net), Contains("was already evaluated"));

    // Moving the set keeps its state.
    held_out<float> moved = std::move(parts.test);
    REQUIRE_THROWS_AS(moved.evaluate_once(t, net), held_out_error);
}

TEST_CASE("held-out set stays unused after a failed evaluation", "[dataset][held_out]") {
    auto test = hold_out(dataset(std::vector<float>{1, 2, 3, 4}, 2, std::vector<float>{0, 1}, 1));
    line net;
    trainer<line, losses::mse, optimizers::sgd> t;
    REQUIRE_THROWS_AS(test.evaluate_once(t, net), data_error);  // 2 features for a 1-wide input
    REQUIRE_FALSE(test.evaluated());
}

TEST_CASE("diagnosis of an underfit model", "[diagnosis]") {
    // A linear classifier cannot separate XOR clusters.
    using linear = network<input<2>, dense<2>>;
    const auto train = xor_clusters(50, 0.3, 1);
    const auto validation = xor_clusters(25, 0.3, 2);
    linear net(1);
    trainer<linear, losses::cross_entropy, optimizers::adam> t(optimizers::adam{.learning_rate = 0.05});
    const auto h = t.fit(net, train, validation, {.epochs = 40, .batch_size = 20, .seed = 1});
    const auto d = diagnose(h);
    CAPTURE(d.train_error, d.validation_error);
    REQUIRE(d.train_error > 0.2);
    REQUIRE(d.verdict == fit_verdict::underfitting);
    REQUIRE_THAT(d.report(), Contains("underfitting: training error"));
    REQUIRE_THAT(d.report(), Contains("larger network"));

    // The same data with a hidden layer is fit well: balanced.
    using hidden = network<input<2>, dense<16>, strata::tanh, dense<2>>;
    hidden better(1);
    trainer<hidden, losses::cross_entropy, optimizers::adam> t2(optimizers::adam{.learning_rate = 0.05});
    const auto h2 = t2.fit(better, train, validation, {.epochs = 40, .batch_size = 20, .seed = 1});
    const auto d2 = diagnose(h2);
    CAPTURE(d2.train_error, d2.validation_error);
    REQUIRE(d2.verdict == fit_verdict::balanced);
}

TEST_CASE("diagnosis of an overfit model", "[diagnosis]") {
    // 64 samples with 30 % flipped labels: a wide network memorizes them.
    using wide = network<input<20>, dense<128>, relu, dense<2>>;
    const auto train = noisy_labels(64, 0.3, 3);
    const auto validation = noisy_labels(200, 0.3, 4);
    wide net(2);
    trainer<wide, losses::cross_entropy, optimizers::adam> t(optimizers::adam{.learning_rate = 0.01});
    const auto h = t.fit(net, train, validation, {.epochs = 150, .batch_size = 16, .seed = 2});
    const auto d = diagnose(h);
    CAPTURE(d.train_error, d.validation_error);
    REQUIRE(d.train_error < 0.05);
    REQUIRE(d.validation_error > 0.25);
    REQUIRE(d.verdict == fit_verdict::overfitting);
    REQUIRE_THAT(d.report(), Contains("below 50 % of the validation error"));

    // Early stopping judges the restored best epoch instead of the last one.
    wide stopped(2);
    fit_options options{.epochs = 150, .batch_size = 16, .seed = 2};
    options.early_stop = early_stopping{.patience = 10};
    const auto h2 = t.fit(stopped, train, validation, options);
    REQUIRE(diagnose(h2).epoch == h2.best_epoch);
}

TEST_CASE("diagnosis thresholds", "[diagnosis]") {
    history h;
    h.loss_name = "mse";
    h.metric_name = "mean absolute error";
    const auto judge = [&](double train, double validation, diagnosis_thresholds limits) {
        h.epochs = {epoch_record{.epoch = 1, .train_loss = train, .validation_loss = validation}};
        return diagnose(h, limits).verdict;
    };
    const diagnosis_thresholds limits{.acceptable_train_error = 0.1, .max_relative_gap = 0.5,
                                      .min_gap = 0.01};
    REQUIRE(judge(0.1, 0.1, limits) == fit_verdict::balanced);
    REQUIRE(judge(0.11, 0.12, limits) == fit_verdict::underfitting);
    REQUIRE(judge(0.05, 0.1, limits) == fit_verdict::balanced);  // exactly half: not below
    REQUIRE(judge(0.04, 0.1, limits) == fit_verdict::overfitting);
    REQUIRE(judge(0.002, 0.01, limits) == fit_verdict::balanced);  // gap under min_gap
    REQUIRE(judge(0.2, 0.5, limits) == fit_verdict::underfitting_and_overfitting);

    h.epochs = {epoch_record{.epoch = 1}};
    REQUIRE_THROWS_WITH(diagnose(h), Contains("no validation figures"));
    h.epochs.clear();
    REQUIRE_THROWS_WITH(diagnose(h), Contains("no epochs"));
}
