// Trains one small classifier with each optimizer and prints its training
// accuracy; docs/optimizers.md shows this file.

#include <cstdio>
#include <vector>

#include <strata/strata.hpp>

using net_type = strata::network<strata::input<2>, strata::dense<16>, strata::tanh,
                                 strata::dense<2>>;

// 400 points on a grid over [-1, 1]^2; the class is 1 where x y > 0.
strata::dataset quadrants() {
    std::vector<float> x, y;
    for (int i = 0; i < 20; ++i)
        for (int j = 0; j < 20; ++j) {
            const float a = -0.95f + 0.1f * static_cast<float>(i);
            const float b = -0.95f + 0.1f * static_cast<float>(j);
            x.insert(x.end(), {a, b});
            y.push_back(a * b > 0 ? 1.0f : 0.0f);
        }
    return strata::dataset(x, 2, y, 1);
}

template <class Optimizer>
double training_accuracy(const Optimizer& optimizer) {
    const auto data = quadrants();
    net_type net(1);
    strata::trainer<net_type, strata::losses::cross_entropy, Optimizer> trainer(optimizer);
    trainer.fit(net, data, {.epochs = 100, .batch_size = 16, .seed = 1});
    const double accuracy = trainer.evaluate(net, data).metric;
    std::printf("%-9s accuracy %.3f\n", Optimizer::name.data(), accuracy);
    return accuracy;
}

int main() {
    namespace opt = strata::optimizers;
    const double accuracies[] = {
        training_accuracy(opt::sgd{.learning_rate = 0.1}),
        training_accuracy(opt::momentum{.learning_rate = 0.05, .momentum = 0.9, .nesterov = true}),
        training_accuracy(opt::adagrad{.learning_rate = 0.1}),
        training_accuracy(opt::rmsprop{.learning_rate = 0.01, .alpha = 0.99}),
        training_accuracy(opt::adam{.learning_rate = 0.01}),
        training_accuracy(opt::adamw{.learning_rate = 0.01, .weight_decay = 0.01}),
    };
    for (double accuracy : accuracies)
        if (accuracy < 0.9) return 1;
    return 0;
}
