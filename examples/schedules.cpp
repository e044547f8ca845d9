// Trains with each learning-rate schedule and prints the rate of every
// epoch; docs/schedules.md shows this file.

#include <cstdio>
#include <vector>

#include <strata/strata.hpp>

using net_type = strata::network<strata::input<1>, strata::dense<16>, strata::tanh,
                                 strata::dense<1>>;

// 64 samples of y = x^2 on [-1, 1], and 16 for validation.
strata::dataset parabola(int count) {
    std::vector<float> x, y;
    for (int i = 0; i < count; ++i) {
        const float v = -1.0f + 2.0f * static_cast<float>(i) / static_cast<float>(count - 1);
        x.push_back(v);
        y.push_back(v * v);
    }
    return strata::dataset(x, 1, y, 1);
}

void train(const char* label, strata::learning_rate_schedule schedule) {
    net_type net(5);
    strata::trainer<net_type, strata::losses::mse, strata::optimizers::adam> trainer(
        strata::optimizers::adam{.learning_rate = 0.02});
    trainer.schedule = std::move(schedule);
    const auto h = trainer.fit(net, parabola(64), parabola(16), {.epochs = 40, .batch_size = 4});
    std::printf("%-12s rates of epochs 1, 6, ..., 36:", label);
    for (std::size_t i = 0; i < h.epochs.size(); i += 5) std::printf(" %.5f", h.epochs[i].learning_rate);
    std::printf("  validation loss %.5f\n", h.epochs.back().validation_loss);
}

int main() {
    namespace sched = strata::schedules;
    train("constant", sched::constant{});
    train("step", sched::step_decay{.step_size = 10, .gamma = 0.5});
    train("exponential", sched::exponential_decay{.gamma = 0.93});
    train("cosine", sched::cosine{.t_max = 40, .minimum_rate = 0.0005});
    // Halves the rate once the validation loss has not fallen by 1% for 3 epochs.
    train("plateau", sched::reduce_on_plateau{.factor = 0.5, .patience = 3, .threshold = 0.01});
    return 0;
}
