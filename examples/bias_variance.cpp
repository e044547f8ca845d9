// Bias and variance on one data set: a network too small for it
// (underfitting), one of about the right size, and one so large that it
// fits the noise (overfitting). Writes the fits and the learning curves as
// SVG into the working directory and prints a diagnosis of each.
//
//   bias_variance [--epochs N] [--seed N]

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include <strata/strata.hpp>

namespace {

// f(x) = sin(pi x) on [-1, 1], the function behind the noisy samples.
double target_function(double x) { return std::sin(std::numbers::pi * x); }

constexpr double noise = 0.3;  // standard deviation of the label noise

strata::dataset noisy_samples(std::size_t size, std::uint64_t seed) {
    strata::random_engine engine(seed);
    std::vector<float> x, y;
    for (std::size_t i = 0; i < size; ++i) {
        const double v = -1.0 + 2.0 * engine.uniform();
        x.push_back(static_cast<float>(v));
        y.push_back(static_cast<float>(target_function(v) + noise * engine.normal()));
    }
    return strata::dataset(x, 1, y, 1, "noisy sin(pi x)");
}

using too_small = strata::network<strata::input<1>, strata::dense<1>>;
using balanced = strata::network<strata::input<1>, strata::dense<3>, strata::tanh, strata::dense<1>>;
using too_large = strata::network<strata::input<1>, strata::dense<128>, strata::tanh,
                                  strata::dense<128>, strata::tanh, strata::dense<1>>;

struct model_run {
    std::string name;
    strata::history record;
    std::vector<double> curve;  // predictions on the plot grid
};

template <class Net>
model_run train(const std::string& name, const strata::dataset& train,
                const strata::dataset& validation, std::size_t epochs, std::uint64_t seed,
                const std::vector<double>& grid) {
    Net net(seed);
    strata::trainer<Net, strata::losses::mse, strata::optimizers::adam> trainer(
        strata::optimizers::adam{.learning_rate = 0.005});
    // Full-batch steps on a few samples: nothing stops the large network
    // from chasing the noise, which is the point of this example.
    model_run run{name, trainer.fit(net, train, validation,
                                    {.epochs = epochs, .batch_size = train.size(), .seed = seed}),
                  {}};
    for (double x : grid) run.curve.push_back(net.predict(std::array<float, 1>{float(x)})[0]);
    return run;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t epochs = 3000;
    std::uint64_t seed = 1;
    for (int i = 1; i < argc; i += 2) {
        const std::string_view flag = argv[i];
        const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
        std::uint64_t number = 0;
        if (value == nullptr ||
            std::from_chars(value, value + std::strlen(value), number).ec != std::errc{} ||
            (flag != "--epochs" && flag != "--seed")) {
            std::fprintf(stderr,
                         "usage: bias_variance [--epochs N] [--seed N]\n"
                         "  --epochs N   full-batch steps per network (default 3000)\n"
                         "  --seed N     seed of the data, weights and shuffling (default 1)\n");
            return 2;
        }
        (flag == "--epochs" ? epochs : seed) = number;
    }

    // 60 training samples, few enough for the large network to fit their
    // noise, and many validation samples for a steady validation error.
    const auto train_set = noisy_samples(60, seed);
    const auto validation_set = noisy_samples(400, seed + 1000);
    std::vector<double> grid;
    for (int i = 0; i <= 200; ++i) grid.push_back(-1.0 + i / 100.0);

    const std::vector<model_run> runs = {
        train<too_small>("too small: 1-1", train_set, validation_set, epochs, seed, grid),
        train<balanced>("balanced: 1-3-1", train_set, validation_set, epochs, seed, grid),
        train<too_large>("too large: 1-128-128-1", train_set, validation_set, epochs, seed, grid)};

    // Errors are mean squared errors; the noise alone gives 0.09, so a
    // training error above 0.15 means the model misses the signal.
    const strata::diagnosis_thresholds thresholds{.acceptable_train_error = 0.15};
    for (const auto& run : runs)
        std::printf("%s\n%s", run.name.c_str(),
                    strata::diagnose(run.record, thresholds).report().c_str());

    strata::plot::chart fits{"Fits to 60 noisy samples of sin(pi x)", "x", "y", {}, {}};
    std::vector<double> train_x, train_y, validation_x, validation_y, truth;
    for (std::size_t i = 0; i < train_set.size(); ++i) {
        train_x.push_back(train_set.features(i)[0]);
        train_y.push_back(train_set.targets(i)[0]);
    }
    for (std::size_t i = 0; i < 100; ++i) {
        validation_x.push_back(validation_set.features(i)[0]);
        validation_y.push_back(validation_set.targets(i)[0]);
    }
    for (double x : grid) truth.push_back(target_function(x));
    fits.lines.push_back({"validation samples", validation_x, validation_y, "#c7c7c7", true});
    fits.lines.push_back({"training samples", train_x, train_y, "#000000", true});
    fits.lines.push_back({"sin(pi x)", grid, truth, "#7f7f7f", false, true});
    for (std::size_t m = 0; m < runs.size(); ++m)
        fits.lines.push_back({runs[m].name, grid, runs[m].curve, strata::plot::palette(m + 1)});
    fits.y_min = -2.0;
    fits.y_max = 2.5;
    strata::plot::save_svg("bias_variance_fits.svg", {fits}, 720, 480);

    std::vector<strata::plot::chart> curves;
    for (const auto& run : runs) {
        auto loss = strata::learning_curve_charts(run.record, run.name)[0];
        loss.title = run.name;
        loss.y_label = "mean squared error";
        loss.y_min = 0;
        loss.y_max = 0.6;
        curves.push_back(loss);
    }
    strata::plot::save_svg("bias_variance_curves.svg", curves, 420, 360);
    std::printf("wrote bias_variance_fits.svg and bias_variance_curves.svg\n");

    // The example fails when the three cases do not show what they are for.
    const auto small = strata::diagnose(runs[0].record, thresholds);
    const auto middle = strata::diagnose(runs[1].record, thresholds);
    const auto large = strata::diagnose(runs[2].record, thresholds);
    if (!small.underfitting() || middle.verdict != strata::fit_verdict::balanced ||
        !large.overfitting()) {
        std::fprintf(stderr, "bias_variance: expected underfitting, balanced and overfitting\n");
        return 1;
    }
    return 0;
}
