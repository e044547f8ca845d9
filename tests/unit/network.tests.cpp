// Compile-time shapes, the summary, initialization and large networks.

#include <pthread.h>

#include <sstream>
#include <vector>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

using namespace strata;

namespace {

using classifier = network<input<784>, dense<128>, relu, dense<10>>;
using big = network<input<784>, dense<512>, relu, dense<512>, relu, dense<10>>;

}  // namespace

TEST_CASE("network shape constants", "[network][shape]") {
    STATIC_REQUIRE(classifier::input_size == 784);
    STATIC_REQUIRE(classifier::output_size == 10);
    STATIC_REQUIRE(classifier::layer_count == 3);
    STATIC_REQUIRE(classifier::parameter_count == 784 * 128 + 128 + 128 * 10 + 10);
    STATIC_REQUIRE(classifier::parameter_bytes == classifier::parameter_count * sizeof(float));
    STATIC_REQUIRE(classifier::activation_bytes == (128 + 128 + 10) * sizeof(float));
    STATIC_REQUIRE(classifier::layers[0].input_size == 784);
    STATIC_REQUIRE(classifier::layers[0].output_size == 128);
    STATIC_REQUIRE(classifier::layers[1].name == "relu");
    STATIC_REQUIRE(classifier::layers[2].input_size == 128);
    STATIC_REQUIRE(classifier::layers[2].parameter_offset % (simd_alignment / sizeof(float)) == 0);
    STATIC_REQUIRE(classifier::shape::weight_segments.size() == 2);
    STATIC_REQUIRE(classifier::shape::weight_segments[1].count == 1280);
    STATIC_REQUIRE(big::parameter_count == 669706);
    STATIC_REQUIRE(basic_network<double, input<3>, dense<2>>::parameter_bytes == 8 * 8);
}

TEST_CASE("network summary lists layers", "[network]") {
    std::ostringstream out;
    out << classifier{};
    const std::string text = out.str();
    REQUIRE(text.find("dense<128>") != std::string::npos);
    REQUIRE(text.find("784 -> 128") != std::string::npos);
    REQUIRE(text.find("128 -> 10") != std::string::npos);
    REQUIRE(text.find("101770 parameters") != std::string::npos);
}

TEST_CASE("initialization is seeded", "[network][initializers]") {
    const classifier a(42);
    const classifier b(42);
    const classifier c(43);
    REQUIRE(std::equal(a.parameters().begin(), a.parameters().end(), b.parameters().begin()));
    REQUIRE_FALSE(std::equal(a.parameters().begin(), a.parameters().end(), c.parameters().begin()));
    for (float v : a.bias<0>()) REQUIRE(v == 0.0f);
}

TEST_CASE("initializers have the documented spread", "[network][initializers]") {
    network<input<400>, dense<300>, relu, dense<200>> net;
    net.initialize(initializers::he_normal{}, 1);
    double sum_squares = 0;
    for (float w : net.weights<0>()) sum_squares += double(w) * w;
    const double he_variance = sum_squares / net.weights<0>().size();
    REQUIRE_THAT(he_variance, Catch::Matchers::WithinRel(2.0 / 400, 0.03));

    net.initialize(initializers::glorot_uniform{}, 1);
    const double limit = std::sqrt(6.0 / (300 + 200));
    double max_abs = 0;
    sum_squares = 0;
    for (float w : net.weights<2>()) {
        max_abs = std::max(max_abs, double(std::abs(w)));
        sum_squares += double(w) * w;
    }
    REQUIRE(max_abs <= limit);
    // Uniform(-a, a) has variance a^2 / 3.
    REQUIRE_THAT(sum_squares / net.weights<2>().size(),
                 Catch::Matchers::WithinRel(limit * limit / 3, 0.03));
}

TEST_CASE("first weights for seed 42 are stable", "[network][random]") {
    // Golden values: the generator and distributions are strata's own, so
    // they must not change with the standard library.
    network<input<2>, dense<4>, strata::tanh, dense<1>> net(42);
    const std::vector<float> golden{-0x1.d9d5bp-2f, 0x1.6e482p-3f, -0x1.ed2458p-2f, 0x1.ac70e8p-2f,
                                    0x1.27ff8p-5f};
    for (std::size_t i = 0; i < golden.size(); ++i)
        REQUIRE(net.weights<0>()[i] == golden[i]);
}

TEST_CASE("large network on a 1 MiB stack", "[network][memory]") {
    // Weights, gradients and Adam moments of this network come to about
    // 10 MiB; all of it must live on the heap.
    struct job {
        bool finite = false;
        static void* run(void* argument) {
            auto* self = static_cast<job*>(argument);
            big net(1);
            std::vector<float> x(784, 0.5f);
            std::vector<float> y{3};
            const dataset data(x, 784, y, 1);
            trainer<big, losses::cross_entropy, optimizers::adam> t;
            t.fit(net, data, {.epochs = 1, .batch_size = 1});
            self->finite = std::isfinite(net.parameters()[0]);
            return nullptr;
        }
    } work;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    REQUIRE(pthread_attr_setstacksize(&attributes, 1 << 20) == 0);
    pthread_t thread;
    REQUIRE(pthread_create(&thread, &attributes, &job::run, &work) == 0);
    REQUIRE(pthread_join(thread, nullptr) == 0);
    pthread_attr_destroy(&attributes);
    REQUIRE(work.finite);

    job on_main;
    job::run(&on_main);
    REQUIRE(on_main.finite);
}

TEST_CASE("wide network predicts without stack overflow", "[network][memory]") {
    // Two activation buffers of 2,000,000 floats would need 16 MB of stack.
    using wide = network<input<2>, dense<2000000>, relu, dense<1>>;
    wide net(1);
    const auto y = net.predict(std::array<float, 2>{0.5f, -0.5f});
    REQUIRE(std::isfinite(y[0]));
}
