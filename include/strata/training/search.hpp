#pragma once
// Grid and random search over run-time hyperparameters (learning rate,
// batch size, L2 strength) and over architectures given as a compile-time
// list of network types. Searches take the training and validation data
// only; a held-out test set has no way in.

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "../error.hpp"
#include "../random.hpp"
#include "../regularizers/l2.hpp"
#include "dataset.hpp"
#include "diagnosis.hpp"
#include "trainer.hpp"

namespace strata {

/// Returns the widths of `Net` from input to output through its layers with
/// parameters, such as "784-64-10".
template <class Net>
std::string architecture_name() {
    std::string name = std::to_string(Net::input_size);
    for (const auto& layer : Net::layers)
        if (layer.parameter_count > 0) {
            name += '-';  // appended apart: "-" + to_string trips GCC 12's -Wrestrict (bug 105329)
            name += std::to_string(layer.output_size);
        }
    return name;
}

/// A compile-time list of network types to search over. They must share
/// the element type and the input and output widths.
template <class... Nets>
struct architectures {
    static_assert(sizeof...(Nets) > 0, "strata::architectures: list at least one network type");
    using first = std::tuple_element_t<0, std::tuple<Nets...>>;
    using value_type = typename first::value_type;
    static_assert((std::is_same_v<typename Nets::value_type, value_type> && ...),
                  "strata::architectures: every network must have the same element type");
    static_assert(((Nets::input_size == first::input_size) && ...),
                  "strata::architectures: every network must have the same input width");
    static_assert(((Nets::output_size == first::output_size) && ...),
                  "strata::architectures: every network must have the same output width");

    static constexpr std::size_t size = sizeof...(Nets);

    /// Calls `f(std::type_identity<Net>{})` with the network type at `index`,
    /// for example to train the winner of a search again.
    template <class F>
    static void visit(std::size_t index, F&& f) {
        if (index >= size)
            throw config_error("architectures::visit: index " + std::to_string(index) +
                               " is out of range for " + std::to_string(size) + " networks");
        std::size_t i = 0;
        (void)((i++ == index ? (f(std::type_identity<Nets>{}), true) : false) || ...);
    }

    /// architecture_name() of the network type at `index`.
    static std::string name(std::size_t index) {
        std::string result;
        visit(index, [&]<class Net>(std::type_identity<Net>) { result = architecture_name<Net>(); });
        return result;
    }
};

/// The run-time hyperparameters of one trial.
struct hyperparameters {
    double learning_rate = 1e-3;
    std::size_t batch_size = 32;
    double l2_strength = 0;  ///< 0 turns the L2 penalty off
    /// Run-time drop rate of every dropout layer, in [0, 1); 0 passes inputs
    /// through. Architectures without a dropout layer ignore it.
    double drop_rate = 0;
};

/// The values a grid search combines: every architecture with every
/// learning rate, batch size, L2 strength and drop rate.
struct search_grid {
    std::vector<double> learning_rates{1e-3};
    std::vector<std::size_t> batch_sizes{32};
    std::vector<double> l2_strengths{0.0};
    std::vector<double> drop_rates{0.0};
};

/// The ranges a random search draws from: learning rate and L2 strength
/// log-uniformly between their bounds (an L2 range of [0, 0] turns it off),
/// batch size, drop rate and architecture uniformly from their lists.
struct search_ranges {
    double min_learning_rate = 1e-4;
    double max_learning_rate = 1e-2;
    std::vector<std::size_t> batch_sizes{32};
    double min_l2_strength = 0;
    double max_l2_strength = 0;
    std::vector<double> drop_rates{0.0};
};

/// The budget of each trial and the rule that picks the winner.
struct search_budget {
    std::size_t epochs = 5;  ///< epochs per trial
    double seconds = 0;      ///< wall-clock limit per trial, checked after each epoch; 0: none
    /// When set, the winner is the trial that reached this validation error
    /// (in the units of error_of()) in the least time. Without a target, or
    /// when no trial reached it, the lowest final validation error wins.
    std::optional<double> target_validation_error = std::nullopt;
    /// Seeds initialization and shuffling, the same for every trial, so
    /// trials differ only in what the search varies.
    std::uint64_t seed = 0;
};

/// The outcome of one trial. Errors are those of error_of(): 1 - accuracy
/// for classification, the loss otherwise; they are the last epoch's.
struct trial_result {
    std::size_t index = 0;  ///< from 1, in the order trials ran
    std::size_t architecture = 0;
    std::string architecture_name;
    hyperparameters parameters;
    std::size_t epochs = 0;
    double seconds = 0;
    double train_error = std::numeric_limits<double>::infinity();
    double validation_error = std::numeric_limits<double>::infinity();
    double validation_loss = std::numeric_limits<double>::infinity();
    /// Seconds until the validation error first reached the target; NaN if never.
    double seconds_to_target = std::numeric_limits<double>::quiet_NaN();
    bool diverged = false;
};

/// All trials of a search and the index of the winner in `trials`.
struct search_result {
    std::vector<trial_result> trials;
    std::size_t best = 0;
    std::string error_name;
    /// The target of search_budget, if one was set.
    std::optional<double> target_validation_error = std::nullopt;
    /// True when a target was set and at least one trial reached it.
    bool target_reached = false;

    const trial_result& winner() const { return trials.at(best); }
};

/// Called after each trial, for reporters that print as the search runs.
using trial_observer = std::function<void(const trial_result&)>;

namespace detail {

inline void check_drop_rates(const std::vector<double>& rates, const char* search) {
    for (double rate : rates)
        if (!(rate >= 0 && rate < 1))
            throw config_error(std::string(search) + ": drop rate " + std::to_string(rate) +
                               " is outside [0, 1); a drop rate is the probability that a unit "
                               "is zeroed");
}

template <class Net, class Loss, class Optimizer>
trial_result run_trial(const basic_dataset<typename Net::value_type>& train,
                       const basic_dataset<typename Net::value_type>& validation,
                       const hyperparameters& parameters, const search_budget& budget) {
    trial_result result;
    result.architecture_name = architecture_name<Net>();
    result.parameters = parameters;

    Net net(budget.seed);
    Optimizer optimizer{};
    optimizer.learning_rate = parameters.learning_rate;
    trainer<Net, Loss, Optimizer, regularizers::l2> t(
        optimizer, regularizers::l2{.strength = parameters.l2_strength});
    const std::string metric_name(Loss::metric_name);
    double elapsed = 0;
    t.on_epoch_end = [&](const epoch_record& e) {
        elapsed += e.seconds;
        const double error = error_of(metric_name, e.validation_loss, e.validation_metric);
        if (budget.target_validation_error && std::isnan(result.seconds_to_target) &&
            error <= *budget.target_validation_error)
            result.seconds_to_target = elapsed;
    };
    fit_options options{.epochs = budget.epochs, .batch_size = parameters.batch_size,
                        .seed = budget.seed};
    options.time_budget_seconds = budget.seconds;
    options.drop_rate = parameters.drop_rate;

    const auto started = std::chrono::steady_clock::now();
    try {
        const history h = t.fit(net, train, validation, options);
        const epoch_record& last = h.epochs.back();
        result.epochs = h.epochs.size();
        result.train_error = error_of(metric_name, last.train_loss, last.train_metric);
        result.validation_error =
            error_of(metric_name, last.validation_loss, last.validation_metric);
        result.validation_loss = last.validation_loss;
    } catch (const divergence_error& error) {
        result.diverged = true;
        result.epochs = error.epoch();
    }
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return result;
}

template <class Loss, class Optimizer, class... Nets>
trial_result run_trial_of(std::size_t architecture, architectures<Nets...> list,
                          const basic_dataset<typename decltype(list)::value_type>& train,
                          const basic_dataset<typename decltype(list)::value_type>& validation,
                          const hyperparameters& parameters, const search_budget& budget) {
    trial_result result;
    list.visit(architecture, [&]<class Net>(std::type_identity<Net>) {
        result = run_trial<Net, Loss, Optimizer>(train, validation, parameters, budget);
    });
    result.architecture = architecture;
    return result;
}

inline void check_budget(const search_budget& budget, const char* caller) {
    if (budget.epochs == 0)
        throw config_error(std::string(caller) + ": search_budget::epochs must be at least 1");
    if (!(budget.seconds >= 0))
        throw config_error(std::string(caller) + ": search_budget::seconds must be non-negative");
}

// Picks the winner: the least time to the target among trials that reached
// it, else the lowest validation error; ties go to the earlier trial.
inline void choose_winner(search_result& result, const search_budget& budget) {
    result.best = 0;
    result.target_validation_error = budget.target_validation_error;
    result.target_reached = false;
    if (budget.target_validation_error) {
        for (std::size_t i = 0; i < result.trials.size(); ++i) {
            const double t = result.trials[i].seconds_to_target;
            if (std::isnan(t)) continue;
            if (!result.target_reached || t < result.trials[result.best].seconds_to_target)
                result.best = i;
            result.target_reached = true;
        }
        if (result.target_reached) return;
    }
    for (std::size_t i = 1; i < result.trials.size(); ++i)
        if (result.trials[i].validation_error < result.trials[result.best].validation_error)
            result.best = i;
}

template <class Loss, class T>
void check_search_data(const basic_dataset<T>& validation, const char* caller) {
    if (validation.empty())
        throw config_error(std::string(caller) +
                           ": the validation data is empty; a search ranks trials by "
                           "validation error");
}

}  // namespace detail

/// Trains every combination of architecture, learning rate, batch size and
/// L2 strength in `grid` for the budget, and returns all trials with the
/// winner. `Optimizer` needs a `learning_rate` member. Prints nothing, but
/// calls `on_trial` after each trial.
template <class Loss, class Optimizer, class... Nets>
search_result grid_search(architectures<Nets...> list,
                          const basic_dataset<typename architectures<Nets...>::value_type>& train,
                          const basic_dataset<typename architectures<Nets...>::value_type>& validation,
                          const search_grid& grid, const search_budget& budget,
                          const trial_observer& on_trial = {}) {
    detail::check_budget(budget, "grid_search");
    detail::check_search_data<Loss>(validation, "grid_search");
    if (grid.learning_rates.empty() || grid.batch_sizes.empty() || grid.l2_strengths.empty() ||
        grid.drop_rates.empty())
        throw config_error("grid_search: every list in search_grid needs at least one value");
    detail::check_drop_rates(grid.drop_rates, "grid_search");
    search_result result;
    result.error_name = Loss::metric_name == std::string_view("accuracy") ? "1 - accuracy"
                                                                          : std::string(Loss::name);
    for (std::size_t a = 0; a < list.size; ++a)
        for (double learning_rate : grid.learning_rates)
            for (std::size_t batch_size : grid.batch_sizes)
                for (double l2 : grid.l2_strengths)
                    for (double drop_rate : grid.drop_rates) {
                        auto trial = detail::run_trial_of<Loss, Optimizer>(
                            a, list, train, validation, {learning_rate, batch_size, l2, drop_rate},
                            budget);
                        trial.index = result.trials.size() + 1;
                        result.trials.push_back(trial);
                        if (on_trial) on_trial(result.trials.back());
                    }
    detail::choose_winner(result, budget);
    return result;
}

/// Trains `trial_count` trials whose architecture and hyperparameters are
/// drawn from `ranges` with `draw_seed`, and returns all trials with the
/// winner. Prints nothing, but calls `on_trial` after each trial.
template <class Loss, class Optimizer, class... Nets>
search_result random_search(architectures<Nets...> list,
                            const basic_dataset<typename architectures<Nets...>::value_type>& train,
                            const basic_dataset<typename architectures<Nets...>::value_type>& validation,
                            const search_ranges& ranges, std::size_t trial_count,
                            const search_budget& budget, std::uint64_t draw_seed,
                            const trial_observer& on_trial = {}) {
    detail::check_budget(budget, "random_search");
    detail::check_search_data<Loss>(validation, "random_search");
    if (trial_count == 0) throw config_error("random_search: trial_count must be at least 1");
    if (!(ranges.min_learning_rate > 0) || !(ranges.max_learning_rate >= ranges.min_learning_rate))
        throw config_error("random_search: the learning rate range must satisfy 0 < min <= max, "
                           "got [" + std::to_string(ranges.min_learning_rate) + ", " +
                           std::to_string(ranges.max_learning_rate) + "]");
    const bool l2_off = ranges.min_l2_strength == 0 && ranges.max_l2_strength == 0;
    if (!l2_off && (!(ranges.min_l2_strength > 0) ||
                    !(ranges.max_l2_strength >= ranges.min_l2_strength)))
        throw config_error("random_search: the L2 range is drawn log-uniformly, so it must satisfy "
                           "0 < min <= max, or be [0, 0] to turn L2 off; got [" +
                           std::to_string(ranges.min_l2_strength) + ", " +
                           std::to_string(ranges.max_l2_strength) + "]");
    if (ranges.batch_sizes.empty())
        throw config_error("random_search: search_ranges::batch_sizes needs at least one value");
    if (ranges.drop_rates.empty())
        throw config_error("random_search: search_ranges::drop_rates needs at least one value");
    detail::check_drop_rates(ranges.drop_rates, "random_search");

    random_engine engine(draw_seed);
    const auto log_uniform = [&](double low, double high) {
        return std::exp(std::log(low) + engine.uniform() * (std::log(high) - std::log(low)));
    };
    const auto pick = [&](std::size_t count) {
        return std::min(count - 1, static_cast<std::size_t>(engine.uniform() *
                                                            static_cast<double>(count)));
    };
    search_result result;
    result.error_name = Loss::metric_name == std::string_view("accuracy") ? "1 - accuracy"
                                                                          : std::string(Loss::name);
    for (std::size_t i = 0; i < trial_count; ++i) {
        const std::size_t a = pick(list.size);
        hyperparameters p;
        p.learning_rate = log_uniform(ranges.min_learning_rate, ranges.max_learning_rate);
        p.batch_size = ranges.batch_sizes[pick(ranges.batch_sizes.size())];
        p.l2_strength = l2_off ? 0.0 : log_uniform(ranges.min_l2_strength, ranges.max_l2_strength);
        p.drop_rate = ranges.drop_rates[pick(ranges.drop_rates.size())];
        auto trial = detail::run_trial_of<Loss, Optimizer>(a, list, train, validation, p, budget);
        trial.index = i + 1;
        result.trials.push_back(trial);
        if (on_trial) on_trial(result.trials.back());
    }
    detail::choose_winner(result, budget);
    return result;
}

/// Returns the column headings of format_trial_row().
inline std::string search_table_header() {
    return "trial  architecture         learning rate  batch  l2 strength  dropout  epochs  "
           "seconds  train error  validation error  to target (s)\n";
}

/// Formats one row of the search table for `trial`.
inline std::string format_trial_row(const trial_result& trial, bool winner = false) {
    char text[256];
    char target[32] = "-";
    if (!std::isnan(trial.seconds_to_target))
        std::snprintf(target, sizeof target, "%.2f", trial.seconds_to_target);
    if (trial.diverged) {
        std::snprintf(text, sizeof text,
                      "%c%4zu  %-20s %13.3g  %5zu  %11.3g  %7.2g  %6zu  %7.2f  diverged\n",
                      winner ? '*' : ' ', trial.index, trial.architecture_name.c_str(),
                      trial.parameters.learning_rate, trial.parameters.batch_size,
                      trial.parameters.l2_strength, trial.parameters.drop_rate, trial.epochs,
                      trial.seconds);
        return text;
    }
    std::snprintf(text, sizeof text,
                  "%c%4zu  %-20s %13.3g  %5zu  %11.3g  %7.2g  %6zu  %7.2f  %11.4f  %16.4f  %13s\n",
                  winner ? '*' : ' ', trial.index, trial.architecture_name.c_str(),
                  trial.parameters.learning_rate, trial.parameters.batch_size,
                  trial.parameters.l2_strength, trial.parameters.drop_rate, trial.epochs,
                  trial.seconds, trial.train_error, trial.validation_error, target);
    return text;
}

/// Formats one line that names the winner and the rule it won by.
inline std::string format_search_winner(const search_result& result) {
    if (result.trials.empty()) return "no trials\n";
    const auto& w = result.winner();
    char line[256];
    if (result.target_reached)
        std::snprintf(line, sizeof line,
                      "winner: trial %zu, %s, first to reach the target validation error, in "
                      "%.2f s\n",
                      w.index, w.architecture_name.c_str(), w.seconds_to_target);
    else
        std::snprintf(line, sizeof line,
                      "winner: trial %zu, %s, lowest validation error (%s) %.4f%s\n", w.index,
                      w.architecture_name.c_str(), result.error_name.c_str(), w.validation_error,
                      result.target_validation_error ? "; no trial reached the target" : "");
    return line;
}

/// Formats the table of all trials, with the winner marked by '*', and
/// ends it with format_search_winner()'s line.
inline std::string format_search_table(const search_result& result) {
    std::string text = search_table_header();
    for (std::size_t i = 0; i < result.trials.size(); ++i)
        text += format_trial_row(result.trials[i], i == result.best);
    return text + format_search_winner(result);
}

}  // namespace strata
