// Trains a 784-128-10 classifier on Fashion-MNIST and reports the test
// accuracy once, at the very end.
//
//   fashion_mnist [--epochs N] [--batch-size N] [--learning-rate X] [--seed N]
//                 [--threads N] [--data DIR]

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <system_error>

#include <strata/strata.hpp>

namespace {

using classifier = strata::network<strata::input<784>, strata::dense<128>, strata::relu,
                                   strata::dense<10>>;

struct settings {
    std::size_t epochs = 10;
    std::size_t batch_size = 64;
    double learning_rate = 1e-3;
    std::uint64_t seed = 1;
    std::size_t threads = 1;
    std::string data = "/usr/share/datasets/fashion-mnist";
};

constexpr std::string_view usage =
    "usage: fashion_mnist [options]\n"
    "Trains a 784-128-10 ReLU network (cross-entropy, Adam) on Fashion-MNIST.\n"
    "The 60,000 training images are split 90/10 into training and validation;\n"
    "the 10,000 test images are evaluated once, after training.\n"
    "\n"
    "  --epochs N          passes over the training data (default 10)\n"
    "  --batch-size N      samples per gradient step (default 64)\n"
    "  --learning-rate X   Adam step size (default 0.001)\n"
    "  --seed N            seed for initialization, split and shuffling (default 1)\n"
    "  --threads N         threads that split each batch (default 1)\n"
    "  --data DIR          folder with the four *-ubyte.gz files\n"
    "                      (default /usr/share/datasets/fashion-mnist)\n"
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
            throw std::invalid_argument("missing value after " + std::string(flag) +
                                        "; run with --help for the usage");
        const std::string_view value = argv[++i];
        if (flag == "--epochs")
            result.epochs = parse_number<std::size_t>(flag, value);
        else if (flag == "--batch-size")
            result.batch_size = parse_number<std::size_t>(flag, value);
        else if (flag == "--learning-rate")
            result.learning_rate = parse_number<double>(flag, value);
        else if (flag == "--seed")
            result.seed = parse_number<std::uint64_t>(flag, value);
        else if (flag == "--threads")
            result.threads = parse_number<std::size_t>(flag, value);
        else if (flag == "--data")
            result.data = value;
        else
            throw std::invalid_argument("unknown option " + std::string(flag) +
                                        "; run with --help for the usage");
    }
    if (result.batch_size == 0) throw std::invalid_argument("--batch-size must be at least 1");
    if (result.threads == 0) throw std::invalid_argument("--threads must be at least 1");
    if (!(result.learning_rate > 0))
        throw std::invalid_argument("--learning-rate must be positive");
    return result;
}

}  // namespace

int main(int argc, char** argv) {
    settings options;
    try {
        options = parse_arguments(argc, argv);
    } catch (const std::invalid_argument& error) {
        std::fprintf(stderr, "fashion_mnist: %s\n", error.what());
        return 2;
    }

    try {
        auto [all_train, test] = strata::load_fashion_mnist(options.data);
        auto [train, validation] = strata::split(all_train, 0.1, options.seed);
        std::printf("training on %zu images, validating on %zu, %zu test images held out\n",
                    train.size(), validation.size(), test.size());

        classifier model(options.seed);
        std::printf("%s", classifier::summary().c_str());
        std::printf("kernels: %s\n", strata::kernels::instruction_set());

        strata::trainer<classifier, strata::losses::cross_entropy, strata::optimizers::adam>
            trainer(strata::optimizers::adam{.learning_rate = options.learning_rate});
        trainer.on_epoch_end = [](const strata::epoch_record& e) {
            std::printf("epoch %2zu  train loss %.4f  accuracy %.4f  validation loss %.4f  "
                        "accuracy %.4f  %.2f s\n",
                        e.epoch, e.train_loss, e.train_metric, e.validation_loss,
                        e.validation_metric, e.seconds);
            std::fflush(stdout);
        };
        trainer.fit(model, train, validation,
                    {.epochs = options.epochs, .batch_size = options.batch_size,
                     .seed = options.seed, .threads = options.threads});

        const auto result = trainer.evaluate(model, test);
        std::printf("test loss: %.4f\n", result.loss);
        std::printf("test accuracy: %.4f\n", result.metric);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "fashion_mnist: %s\n", error.what());
        return 1;
    }
    return 0;
}
