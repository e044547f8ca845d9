// Trains the Fashion-MNIST example's network (784-128-10, ReLU, Adam) and
// prints the wall time of every epoch, for run.sh to compare thread and
// rank counts. Start it with mpirun; with more than one rank, the ranks
// split every batch between them.
//
//   parallel_scaling [--threads N] [--epochs N] [--batch-size N] [--data DIR]

#include <charconv>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include <strata/parallel/mpi.hpp>
#include <strata/strata.hpp>

namespace {

using classifier = strata::network<strata::input<784>, strata::dense<128>, strata::relu,
                                   strata::dense<10>>;

struct settings {
    std::size_t threads = 1;
    std::size_t epochs = 5;
    std::size_t batch_size = 256;
    std::string data = strata::default_fashion_mnist_directory;
};

std::size_t parse_count(std::string_view flag, std::string_view text) {
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value == 0)
        throw std::invalid_argument("invalid value \"" + std::string(text) + "\" for " +
                                    std::string(flag) + "; expected a positive integer");
    return value;
}

settings parse_arguments(int argc, char** argv) {
    settings result;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        const std::string_view value = argv[i + 1];
        if (flag == "--threads")
            result.threads = parse_count(flag, value);
        else if (flag == "--epochs")
            result.epochs = parse_count(flag, value);
        else if (flag == "--batch-size")
            result.batch_size = parse_count(flag, value);
        else if (flag == "--data")
            result.data = value;
        else
            throw std::invalid_argument("unknown option " + std::string(flag) +
                                        "; the options are --threads, --epochs, --batch-size "
                                        "and --data");
    }
    if (argc % 2 == 0)
        throw std::invalid_argument("missing value after " + std::string(argv[argc - 1]));
    return result;
}

}  // namespace

int main(int argc, char** argv) {
    strata::parallel::mpi_environment mpi(argc, argv);
    strata::parallel::mpi_group group;
    try {
        const settings options = parse_arguments(argc, argv);
        auto [all_train, test] = strata::load_fashion_mnist(options.data);
        auto [train, validation] = strata::split(all_train, 0.1, 1);

        classifier model(1);
        strata::trainer<classifier, strata::losses::cross_entropy, strata::optimizers::adam>
            trainer;
        if (group.size() > 1) trainer.processes = &group;
        const std::string name = "ranks=" + std::to_string(group.size()) +
                                 " threads=" + std::to_string(options.threads);
        trainer.on_epoch_end = group.root_only([&](const strata::epoch_record& e) {
            std::printf("epoch %s %zu %.4f validation_accuracy %.4f\n", name.c_str(), e.epoch,
                        e.seconds, e.validation_metric);
            std::fflush(stdout);
        });
        trainer.fit(model, train, validation,
                    {.epochs = options.epochs, .batch_size = options.batch_size, .seed = 1,
                     .threads = options.threads});
        if (group.is_root())
            std::printf("test %s accuracy %.4f\n", name.c_str(),
                        trainer.evaluate(model, test).metric);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "parallel_scaling (rank %zu): %s\n", group.rank(), error.what());
        strata::parallel::mpi_environment::abort(1);
    }
    return 0;
}
