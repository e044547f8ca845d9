// Every optimizer, regularizer and schedule against PyTorch 1.13: ten
// full-batch steps of a fixed 3-4-2 network through the trainer, compared
// with tests/reference/optimizers.csv (made by tools/reference/optimizers.py).

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

using namespace strata;

namespace {

// The rows of one case: loss, learning_rate and parameters.
struct reference_case {
    std::vector<double> loss;
    std::vector<double> learning_rate;
    std::vector<double> parameters;
};

std::map<std::string, reference_case> read_reference() {
    const std::string path = STRATA_REFERENCE_DIR "/optimizers.csv";
    std::ifstream file(path);
    if (!file) throw std::runtime_error("cannot open " + path);
    std::map<std::string, reference_case> cases;
    std::string line;
    while (std::getline(file, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::stringstream fields(line);
        std::string name, kind, value;
        std::getline(fields, name, ',');
        std::getline(fields, kind, ',');
        std::vector<double> values;
        while (std::getline(fields, value, ',')) values.push_back(std::stod(value));
        auto& entry = cases[name];
        if (kind == "loss")
            entry.loss = values;
        else if (kind == "learning_rate")
            entry.learning_rate = values;
        else if (kind == "parameters")
            entry.parameters = values;
        else
            throw std::runtime_error(path + ": unknown row kind " + kind);
    }
    return cases;
}

const reference_case& reference(const std::string& name) {
    static const auto cases = read_reference();
    const auto found = cases.find(name);
    if (found == cases.end())
        throw std::runtime_error("case " + name + " is missing from optimizers.csv");
    return found->second;
}

template <class T>
using reference_network = basic_network<T, input<3>, dense<4>, strata::tanh, dense<2>>;

// The same weights as the script's W0, B0, W1, B1.
template <class T>
reference_network<T> initial_network() {
    reference_network<T> net;
    const std::vector<double> w0{0.2, -0.4, 0.1, 0.5, 0.3, -0.2, -0.1, 0.25, 0.45, 0.35, -0.15, -0.3};
    const std::vector<double> b0{0.05, -0.1, 0.0, 0.2};
    const std::vector<double> w1{0.3, -0.25, 0.4, 0.1, -0.35, 0.2, 0.15, -0.45};
    const std::vector<double> b1{0.1, -0.05};
    std::copy(w0.begin(), w0.end(), net.template weights<0>().begin());
    std::copy(b0.begin(), b0.end(), net.template bias<0>().begin());
    std::copy(w1.begin(), w1.end(), net.template weights<2>().begin());
    std::copy(b1.begin(), b1.end(), net.template bias<2>().begin());
    return net;
}

template <class T, class Loss>
basic_dataset<T> training_data() {
    const std::vector<T> x{0.5, -1.0, 0.25, -0.3, 0.8, 1.2, 1.5, 0.2, -0.7,
                           0.0, -0.4, 0.9,  -1.1, 0.6, -0.2};
    if constexpr (std::is_same_v<Loss, losses::cross_entropy>)
        return basic_dataset<T>(x, 3, std::vector<T>{0, 1, 1, 0, 1}, 1);
    else if constexpr (std::is_same_v<Loss, losses::binary_cross_entropy>)
        return basic_dataset<T>(x, 3, std::vector<T>{1, 0, 0, 1, 1, 1, 0, 0, 1, 0}, 2);
    else
        return basic_dataset<T>(
            x, 3, std::vector<T>{0.3, -0.5, 1.0, 0.2, -0.4, 0.7, 0.1, 0.1, 0.8, -0.9}, 2);
}

template <class T>
basic_dataset<T> validation_data() {
    return basic_dataset<T>(std::vector<T>{0.2, 0.3, -0.5, -0.9, -0.1, 0.4, 1.0, -0.6, 0.3}, 3,
                            std::vector<T>{0.5, -0.2, -0.3, 0.6, 0.2, 0.0}, 2);
}

// Both element types match the float64 reference to 1e-5 relative. Values
// near 0 get an absolute floor of one rounding step at the parameters'
// scale (about 0.1 to 1): 1e-7 in float, 1e-12 in double.
template <class T>
constexpr double absolute_floor = std::is_same_v<T, double> ? 1e-12 : 1e-7;

template <class T>
void require_close(const char* what, std::size_t index, double actual, double expected) {
    CAPTURE(what, index, actual, expected);
    REQUIRE(std::abs(actual - expected) <= 1e-5 * std::abs(expected) + absolute_floor<T>);
}

// Trains the reference network for 10 full-batch epochs and compares the
// losses, rates and final parameters with the case `name`.
template <class T, class Loss, class Optimizer, class Regularizer = regularizers::none>
void expect_pytorch(const std::string& name, Optimizer optimizer, Regularizer regularizer = {},
                    learning_rate_schedule schedule = {}) {
    CAPTURE(name);
    const auto& expected = reference(name);
    auto net = initial_network<T>();
    trainer<reference_network<T>, Loss, Optimizer, Regularizer> t(optimizer, regularizer);
    t.schedule = std::move(schedule);
    const fit_options options{.epochs = 10, .batch_size = 5, .shuffle = false};
    // Only the mse cases have validation data (for reduce_on_plateau).
    const auto h = std::is_same_v<Loss, losses::mse>
                       ? t.fit(net, training_data<T, Loss>(), validation_data<T>(), options)
                       : t.fit(net, training_data<T, Loss>(), options);
    REQUIRE(h.epochs.size() == expected.loss.size());
    for (std::size_t i = 0; i < h.epochs.size(); ++i) {
        require_close<T>("loss", i, h.epochs[i].train_loss, expected.loss[i]);
        require_close<T>("learning rate", i, h.epochs[i].learning_rate, expected.learning_rate[i]);
    }
    std::vector<double> actual;
    for (auto p : net.template layer_parameters<0>()) actual.push_back(p);
    for (auto p : net.template layer_parameters<2>()) actual.push_back(p);
    REQUIRE(actual.size() == expected.parameters.size());
    for (std::size_t i = 0; i < actual.size(); ++i)
        require_close<T>("parameter", i, actual[i], expected.parameters[i]);
    // fit() leaves the optimizer at the rate it started from.
    REQUIRE(t.optimizer().learning_rate == optimizer.learning_rate);
}

}  // namespace

TEMPLATE_TEST_CASE("sgd matches pytorch", "[optimizers][reference][sgd]", float, double) {
    using T = TestType;
    const optimizers::sgd sgd{.learning_rate = 0.1};
    expect_pytorch<T, losses::mse>("sgd", sgd);
    expect_pytorch<T, losses::mse>("sgd_l2", sgd, regularizers::l2{.strength = 0.01});
    expect_pytorch<T, losses::mse>("sgd_l2_biases", sgd,
                                   regularizers::l2{.strength = 0.01, .include_biases = true});
    expect_pytorch<T, losses::mse>("sgd_l1", sgd, regularizers::l1{.strength = 0.01});
    expect_pytorch<T, losses::cross_entropy>("sgd_cross_entropy",
                                             optimizers::sgd{.learning_rate = 0.5});
}

TEMPLATE_TEST_CASE("momentum matches pytorch", "[optimizers][reference][momentum]", float,
                   double) {
    using T = TestType;
    const optimizers::momentum heavy_ball{.learning_rate = 0.05, .momentum = 0.9};
    expect_pytorch<T, losses::mse>("momentum", heavy_ball);
    expect_pytorch<T, losses::mse>(
        "momentum_dampening",
        optimizers::momentum{.learning_rate = 0.05, .momentum = 0.9, .dampening = 0.5});
    expect_pytorch<T, losses::mse>(
        "nesterov", optimizers::momentum{.learning_rate = 0.05, .momentum = 0.9, .nesterov = true});
    expect_pytorch<T, losses::mse>("momentum_l2", heavy_ball, regularizers::l2{.strength = 0.01});
}

TEMPLATE_TEST_CASE("adagrad matches pytorch", "[optimizers][reference][adagrad]", float, double) {
    using T = TestType;
    expect_pytorch<T, losses::mse>("adagrad", optimizers::adagrad{.learning_rate = 0.1});
    expect_pytorch<T, losses::mse>(
        "adagrad_decay", optimizers::adagrad{.learning_rate = 0.1, .learning_rate_decay = 0.05,
                                             .initial_accumulator_value = 0.1});
    // A large epsilon shows whether it sits outside the square root.
    expect_pytorch<T, losses::mse>("adagrad_epsilon",
                                   optimizers::adagrad{.learning_rate = 0.1, .epsilon = 0.01});
    expect_pytorch<T, losses::mse>("adagrad_l2", optimizers::adagrad{.learning_rate = 0.1},
                                   regularizers::l2{.strength = 0.01});
}

TEMPLATE_TEST_CASE("rmsprop matches pytorch", "[optimizers][reference][rmsprop]", float, double) {
    using T = TestType;
    expect_pytorch<T, losses::mse>("rmsprop", optimizers::rmsprop{.learning_rate = 0.01});
    expect_pytorch<T, losses::mse>(
        "rmsprop_centered_momentum",
        optimizers::rmsprop{.learning_rate = 0.01, .alpha = 0.9, .momentum = 0.5, .centered = true});
    expect_pytorch<T, losses::mse>("rmsprop_epsilon",
                                   optimizers::rmsprop{.learning_rate = 0.01, .epsilon = 0.01});
    expect_pytorch<T, losses::mse>("rmsprop_l2", optimizers::rmsprop{.learning_rate = 0.01},
                                   regularizers::l2{.strength = 0.01});
}

TEMPLATE_TEST_CASE("adam matches pytorch", "[optimizers][reference][adam]", float, double) {
    using T = TestType;
    const optimizers::adam adam{.learning_rate = 0.01};
    expect_pytorch<T, losses::mse>("adam", adam);
    expect_pytorch<T, losses::mse>("adam_epsilon",
                                   optimizers::adam{.learning_rate = 0.01, .epsilon = 0.01});
    expect_pytorch<T, losses::mse>("adam_l2", adam, regularizers::l2{.strength = 0.01});
    expect_pytorch<T, losses::mse>("adam_l1", adam, regularizers::l1{.strength = 0.001});
    expect_pytorch<T, losses::binary_cross_entropy>("adam_binary_cross_entropy",
                                                    optimizers::adam{.learning_rate = 0.05});
}

TEMPLATE_TEST_CASE("adamw matches pytorch", "[optimizers][reference][adamw]", float, double) {
    using T = TestType;
    const optimizers::adamw adamw{.learning_rate = 0.01, .weight_decay = 0.1};
    expect_pytorch<T, losses::mse>("adamw", adamw);
    expect_pytorch<T, losses::mse>(
        "adamw_biases",
        optimizers::adamw{.learning_rate = 0.01, .weight_decay = 0.1, .decay_biases = true});
    expect_pytorch<T, losses::mse>("adamw_cosine", adamw, regularizers::none{},
                                   schedules::cosine{.t_max = 4});
}

TEMPLATE_TEST_CASE("schedules match pytorch", "[schedules][reference]", float, double) {
    using T = TestType;
    const optimizers::sgd sgd{.learning_rate = 0.1};
    expect_pytorch<T, losses::mse>("sgd", sgd, regularizers::none{}, schedules::constant{});
    expect_pytorch<T, losses::mse>("sgd_step", sgd, regularizers::none{},
                                   schedules::step_decay{.step_size = 3, .gamma = 0.5});
    expect_pytorch<T, losses::mse>("sgd_exponential", sgd, regularizers::none{},
                                   schedules::exponential_decay{.gamma = 0.8});
    expect_pytorch<T, losses::mse>("sgd_cosine", sgd, regularizers::none{},
                                   schedules::cosine{.t_max = 10, .minimum_rate = 0.01});
    expect_pytorch<T, losses::mse>(
        "sgd_plateau", sgd, regularizers::none{},
        schedules::reduce_on_plateau{.factor = 0.5, .patience = 1, .threshold = 0.05});
}
