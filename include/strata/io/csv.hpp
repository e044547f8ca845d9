#pragma once
// Reader for CSV files whose fields are all numbers, such as exported
// tables of features and targets. Quoted fields are not supported.

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "../error.hpp"
#include "../training/dataset.hpp"

namespace strata {

/// Layout of a numeric CSV file.
struct csv_options {
    /// Whether line 1 contains column names, which set the column count but are not parsed.
    bool has_header = false;
    /// 0-based indexes of the columns that become targets, in this order. An
    /// empty list selects the last column. Every other column is a feature.
    std::vector<std::size_t> target_columns;
    /// Field separator, which must not be a character that can occur in a number.
    char delimiter = ',';
};

namespace detail {

template <class T>
constexpr const char* csv_value_type_name() {
    if constexpr (std::is_same_v<T, float>) return "float";
    if constexpr (std::is_same_v<T, double>) return "double";
    if constexpr (std::is_same_v<T, long double>) return "long double";
    return "the value type";
}

inline bool is_csv_blank(char c) { return c == ' ' || c == '\t'; }

// Removes spaces and tabs around a field, except the delimiter itself.
inline std::string_view trim_csv_field(std::string_view field, char delimiter) {
    while (!field.empty() && is_csv_blank(field.front()) && field.front() != delimiter)
        field.remove_prefix(1);
    while (!field.empty() && is_csv_blank(field.back()) && field.back() != delimiter)
        field.remove_suffix(1);
    return field;
}

inline bool is_blank_csv_line(std::string_view line) {
    return std::all_of(line.begin(), line.end(), is_csv_blank);
}

// Splits `text` at '\n', drops one '\r' before each '\n', and drops the
// blank lines at the end, so a final newline or "\r\n" adds no line.
inline std::vector<std::string_view> split_csv_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
    while (!lines.empty() && is_blank_csv_line(lines.back())) lines.pop_back();
    return lines;
}

inline void split_csv_fields(std::string_view line, char delimiter,
                             std::vector<std::string_view>& fields) {
    fields.clear();
    for (;;) {
        const std::size_t end = line.find(delimiter);
        fields.push_back(trim_csv_field(line.substr(0, end), delimiter));
        if (end == std::string_view::npos) return;
        line.remove_prefix(end + 1);
    }
}

// Returns whether `digits`, which std::from_chars found out of range, is
// too close to zero rather than too large.
inline bool is_csv_underflow(std::string_view digits) {
    long double wide = 0;
    const auto [stop, error] = std::from_chars(digits.data(), digits.data() + digits.size(), wide);
    if (error == std::errc{}) return std::fabs(wide) < 1;
    // Out of range even for long double, so the exponent's sign decides.
    const std::size_t exponent = digits.find_first_of("eE");
    return exponent != std::string_view::npos && exponent + 1 < digits.size() &&
           digits[exponent + 1] == '-';
}

// Parses one field with std::from_chars, which ignores the C locale, so
// "1.5" is 1.5 even where LC_NUMERIC uses a decimal comma. Rejects empty
// fields, missing-value markers such as "?", trailing text, NaN, infinity
// and numbers too large for T; numbers too small for T become zero.
template <class T>
T parse_csv_number(std::string_view field, const std::string& source, std::size_t line,
                   std::size_t column) {
    const auto fail = [&](const std::string& problem, const std::string& advice) {
        throw data_error(source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " +
                         problem + " (line " + std::to_string(line) + ", column " +
                         std::to_string(column) + "). " + advice);
    };
    // Messages are built only on failure, so a valid field costs no allocation.
    const auto quoted = [field] {
        std::string text(1, '"');
        text.append(field);
        text.push_back('"');
        return text;
    };
    constexpr const char* number_advice =
        "Expected a finite decimal number such as 1.5 or -3e2. Replace or remove missing "
        "values (empty, ?, nan) before loading.";

    if (field.empty()) fail("empty field", number_advice);
    std::string_view digits = field;
    // from_chars rejects a leading '+', which other CSV writers emit.
    if (digits.size() > 1 && digits.front() == '+' && digits[1] != '-' && digits[1] != '+')
        digits.remove_prefix(1);
    T value{};
    const char* const end = digits.data() + digits.size();
    const auto [stop, error] = std::from_chars(digits.data(), end, value);
    const bool out_of_range = error == std::errc::result_out_of_range;
    if (stop != end || (error != std::errc{} && !out_of_range)) {
        std::string advice = number_advice;
        if (line == 1) advice += " If line 1 holds column names, set csv_options::has_header.";
        fail("invalid number " + quoted(), advice);
    }
    if (out_of_range && is_csv_underflow(digits)) return digits.front() == '-' ? -T{0} : T{0};
    if (out_of_range) {
        const std::string advice = std::is_same_v<T, float>
                                       ? "Scale the column or load the file as double."
                                       : "Scale the column.";
        fail("number " + quoted() + " is out of range for " + csv_value_type_name<T>(), advice);
    }
    if (!std::isfinite(value)) fail("non-finite number " + quoted(), number_advice);
    return value;
}

// Checks `options` against a file of `column_count` columns and returns
// whether each column is a target.
inline std::vector<bool> select_csv_targets(const csv_options& options, std::size_t column_count,
                                            const std::string& source) {
    std::vector<bool> is_target(column_count, false);
    if (options.target_columns.empty()) {
        is_target.back() = true;
    } else {
        for (const std::size_t column : options.target_columns) {
            if (column >= column_count)
                throw config_error(source + ": target column " + std::to_string(column) +
                                   " is out of range; the file has " +
                                   std::to_string(column_count) +
                                   " columns, so valid 0-based indexes are 0 to " +
                                   std::to_string(column_count - 1));
            if (is_target[column])
                throw config_error(source + ": target column " + std::to_string(column) +
                                   " is listed more than once in csv_options::target_columns");
            is_target[column] = true;
        }
    }
    if (std::find(is_target.begin(), is_target.end(), false) == is_target.end())
        throw config_error(source + ": all " + std::to_string(column_count) +
                           " columns are targets; at least one column must be a feature");
    return is_target;
}

}  // namespace detail

/// Parses numeric CSV `text` into samples: one row per line, features from
/// the non-target columns in file order, targets in the order of
/// `options.target_columns`. Throws data_error naming `source_name`, the
/// line and the column of an invalid field or row, and config_error when
/// `options` does not fit the data.
template <class T = float>
basic_dataset<T> parse_csv(std::string_view text, const csv_options& options = {},
                           std::string source_name = "in-memory CSV text") {
    const char delimiter = options.delimiter;
    if (delimiter == '\n' || delimiter == '\r' || (delimiter >= '0' && delimiter <= '9') ||
        std::string_view(".+-eE").find(delimiter) != std::string_view::npos)
        throw config_error(source_name + ": invalid CSV delimiter '" + std::string(1, delimiter) +
                           "'; it must not be a line break or a character that occurs in numbers");

    // Excel and other Windows tools start UTF-8 files with a byte order mark.
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    const std::vector<std::string_view> lines = detail::split_csv_lines(text);
    if (lines.empty())
        throw data_error(source_name +
                         ": contains no rows; expected rows of numbers separated by '" +
                         std::string(1, delimiter) + "'");

    // A blank line would otherwise read as one empty field, so name it here.
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (detail::is_blank_csv_line(lines[i]))
            throw data_error(source_name + ":" + std::to_string(i + 1) + ": line " +
                             std::to_string(i + 1) + " is blank; remove blank lines between rows");

    std::vector<std::string_view> fields;
    detail::split_csv_fields(lines.front(), delimiter, fields);
    const std::size_t column_count = fields.size();
    const std::size_t first_row_line = options.has_header ? 1 : 0;
    const std::size_t row_count = lines.size() - first_row_line;
    if (row_count == 0)
        throw data_error(source_name + ": line 1 is a header and no data rows follow it");

    const std::vector<bool> is_target =
        detail::select_csv_targets(options, column_count, source_name);
    const std::vector<std::size_t> target_order = options.target_columns.empty()
                                                      ? std::vector<std::size_t>{column_count - 1}
                                                      : options.target_columns;
    const std::size_t target_count = target_order.size();
    const std::size_t feature_count = column_count - target_count;

    basic_dataset<T> result(row_count, feature_count, target_count, source_name);
    std::vector<T> values(column_count);
    for (std::size_t row = 0; row < row_count; ++row) {
        const std::size_t line_number = first_row_line + row + 1;
        detail::split_csv_fields(lines[first_row_line + row], delimiter, fields);
        if (fields.size() != column_count)
            throw data_error(source_name + ":" + std::to_string(line_number) + ": line " +
                             std::to_string(line_number) + ": " + std::to_string(fields.size()) +
                             " fields, expected " + std::to_string(column_count) +
                             " (the count in line 1); every row needs the same number of fields");
        for (std::size_t column = 0; column < column_count; ++column)
            values[column] =
                detail::parse_csv_number<T>(fields[column], source_name, line_number, column + 1);

        const auto features = result.features(row);
        std::size_t feature = 0;
        for (std::size_t column = 0; column < column_count; ++column)
            if (!is_target[column]) features[feature++] = values[column];
        const auto targets = result.targets(row);
        for (std::size_t k = 0; k < target_count; ++k) targets[k] = values[target_order[k]];
    }
    return result;
}

/// Reads the numeric CSV file at `path` and parses it with parse_csv, which
/// documents the layout and the errors. The dataset's source is `path`.
template <class T = float>
basic_dataset<T> read_csv(const std::string& path, const csv_options& options = {}) {
    struct file_close {
        void operator()(std::FILE* file) const noexcept { std::fclose(file); }
    };
    errno = 0;
    const std::unique_ptr<std::FILE, file_close> file(std::fopen(path.c_str(), "rb"));
    if (!file)
        throw data_error(path +
                         ": cannot open CSV file: " + std::generic_category().message(errno));

    std::string text;
    char buffer[1 << 16];
    for (;;) {
        const std::size_t got = std::fread(buffer, 1, sizeof buffer, file.get());
        text.append(buffer, got);
        if (got < sizeof buffer) break;
    }
    if (std::ferror(file.get()))
        throw data_error(path + ": read failed after " + std::to_string(text.size()) +
                         " bytes: " + std::generic_category().message(errno));
    return parse_csv<T>(text, options, path);
}

}  // namespace strata
