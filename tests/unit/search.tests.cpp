// Grid and random search over hyperparameters and architectures.

#include <cmath>
#include <numbers>
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

using namespace strata;
using Catch::Matchers::Contains;

namespace {

using small = network<input<1>, dense<4>, strata::tanh, dense<1>>;
using wider = network<input<1>, dense<16>, strata::tanh, dense<1>>;
using deeper = network<input<1>, dense<8>, strata::tanh, dense<8>, strata::tanh, dense<1>>;

// sin(pi x) on [-1, 1]; `offset` shifts the sample points between sets.
dataset sine(std::size_t size, double offset) {
    std::vector<float> x, y;
    for (std::size_t i = 0; i < size; ++i) {
        const double v = -1.0 + 2.0 * (static_cast<double>(i) + offset) / static_cast<double>(size);
        x.push_back(static_cast<float>(v));
        y.push_back(static_cast<float>(std::sin(std::numbers::pi * v)));
    }
    return dataset(x, 1, y, 1);
}

}  // namespace

TEST_CASE("architecture names and visit", "[search]") {
    REQUIRE(architecture_name<deeper>() == "1-8-8-1");
    using list = architectures<small, wider, deeper>;
    REQUIRE(list::size == 3);
    REQUIRE(list::name(1) == "1-16-1");
    std::size_t parameters = 0;
    list::visit(2, [&]<class Net>(std::type_identity<Net>) { parameters = Net::parameter_count; });
    REQUIRE(parameters == deeper::parameter_count);
    REQUIRE_THROWS_WITH(list::visit(3, [](auto) {}), Contains("index 3 is out of range"));
}

TEST_CASE("grid search runs every combination", "[search]") {
    const auto train = sine(64, 0.0);
    const auto validation = sine(32, 0.5);
    const search_grid grid{.learning_rates = {0.003, 0.03}, .batch_sizes = {16},
                           .l2_strengths = {0.0, 1e-3}};
    std::vector<std::size_t> seen;
    const auto result = grid_search<losses::mse, optimizers::adam>(
        architectures<small, deeper>{}, train, validation, grid, {.epochs = 3, .seed = 1},
        [&](const trial_result& t) { seen.push_back(t.index); });
    REQUIRE(result.trials.size() == 8);
    REQUIRE(seen == std::vector<std::size_t>{1, 2, 3, 4, 5, 6, 7, 8});
    REQUIRE(result.trials[0].architecture_name == "1-4-1");
    REQUIRE(result.trials[4].architecture_name == "1-8-8-1");
    REQUIRE(result.trials[1].parameters.l2_strength == 1e-3);
    REQUIRE(result.trials[2].parameters.learning_rate == 0.03);
    for (const auto& t : result.trials) {
        REQUIRE(t.epochs == 3);
        REQUIRE(std::isfinite(t.validation_error));
        REQUIRE(result.winner().validation_error <= t.validation_error);
    }
    const auto table = format_search_table(result);
    REQUIRE_THAT(table, Contains("validation error"));
    REQUIRE_THAT(table, Contains("winner: trial " + std::to_string(result.winner().index)));
    REQUIRE_THAT(table, Contains("*" + std::string(4 - std::to_string(result.winner().index).size(), ' ') +
                                 std::to_string(result.winner().index)));
}

TEST_CASE("grid search over drop rates", "[search][dropout]") {
    using with_dropout = network<input<1>, dense<16>, strata::tanh,
                                 dropout<drop_rate<1, 10>>, dense<1>>;
    const auto train = sine(64, 0.0);
    const auto validation = sine(32, 0.5);
    const search_grid grid{.learning_rates = {0.01}, .batch_sizes = {16},
                           .drop_rates = {0.0, 0.5}};
    const auto result = grid_search<losses::mse, optimizers::adam>(
        architectures<with_dropout>{}, train, validation, grid, {.epochs = 3, .seed = 1});
    REQUIRE(result.trials.size() == 2);
    REQUIRE(result.trials[0].parameters.drop_rate == 0.0);
    REQUIRE(result.trials[1].parameters.drop_rate == 0.5);
    // Dropping half the hidden units changes the training path.
    REQUIRE(result.trials[0].train_error != Approx(result.trials[1].train_error).epsilon(1e-9));
    REQUIRE_THAT(format_search_table(result), Contains("dropout"));

    const search_grid bad{.drop_rates = {1.0}};
    REQUIRE_THROWS_WITH((grid_search<losses::mse, optimizers::adam>(
                            architectures<with_dropout>{}, train, validation, bad, {.epochs = 1})),
                        Contains("drop rate 1.000000 is outside [0, 1)"));
}

TEST_CASE("grid search is reproducible", "[search]") {
    const auto train = sine(32, 0.0);
    const auto validation = sine(16, 0.5);
    const search_grid grid{.learning_rates = {0.01}, .batch_sizes = {8}, .l2_strengths = {0.0}};
    const auto run = [&] {
        return grid_search<losses::mse, optimizers::adam>(architectures<small>{}, train,
                                                          validation, grid, {.epochs = 2, .seed = 5})
            .winner()
            .validation_error;
    };
    REQUIRE(run() == run());
}

TEST_CASE("search with a target picks the fastest", "[search]") {
    const auto train = sine(64, 0.0);
    const auto validation = sine(32, 0.5);
    const search_grid grid{.learning_rates = {0.001, 0.03}, .batch_sizes = {8, 32},
                           .l2_strengths = {0.0}};
    // Loose enough that some trials reach it within 20 epochs.
    search_budget budget{.epochs = 20, .seed = 2};
    budget.target_validation_error = 0.2;
    const auto result = grid_search<losses::mse, optimizers::adam>(architectures<wider>{}, train,
                                                                   validation, grid, budget);
    REQUIRE(result.target_reached);
    const auto& winner = result.winner();
    REQUIRE_FALSE(std::isnan(winner.seconds_to_target));
    for (const auto& t : result.trials)
        if (!std::isnan(t.seconds_to_target)) REQUIRE(winner.seconds_to_target <= t.seconds_to_target);
    REQUIRE_THAT(format_search_table(result), Contains("first to reach the target"));

    budget.target_validation_error = -1.0;  // unreachable: lowest validation error wins
    const auto fallback = grid_search<losses::mse, optimizers::adam>(architectures<wider>{}, train,
                                                                     validation, grid, budget);
    REQUIRE_FALSE(fallback.target_reached);
    for (const auto& t : fallback.trials) REQUIRE(fallback.winner().validation_error <= t.validation_error);
    REQUIRE_THAT(format_search_table(fallback), Contains("no trial reached the target"));
}

TEST_CASE("random search draws within ranges", "[search]") {
    const auto train = sine(32, 0.0);
    const auto validation = sine(16, 0.5);
    const search_ranges ranges{.min_learning_rate = 1e-3, .max_learning_rate = 1e-1,
                               .batch_sizes = {4, 8, 16}, .min_l2_strength = 1e-5,
                               .max_l2_strength = 1e-3};
    const auto run = [&](std::uint64_t seed) {
        return random_search<losses::mse, optimizers::adam>(architectures<small, wider, deeper>{},
                                                            train, validation, ranges, 12,
                                                            {.epochs = 1}, seed);
    };
    const auto result = run(9);
    REQUIRE(result.trials.size() == 12);
    std::set<std::size_t> architectures_seen;
    for (const auto& t : result.trials) {
        REQUIRE(t.parameters.learning_rate >= 1e-3);
        REQUIRE(t.parameters.learning_rate <= 1e-1);
        REQUIRE(t.parameters.l2_strength >= 1e-5);
        REQUIRE(t.parameters.l2_strength <= 1e-3);
        REQUIRE(std::set<std::size_t>{4, 8, 16}.count(t.parameters.batch_size) == 1);
        architectures_seen.insert(t.architecture);
    }
    REQUIRE(architectures_seen.size() == 3);
    const auto again = run(9);
    const auto other = run(10);
    REQUIRE(again.trials[5].parameters.learning_rate == result.trials[5].parameters.learning_rate);
    REQUIRE(other.trials[5].parameters.learning_rate != result.trials[5].parameters.learning_rate);
}

TEST_CASE("search marks diverged trials", "[search]") {
    const auto train = sine(32, 0.0);
    const auto validation = sine(16, 0.5);
    const search_grid grid{.learning_rates = {1e6, 0.01}, .batch_sizes = {32}, .l2_strengths = {0.0}};
    const auto result = grid_search<losses::mse, optimizers::sgd>(architectures<deeper>{}, train,
                                                                  validation, grid, {.epochs = 30});
    REQUIRE(result.trials[0].diverged);
    REQUIRE_FALSE(result.trials[1].diverged);
    REQUIRE(result.best == 1);
    REQUIRE_THAT(format_search_table(result), Contains("diverged"));
}

TEST_CASE("search rejects bad settings", "[search]") {
    const auto data = sine(8, 0.0);
    using list = architectures<small>;
    REQUIRE_THROWS_WITH((grid_search<losses::mse, optimizers::adam>(list{}, data, data, {},
                                                                    {.epochs = 0})),
                        Contains("epochs must be at least 1"));
    REQUIRE_THROWS_WITH((grid_search<losses::mse, optimizers::adam>(list{}, data, dataset{}, {}, {})),
                        Contains("validation data is empty"));
    REQUIRE_THROWS_WITH((grid_search<losses::mse, optimizers::adam>(
                            list{}, data, data, search_grid{.learning_rates = {}}, {})),
                        Contains("at least one value"));
    REQUIRE_THROWS_WITH((random_search<losses::mse, optimizers::adam>(
                            list{}, data, data, search_ranges{.min_l2_strength = 0,
                                                              .max_l2_strength = 1e-3},
                            2, {}, 1)),
                        Contains("log-uniformly"));
}
