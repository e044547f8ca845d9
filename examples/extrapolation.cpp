// Rule 2, the training domain: a small network fit to f(x) = x on [-1, 1]
// has a low validation error there and is still wrong at x = 3, because
// no training sample constrains its output outside [-1, 1]. A domain
// guard records the range seen in training, is saved beside the model, and
// flags x = 3.
//
//   extrapolation [--epochs N]

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <vector>

#include <strata/strata.hpp>

namespace {

using model = strata::network<strata::input<1>, strata::dense<8>, strata::tanh, strata::dense<1>>;

// x evenly spaced over [-1, 1] with y = x; `offset` shifts the points.
strata::dataset identity_samples(std::size_t size, double offset) {
    std::vector<float> x;
    for (std::size_t i = 0; i < size; ++i)
        x.push_back(static_cast<float>(-1.0 + 2.0 * (static_cast<double>(i) + offset) /
                                                  static_cast<double>(size - 1)));
    if (offset > 0) x.back() = 1.0f;
    return strata::dataset(x, 1, x, 1, "f(x) = x on [-1, 1]");
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t epochs = 300;
    if (argc == 3 && std::string_view(argv[1]) == "--epochs") {
        if (std::from_chars(argv[2], argv[2] + std::strlen(argv[2]), epochs).ec != std::errc{}) {
            std::fprintf(stderr, "extrapolation: invalid value \"%s\" for --epochs\n", argv[2]);
            return 2;
        }
    } else if (argc != 1) {
        std::fprintf(stderr, "usage: extrapolation [--epochs N]\n"
                             "  --epochs N   passes over the 200 training samples (default 300)\n");
        return 2;
    }

    const auto train = identity_samples(200, 0.0);
    const auto validation = identity_samples(50, 0.37);
    model net(1);
    strata::trainer<model, strata::losses::mse, strata::optimizers::adam> trainer(
        strata::optimizers::adam{.learning_rate = 0.01});
    const auto history =
        trainer.fit(net, train, validation, {.epochs = epochs, .batch_size = 16, .seed = 1});
    std::printf("validation mean squared error on [-1, 1]: %.2e\n",
                history.epochs.back().validation_loss);

    // Record the training domain and keep it with the model.
    strata::domain_guard<float> guard(train);
    guard.save("extrapolation.domain");
    const auto loaded = strata::domain_guard<float>::load("extrapolation.domain");
    std::printf("saved the training domain [%g, %g] to extrapolation.domain\n", loaded.low(0),
                loaded.high(0));

    std::printf("\n     x   f(x)  prediction   error  guard\n");
    double error_at_3 = 0;
    bool flagged_3 = false;
    for (const float x : {-1.0f, -0.5f, 0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f}) {
        const float y = net.predict(std::array<float, 1>{x})[0];
        const auto check = loaded.check(std::array<float, 1>{x});
        std::printf("%6.2f %6.2f %11.4f %7.4f  %s\n", x, x, y, std::abs(y - x),
                    check.inside ? "inside" : "OUTSIDE the training domain");
        if (x == 3.0f) {
            error_at_3 = std::abs(y - x);
            flagged_3 = !check.inside;
        }
    }

    // Under the reject policy the guard raises instead of returning a flag.
    auto strict = loaded;
    strict.set_policy(strata::domain_policy::reject);
    try {
        strict.check(std::array<float, 1>{3.0f});
        std::printf("\nreject policy: x = 3 was accepted\n");
    } catch (const strata::out_of_domain_error& error) {
        std::printf("\nreject policy: %s\n", error.what());
    }

    // The example fails if it stops showing its point.
    if (!(history.epochs.back().validation_loss < 1e-3) || !(error_at_3 > 0.25) || !flagged_3) {
        std::fprintf(stderr, "extrapolation: expected a low validation error, a wrong "
                             "prediction at x = 3 and a flag from the guard\n");
        return 1;
    }
    return 0;
}
