// Hyperparameter search on Fashion-MNIST with a small budget: learning
// rate and batch size on a grid (or drawn at random), over networks with
// one, two and three hidden layers. Trials are ranked by validation error;
// the test set is held out until the winner has been trained again, and is
// then evaluated once.
//
//   hyperparameter_search [--epochs N] [--seconds X] [--train-samples N]
//                         [--random N] [--target X] [--seed N] [--data DIR]

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <strata/strata.hpp>

namespace {

using one_hidden = strata::network<strata::input<784>, strata::dense<32>, strata::relu,
                                   strata::dense<10>>;
using two_hidden = strata::network<strata::input<784>, strata::dense<64>, strata::relu,
                                   strata::dense<32>, strata::relu, strata::dense<10>>;
using three_hidden =
    strata::network<strata::input<784>, strata::dense<64>, strata::relu, strata::dense<64>,
                    strata::relu, strata::dense<32>, strata::relu, strata::dense<10>>;
using candidates = strata::architectures<one_hidden, two_hidden, three_hidden>;
using loss = strata::losses::cross_entropy;
using optimizer = strata::optimizers::adam;

struct settings {
    std::size_t epochs = 3;
    double seconds = 0;
    std::size_t train_samples = 6000;
    std::size_t random_trials = 0;
    std::optional<double> target;
    std::uint64_t seed = 1;
    std::string data = "/usr/share/datasets/fashion-mnist";
};

constexpr std::string_view usage =
    "usage: hyperparameter_search [options]\n"
    "Searches learning rate and batch size over 784-32-10, 784-64-32-10 and\n"
    "784-64-64-32-10 networks on part of Fashion-MNIST, prints a table of all\n"
    "trials, trains the winner again and evaluates the test set once.\n"
    "\n"
    "  --epochs N          epochs per trial (default 3)\n"
    "  --seconds X         wall-clock limit per trial in seconds, 0 for none (default 0)\n"
    "  --train-samples N   training images used, from the 60,000 (default 6000);\n"
    "                      a third as many validate\n"
    "  --random N          draw N random trials instead of the 12-trial grid\n"
    "  --target X          pick the trial that first reaches validation error X\n"
    "                      (1 - accuracy) instead of the lowest validation error\n"
    "  --seed N            seed of the split, weights and shuffling (default 1)\n"
    "  --data DIR          folder with the four *-ubyte.gz files\n"
    "  --help              print this text\n";

template <class Number>
Number parse_number(std::string_view flag, std::string_view text) {
    Number value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size())
        throw std::invalid_argument("invalid value \"" + std::string(text) + "\" for " +
                                    std::string(flag) + "; run with --help for the usage");
    return value;
}

settings parse_arguments(int argc, char** argv) {
    settings result;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "--help") {
            std::fputs(usage.data(), stdout);
            std::exit(0);
        }
        if (i + 1 >= argc)
            throw std::invalid_argument("missing value after " + std::string(flag));
        const std::string_view value = argv[++i];
        if (flag == "--epochs")
            result.epochs = parse_number<std::size_t>(flag, value);
        else if (flag == "--seconds")
            result.seconds = parse_number<double>(flag, value);
        else if (flag == "--train-samples")
            result.train_samples = parse_number<std::size_t>(flag, value);
        else if (flag == "--random")
            result.random_trials = parse_number<std::size_t>(flag, value);
        else if (flag == "--target")
            result.target = parse_number<double>(flag, value);
        else if (flag == "--seed")
            result.seed = parse_number<std::uint64_t>(flag, value);
        else if (flag == "--data")
            result.data = value;
        else
            throw std::invalid_argument("unknown option " + std::string(flag) +
                                        "; run with --help for the usage");
    }
    if (result.train_samples < 30 || result.train_samples > 45000)
        throw std::invalid_argument("--train-samples must be in [30, 45000]");
    return result;
}

}  // namespace

int main(int argc, char** argv) {
    settings options;
    try {
        options = parse_arguments(argc, argv);
    } catch (const std::invalid_argument& error) {
        std::fprintf(stderr, "hyperparameter_search: %s\n", error.what());
        return 2;
    }

    try {
        auto [all_train, test_images] = strata::load_fashion_mnist(options.data);
        auto test = strata::hold_out(std::move(test_images));

        // A random subset keeps the search within a small budget.
        const auto order = strata::random_permutation(all_train.size(), options.seed);
        const std::size_t used = options.train_samples + options.train_samples / 3;
        const std::vector<std::size_t> picked(order.begin(), order.begin() + used);
        // Named references, not a structured binding, because the lambda
        // below uses them and clang 14 cannot capture structured bindings.
        const auto parts = strata::split(
            all_train.subset(picked), 1.0 - double(options.train_samples) / double(used),
            options.seed);
        const strata::dataset& train = parts.first;
        const strata::dataset& validation = parts.second;
        std::printf("searching on %zu training and %zu validation images; %zu test images held "
                    "out\n\n",
                    train.size(), validation.size(), test.size());

        strata::search_budget budget{.epochs = options.epochs, .seconds = options.seconds};
        budget.target_validation_error = options.target;
        budget.seed = options.seed;
        std::printf("%s", strata::search_table_header().c_str());
        const auto print_row = [](const strata::trial_result& trial) {
            std::printf("%s", strata::format_trial_row(trial).c_str());
            std::fflush(stdout);
        };
        const auto result =
            options.random_trials > 0
                ? strata::random_search<loss, optimizer>(
                      candidates{}, train, validation,
                      strata::search_ranges{.min_learning_rate = 3e-4,
                                            .max_learning_rate = 1e-2,
                                            .batch_sizes = {32, 64, 128}},
                      options.random_trials, budget, options.seed, print_row)
                : strata::grid_search<loss, optimizer>(
                      candidates{}, train, validation,
                      strata::search_grid{.learning_rates = {1e-3, 3e-3},
                                          .batch_sizes = {32, 128},
                                          .l2_strengths = {0.0}},
                      budget, print_row);
        std::printf("%s\n", strata::format_search_winner(result).c_str());

        // Train the winner again with its settings, then look at the test set once.
        const auto& winner = result.winner();
        candidates::visit(winner.architecture, [&]<class Net>(std::type_identity<Net>) {
            Net net(options.seed);
            strata::trainer<Net, loss, optimizer, strata::regularizers::l2> trainer(
                optimizer{.learning_rate = winner.parameters.learning_rate},
                strata::regularizers::l2{.strength = winner.parameters.l2_strength});
            trainer.fit(net, train, validation,
                        {.epochs = options.epochs, .batch_size = winner.parameters.batch_size,
                         .seed = options.seed});
            std::printf("winner %s retrained; test accuracy: %.4f\n",
                        winner.architecture_name.c_str(),
                        test.evaluate_once(trainer, net).metric);
        });
    } catch (const std::exception& error) {
        std::fprintf(stderr, "hyperparameter_search: %s\n", error.what());
        return 1;
    }
    return 0;
}
