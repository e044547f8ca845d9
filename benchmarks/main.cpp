// Runs every side-by-side benchmark in one process and prints the tables:
// the FMA peak, single-sample and batched inference, and training on
// Fashion-MNIST. Each comparison ends in lines of the form
//   <benchmark> ... speedup vs <peer>: X.XX
// where the speedup is the peer's median time divided by strata's.
//
//   strata_benchmarks [--rounds N] [--round-ms N] [--epochs N]
//                     [--skip-inference] [--skip-training] [--filter TEXT] [--data DIR]

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include <dlfcn.h>
#include <xmmintrin.h>
#include <pmmintrin.h>

#include <strata/io/idx.hpp>
#include <strata/kernels/simd.hpp>

#include "peak.hpp"
#include "peers.hpp"

namespace bench {
model_parameters reference_parameters(model kind, unsigned seed);
training_result pytorch_training(const std::string& python, const std::string& script,
                                 const std::string& data, std::size_t batch, std::size_t epochs,
                                 unsigned seed);
}  // namespace bench

namespace {

// Sets OpenBLAS, which libtorch and dlib call for their matrix products, to
// one thread, and names the BLAS in use. Debian picks the BLAS library at run
// time (update-alternatives), so the symbol is looked up, not linked.
std::string limit_blas_threads() {
    using set_threads = void (*)(int);
    void* symbol = dlsym(RTLD_DEFAULT, "openblas_set_num_threads");
    if (symbol == nullptr)
        return "not OpenBLAS (install libopenblas0-pthread: the reference BLAS makes libtorch and "
               "dlib slow)";
    reinterpret_cast<set_threads>(symbol)(1);
    return "OpenBLAS, 1 thread";
}

struct settings {
    std::size_t rounds = 21;
    double round_seconds = 0.02;
    std::size_t epochs = 5;
    bool inference = true;
    bool training = true;
    std::string filter;
    std::string data = "/usr/share/datasets/fashion-mnist";
};

constexpr std::string_view usage =
    "usage: strata_benchmarks [options]\n"
    "Times strata against Eigen, a plain loop, libtorch, PyTorch and dlib on one thread.\n"
    "\n"
    "  --rounds N        timed rounds per inference comparison; the median is shown (default 21)\n"
    "  --round-ms N      length of one round in milliseconds (default 20)\n"
    "  --epochs N        training epochs per run (default 5)\n"
    "  --skip-inference  run only the training comparison\n"
    "  --skip-training   run only the inference comparisons\n"
    "  --filter TEXT     run only the benchmarks whose name contains TEXT\n"
    "  --data DIR        folder with the Fashion-MNIST *-ubyte.gz files\n"
    "                    (default /usr/share/datasets/fashion-mnist)\n";

std::size_t parse_count(std::string_view flag, std::string_view text) {
    std::size_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value == 0)
        throw std::invalid_argument("invalid value \"" + std::string(text) + "\" for " +
                                    std::string(flag) + ": expected a positive integer");
    return value;
}

settings parse_arguments(int argc, char** argv) {
    settings result;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "--help") {
            std::fputs(usage.data(), stdout);
            std::exit(0);
        } else if (flag == "--skip-inference") {
            result.inference = false;
        } else if (flag == "--skip-training") {
            result.training = false;
        } else if (i + 1 < argc && flag == "--rounds") {
            result.rounds = parse_count(flag, argv[++i]);
        } else if (i + 1 < argc && flag == "--round-ms") {
            result.round_seconds = static_cast<double>(parse_count(flag, argv[++i])) / 1000;
        } else if (i + 1 < argc && flag == "--epochs") {
            result.epochs = parse_count(flag, argv[++i]);
        } else if (i + 1 < argc && flag == "--filter") {
            result.filter = argv[++i];
        } else if (i + 1 < argc && flag == "--data") {
            result.data = argv[++i];
        } else {
            throw std::invalid_argument("unknown option or missing value: " + std::string(flag) +
                                        "; run with --help for the usage");
        }
    }
    return result;
}

std::string cpu_model() {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line))
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    return "unknown CPU";
}

// FLOPs of one sample's forward pass: two per multiply-add of each dense layer.
double forward_flops(const bench::model_parameters& parameters) {
    double total = 0;
    for (const auto& layer : parameters.layers)
        total += 2.0 * static_cast<double>(layer.inputs * layer.outputs);
    return total;
}

void print_speedups(const std::string& benchmark, const std::vector<std::string>& names,
                    const std::vector<double>& strata_over_peer_inverse) {
    for (std::size_t i = 1; i < names.size(); ++i)
        std::printf("%s  strata vs %s: speedup vs %s: %.2f\n", benchmark.c_str(),
                    names[i].c_str(), names[i].c_str(), strata_over_peer_inverse[i]);
}

void run_inference(const settings& options, double peak) {
    struct inference_case {
        std::string name;
        bench::model kind;
        std::size_t batch;
        bool chained;
        const char* what;
    };
    const char* latency = "1 sample per call, each input computed from the previous output";
    const char* back_to_back = "1 sample per call, independent calls back to back";
    const inference_case cases[] = {
        {"infer/16-32-32-1_tanh/latency", bench::model::small, 1, true, latency},
        {"infer/16-32-32-1_tanh/back_to_back", bench::model::small, 1, false, back_to_back},
        {"infer/784-128-10_relu/latency", bench::model::large, 1, true, latency},
        {"infer/784-128-10_relu/back_to_back", bench::model::large, 1, false, back_to_back},
        {"infer/784-128-10_relu/batch256", bench::model::large, 256, false,
         "256 samples per call"},
    };
    const bench::inference_factory factories[] = {
        bench::strata_inference, bench::eigen_inference, bench::scalar_inference,
        bench::torch_inference, bench::dlib_inference};

    for (const auto& c : cases) {
        if (c.name.find(options.filter) == std::string::npos) continue;
        const auto parameters = bench::reference_parameters(c.kind, 1);
        const std::size_t in = parameters.layers.front().inputs;
        strata::random_engine engine(7);
        std::vector<float> inputs(c.batch * in);
        for (auto& value : inputs) value = static_cast<float>(engine.uniform());

        std::vector<bench::inference_entry> entries;
        for (auto factory : factories)
            entries.push_back(factory(parameters, inputs, c.batch, c.chained));

        // Every peer must compute strata's function before its time means anything.
        for (std::size_t i = 1; i < entries.size(); ++i) {
            const auto& expected = entries[0].output;
            const auto& actual = entries[i].output;
            double worst = actual.size() == expected.size() ? 0 : INFINITY;
            for (std::size_t k = 0; k < actual.size() && k < expected.size(); ++k)
                worst = std::max(worst, std::abs(double(actual[k]) - double(expected[k])) /
                                            (1.0 + std::abs(double(expected[k]))));
            if (!(worst < 1e-3))
                throw std::runtime_error(c.name + ": " + entries[i].timed.name +
                                         "'s outputs differ from strata's by " +
                                         std::to_string(worst) + " (relative)");
        }

        std::vector<bench::contender> contenders;
        for (auto& e : entries) contenders.push_back(e.timed);
        const auto timings = bench::measure(contenders, options.rounds, options.round_seconds);

        const double flops = forward_flops(parameters) * static_cast<double>(c.batch);
        std::printf("\n%s: %s; float32, one thread; median of %zu rounds\n", c.name.c_str(),
                    c.what, options.rounds);
        std::printf("  %-12s %12s %12s %10s %9s\n", "contender", "ns/call", "ns/sample",
                    "GFLOP/s", "of peak");
        std::vector<double> medians, speedups;
        for (std::size_t i = 0; i < contenders.size(); ++i) medians.push_back(bench::median(timings.nanoseconds[i]));
        for (std::size_t i = 0; i < contenders.size(); ++i) {
            const double gflops = flops / medians[i];
            std::printf("  %-12s %12.1f %12.1f %10.2f %8.1f%%\n", timings.names[i].c_str(),
                        medians[i], medians[i] / static_cast<double>(c.batch), gflops,
                        100 * gflops * 1e9 / peak);
            speedups.push_back(medians[i] / medians[0]);
        }
        print_speedups(c.name, timings.names, speedups);
        std::fflush(stdout);
    }
}

bench::image_set to_image_set(const strata::dataset& data) {
    bench::image_set result;
    result.pixels.assign(data.feature_data(), data.feature_data() + data.size() * 784);
    for (std::size_t i = 0; i < data.size(); ++i)
        result.labels.push_back(static_cast<int>(data.targets(i)[0]));
    return result;
}

void run_training(const settings& options, double peak) {
    const auto [train_data, test_data] = strata::load_fashion_mnist(options.data);
    const auto train = to_image_set(train_data);
    const auto test = to_image_set(test_data);
    // Forward, then dW for both layers and dx for the second: the first
    // layer's input gradient is not needed.
    const double flops_per_sample = 2.0 * (2 * 784 * 128 + 3 * 128 * 10);

    for (std::size_t batch : {std::size_t{32}, std::size_t{256}}) {
        const std::string name = "train/784-128-10_relu_adam/batch" + std::to_string(batch);
        if (name.find(options.filter) == std::string::npos) continue;
        struct run {
            std::string name;
            bench::training_result result;
        };
        std::vector<run> runs;
        runs.push_back({"strata", bench::strata_training(train, test, batch, options.epochs, 1)});
        runs.push_back({"libtorch", bench::torch_training(train, test, batch, options.epochs, 1)});
        runs.push_back({"pytorch", bench::pytorch_training(STRATA_BENCH_PYTHON,
                                                           STRATA_BENCH_PYTORCH_SCRIPT,
                                                           options.data, batch, options.epochs, 1)});
        runs.push_back({"dlib", bench::dlib_training(train, test, batch, options.epochs, 1)});

        std::printf("\n%s: Fashion-MNIST, %zu training images, %zu epochs, one thread; "
                    "samples per second of process CPU time, median over epochs\n",
                    name.c_str(), train.size(), options.epochs);
        std::printf("  %-12s %12s %10s %9s %14s\n", "contender", "samples/s", "GFLOP/s",
                    "of peak", "test accuracy");
        std::vector<std::string> names;
        std::vector<double> rates;
        for (const auto& r : runs) {
            std::vector<double> per_epoch;
            for (double s : r.result.epoch_seconds)
                per_epoch.push_back(static_cast<double>(train.size()) / s);
            const double rate = bench::median(per_epoch);
            const double gflops = rate * flops_per_sample / 1e9;
            std::printf("  %-12s %12.0f %10.2f %8.1f%% %14.4f\n", r.name.c_str(), rate, gflops,
                        100 * gflops * 1e9 / peak, r.result.test_accuracy);
            names.push_back(r.name);
            rates.push_back(rate);
        }
        std::vector<double> speedups;
        for (double rate : rates) speedups.push_back(rates[0] / rate);
        print_speedups(name, names, speedups);
        std::fflush(stdout);
    }
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const settings options = parse_arguments(argc, argv);
        // Denormals flushed to zero for every in-process contender alike:
        // Adam's moment estimates decay into them for weights whose
        // gradient is zero (always-black pixels), and each denormal
        // operation costs a microcode assist on x86.
        _MM_SET_FLUSH_ZERO_MODE(_MM_FLUSH_ZERO_ON);
        _MM_SET_DENORMALS_ZERO_MODE(_MM_DENORMALS_ZERO_ON);

        const auto peak = bench::measure_fma_peak();
        const double best_peak = std::max(peak.avx512, peak.avx2);
        std::printf("machine: %s, %u hardware threads; benchmarks use one\n",
                    cpu_model().c_str(), std::thread::hardware_concurrency());
        std::printf("compiler: g++ %s; strata kernels: %s; BLAS for libtorch and dlib: %s\n",
                    __VERSION__, strata::kernels::instruction_set(), limit_blas_threads().c_str());
        std::printf("one-core FMA peak, float32: AVX-512 %.1f GFLOP/s, AVX2 %.1f GFLOP/s "
                    "(\"of peak\" below is against %.1f)\n",
                    peak.avx512 / 1e9, peak.avx2 / 1e9, best_peak / 1e9);
        if (options.inference) run_inference(options, best_peak);
        if (options.training) run_training(options, best_peak);
    } catch (const std::exception& error) {
        std::fprintf(stderr, "strata_benchmarks: %s\n", error.what());
        return 1;
    }
    return 0;
}
