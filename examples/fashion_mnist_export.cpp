// Trains a 784-128-10 Fashion-MNIST classifier briefly (or loads one saved
// earlier) and exports it for firmware: a weight file, a C++ header with
// the model, a header with a few test images, and the workstation's outputs
// for those images. docs/embedded.md walks through the whole path.
//
//   fashion_mnist_export [--epochs N] [--load FILE] [--save FILE] [--header FILE]
//                        [--samples FILE] [--sample-count N] [--reference FILE]

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include <strata/io/export_header.hpp>
#include <strata/io/weights.hpp>
#include <strata/strata.hpp>

namespace {

using classifier = strata::network<strata::input<784>, strata::dense<128>, strata::relu,
                                   strata::dense<10>>;

struct settings {
    std::size_t epochs = 2;
    std::uint64_t seed = 1;
    std::string data = "/usr/share/datasets/fashion-mnist";
    std::string load;
    std::string save;
    std::string header = "fashion_mnist_model.hpp";
    std::string samples;
    std::size_t sample_count = 20;
    std::string reference;
};

constexpr std::string_view usage =
    "usage: fashion_mnist_export [options]\n"
    "Trains a 784-128-10 ReLU classifier on Fashion-MNIST (or loads a saved one)\n"
    "and writes it as a C++ header for strata::frozen_network.\n"
    "\n"
    "  --epochs N          passes over the training data (default 2)\n"
    "  --seed N            seed for initialization, split and shuffling (default 1)\n"
    "  --data DIR          folder with the four *-ubyte.gz files\n"
    "                      (default /usr/share/datasets/fashion-mnist)\n"
    "  --load FILE         skip training and load this weight file\n"
    "  --save FILE         save the trained weights to this file\n"
    "  --header FILE       model header to write (default fashion_mnist_model.hpp)\n"
    "  --samples FILE      also write the first test images as a header\n"
    "  --sample-count N    images in --samples and --reference (default 20)\n"
    "  --reference FILE    write this program's outputs for those images, as float\n"
    "                      bits, one line per image: fashion_mnist <i> <bits>...\n"
    "  --help              print this text\n";

std::size_t parse_count(std::string_view flag, std::string_view text) {
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size())
        throw std::invalid_argument("invalid value \"" + std::string(text) + "\" for " +
                                    std::string(flag) + "; expected a whole number");
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
            result.epochs = parse_count(flag, value);
        else if (flag == "--seed")
            result.seed = parse_count(flag, value);
        else if (flag == "--data")
            result.data = value;
        else if (flag == "--load")
            result.load = value;
        else if (flag == "--save")
            result.save = value;
        else if (flag == "--header")
            result.header = value;
        else if (flag == "--samples")
            result.samples = value;
        else if (flag == "--sample-count")
            result.sample_count = parse_count(flag, value);
        else if (flag == "--reference")
            result.reference = value;
        else
            throw std::invalid_argument("unknown option " + std::string(flag) +
                                        "; run with --help for the usage");
    }
    return result;
}

// Per-pixel min and max over the training images.
strata::domain_bounds<784> training_bounds(const strata::dataset& train) {
    strata::domain_bounds<784> bounds;
    bounds.min.fill(std::numeric_limits<float>::infinity());
    bounds.max.fill(-std::numeric_limits<float>::infinity());
    for (std::size_t s = 0; s < train.size(); ++s) {
        const auto x = train.features(s);
        for (std::size_t j = 0; j < 784; ++j) {
            bounds.min[j] = std::min(bounds.min[j], x[j]);
            bounds.max[j] = std::max(bounds.max[j], x[j]);
        }
    }
    return bounds;
}

void write_samples(const std::string& path, const strata::dataset& test, std::size_t count) {
    std::string out =
        "// Generated by fashion_mnist_export: the first Fashion-MNIST test images.\n"
        "#pragma once\n\n#include <array>\n#include <cstdint>\n\n"
        "namespace fashion_mnist_samples {\n\n";
    out += "inline constexpr std::array<std::array<float, 784>, " + std::to_string(count) +
           "> images{{\n";
    for (std::size_t s = 0; s < count; ++s) {
        out += "    {{";
        const auto x = test.features(s);
        for (std::size_t j = 0; j < 784; ++j) {
            out += j % 8 == 0 ? "\n        " : " ";
            out += strata::float_literal(x[j]) + ",";
        }
        out += "\n    }},\n";
    }
    out += "}};\n\ninline constexpr std::array<std::uint8_t, " + std::to_string(count) +
           "> labels{{";
    for (std::size_t s = 0; s < count; ++s)
        out += (s == 0 ? "" : ", ") + std::to_string(static_cast<int>(test.targets(s)[0]));
    out += "}};\n\n}  // namespace fashion_mnist_samples\n";
    std::ofstream file(path);
    file << out;
    if (!file) throw std::runtime_error("cannot write " + path);
}

void write_reference(const std::string& path, const classifier& model,
                     const strata::dataset& test, std::size_t count) {
    std::ofstream file(path);
    for (std::size_t s = 0; s < count; ++s) {
        std::array<float, 10> y{};
        model.predict(test.features(s), y);
        file << "fashion_mnist " << s;
        for (float value : y) {
            char bits[12];
            std::snprintf(bits, sizeof bits, " %08x", std::bit_cast<std::uint32_t>(value));
            file << bits;
        }
        file << '\n';
    }
    if (!file) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
    settings options;
    try {
        options = parse_arguments(argc, argv);
    } catch (const std::invalid_argument& error) {
        std::fprintf(stderr, "fashion_mnist_export: %s\n", error.what());
        return 2;
    }

    try {
        auto [all_train, test] = strata::load_fashion_mnist(options.data);
        auto [train, validation] = strata::split(all_train, 0.1, options.seed);
        if (options.sample_count > test.size())
            throw std::invalid_argument("--sample-count " + std::to_string(options.sample_count) +
                                        " exceeds the " + std::to_string(test.size()) +
                                        " test images");

        classifier model(options.seed);
        strata::trainer<classifier, strata::losses::cross_entropy, strata::optimizers::adam>
            trainer;
        if (options.load.empty()) {
            trainer.fit(model, train, validation,
                        {.epochs = options.epochs, .batch_size = 64, .seed = options.seed});
        } else {
            strata::load_weights(model, options.load);
            std::printf("loaded %s\n", options.load.c_str());
        }
        std::printf("test accuracy: %.4f\n", trainer.evaluate(model, test).metric);

        if (!options.save.empty()) {
            strata::save_weights(model, options.save);
            std::printf("saved the weights to %s\n", options.save.c_str());
        }
        strata::export_header(model, options.header, "fashion_mnist_model",
                              training_bounds(train));
        std::printf("wrote %s\n", options.header.c_str());
        if (!options.samples.empty()) {
            write_samples(options.samples, test, options.sample_count);
            std::printf("wrote %s\n", options.samples.c_str());
        }
        if (!options.reference.empty()) {
            write_reference(options.reference, model, test, options.sample_count);
            std::printf("wrote %s\n", options.reference.c_str());
        }
    } catch (const std::exception& error) {
        std::fprintf(stderr, "fashion_mnist_export: %s\n", error.what());
        return 1;
    }
    return 0;
}
