// The dataset type and the random split.

#include <algorithm>
#include <numeric>
#include <set>
#include <vector>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

using namespace strata;
using Catch::Matchers::Contains;

namespace {

// 100 samples with x = i; label 0 for i < 80, 1 for the rest (sorted by class).
dataset sorted_by_class() {
    std::vector<float> x(100), y(100);
    for (std::size_t i = 0; i < 100; ++i) {
        x[i] = static_cast<float>(i);
        y[i] = i < 80 ? 0.0f : 1.0f;
    }
    return dataset(x, 1, y, 1);
}

std::vector<std::size_t> ids(const dataset& part) {
    std::vector<std::size_t> result;
    for (std::size_t i = 0; i < part.size(); ++i)
        result.push_back(static_cast<std::size_t>(part.features(i)[0]));
    return result;
}

}  // namespace

TEST_CASE("split sizes cover and are disjoint", "[dataset][split]") {
    const auto data = sorted_by_class();
    const auto parts = split(data, split_fractions{0.7, 0.2, 0.1}, 5);
    REQUIRE(parts.train.size() == 70);
    REQUIRE(parts.validation.size() == 20);
    REQUIRE(parts.test.size() == 10);

    std::set<std::size_t> seen;
    for (const auto* part : {&parts.train, &parts.validation, &parts.test})
        for (auto id : ids(*part)) REQUIRE(seen.insert(id).second);
    REQUIRE(seen.size() == 100);

    for (std::size_t i = 0; i < parts.train.size(); ++i) {
        const auto id = static_cast<std::size_t>(parts.train.features(i)[0]);
        REQUIRE(parts.train.origin(i) == id);
        REQUIRE(parts.train.targets(i)[0] == (id < 80 ? 0.0f : 1.0f));
    }
}

TEST_CASE("split shuffles sorted data", "[dataset][split]") {
    const auto [train, validation] = split(sorted_by_class(), 0.2, 9);
    auto validation_ids = ids(validation);
    std::sort(validation_ids.begin(), validation_ids.end());
    std::vector<std::size_t> tail(20);
    std::iota(tail.begin(), tail.end(), std::size_t{80});
    REQUIRE(validation_ids != tail);
    const auto label_zero = std::count_if(validation_ids.begin(), validation_ids.end(),
                                          [](std::size_t id) { return id < 80; });
    REQUIRE(label_zero >= 1);
    REQUIRE(train.size() + validation.size() == 100);
}

TEST_CASE("split is seeded", "[dataset][split]") {
    const auto data = sorted_by_class();
    REQUIRE(ids(split(data, split_fractions{}, 3).test) == ids(split(data, split_fractions{}, 3).test));
    REQUIRE(ids(split(data, split_fractions{}, 3).test) != ids(split(data, split_fractions{}, 4).test));
}

TEST_CASE("split rejects bad fractions", "[dataset][split]") {
    REQUIRE_THROWS_WITH(split(sorted_by_class(), split_fractions{0.7, 0.2, 0.2}, 1),
                        Contains("sum to 1"));
    REQUIRE_THROWS_AS(split(sorted_by_class(), split_fractions{1.2, -0.2, 0.0}, 1), config_error);
}

TEST_CASE("dataset rejects mismatched sizes", "[dataset]") {
    REQUIRE_THROWS_WITH(dataset(std::vector<float>(6), 2, std::vector<float>(2), 1),
                        Contains("expected 3 target values for 3 samples"));
    REQUIRE_THROWS_WITH(dataset(std::vector<float>(7), 2, std::vector<float>(3), 1),
                        Contains("do not divide into rows of 2"));
}

TEST_CASE("dataset names non-finite values", "[dataset]") {
    std::vector<float> x{1, 2, 3, 4, std::numeric_limits<float>::quiet_NaN(), 6};
    const dataset data(x, 3, std::vector<float>{0, 1}, 1);
    REQUIRE_THROWS_WITH(data.check_finite(), Contains("sample 1, feature 1 is nan"));
}

TEST_CASE("split rejects NaN fractions", "[dataset][split]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    REQUIRE_THROWS_AS(split(sorted_by_class(), nan, 1), config_error);
    REQUIRE_THROWS_AS(split(sorted_by_class(), split_fractions{nan, 0.5, 0.5}, 1), config_error);
}
