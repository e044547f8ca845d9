#pragma once
// A copyable holder for any learning-rate schedule policy, so that the
// trainer can take a schedule chosen at run time without a template
// parameter for it.

#include <cstddef>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

namespace strata {

/// Holds one schedule from strata::schedules (or any type with
/// `double learning_rate(std::size_t epoch, double initial_rate) const` and
/// a `name`; `start(initial_rate)` and `record(loss)` are optional). An
/// empty holder keeps the initial rate. The trainer calls start() when fit
/// begins, learning_rate() before each epoch and record() after it.
class learning_rate_schedule {
public:
    learning_rate_schedule() = default;

    template <class Schedule>
        requires(!std::is_same_v<std::remove_cvref_t<Schedule>, learning_rate_schedule>)
    // Implicit, so that `trainer.schedule = schedules::cosine{};` compiles.
    learning_rate_schedule(Schedule schedule)
        : held_(std::make_unique<holder<Schedule>>(std::move(schedule))) {}

    learning_rate_schedule(const learning_rate_schedule& other)
        : held_(other.held_ ? other.held_->clone() : nullptr), initial_rate_(other.initial_rate_) {}
    learning_rate_schedule& operator=(const learning_rate_schedule& other) {
        if (this != &other) *this = learning_rate_schedule(other);
        return *this;
    }
    learning_rate_schedule(learning_rate_schedule&&) noexcept = default;
    learning_rate_schedule& operator=(learning_rate_schedule&&) noexcept = default;

    /// True when a schedule is held.
    explicit operator bool() const noexcept { return held_ != nullptr; }

    /// The held schedule's name, or "constant" when empty.
    std::string_view name() const noexcept { return held_ ? held_->name() : "constant"; }

    /// Resets the schedule at the start of training from `initial_rate`.
    void start(double initial_rate) {
        initial_rate_ = initial_rate;
        if (held_) held_->start(initial_rate);
    }

    /// Returns the rate for `epoch`, counted from 0.
    double learning_rate(std::size_t epoch) const {
        return held_ ? held_->learning_rate(epoch, initial_rate_) : initial_rate_;
    }

    /// Takes the loss measured at the end of an epoch (used by reduce_on_plateau).
    void record(double loss) {
        if (held_) held_->record(loss);
    }

private:
    struct holder_base {
        virtual ~holder_base() = default;
        virtual std::unique_ptr<holder_base> clone() const = 0;
        virtual std::string_view name() const noexcept = 0;
        virtual void start(double initial_rate) = 0;
        virtual double learning_rate(std::size_t epoch, double initial_rate) const = 0;
        virtual void record(double loss) = 0;
    };

    template <class Schedule>
    struct holder final : holder_base {
        explicit holder(Schedule s) : schedule(std::move(s)) {}
        std::unique_ptr<holder_base> clone() const override {
            return std::make_unique<holder>(schedule);
        }
        std::string_view name() const noexcept override { return Schedule::name; }
        void start(double initial_rate) override {
            if constexpr (requires { schedule.start(initial_rate); }) schedule.start(initial_rate);
        }
        double learning_rate(std::size_t epoch, double initial_rate) const override {
            return schedule.learning_rate(epoch, initial_rate);
        }
        void record(double loss) override {
            if constexpr (requires { schedule.record(loss); }) schedule.record(loss);
        }
        Schedule schedule;
    };

    std::unique_ptr<holder_base> held_;
    double initial_rate_ = 0;
};

}  // namespace strata
