#pragma once
// The training domain of a model: the range of each input feature seen in
// training, saved with the model and checked at inference, because a
// network's output outside that range is an extrapolation that no
// validation score vouches for.

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "../detail/write_text.hpp"
#include "../error.hpp"
#include "../inference/domain_bounds.hpp"
#include "dataset.hpp"

namespace strata {

/// Action of domain_guard::check on an input outside the training domain.
enum class domain_policy {
    flag,    ///< return the result with `inside` false; the caller decides
    reject,  ///< throw out_of_domain_error
};

/// Raised under domain_policy::reject for an input outside the training domain.
class out_of_domain_error : public std::domain_error {
public:
    using std::domain_error::domain_error;
};

/// The result of checking one input.
struct domain_check {
    bool inside = true;
    std::size_t feature = 0;  ///< the first feature outside its range (when !inside)
    double value = 0;
    double low = 0;
    double high = 0;
    std::size_t features_outside = 0;

    /// Describes the first feature outside its range, or states that the input is inside.
    std::string message() const {
        if (inside) return "input is inside the training domain";
        char text[256];
        std::snprintf(text, sizeof text,
                      "feature %zu = %g is outside the training range [%g, %g] (%zu feature%s "
                      "outside); the model was never trained there, so its output is an "
                      "extrapolation",
                      feature, value, low, high, features_outside,
                      features_outside == 1 ? "" : "s");
        return text;
    }
};

/// Records the range [low, high] of each input feature over the training
/// data, and checks inputs at inference. An input is inside when every
/// feature lies in [low - margin * (high - low), high + margin * (high - low)].
template <class T>
class domain_guard {
public:
    domain_guard() = default;

    /// Records the ranges of `train`'s features.
    explicit domain_guard(const basic_dataset<T>& train, domain_policy policy = domain_policy::flag,
                          double margin = 0)
        : policy_(policy), margin_(margin) {
        check_margin(margin);
        if (train.empty()) throw data_error(train.source() + ": cannot record the domain of no samples");
        low_.assign(train.features(0).begin(), train.features(0).end());
        high_ = low_;
        for (std::size_t i = 1; i < train.size(); ++i) {
            const auto x = train.features(i);
            for (std::size_t j = 0; j < x.size(); ++j) {
                low_[j] = std::min<double>(low_[j], x[j]);
                high_[j] = std::max<double>(high_[j], x[j]);
            }
        }
    }

    std::size_t feature_count() const noexcept { return low_.size(); }
    double low(std::size_t feature) const { return low_.at(feature); }
    double high(std::size_t feature) const { return high_.at(feature); }
    domain_policy policy() const noexcept { return policy_; }
    void set_policy(domain_policy policy) noexcept { policy_ = policy; }
    double margin() const noexcept { return margin_; }

    /// Returns the ranges as the domain_bounds that export_header() writes
    /// into a generated model header. Throws config_error if `Features`
    /// differs from the recorded feature count.
    template <std::size_t Features>
    domain_bounds<Features, T> bounds() const {
        if (Features != low_.size())
            throw config_error("domain_guard::bounds: requested " + std::to_string(Features) +
                               " features, but the guard recorded " +
                               std::to_string(low_.size()));
        domain_bounds<Features, T> result;
        for (std::size_t j = 0; j < Features; ++j) {
            result.min[j] = static_cast<T>(low_[j]);
            result.max[j] = static_cast<T>(high_[j]);
        }
        return result;
    }

    /// Sets the margin, a fraction of each feature's range allowed on either side.
    void set_margin(double margin) {
        check_margin(margin);
        margin_ = margin;
    }

    /// Checks `x` against the recorded ranges. Under domain_policy::reject an
    /// input outside throws out_of_domain_error; under flag it is returned
    /// with `inside` false. A NaN feature is always outside.
    domain_check check(std::span<const T> x) const {
        if (x.size() != low_.size())
            throw config_error("domain_guard::check: the input has " + std::to_string(x.size()) +
                               " features, but the guard recorded " +
                               std::to_string(low_.size()));
        domain_check result;
        for (std::size_t j = 0; j < x.size(); ++j) {
            const double slack = margin_ * (high_[j] - low_[j]);
            const double v = x[j];
            if (v >= low_[j] - slack && v <= high_[j] + slack) continue;
            if (result.inside) {
                result.inside = false;
                result.feature = j;
                result.value = v;
                result.low = low_[j];
                result.high = high_[j];
            }
            ++result.features_outside;
        }
        if (!result.inside && policy_ == domain_policy::reject)
            throw out_of_domain_error("domain_guard: " + result.message());
        return result;
    }

    /// Returns the guard as text: a version line, the feature count, the
    /// policy and margin, then one "low high" line per feature. Numbers are
    /// the shortest decimal that reads back to the same double, written
    /// independently of the C locale.
    std::string to_text() const {
        std::string text = "strata-domain-guard 1\nfeatures " + std::to_string(low_.size()) +
                           "\npolicy " + (policy_ == domain_policy::reject ? "reject" : "flag") +
                           "\nmargin " + format_double(margin_) + "\n";
        for (std::size_t j = 0; j < low_.size(); ++j)
            text += format_double(low_[j]) + " " + format_double(high_[j]) + "\n";
        return text;
    }

    /// Writes to_text() to `path`, replacing the file atomically; the usual
    /// place is beside the model's weights, as `<weights>.domain`.
    void save(const std::string& path) const { detail::write_text_atomically(path, to_text()); }

    /// Parses to_text() output; `source` names it in errors.
    static domain_guard from_text(const std::string& text, const std::string& source) {
        domain_guard guard;
        std::size_t position = 0;
        std::size_t line_number = 0;
        const auto next_line = [&]() -> std::string {
            ++line_number;
            if (position >= text.size())
                throw data_error(source + ":" + std::to_string(line_number) +
                                 ": the domain file ends early; it may be truncated");
            const std::size_t end = std::min(text.find('\n', position), text.size());
            std::string line = text.substr(position, end - position);
            position = end + 1;
            return line;
        };
        const auto fail = [&](const std::string& what, const std::string& line) {
            return data_error(source + ":" + std::to_string(line_number) + ": " + what +
                              ", found \"" + line + "\"");
        };

        if (const auto line = next_line(); line != "strata-domain-guard 1")
            throw fail("expected the header \"strata-domain-guard 1\"", line);
        const auto count_line = next_line();
        std::size_t count = 0;
        const auto count_end = count_line.data() + count_line.size();
        const auto parsed = count_line.rfind("features ", 0) == 0
                                ? std::from_chars(count_line.data() + 9, count_end, count)
                                : std::from_chars_result{count_line.data(), std::errc::invalid_argument};
        if (parsed.ec != std::errc{} || parsed.ptr != count_end || count == 0)
            throw fail("expected \"features N\" with N at least 1", count_line);
        const auto policy_line = next_line();
        if (policy_line == "policy flag")
            guard.policy_ = domain_policy::flag;
        else if (policy_line == "policy reject")
            guard.policy_ = domain_policy::reject;
        else
            throw fail("expected \"policy flag\" or \"policy reject\"", policy_line);
        const auto margin_line = next_line();
        if (margin_line.rfind("margin ", 0) != 0 ||
            !parse_double(margin_line.substr(7), guard.margin_) || guard.margin_ < 0)
            throw fail("expected \"margin X\" with X finite and non-negative", margin_line);
        guard.low_.resize(count);
        guard.high_.resize(count);
        for (std::size_t j = 0; j < count; ++j) {
            const auto line = next_line();
            const std::size_t space = line.find(' ');
            if (space == std::string::npos || !parse_double(line.substr(0, space), guard.low_[j]) ||
                !parse_double(line.substr(space + 1), guard.high_[j]) ||
                guard.low_[j] > guard.high_[j])
                throw fail("expected \"low high\" for feature " + std::to_string(j) +
                               " with finite low <= high",
                           line);
        }
        if (position < text.size())
            throw data_error(source + ":" + std::to_string(line_number + 1) +
                             ": unexpected data after " + std::to_string(count) + " features");
        return guard;
    }

    /// Reads a file written by save(). Throws data_error naming the file and
    /// line if it is missing, truncated or malformed.
    static domain_guard load(const std::string& path) {
        std::FILE* file = std::fopen(path.c_str(), "rb");
        if (file == nullptr)
            throw data_error(path + ": cannot open domain file: " + std::strerror(errno));
        std::string text;
        char buffer[4096];
        std::size_t read = 0;
        while ((read = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, read);
        std::fclose(file);
        return from_text(text, path);
    }

private:
    static void check_margin(double margin) {
        if (!(margin >= 0) || !std::isfinite(margin))
            throw config_error("domain_guard: margin must be finite and non-negative, got " +
                               std::to_string(margin));
    }

    static std::string format_double(double value) {
        char text[32];
        const auto result = std::to_chars(text, text + sizeof text, value);
        return std::string(text, result.ptr);
    }

    // Parses the whole of `text` as a finite double.
    static bool parse_double(const std::string& text, double& value) {
        const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
        return result.ec == std::errc{} && result.ptr == text.data() + text.size() &&
               std::isfinite(value);
    }

    std::vector<double> low_;
    std::vector<double> high_;
    domain_policy policy_ = domain_policy::flag;
    double margin_ = 0;
};

}  // namespace strata
