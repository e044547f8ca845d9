#include <array>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <clocale>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <strata/io/csv.hpp>

#include "../support/temp_directory.hpp"

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinAbs;

// Each test's scratch folder; the prefix shows which file left it behind.
struct temp_directory : strata_test::temp_directory {
    temp_directory() : strata_test::temp_directory("strata_io_csv_") {}
};

std::string write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary);
    out << content;
    REQUIRE(out.good());
    return path;
}

// Returns the message of the exception of type E that `load` throws; fails
// the test when it throws nothing. Other exception types reach Catch as errors.
template <class E, class F>
std::string error_message(F&& load) {
    try {
        load();
    } catch (const E& error) {
        return error.what();
    }
    FAIL("expected an exception, but nothing was thrown");
    return {};
}

template <class F>
std::string data_error_message(F&& load) {
    return error_message<strata::data_error>(load);
}

strata::csv_options with_header() {
    strata::csv_options options;
    options.has_header = true;
    return options;
}

// Checks X = [[1, 2], [4, 5]] and y = [3, 6].
void check_two_rows(const strata::dataset& data) {
    REQUIRE(data.size() == 2);
    REQUIRE(data.feature_count() == 2);
    REQUIRE(data.target_count() == 1);
    CHECK_THAT(data.features(0)[0], WithinAbs(1.0, 1e-7));
    CHECK_THAT(data.features(0)[1], WithinAbs(2.0, 1e-7));
    CHECK_THAT(data.features(1)[0], WithinAbs(4.0, 1e-7));
    CHECK_THAT(data.features(1)[1], WithinAbs(5.0, 1e-7));
    CHECK_THAT(data.targets(0)[0], WithinAbs(3.0, 1e-7));
    CHECK_THAT(data.targets(1)[0], WithinAbs(6.0, 1e-7));
}

// Restores the LC_NUMERIC locale that was active at construction.
class numeric_locale_guard {
public:
    numeric_locale_guard() : saved_(std::setlocale(LC_NUMERIC, nullptr)) {}
    ~numeric_locale_guard() { std::setlocale(LC_NUMERIC, saved_.c_str()); }
    numeric_locale_guard(const numeric_locale_guard&) = delete;
    numeric_locale_guard& operator=(const numeric_locale_guard&) = delete;

private:
    std::string saved_;
};

}  // namespace

TEST_CASE("read_csv line endings", "[io][csv]") {
    const std::array<const char*, 5> texts = {
        "x1,x2,y\n1,2,3\n4,5,6",
        "x1,x2,y\n1,2,3\n4,5,6\n",
        "x1,x2,y\r\n1,2,3\r\n4,5,6\r\n",
        "x1,x2,y\n1,2,3\n4,5,6\n\n",
        "x1,x2,y\r\n1,2,3\r\n4,5,6\r\n\r\n",
    };
    temp_directory dir;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        INFO("text " << i << ": " << texts[i]);
        const auto path = write_file(dir.file("data" + std::to_string(i) + ".csv"), texts[i]);

        const auto data = strata::read_csv(path, with_header());

        check_two_rows(data);
        CHECK(data.source() == path);
    }
}

TEST_CASE("read_csv header not declared", "[io][csv]") {
    temp_directory dir;
    const auto path = write_file(dir.file("data.csv"), "x1,x2,y\n1,2,3\n4,5,6\n");

    const auto message = data_error_message([&] { strata::read_csv(path); });

    CHECK_THAT(message, Contains(path + ":1:1: invalid number \"x1\""));
    CHECK_THAT(message, Contains("line 1"));
    CHECK_THAT(message, Contains("has_header"));
}

TEST_CASE("read_csv ragged row", "[io][csv]") {
    temp_directory dir;
    const auto path = write_file(dir.file("data.csv"), "1,2,3\n4,5\n");

    const auto message = data_error_message([&] { strata::read_csv(path); });

    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("line 2"));
    CHECK_THAT(message, Contains("2 fields, expected 3"));
}

TEST_CASE("read_csv invalid fields", "[io][csv]") {
    struct invalid_case {
        const char* field;
        const char* problem;
    };
    const std::array<invalid_case, 8> cases = {{
        {"?", "invalid number \"?\""},
        {"nan", "non-finite number \"nan\""},
        {"", "empty field"},
        {"inf", "non-finite number \"inf\""},
        {"-inf", "non-finite number \"-inf\""},
        {"4x", "invalid number \"4x\""},
        {"1e999x", "invalid number \"1e999x\""},
        {"\"4\"", "invalid number \"\"4\"\""},
    }};
    temp_directory dir;
    for (const invalid_case& bad : cases) {
        INFO("field: " << bad.field);
        const auto path =
            write_file(dir.file("data.csv"), std::string("1,2,3\n4,") + bad.field + ",6\n7,8,9");

        const auto message = data_error_message([&] { strata::read_csv(path); });

        CHECK_THAT(message, Contains(path + ":2:2: " + bad.problem));
        CHECK_THAT(message, Contains("(line 2, column 2)"));
    }
}

TEST_CASE("read_csv question mark message", "[io][csv]") {
    temp_directory dir;
    const auto path = write_file(dir.file("data.csv"), "1,2,3\n4,?,6\n7,8,9");

    const auto message = data_error_message([&] { strata::read_csv(path); });

    CHECK_THAT(message, Contains(path + ":2:2: invalid number \"?\""));
}

TEST_CASE("parse_csv empty field message", "[io][csv]") {
    const auto message =
        data_error_message([] { strata::parse_csv("1,2,3\n4,,6\n", {}, "table.csv"); });

    CHECK_THAT(message, Contains("table.csv:2:2: empty field"));
}

TEST_CASE("parse_csv first target column", "[io][csv]") {
    strata::csv_options options;
    options.target_columns = {0};

    const auto data = strata::parse_csv("1,2,3\n4,5,6\n", options);

    REQUIRE(data.size() == 2);
    REQUIRE(data.feature_count() == 2);
    REQUIRE(data.target_count() == 1);
    CHECK_THAT(data.targets(0)[0], WithinAbs(1.0, 1e-7));
    CHECK_THAT(data.targets(1)[0], WithinAbs(4.0, 1e-7));
    CHECK_THAT(data.features(0)[0], WithinAbs(2.0, 1e-7));
    CHECK_THAT(data.features(0)[1], WithinAbs(3.0, 1e-7));
    CHECK_THAT(data.features(1)[0], WithinAbs(5.0, 1e-7));
    CHECK_THAT(data.features(1)[1], WithinAbs(6.0, 1e-7));
}

TEST_CASE("parse_csv several target columns", "[io][csv]") {
    strata::csv_options options;
    options.target_columns = {3, 1};

    const auto data = strata::parse_csv<double>("1,2,3,4\n5,6,7,8\n", options);

    REQUIRE(data.feature_count() == 2);
    REQUIRE(data.target_count() == 2);
    CHECK_THAT(data.features(1)[0], WithinAbs(5.0, 1e-15));
    CHECK_THAT(data.features(1)[1], WithinAbs(7.0, 1e-15));
    CHECK_THAT(data.targets(1)[0], WithinAbs(8.0, 1e-15));
    CHECK_THAT(data.targets(1)[1], WithinAbs(6.0, 1e-15));
}

TEST_CASE("parse_csv target column out of range", "[io][csv]") {
    strata::csv_options options;
    options.target_columns = {3};

    const auto message = error_message<strata::config_error>(
        [&] { strata::parse_csv("1,2,3\n", options, "table.csv"); });

    CHECK_THAT(message, Contains("table.csv"));
    CHECK_THAT(message, Contains("target column 3 is out of range"));
    CHECK_THAT(message, Contains("0 to 2"));
}

TEST_CASE("parse_csv duplicate target column", "[io][csv]") {
    strata::csv_options options;
    options.target_columns = {1, 1};

    const auto message = error_message<strata::config_error>(
        [&] { strata::parse_csv("1,2,3\n", options, "table.csv"); });

    CHECK_THAT(message, Contains("target column 1 is listed more than once"));
}

TEST_CASE("parse_csv every column a target", "[io][csv]") {
    strata::csv_options options;
    options.target_columns = {0, 1};

    const auto two_columns = error_message<strata::config_error>(
        [&] { strata::parse_csv("1,2\n", options, "table.csv"); });
    const auto one_column = error_message<strata::config_error>(
        [&] { strata::parse_csv("1\n2\n", {}, "single.csv"); });

    CHECK_THAT(two_columns, Contains("at least one column must be a feature"));
    CHECK_THAT(one_column, Contains("single.csv: all 1 columns are targets"));
}

TEST_CASE("read_csv empty file", "[io][csv]") {
    temp_directory dir;
    const auto empty = write_file(dir.file("empty.csv"), "");
    const auto blank = write_file(dir.file("blank.csv"), "\n\r\n\n");

    const auto empty_message = data_error_message([&] { strata::read_csv(empty); });
    const auto blank_message = data_error_message([&] { strata::read_csv(blank); });

    CHECK_THAT(empty_message, Contains(empty + ": contains no rows"));
    CHECK_THAT(blank_message, Contains(blank + ": contains no rows"));
}

TEST_CASE("read_csv header only", "[io][csv]") {
    temp_directory dir;
    const auto path = write_file(dir.file("header.csv"), "x1,x2,y\n");

    const auto message = data_error_message([&] { strata::read_csv(path, with_header()); });

    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("no data rows"));
}

TEST_CASE("read_csv blank line inside", "[io][csv]") {
    temp_directory dir;
    const auto path = write_file(dir.file("data.csv"), "1,2,3\n\n4,5,6\n");

    const auto message = data_error_message([&] { strata::read_csv(path); });

    CHECK_THAT(message, Contains(path + ":2: line 2 is blank"));
}

TEST_CASE("read_csv missing file", "[io][csv]") {
    temp_directory dir;
    const auto path = dir.file("absent.csv");

    const auto message = data_error_message([&] { strata::read_csv(path); });

    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("No such file or directory"));
}

TEST_CASE("parse_csv number forms", "[io][csv]") {
    const auto data =
        strata::parse_csv<double>("\xEF\xBB\xBF 1.5 ,-2e3,+0.25\n.5,7,-0\n", {}, "forms.csv");

    REQUIRE(data.size() == 2);
    CHECK_THAT(data.features(0)[0], WithinAbs(1.5, 1e-15));
    CHECK_THAT(data.features(0)[1], WithinAbs(-2000.0, 1e-15));
    CHECK_THAT(data.targets(0)[0], WithinAbs(0.25, 1e-15));
    CHECK_THAT(data.features(1)[0], WithinAbs(0.5, 1e-15));
}

TEST_CASE("parse_csv number out of range", "[io][csv]") {
    const auto message =
        data_error_message([] { strata::parse_csv("1,1e999\n", {}, "big.csv"); });

    CHECK_THAT(message, Contains("big.csv:1:2: number \"1e999\" is out of range for float"));
}

TEST_CASE("parse_csv double out of range", "[io][csv]") {
    const auto message =
        data_error_message([] { strata::parse_csv<double>("1,-1e99999\n", {}, "big.csv"); });

    CHECK_THAT(message, Contains("big.csv:1:2: number \"-1e99999\" is out of range for double"));
}

TEST_CASE("parse_csv number underflow", "[io][csv]") {
    const auto floats = strata::parse_csv("1e-50,-1e-46,1\n", {}, "tiny.csv");
    const auto doubles = strata::parse_csv<double>("1e-400,-1e-99999,1\n", {}, "tiny.csv");

    CHECK_THAT(floats.features(0)[0], WithinAbs(0.0, 0.0));
    CHECK_THAT(floats.features(0)[1], WithinAbs(0.0, 0.0));
    CHECK(std::signbit(floats.features(0)[1]));
    CHECK_THAT(doubles.features(0)[0], WithinAbs(0.0, 0.0));
    CHECK_THAT(doubles.features(0)[1], WithinAbs(0.0, 0.0));
}

TEST_CASE("parse_csv invalid delimiter", "[io][csv]") {
    strata::csv_options options;
    options.delimiter = '.';

    const auto message = error_message<strata::config_error>(
        [&] { strata::parse_csv("1.2.3\n", options, "dots.csv"); });

    CHECK_THAT(message, Contains("dots.csv: invalid CSV delimiter '.'"));
}

TEST_CASE("parse_csv decimal comma field", "[io][csv]") {
    // std::from_chars reads only '.' as the decimal point, whatever the locale.
    strata::csv_options options;
    options.delimiter = ';';

    const auto message =
        data_error_message([&] { strata::parse_csv("1,5;2\n", options, "comma.csv"); });

    CHECK_THAT(message, Contains("comma.csv:1:1: invalid number \"1,5\""));
}

TEST_CASE("read_csv under comma locale", "[io][csv]") {
    numeric_locale_guard guard;
    const std::array<const char*, 6> comma_locales = {"de_DE.UTF-8", "de_DE.utf8", "de_DE",
                                                      "fr_FR.UTF-8", "fr_FR.utf8", "fr_FR"};
    const char* installed = nullptr;
    for (const char* name : comma_locales) {
        if (std::setlocale(LC_NUMERIC, name) != nullptr) {
            installed = name;
            break;
        }
    }
    temp_directory dir;

    if (installed != nullptr) {
        INFO("LC_NUMERIC = " << installed);
        REQUIRE(std::string(std::localeconv()->decimal_point) == ",");
        const auto path = write_file(dir.file("data.csv"), "1.5,2.25\n");

        const auto data = strata::read_csv(path);

        CHECK_THAT(data.features(0)[0], WithinAbs(1.5, 1e-7));
        CHECK_THAT(data.targets(0)[0], WithinAbs(2.25, 1e-7));
    } else {
        // Without a comma locale, a parser that followed the C locale cannot be
        // caught here, so check instead that "1,5" is not read as a number.
        strata::csv_options options;
        options.delimiter = ';';
        const auto path = write_file(dir.file("data.csv"), "1.5;2\n1,5;3\n");

        const auto message = data_error_message([&] { strata::read_csv(path, options); });

        CHECK_THAT(message, Contains(path + ":2:1: invalid number \"1,5\""));
    }
}
