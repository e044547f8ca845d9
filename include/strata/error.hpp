#pragma once
// Exception types that strata throws on bad input at run time.

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace strata {

/// Invalid data: a malformed file, a value out of range, a sample with NaN.
/// The message names the file, line, byte offset or sample index involved,
/// what was expected and what was found.
class data_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// An invalid run-time setting, such as a batch size of zero.
class config_error : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// Training produced a non-finite loss; the message names the epoch and batch.
class divergence_error : public std::runtime_error {
public:
    divergence_error(const std::string& message, std::size_t epoch, std::size_t batch)
        : std::runtime_error(message), epoch_(epoch), batch_(batch) {}

    std::size_t epoch() const noexcept { return epoch_; }
    std::size_t batch() const noexcept { return batch_; }

private:
    std::size_t epoch_;
    std::size_t batch_;
};

namespace detail {

/// Formats a value for an error message: whole numbers without decimals
/// ("3", not "3.000000"), others with up to 9 significant digits, and
/// NaN and infinities as "nan", "inf" and "-inf".
inline std::string format_number(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char text[32];
    if (value == std::floor(value) && std::abs(value) < 1e15)
        std::snprintf(text, sizeof text, "%.0f", value);
    else
        std::snprintf(text, sizeof text, "%.9g", value);
    return text;
}

}  // namespace detail

}  // namespace strata
