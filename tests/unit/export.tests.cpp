// The model-header exporter: float literals that parse back to the same
// bits, and the checks on what it is asked to export.

#include <bit>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include <catch2/catch.hpp>
#include <strata/io/export_header.hpp>
#include <strata/strata.hpp>

using namespace strata;
using Catch::Matchers::Contains;

namespace {

template <class T>
T parse_literal(const std::string& literal) {
    std::string digits = literal;
    if constexpr (std::is_same_v<T, float>) {
        REQUIRE(digits.back() == 'f');
        digits.pop_back();
    }
    T value{};
    const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    REQUIRE(result.ec == std::errc{});
    REQUIRE(result.ptr == digits.data() + digits.size());
    return value;
}

using small_net = network<input<2>, dense<3>, strata::tanh, dense<2>>;

}  // namespace

TEST_CASE("float literals of hard values", "[io][export]") {
    CHECK(float_literal(std::bit_cast<float>(0x3DCCCCCEu)) == "0.100000009f");
    CHECK(float_literal(0.515482306f) == "0.515482306f");
    CHECK(float_literal(-0.0f) == "-0.0f");
    CHECK(float_literal(1.0f) == "1.0f");
    CHECK(float_literal(std::numeric_limits<float>::denorm_min()) == "1.40129846e-45f");
    CHECK(float_literal(std::numeric_limits<float>::max()) == "3.40282347e+38f");
    CHECK(float_literal(0.1) == "0.10000000000000001");
}

TEST_CASE("float literals parse back to the same bits", "[io][export]") {
    random_engine random(7);
    for (int i = 0; i < 200000; ++i) {
        const std::uint32_t bits = random.next();
        const float value = std::bit_cast<float>(bits);
        if (!std::isfinite(value)) continue;
        const std::string literal = float_literal(value);
        CAPTURE(bits, literal);
        REQUIRE(std::bit_cast<std::uint32_t>(parse_literal<float>(literal)) == bits);
    }
    for (int i = 0; i < 20000; ++i) {
        const std::uint64_t bits = (std::uint64_t{random.next()} << 32) | random.next();
        const double value = std::bit_cast<double>(bits);
        if (!std::isfinite(value)) continue;
        const std::string literal = float_literal(value);
        CAPTURE(bits, literal);
        REQUIRE(std::bit_cast<std::uint64_t>(parse_literal<double>(literal)) == bits);
    }
}

TEST_CASE("float literals reject NaN and infinity", "[io][export]") {
    CHECK_THROWS_AS(float_literal(std::numeric_limits<float>::quiet_NaN()), config_error);
    CHECK_THROWS_AS(float_literal(-std::numeric_limits<float>::infinity()), config_error);
}

TEST_CASE("export rejects non-finite weights", "[io][export]") {
    small_net net(1);
    net.weights<2>()[4] = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_WITH(header_source(net, "model"),
                      Contains("parameter 4 of layer 2 (dense) is NaN"));
    net.weights<2>()[4] = 0;
    net.bias<0>()[1] = std::numeric_limits<float>::infinity();
    CHECK_THROWS_WITH(header_source(net, "model"),
                      Contains("parameter 7 of layer 0 (dense) is infinite"));
}

TEST_CASE("export rejects bad names and bounds", "[io][export]") {
    const small_net net(1);
    CHECK_THROWS_WITH(header_source(net, "2model"), Contains("not a C++ identifier"));
    CHECK_THROWS_WITH(header_source(net, "my-model"), Contains("not a C++ identifier"));
    const domain_bounds<2> reversed{{0, 1}, {1, 0}};
    CHECK_THROWS_WITH(header_source(net, "model", reversed),
                      Contains("bounds of feature 1 are [1.0"));
}

TEST_CASE("exported header names the type and hash", "[io][export]") {
    const small_net net(1);
    const std::string text = header_source(net, "demo", domain_bounds<2>{{-1, 0}, {1, 2}});
    CHECK_THAT(text, Contains("namespace demo {"));
    CHECK_THAT(text, Contains("using network_type = strata::network<strata::input<2>, "
                              "strata::dense<3>, strata::tanh, strata::dense<2>>;"));
    char hash[32];
    std::snprintf(hash, sizeof hash, "0x%016llxull",
                  static_cast<unsigned long long>(architecture_hash<small_net>));
    CHECK_THAT(text, Contains(hash));
    CHECK_THAT(text, Contains("std::array<float, 32> parameters"));
    CHECK_THAT(text, Contains("has_training_domain = true"));
    CHECK_THAT(text, Contains(".max = {{\n        1.0f, 2.0f,"));
    CHECK_THAT(text, Contains(float_literal(net.weights<0>()[0])));
    CHECK_THAT(header_source(net, "demo"), Contains("has_training_domain = false"));

    const basic_network<double, input<2>, leaky_relu<std::ratio<1, 10>>> other;
    CHECK_THAT(header_source(other, "d"), Contains("strata::basic_network<double, strata::input<2>, "
                                                   "strata::leaky_relu<std::ratio<1, 10>"));
}
