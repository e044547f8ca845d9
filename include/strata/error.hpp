#pragma once
// Exception types that strata throws on bad input at run time.

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

}  // namespace strata
