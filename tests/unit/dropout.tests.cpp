// The dropout layer: identity at inference, inverted scaling in training,
// seeded masks, its gradient, and the trainer's use of it.

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

using namespace strata;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

using half_dropout = network<input<4>, dense<4>, dropout<drop_rate<1, 2>>, identity>;

// Dense 4 -> 4 with W = I and b = 0, so the network's output is the dropout's.
half_dropout identity_dense() {
    half_dropout net;
    auto w = net.weights<0>();
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = i % 5 == 0 ? 1.0f : 0.0f;
    return net;
}

// FNV-1a over the bytes of every parameter.
template <class Net>
std::uint64_t parameter_hash(const Net& net) {
    std::uint64_t hash = 0xcbf29ce484222325ull;
    for (float p : net.parameters()) {
        unsigned char bytes[sizeof(float)];
        std::memcpy(bytes, &p, sizeof(float));
        for (unsigned char b : bytes) hash = (hash ^ b) * 0x100000001b3ull;
    }
    return hash;
}

dataset xor_data() {
    return dataset(std::vector<float>{0, 0, 0, 1, 1, 0, 1, 1}, 2,
                   std::vector<float>{0, 1, 1, 0}, 1);
}

}  // namespace

TEST_CASE("dropout names its probability", "[layers][dropout]") {
    STATIC_REQUIRE(dropout<drop_rate<1, 5>>::rate == 0.2);
    STATIC_REQUIRE(dropout<keep_probability<4, 5>>::rate > 0.19999);
    STATIC_REQUIRE(dropout<keep_probability<4, 5>>::rate < 0.20001);
    STATIC_REQUIRE(dropout<>::rate == 0.5);
    STATIC_REQUIRE(dropout<keep_probability<1>>::rate == 0.0);
    STATIC_REQUIRE(half_dropout::layers[1].scratch_size == 4);
    STATIC_REQUIRE(half_dropout::layers[1].parameter_count == 0);
    STATIC_REQUIRE(half_dropout::output_size == 4);
}

TEST_CASE("dropout is the identity at inference", "[layers][dropout]") {
    const auto net = identity_dense();
    const std::array<float, 4> x{1, 2, 3, 4};
    const auto first = net.predict(x);
    const auto second = net.predict(x);
    for (std::size_t i = 0; i < 4; ++i) {
        // Exactly x: a doubly scaled output would be x / 2.
        REQUIRE(first[i] == x[i]);
        REQUIRE(second[i] == x[i]);
    }
    workspace<half_dropout> work(1);
    net.forward(work, x.data(), 1, pass_context{});
    for (std::size_t i = 0; i < 4; ++i) REQUIRE(work.output()[i] == x[i]);
}

TEST_CASE("dropout in training keeps or scales", "[layers][dropout]") {
    const auto net = identity_dense();
    const std::array<float, 4> x{1, 2, 3, 4};
    workspace<half_dropout> work(1);
    random_engine random(7);
    const pass_context training{true, &random, {}};
    std::array<double, 4> sum{};
    std::array<std::size_t, 4> zeros{};
    constexpr std::size_t passes = 20000;
    for (std::size_t pass = 0; pass < passes; ++pass) {
        net.forward(work, x.data(), 1, training);
        for (std::size_t i = 0; i < 4; ++i) {
            const float y = work.output()[i];
            REQUIRE((y == 0.0f || y == 2.0f * x[i]));
            sum[i] += y;
            zeros[i] += y == 0.0f ? 1 : 0;
        }
    }
    for (std::size_t i = 0; i < 4; ++i) {
        CAPTURE(i);
        REQUIRE_THAT(sum[i] / passes, WithinRel(static_cast<double>(x[i]), 0.03));
        REQUIRE_THAT(static_cast<double>(zeros[i]) / passes, WithinAbs(0.5, 0.02));
    }
}

TEST_CASE("dropout run-time rate replaces the type's", "[layers][dropout]") {
    using net_type = network<input<1000>, dropout<drop_rate<1, 2>>>;
    const net_type net;
    const std::vector<float> x(1000, 1.0f);
    workspace<net_type> work(1);
    random_engine random(3);
    net.forward(work, x.data(), 1, pass_context{true, &random, 0.2});
    std::size_t zeros = 0;
    for (std::size_t i = 0; i < 1000; ++i) {
        const float y = work.output()[i];
        REQUIRE((y == 0.0f || y == 1.25f));
        zeros += y == 0.0f ? 1 : 0;
    }
    // Binomial(1000, 0.2): mean 200, standard deviation 12.6.
    REQUIRE(zeros > 150);
    REQUIRE(zeros < 250);

    net.forward(work, x.data(), 1, pass_context{true, &random, 0.0});
    for (std::size_t i = 0; i < 1000; ++i) REQUIRE(work.output()[i] == 1.0f);
}

TEST_CASE("dropout masks are seeded", "[layers][dropout]") {
    using net_type = network<input<64>, dropout<drop_rate<3, 10>>>;
    const net_type net;
    const std::vector<float> x(128, 1.0f);
    const auto mask = [&](std::uint64_t seed) {
        workspace<net_type> work(2);
        random_engine random(seed);
        std::vector<float> both(2 * 64);
        net.forward(work, x.data(), 2, pass_context{true, &random, {}});
        std::copy_n(work.output(), 128, both.begin());
        return both;
    };
    REQUIRE(mask(5) == mask(5));
    REQUIRE(mask(5) != mask(6));
    const auto two = mask(5);
    // The two samples of a batch get different masks.
    REQUIRE(std::vector<float>(two.begin(), two.begin() + 64) !=
            std::vector<float>(two.begin() + 64, two.end()));
}

TEST_CASE("dropout gradient uses the mask", "[layers][dropout][gradient]") {
    // With the generator reseeded before every pass, the mask is fixed and
    // the training-mode loss is a smooth function of the weights.
    using net_type = basic_network<double, input<5>, dense<6>, strata::tanh,
                                   dropout<drop_rate<1, 3>>, dense<2>>;
    net_type net(4);
    constexpr std::size_t batch = 3;
    std::vector<double> x(batch * 5), t(batch * 2);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.7 * static_cast<double>(i));
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = std::cos(0.3 * static_cast<double>(i));
    workspace<net_type> work(batch);
    const auto loss = [&](std::vector<double>* gradient) {
        random_engine random(11);
        net.forward(work, x.data(), batch, pass_context{true, &random, {}});
        const double value = losses::mse::loss_and_gradient<2>(work.output(), t.data(), 2,
                                                                work.output_gradient(), batch);
        if (gradient != nullptr) net.backward(work, x.data(), gradient->data(), batch);
        return value / batch;
    };
    std::vector<double> analytic(net_type::parameter_storage_size);
    loss(&analytic);
    std::size_t zero_rows = 0;
    constexpr double step = 1e-6;
    for (const auto& layer : net_type::layers) {
        for (std::size_t i = 0; i < layer.parameter_count; ++i) {
            const std::size_t slot = layer.parameter_offset + i;
            double& p = net.parameters()[slot];
            const double saved = p;
            p = saved + step;
            const double plus = loss(nullptr);
            p = saved - step;
            const double minus = loss(nullptr);
            p = saved;
            const double numeric = (plus - minus) / (2 * step);
            CAPTURE(layer.name, i);
            REQUIRE(std::abs(analytic[slot] - numeric) <= 1e-6 + 1e-5 * std::abs(numeric));
            zero_rows += analytic[slot] == 0.0 ? 1 : 0;
        }
    }
    // Some hidden units were dropped, so their weights got no gradient.
    REQUIRE(zero_rows > 0);
}

TEST_CASE("trainer evaluate never drops", "[training][dropout]") {
    // keep_probability<1, 10> would zero 90% of the hidden units in training.
    using with_dropout = network<input<2>, dense<8>, strata::tanh,
                                 dropout<keep_probability<1, 10>>, dense<1>>;
    using without = network<input<2>, dense<8>, strata::tanh, dense<1>>;
    with_dropout a(5);
    without b(5);
    std::copy_n(a.layer_parameters<0>().data(), a.layers[0].parameter_count,
                b.layer_parameters<0>().data());
    std::copy_n(a.layer_parameters<3>().data(), a.layers[3].parameter_count,
                b.layer_parameters<2>().data());
    const trainer<with_dropout, losses::mse, optimizers::sgd> ta;
    const trainer<without, losses::mse, optimizers::sgd> tb;
    const auto ea = ta.evaluate(a, xor_data());
    REQUIRE(ta.evaluate(a, xor_data()).loss == ea.loss);
    REQUIRE_THAT(ea.loss, WithinAbs(tb.evaluate(b, xor_data()).loss, 1e-7));
    const std::array<float, 2> x{1, 0};
    REQUIRE_THAT(a.predict(x)[0], WithinAbs(b.predict(x)[0], 1e-6));
}

TEST_CASE("trainer validation never drops", "[training][dropout]") {
    using with_dropout = network<input<2>, dense<8>, strata::tanh,
                                 dropout<drop_rate<1, 2>>, dense<1>>;
    with_dropout net(5);
    trainer<with_dropout, losses::mse, optimizers::adam> t;
    const auto h = t.fit(net, xor_data(), xor_data(), {.epochs = 2, .batch_size = 4});
    REQUIRE(h.epochs.back().validation_loss == t.evaluate(net, xor_data()).loss);
}

TEST_CASE("trainer rejects an invalid drop rate", "[training][dropout]") {
    using with_dropout = network<input<2>, dense<4>, dropout<>, dense<1>>;
    with_dropout net;
    trainer<with_dropout, losses::mse, optimizers::sgd> t;
    REQUIRE_THROWS_WITH(t.fit(net, xor_data(), {.drop_rate = 1.0}),
                        Contains("drop_rate must lie in [0, 1), got 1.000000"));
    REQUIRE_THROWS_AS(t.fit(net, xor_data(), {.drop_rate = -0.1}), config_error);
}

TEST_CASE("training with dropout is reproducible", "[training][dropout][reproducibility]") {
    // XOR on 2-4-1 tanh with dropout 0.2 on the hidden layer, Adam, batch 2.
    using net_type = network<input<2>, dense<4>, strata::tanh, dropout<drop_rate<1, 5>>, dense<1>>;
    const auto train = [](std::uint64_t seed, std::optional<double> rate) {
        net_type net(seed);
        trainer<net_type, losses::mse, optimizers::adam> t;
        t.fit(net, xor_data(), {.epochs = 50, .batch_size = 2, .seed = seed, .drop_rate = rate});
        return parameter_hash(net);
    };
    const auto first = train(42, {});
    REQUIRE(train(42, {}) == first);
    REQUIRE(train(43, {}) != first);
    // Dropout changed the steps: without it the weights differ.
    REQUIRE(train(42, 0.0) != first);
    REQUIRE(train(42, 0.2) == first);
}
