// Learning-rate schedules against hand-computed rates, and the holder the
// trainer keeps them in.

#include <cmath>
#include <numbers>
#include <vector>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

using namespace strata;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

TEST_CASE("step decay rates", "[schedules]") {
    const schedules::step_decay step{.step_size = 3, .gamma = 0.5};
    REQUIRE(step.learning_rate(0, 0.1) == 0.1);
    REQUIRE(step.learning_rate(2, 0.1) == 0.1);
    REQUIRE_THAT(step.learning_rate(3, 0.1), WithinRel(0.05, 1e-12));
    REQUIRE_THAT(step.learning_rate(9, 0.1), WithinRel(0.0125, 1e-12));
}

TEST_CASE("exponential decay rates", "[schedules]") {
    const schedules::exponential_decay decay{.gamma = 0.8};
    REQUIRE(decay.learning_rate(0, 0.1) == 0.1);
    REQUIRE_THAT(decay.learning_rate(3, 0.1), WithinRel(0.1 * 0.512, 1e-12));
}

TEST_CASE("cosine rates", "[schedules]") {
    const schedules::cosine cosine{.t_max = 10, .minimum_rate = 0.01};
    REQUIRE_THAT(cosine.learning_rate(0, 0.1), WithinRel(0.1, 1e-12));
    REQUIRE_THAT(cosine.learning_rate(5, 0.1), WithinRel(0.055, 1e-12));
    REQUIRE_THAT(cosine.learning_rate(10, 0.1), WithinRel(0.01, 1e-12));
    // Past t_max the rate rises along the same cosine.
    REQUIRE_THAT(cosine.learning_rate(15, 0.1), WithinRel(0.055, 1e-12));
}

TEST_CASE("plateau reduces after patience", "[schedules][plateau]") {
    schedules::reduce_on_plateau plateau{.factor = 0.5, .patience = 2, .minimum_rate = 0.02};
    plateau.start(0.1);
    const std::vector<double> losses{1.0, 0.9, 0.9, 0.9, 0.95, 0.91, 0.91, 0.91, 0.91, 0.91, 0.91};
    // The third epoch without improvement exceeds a patience of 2; the
    // rates are those of PyTorch 1.13's ReduceLROnPlateau on these losses.
    const std::vector<double> expected{0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025,
                                       0.02};
    for (std::size_t i = 0; i < losses.size(); ++i) {
        plateau.record(losses[i]);
        CAPTURE(i);
        REQUIRE_THAT(plateau.learning_rate(i, 0.1), WithinRel(expected[i], 1e-12));
    }
    plateau.start(0.3);
    REQUIRE(plateau.learning_rate(0, 0.1) == 0.3);
}

TEST_CASE("plateau cooldown and threshold", "[schedules][plateau]") {
    schedules::reduce_on_plateau plateau{.factor = 0.1, .patience = 0, .threshold = 0.1,
                                         .cooldown = 2};
    plateau.start(1.0);
    plateau.record(1.0);   // the first loss is an improvement over infinity
    REQUIRE(plateau.learning_rate(0, 1.0) == 1.0);
    plateau.record(0.95);  // less than 10% better: a bad epoch, so the rate drops
    REQUIRE_THAT(plateau.learning_rate(1, 1.0), WithinRel(0.1, 1e-12));
    plateau.record(2.0);   // cooldown: not counted
    plateau.record(2.0);
    REQUIRE_THAT(plateau.learning_rate(3, 1.0), WithinRel(0.1, 1e-12));
    plateau.record(2.0);
    REQUIRE_THAT(plateau.learning_rate(4, 1.0), WithinRel(0.01, 1e-12));
}

TEST_CASE("schedule holder copies its state", "[schedules]") {
    learning_rate_schedule empty;
    REQUIRE_FALSE(empty);
    REQUIRE(empty.name() == "constant");
    empty.start(0.4);
    REQUIRE(empty.learning_rate(7) == 0.4);

    learning_rate_schedule held = schedules::reduce_on_plateau{.factor = 0.5, .patience = 0};
    REQUIRE(held.name() == "plateau");
    held.start(1.0);
    held.record(1.0);
    learning_rate_schedule copy = held;
    copy.record(1.0);
    REQUIRE(copy.learning_rate(2) == 0.5);
    REQUIRE(held.learning_rate(2) == 1.0);
}

TEST_CASE("trainer applies the schedule per epoch", "[schedules][training]") {
    using line = network<input<1>, dense<1>>;
    const dataset data(std::vector<float>{1, 2}, 1, std::vector<float>{1, 3}, 1);
    line net;
    trainer<line, losses::mse, optimizers::sgd> t(optimizers::sgd{.learning_rate = 0.01});
    t.schedule = schedules::step_decay{.step_size = 2, .gamma = 0.1};
    const auto h = t.fit(net, data, {.epochs = 5, .batch_size = 1});
    const std::vector<double> expected{0.01, 0.01, 0.001, 0.001, 0.0001};
    for (std::size_t i = 0; i < 5; ++i)
        REQUIRE_THAT(h.epochs[i].learning_rate, WithinRel(expected[i], 1e-12));
    REQUIRE(t.optimizer().learning_rate == 0.01);
    // A second fit starts again from the initial rate.
    const auto again = t.fit(net, data, {.epochs = 1, .batch_size = 1});
    REQUIRE(again.epochs[0].learning_rate == 0.01);
}

TEST_CASE("trainer restores the rate after divergence", "[schedules][training]") {
    // x = 1, y = 0 with lr 1.5: w + b is multiplied by -5 each step, so the loss overflows.
    using line = network<input<1>, dense<1>>;
    const dataset data(std::vector<float>{1}, 1, std::vector<float>{0}, 1);
    line net;
    net.weights<0>()[0] = 1;
    trainer<line, losses::mse, optimizers::sgd> t(optimizers::sgd{.learning_rate = 1.5});
    t.schedule = schedules::exponential_decay{.gamma = 1.5};
    REQUIRE_THROWS_AS(t.fit(net, data, {.epochs = 100, .batch_size = 1}), divergence_error);
    REQUIRE(t.optimizer().learning_rate == 1.5);
}
