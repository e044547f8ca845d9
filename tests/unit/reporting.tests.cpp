// The domain guard, the progress reporter, the history CSV and the SVG charts.

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

using namespace strata;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string temporary_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("strata_test_" + name)).string();
}

std::size_t count(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
}

// Runs `write` with a temporary FILE* and returns what it wrote.
template <class Write>
std::string capture(Write write) {
    std::FILE* file = std::tmpfile();
    REQUIRE(file != nullptr);
    write(file);
    std::fflush(file);
    std::rewind(file);
    std::string text;
    char buffer[4096];
    std::size_t read = 0;
    while ((read = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, read);
    std::fclose(file);
    return text;
}

// Two features: x0 in [-1, 1], x1 in [0.1, 0.3].
dataset two_features() {
    return dataset(std::vector<float>{-1.0f, 0.1f, 0.5f, 0.3f, 1.0f, 0.2f}, 2,
                   std::vector<float>{0, 0, 0}, 1);
}

}  // namespace

TEST_CASE("domain guard records ranges", "[domain_guard]") {
    const domain_guard<float> guard(two_features());
    REQUIRE(guard.feature_count() == 2);
    REQUIRE(guard.low(0) == -1.0);
    REQUIRE(guard.high(0) == 1.0);
    REQUIRE(guard.low(1) == 0.1f);
    REQUIRE(guard.high(1) == 0.3f);
    REQUIRE(guard.check(std::vector<float>{0.0f, 0.2f}).inside);
    REQUIRE(guard.check(std::vector<float>{1.0f, 0.1f}).inside);  // bounds are inside

    const auto outside = guard.check(std::vector<float>{3.0f, 0.2f});
    REQUIRE_FALSE(outside.inside);
    REQUIRE(outside.feature == 0);
    REQUIRE(outside.value == 3.0);
    REQUIRE(outside.features_outside == 1);
    REQUIRE_THAT(outside.message(), Contains("feature 0 = 3 is outside the training range [-1, 1]"));

    const auto nan = guard.check(std::vector<float>{0.0f, std::numeric_limits<float>::quiet_NaN()});
    REQUIRE_FALSE(nan.inside);
    REQUIRE(nan.feature == 1);
    REQUIRE(guard.check(std::vector<float>{-2.0f, 0.5f}).features_outside == 2);
    REQUIRE_THROWS_WITH(guard.check(std::vector<float>{0.0f}), Contains("the input has 1 features"));
}

TEST_CASE("domain guard as export bounds", "[domain_guard]") {
    const domain_guard<float> guard(two_features());
    const auto bounds = guard.bounds<2>();
    REQUIRE(bounds.min[0] == -1.0f);
    REQUIRE(bounds.max[0] == 1.0f);
    REQUIRE(bounds.min[1] == 0.1f);
    REQUIRE(bounds.max[1] == 0.3f);
    REQUIRE_THROWS_WITH(guard.bounds<3>(), Contains("requested 3 features"));
}

TEST_CASE("domain guard policies and margin", "[domain_guard]") {
    domain_guard<float> guard(two_features(), domain_policy::reject);
    REQUIRE_THROWS_AS(guard.check(std::vector<float>{1.1f, 0.2f}), out_of_domain_error);
    REQUIRE_THROWS_WITH(guard.check(std::vector<float>{1.1f, 0.2f}), Contains("feature 0 = 1.1"));
    guard.set_margin(0.1);  // x0 may reach 1.2, x1 0.32
    REQUIRE(guard.check(std::vector<float>{1.1f, 0.2f}).inside);
    REQUIRE_THROWS_AS(guard.check(std::vector<float>{1.3f, 0.2f}), out_of_domain_error);
    guard.set_policy(domain_policy::flag);
    REQUIRE_FALSE(guard.check(std::vector<float>{1.3f, 0.2f}).inside);
    REQUIRE_THROWS_AS(guard.set_margin(-0.5), config_error);
    REQUIRE_THROWS_WITH(domain_guard<float>(dataset{}), Contains("no samples"));
}

TEST_CASE("domain guard file round trip", "[domain_guard][io]") {
    domain_guard<float> guard(two_features(), domain_policy::reject, 0.25);
    const auto path = temporary_path("guard.domain");
    guard.save(path);
    REQUIRE_THAT(read_text(path), StartsWith("strata-domain-guard 1\nfeatures 2\npolicy reject\n"));
    const auto loaded = domain_guard<float>::load(path);
    REQUIRE(loaded.feature_count() == 2);
    REQUIRE(loaded.policy() == domain_policy::reject);
    REQUIRE(loaded.margin() == 0.25);
    for (std::size_t j = 0; j < 2; ++j) {
        REQUIRE(loaded.low(j) == guard.low(j));  // exact: shortest round-trip decimals
        REQUIRE(loaded.high(j) == guard.high(j));
    }
    std::filesystem::remove(path);
    REQUIRE_THROWS_WITH(domain_guard<float>::load(path), Contains("cannot open domain file"));
}

TEST_CASE("domain guard rejects malformed files", "[domain_guard][io]") {
    const auto load = [](const std::string& text) {
        return domain_guard<float>::from_text(text, "model.domain");
    };
    const std::string good = "strata-domain-guard 1\nfeatures 1\npolicy flag\nmargin 0\n-1 1\n";
    REQUIRE(load(good).high(0) == 1.0);
    REQUIRE_THROWS_WITH(load("strata-domain-guard 2\n"), Contains("model.domain:1: expected the header"));
    REQUIRE_THROWS_WITH(load(good.substr(0, good.size() - 5)), Contains("model.domain:5: the domain file ends early"));
    REQUIRE_THROWS_WITH(load("strata-domain-guard 1\nfeatures x\n"), Contains("model.domain:2: expected \"features N\""));
    REQUIRE_THROWS_WITH(load("strata-domain-guard 1\nfeatures 1\npolicy maybe\n"), Contains("\"policy flag\""));
    REQUIRE_THROWS_WITH(load("strata-domain-guard 1\nfeatures 1\npolicy flag\nmargin 0\n2 1\n"),
                        Contains("low <= high, found \"2 1\""));
    REQUIRE_THROWS_WITH(load(good + "0 1\n"), Contains("unexpected data after 1 features"));
}

TEST_CASE("progress lines when not a terminal", "[progress]") {
    using net_type = network<input<1>, dense<1>>;
    const dataset data(std::vector<float>(10, 1.0f), 1, std::vector<float>(10, 2.0f), 1);
    const auto text = capture([&](std::FILE* out) {
        progress_reporter progress(out);
        REQUIRE_FALSE(progress.draws_bar());
        progress.line_interval = 1e-9;  // a line after every step
        net_type net;
        trainer<net_type, losses::mse, optimizers::sgd> t;
        std::size_t user_epochs = 0;
        t.on_epoch_end = [&](const epoch_record&) { ++user_epochs; };
        const fit_options options{.epochs = 2, .batch_size = 4};
        progress.attach(t, data.size(), options);
        t.fit(net, data, data, options);
        REQUIRE(user_epochs == 2);
    });
    CAPTURE(text);
    REQUIRE(count(text, "\r") == 0);
    REQUIRE(count(text, "epoch 1/2  loss") == 1);
    REQUIRE(count(text, "epoch 2/2  loss") == 1);
    REQUIRE_THAT(text, Contains("validation loss"));
    REQUIRE_THAT(text, Contains("epoch 2/2 batch 3/3  loss"));
    REQUIRE_THAT(text, Contains("samples/s"));
}

TEST_CASE("progress bar on request", "[progress]") {
    using net_type = network<input<1>, dense<1>>;
    const dataset data(std::vector<float>(10, 1.0f), 1, std::vector<float>(10, 2.0f), 1);
    const auto text = capture([&](std::FILE* out) {
        progress_reporter progress(out, progress_style::bar);
        REQUIRE(progress.draws_bar());
        net_type net;
        trainer<net_type, losses::mse, optimizers::sgd> t;
        const fit_options options{.epochs = 1, .batch_size = 4};
        progress.attach(t, data.size(), options);
        t.fit(net, data, options);
    });
    CAPTURE(text);
    REQUIRE_THAT(text, Contains("\repoch 1/1 [========================] batch 3/3"));
    REQUIRE_THAT(text, Contains("epoch 1/1  loss"));
    REQUIRE(count(text, "\n") == 1);
}

TEST_CASE("history as CSV", "[history][io]") {
    history h;
    h.loss_name = "mse";
    h.metric_name = "mean absolute error";
    h.epochs.push_back({.epoch = 1, .train_loss = 0.5, .train_metric = 0.25, .validation_loss = 0.75,
                        .validation_metric = 0.125, .learning_rate = 0.01, .seconds = 2});
    h.epochs.push_back({.epoch = 2, .train_loss = 0.1, .train_metric = 0.2, .learning_rate = 0.01,
                        .seconds = 1.5});
    const std::string expected =
        "epoch,train_loss,train_mean_absolute_error,validation_loss,validation_mean_absolute_error,"
        "learning_rate,seconds\n"
        "1,0.5,0.25,0.75,0.125,0.01,2\n"
        "2,0.10000000000000001,0.20000000000000001,,,0.01,1.5\n";
    REQUIRE(to_csv(h) == expected);
    const auto path = temporary_path("history.csv");
    save_csv(h, path);
    REQUIRE(read_text(path) == expected);
    std::filesystem::remove(path);
    REQUIRE_THROWS_AS(save_csv(h, "/nonexistent-folder/history.csv"), std::system_error);
}

TEST_CASE("chart ticks are round numbers", "[plot]") {
    const auto ticks = plot::detail::make_ticks(0.03, 0.97);
    REQUIRE(ticks.step == Approx(0.2));
    REQUIRE(ticks.low == Approx(0.0));
    REQUIRE(ticks.high == Approx(1.0));
    REQUIRE(ticks.values.size() == 6);
    const auto flat = plot::detail::make_ticks(5, 5);  // a constant series still gets an axis
    REQUIRE(flat.low < 5);
    REQUIRE(flat.high > 5);
}

TEST_CASE("learning curves as SVG", "[plot]") {
    history h;
    h.loss_name = "cross_entropy";
    h.metric_name = "accuracy";
    for (std::size_t e = 1; e <= 5; ++e)
        h.epochs.push_back({.epoch = e, .train_loss = 1.0 / e, .train_metric = 0.5 + 0.08 * e,
                            .validation_loss = 1.2 / e + 0.02 * e, .validation_metric = 0.5 + 0.06 * e});
    h.best_epoch = 4;
    const auto svg = plot::render_svg(learning_curve_charts(h, "a <b> & c"));
    REQUIRE_THAT(svg, StartsWith("<?xml"));
    REQUIRE_THAT(svg, Contains("a &lt;b&gt; &amp; c: cross_entropy loss"));
    REQUIRE(count(svg, "<path") == 4);  // training and validation, two panels
    REQUIRE(count(svg, ">training</text>") == 2);
    REQUIRE(count(svg, ">validation</text>") == 2);
    REQUIRE(count(svg, ">best epoch (4)</text>") == 2);
    REQUIRE(count(svg, ">epoch</text>") == 2);
    REQUIRE_THAT(svg, Contains(">0.8</text>"));  // a tick label of the accuracy axis
    REQUIRE(svg.find("nan") == std::string::npos);

    const auto path = temporary_path("curves.svg");
    save_learning_curves(h, path);
    REQUIRE(read_text(path) == plot::render_svg(learning_curve_charts(h)));
    std::filesystem::remove(path);
}
