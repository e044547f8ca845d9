#pragma once
// An opt-in progress reporter for the trainer: a progress bar on a
// terminal, plain lines otherwise (so CI logs stay readable).

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <span>
#include <string>

#include "history.hpp"

namespace strata {

/// Output style of progress_reporter.
enum class progress_style {
    automatic,  ///< a bar when the stream is a terminal (isatty), else lines
    bar,        ///< one line redrawn with '\r', finished by a line per epoch
    lines,      ///< one line per epoch, plus a line every `line_interval` seconds
};

/// Writes training progress to a stream: epoch, batch, the running mean
/// loss and samples per second, and at each epoch's end the training and
/// validation figures. strata prints nothing unless a reporter is attached.
///
///     strata::progress_reporter progress(stdout);
///     progress.attach(trainer, train.size(), options);
///     trainer.fit(net, train, validation, options);
class progress_reporter {
public:
    explicit progress_reporter(std::FILE* out = stdout,
                               progress_style style = progress_style::automatic)
        : out_(out), bar_(style == progress_style::bar) {
        if (style == progress_style::automatic) bar_ = ::isatty(::fileno(out)) == 1;
    }

    /// True when this reporter draws a bar, false when it writes lines.
    bool draws_bar() const noexcept { return bar_; }

    /// Seconds between lines within an epoch in line mode (0: none), and
    /// between redraws of the bar.
    double line_interval = 30;
    double redraw_interval = 0.1;

    /// Installs the trainer's on_batch, on_batch_end and on_epoch_end hooks;
    /// hooks set before are still called after the reporter's. `train_size`
    /// and `options` give the number of batches and epochs to show. The
    /// reporter must outlive every fit() it reports.
    template <class Trainer, class Options>
    void attach(Trainer& trainer, std::size_t train_size, const Options& options) {
        epochs_ = options.epochs;
        batches_ = options.batch_size == 0 ? 0 : (train_size + options.batch_size - 1) /
                                                     options.batch_size;
        metric_name_ = std::string(Trainer::loss_type::metric_name);
        auto previous_start = trainer.on_batch;
        trainer.on_batch = [this, previous_start](std::size_t epoch, std::size_t batch,
                                                  std::span<const std::size_t> indices) {
            if (batch == 0) start_epoch();
            if (previous_start) previous_start(epoch, batch, indices);
        };
        auto previous_batch = trainer.on_batch_end;
        trainer.on_batch_end = [this, previous_batch](const batch_record& b) {
            batch_end(b);
            if (previous_batch) previous_batch(b);
        };
        auto previous_epoch = trainer.on_epoch_end;
        trainer.on_epoch_end = [this, previous_epoch](const epoch_record& e) {
            epoch_end(e);
            if (previous_epoch) previous_epoch(e);
        };
    }

    /// Records one step; draws the bar, or a line when `line_interval` has passed.
    void batch_end(const batch_record& b) {
        const auto now = std::chrono::steady_clock::now();
        step_seconds_ = std::chrono::duration<double>(now - epoch_started_).count();
        loss_sum_ += b.loss * static_cast<double>(b.samples);
        samples_ += b.samples;
        const double since_output = std::chrono::duration<double>(now - last_output_).count();
        const bool last = b.batch + 1 == batches_;
        if (bar_) {
            if (since_output < redraw_interval && !last && b.batch != 0) return;
            std::fprintf(out_, "\r%s\033[K", status(b).c_str());
        } else {
            if (line_interval <= 0 || since_output < line_interval) return;
            std::fprintf(out_, "%s\n", status(b).c_str());
        }
        std::fflush(out_);
        last_output_ = now;
    }

    /// Resets the running figures at the start of an epoch.
    void start_epoch() {
        epoch_started_ = std::chrono::steady_clock::now();
        last_output_ = epoch_started_;
        loss_sum_ = 0;
        samples_ = 0;
        step_seconds_ = 0;
    }

    /// Writes the epoch's figures on a line of their own. Samples per second
    /// count the training steps only, not the validation pass.
    void epoch_end(const epoch_record& e) {
        if (bar_) std::fputs("\r\033[K", out_);
        const double rate = step_seconds_ > 0 ? static_cast<double>(samples_) / step_seconds_ : 0;
        std::fprintf(out_, "epoch %zu/%zu  loss %.4f  %s %.4f", e.epoch, epochs_, e.train_loss,
                     metric_name_.c_str(), e.train_metric);
        if (!std::isnan(e.validation_loss))
            std::fprintf(out_, "  validation loss %.4f  %s %.4f", e.validation_loss,
                         metric_name_.c_str(), e.validation_metric);
        std::fprintf(out_, "  %.0f samples/s  %.2f s\n", rate, e.seconds);
        std::fflush(out_);
    }

private:
    std::string status(const batch_record& b) const {
        const double rate = step_seconds_ > 0 ? static_cast<double>(samples_) / step_seconds_ : 0;
        const double mean_loss = samples_ > 0 ? loss_sum_ / static_cast<double>(samples_) : 0;
        std::string bar;
        if (bar_) {
            constexpr std::size_t width = 24;
            const std::size_t filled =
                batches_ == 0 ? 0 : std::min(width, (b.batch + 1) * width / batches_);
            bar = "[" + std::string(filled, '=') + std::string(width - filled, ' ') + "] ";
        }
        char text[256];
        std::snprintf(text, sizeof text, "epoch %zu/%zu %sbatch %zu/%zu  loss %.4f  %.0f samples/s",
                      b.epoch, epochs_, bar.c_str(), b.batch + 1, batches_, mean_loss, rate);
        return text;
    }

    std::FILE* out_;
    bool bar_;
    std::size_t epochs_ = 0;
    std::size_t batches_ = 0;
    std::string metric_name_;
    std::chrono::steady_clock::time_point epoch_started_{};
    std::chrono::steady_clock::time_point last_output_{};
    double loss_sum_ = 0;
    std::size_t samples_ = 0;
    double step_seconds_ = 0;
};

}  // namespace strata
