// Trains one network without regularization, with L2, with L1, with
// adamw's decoupled weight decay and with dropout. It prints the size of
// the weights each leaves. docs/regularizers.md shows this file.

#include <cmath>
#include <cstdio>
#include <vector>

#include <strata/strata.hpp>

using plain = strata::network<strata::input<4>, strata::dense<32>, strata::relu, strata::dense<1>>;
// Zeroes each hidden unit with probability 0.2 in training only.
using with_dropout = strata::network<strata::input<4>, strata::dense<32>, strata::relu,
                                     strata::dropout<strata::drop_rate<1, 5>>, strata::dense<1>>;

// 64 samples of y = x0 - 2 x1 + 0.5 x2, with x3 unrelated to y.
strata::dataset linear_data() {
    std::vector<float> x, y;
    for (int i = 0; i < 64; ++i) {
        const float a = std::sin(0.3f * i), b = std::cos(0.7f * i), c = std::sin(1.1f * i + 1),
                    d = std::cos(1.9f * i + 2);
        x.insert(x.end(), {a, b, c, d});
        y.push_back(a - 2 * b + 0.5f * c);
    }
    return strata::dataset(x, 4, y, 1);
}

// Returns the L2 norm of the network's weights (biases left out).
template <class Net>
double weight_norm(const Net& net) {
    double sum = 0;
    for (const auto& segment : Net::shape::weight_segments)
        for (std::size_t i = 0; i < segment.count; ++i) {
            const double w = net.parameters()[segment.offset + i];
            sum += w * w;
        }
    return std::sqrt(sum);
}

template <class Net, class Optimizer, class Regularizer = strata::regularizers::none>
double train(const char* label, Optimizer optimizer, Regularizer regularizer = {}) {
    Net net(3);
    strata::trainer<Net, strata::losses::mse, Optimizer, Regularizer> trainer(optimizer,
                                                                           regularizer);
    const auto h = trainer.fit(net, linear_data(), {.epochs = 200, .batch_size = 8, .seed = 3});
    const double norm = weight_norm(net);
    std::printf("%-14s train loss %.5f  weight norm %.3f\n", label, h.epochs.back().train_loss,
                norm);
    return norm;
}

int main() {
    namespace opt = strata::optimizers;
    namespace reg = strata::regularizers;
    const opt::adam adam{.learning_rate = 0.01};
    const double none = train<plain>("none", adam);
    const double l2 = train<plain>("l2 1e-2", adam, reg::l2{.strength = 1e-2});
    const double l1 = train<plain>("l1 1e-3", adam, reg::l1{.strength = 1e-3});
    const double decay =
        train<plain>("adamw 0.1", opt::adamw{.learning_rate = 0.01, .weight_decay = 0.1});
    train<with_dropout>("dropout 0.2", adam);
    // Each penalty leaves smaller weights than no penalty.
    return l2 < none && l1 < none && decay < none ? 0 : 1;
}
