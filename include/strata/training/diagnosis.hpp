#pragma once
// After training: underfitting, overfitting or balanced, from the training
// and validation error of the epoch whose weights the network kept.

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>

#include "../error.hpp"
#include "history.hpp"

namespace strata {

/// The error a diagnosis compares: 1 - accuracy when the metric is the
/// accuracy (classification), the loss otherwise (regression).
inline double error_of(const std::string& metric_name, double loss, double metric) noexcept {
    return metric_name == "accuracy" ? 1.0 - metric : loss;
}

/// The name of the error that error_of() returns, for reports.
inline std::string error_name(const history& h) {
    return h.metric_name == "accuracy" ? std::string("1 - accuracy") : h.loss_name;
}

/// The rules of diagnose(), in the units of error_of().
///
/// - Underfitting: the training error is above `acceptable_train_error`. The
///   model cannot even fit the data it trains on; the default 0.1 means 90 %
///   training accuracy for a classifier, and should be set to the error the
///   task can reach (a regression loss has its own scale).
/// - Overfitting: the training error is below `(1 - max_relative_gap)` times
///   the validation error, and the two differ by more than `min_gap`. With
///   the default 0.5, a training error under half the validation error is
///   overfitting; `min_gap` keeps tiny errors (1e-6 against 3e-6) from
///   counting.
/// - Balanced: neither.
/// A model can be both (high training error and a larger validation error).
struct diagnosis_thresholds {
    double acceptable_train_error = 0.1;
    double max_relative_gap = 0.5;
    double min_gap = 0.01;
};

enum class fit_verdict { balanced, underfitting, overfitting, underfitting_and_overfitting };

/// Returns "balanced", "underfitting", "overfitting" or "underfitting and overfitting".
inline const char* to_string(fit_verdict verdict) noexcept {
    switch (verdict) {
        case fit_verdict::balanced: return "balanced";
        case fit_verdict::underfitting: return "underfitting";
        case fit_verdict::overfitting: return "overfitting";
        case fit_verdict::underfitting_and_overfitting: return "underfitting and overfitting";
    }
    return "unknown";
}

/// The result of diagnose(): the verdict, the figures it rests on, and a
/// short report to print.
struct diagnosis {
    fit_verdict verdict = fit_verdict::balanced;
    std::size_t epoch = 0;  ///< the epoch whose figures were judged
    double train_error = 0;
    double validation_error = 0;
    std::string error_name;
    diagnosis_thresholds thresholds;

    bool underfitting() const noexcept {
        return verdict == fit_verdict::underfitting ||
               verdict == fit_verdict::underfitting_and_overfitting;
    }
    bool overfitting() const noexcept {
        return verdict == fit_verdict::overfitting ||
               verdict == fit_verdict::underfitting_and_overfitting;
    }

    /// Three lines: the figures, the verdict with the rule that fired, and what to try.
    std::string report() const {
        char line[512];
        std::snprintf(line, sizeof line,
                      "diagnosis (epoch %zu, error = %s): training error %.4f, validation "
                      "error %.4f\n  %s: ",
                      epoch, error_name.c_str(), train_error, validation_error,
                      to_string(verdict));
        std::string text = line;
        const double share = 100 * (1 - thresholds.max_relative_gap);
        std::string reason, advice;
        if (underfitting()) {
            std::snprintf(line, sizeof line, "training error %.4f is above the acceptable %.4f",
                          train_error, thresholds.acceptable_train_error);
            reason = line;
            advice = "Try a larger network, more epochs, a better learning rate or less "
                     "regularization.";
        }
        if (overfitting()) {
            std::snprintf(line, sizeof line,
                          "training error %.4f is below %.0f %% of the validation error",
                          train_error, share);
            reason += (reason.empty() ? "" : ", and ") + std::string(line);
            advice += (advice.empty() ? "" : " ") +
                      std::string("Try more data, stronger regularization, early stopping or "
                                  "a smaller network.");
        }
        if (verdict == fit_verdict::balanced) {
            std::snprintf(line, sizeof line,
                          "training error is at most %.4f and at least %.0f %% of the "
                          "validation error",
                          thresholds.acceptable_train_error, share);
            reason = line;
            advice = "Compare models by validation error, then evaluate the test set once.";
        }
        return text + reason + ".\n  " + advice + "\n";
    }
};

/// Judges the training and validation error of the epoch whose weights the
/// network kept: the best epoch when early stopping restored it, else the
/// last one. Throws config_error when the history has no epochs or no
/// validation figures.
inline diagnosis diagnose(const history& h, const diagnosis_thresholds& thresholds = {}) {
    if (h.epochs.empty()) throw config_error("diagnose: the history has no epochs");
    const epoch_record& e = h.restored_best ? h.best_or_last() : h.epochs.back();
    if (std::isnan(e.validation_loss))
        throw config_error("diagnose: epoch " + std::to_string(e.epoch) +
                           " has no validation figures; fit with validation data to tell "
                           "underfitting from overfitting");
    diagnosis result;
    result.epoch = e.epoch;
    result.train_error = error_of(h.metric_name, e.train_loss, e.train_metric);
    result.validation_error = error_of(h.metric_name, e.validation_loss, e.validation_metric);
    result.error_name = error_name(h);
    result.thresholds = thresholds;

    const bool under = result.train_error > thresholds.acceptable_train_error;
    const bool over =
        result.train_error < (1 - thresholds.max_relative_gap) * result.validation_error &&
        result.validation_error - result.train_error > thresholds.min_gap;
    if (under && over)
        result.verdict = fit_verdict::underfitting_and_overfitting;
    else if (under)
        result.verdict = fit_verdict::underfitting;
    else if (over)
        result.verdict = fit_verdict::overfitting;
    return result;
}

}  // namespace strata
