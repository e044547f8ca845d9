#pragma once
// Mini-batch gradient descent over a network type, with the loss, optimizer
// and regularizer as policies.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "../detail/aligned.hpp"
#include "../diagnostics.hpp"
#include "../error.hpp"
#include "../layers/activations.hpp"
#include "../network.hpp"
#include "../policies.hpp"
#include "../random.hpp"
#include "../regularizers/l2.hpp"
#include "dataset.hpp"
#include "early_stopping.hpp"
#include "history.hpp"
#include "learning_rate_schedule.hpp"
#include "optimizer_step.hpp"

namespace strata {

/// Run-time settings of fit().
struct fit_options {
    std::size_t epochs = 10;
    /// Samples per step: 1 gives stochastic gradient descent, the training-set
    /// size gives batch gradient descent. The last batch of an epoch holds
    /// the remaining samples, and its gradient is averaged over their number.
    std::size_t batch_size = 32;
    /// Seeds the shuffling and any dropout masks; the same seed on one
    /// thread gives bit-identical weights.
    std::uint64_t seed = 0;
    /// Reshuffle inputs and targets together at the start of every epoch.
    bool shuffle = true;
    /// Stop when the validation loss stops improving, and keep the best
    /// weights; off when empty. Needs validation data.
    std::optional<early_stopping> early_stop = std::nullopt;
    /// Wall-clock limit in seconds for the whole fit, checked after each
    /// epoch, so the last epoch may run past it; 0 means no limit.
    double time_budget_seconds = 0;
    /// When set, replaces the drop rate of every dropout layer; must lie in [0, 1).
    std::optional<double> drop_rate{};
};

namespace detail {

template <class Net>
using last_layer_t = std::tuple_element_t<Net::layer_count - 1, typename Net::layer_types>;

// Checks that Loss fits the network; skipped where Loss is not a loss policy,
// because the policy check has already failed with its own message.
template <class Net, class Loss>
constexpr bool check_loss_fits_network() {
    if constexpr (loss_policy<Loss>) {
        using last = last_layer_t<Net>;
        return diagnostics::loss_must_fit_network_output<
                   Loss, Net::output_size, Loss::template fits_output<Net::output_size>>() &&
               diagnostics::cross_entropy_needs_logits_not_softmax<
                   Loss, last,
                   Loss::name == std::string_view("cross_entropy") &&
                       std::is_same_v<last, softmax>>() &&
               diagnostics::binary_cross_entropy_needs_logits_not_sigmoid<
                   Loss, last,
                   Loss::name == std::string_view("binary_cross_entropy") &&
                       std::is_same_v<last, sigmoid>>();
    } else {
        return true;
    }
}

// Optimizer::state<T, Size>, or an empty stand-in where Optimizer failed its
// policy check, so that the failed check is the only error.
template <class Optimizer, class T, std::size_t Size>
struct optimizer_state {
    struct type {};
};

template <class Optimizer, class T, std::size_t Size>
    requires optimizer_policy<Optimizer>
struct optimizer_state<Optimizer, T, Size> {
    using type = typename Optimizer::template state<T, Size>;
};

}  // namespace detail

template <class Net, class Loss, class Optimizer, class Regularizer = regularizers::none>
class trainer {
    using T = typename Net::value_type;
    static constexpr std::size_t in_size = Net::input_size;
    static constexpr std::size_t out_size = Net::output_size;
    static constexpr std::size_t storage_size = Net::parameter_storage_size;

    static_assert(diagnostics::loss_must_be_a_loss_policy<Loss, loss_policy<Loss>>());
    static_assert(diagnostics::optimizer_must_be_an_optimizer_policy<
                  Optimizer, optimizer_policy<Optimizer>>());
    static_assert(diagnostics::regularizer_must_be_a_regularizer_policy<
                  Regularizer, regularizer_policy<Regularizer>>());
    static_assert(detail::check_loss_fits_network<Net, Loss>());

public:
    using network_type = Net;
    using loss_type = Loss;
    using dataset_type = basic_dataset<T>;
    using optimizer_state = typename detail::optimizer_state<Optimizer, T, storage_size>::type;

    explicit trainer(Optimizer optimizer = {}, Regularizer regularizer = {})
        : optimizer_(optimizer), regularizer_(regularizer) {}

    Optimizer& optimizer() noexcept { return optimizer_; }
    Regularizer& regularizer() noexcept { return regularizer_; }

    /// Called after each epoch with its record, if set.
    std::function<void(const epoch_record&)> on_epoch_end;

    /// Called before each step with the epoch (from 1), the batch (from 0) and
    /// the indexes of the batch's samples in the training data, if set.
    std::function<void(std::size_t, std::size_t, std::span<const std::size_t>)> on_batch;

    /// Called after each step with the batch's size and mean loss, if set.
    std::function<void(const batch_record&)> on_batch_end;

    /// Replaces the validation pass when set: fit() calls it with the network
    /// and the epoch (from 1) instead of evaluating the validation data. It
    /// lets tests script validation losses, and lets a user validate on
    /// something other than a dataset.
    std::function<evaluation(const Net&, std::size_t)> validation_evaluator;
    /// Sets the optimizer's learning rate before each epoch, starting from
    /// the rate it has when fit() begins, which fit() restores at the end.
    /// After each epoch it is given the validation loss (the training loss
    /// without validation data). Empty: the rate stays constant.
    learning_rate_schedule schedule;

    /// Trains `net` on `train` and reports validation figures after every
    /// epoch. Throws data_error on bad data before the first step, and
    /// divergence_error (with the weights restored to the start of that
    /// epoch) if the loss turns non-finite.
    history fit(Net& net, const dataset_type& train, const dataset_type& validation,
                const fit_options& options) {
        return run(net, train, &validation, options);
    }

    /// Trains without validation data.
    history fit(Net& net, const dataset_type& train, const fit_options& options) {
        return run(net, train, nullptr, options);
    }

    /// Rejects a held-out test set in place of validation data at compile time.
    template <class U>
    history fit(Net&, const dataset_type&, const held_out<U>&, const fit_options&) {
        static_assert(diagnostics::held_out_test_set_must_not_validate<held_out<U>, false>());
        return {};
    }

    /// Returns the mean loss and metric of `net` over `data` in inference mode.
    evaluation evaluate(const Net& net, const dataset_type& data) const {
        if (data.empty()) throw data_error(data.source() + ": cannot evaluate on an empty dataset");
        check_data(data, "evaluation");
        workspace<Net> work(std::max<std::size_t>(1, std::min<std::size_t>(data.size(), 256)));
        return evaluate(net, data, work);
    }

private:
    static void check_data(const dataset_type& data, const char* role) {
        if (data.feature_count() != in_size)
            throw data_error(data.source() + ": " + role + " data has " +
                             std::to_string(data.feature_count()) +
                             " features per sample, but the network's input is " +
                             std::to_string(in_size) + " wide");
        data.check_finite();
        Loss::template check_targets<out_size>(data);
    }

    evaluation evaluate(const Net& net, const dataset_type& data, workspace<Net>& work) const {
        evaluation result;
        result.samples = data.size();
        const std::size_t targets = data.target_count();
        const pass_context inference{};
        for (std::size_t start = 0; start < data.size(); start += work.capacity()) {
            const std::size_t count = std::min(work.capacity(), data.size() - start);
            net.forward(work, data.feature_data() + start * in_size, count, inference);
            const T* y = work.output();
            for (std::size_t s = 0; s < count; ++s) {
                const T* t = data.target_data() + (start + s) * targets;
                result.loss += Loss::template loss<out_size>(y + s * out_size, t, targets);
                result.metric += Loss::template metric<out_size>(y + s * out_size, t, targets);
            }
        }
        if (result.samples > 0) {
            result.loss /= static_cast<double>(result.samples);
            result.metric /= static_cast<double>(result.samples);
        }
        return result;
    }

    std::span<const parameter_segment> regularized_segments() const noexcept {
        if (regularizer_.include_biases) return Net::shape::parameter_segments;
        return Net::shape::weight_segments;
    }

    // Everything a step touches, allocated once before the first step.
    struct session {
        session(const dataset_type& train, const fit_options& options)
            : batch_size(std::min(options.batch_size, train.size())),
              target_count(train.target_count()),
              work(batch_size),
              gradient(storage_size),
              batch_inputs(batch_size * in_size),
              batch_targets(batch_size * target_count),
              epoch_start(storage_size),
              order(train.size()),
              shuffler(options.seed),
              dropout_random(options.seed ^ 0xD1B54A32D192ED03ull),
              drop_rate(options.drop_rate) {
            std::iota(order.begin(), order.end(), std::size_t{0});
        }

        std::size_t batch_size;
        std::size_t target_count;
        workspace<Net> work;
        aligned_buffer<T> gradient;
        aligned_buffer<T> batch_inputs;
        aligned_buffer<T> batch_targets;
        aligned_buffer<T> epoch_start;  ///< weights to restore if the epoch diverges
        optimizer_state state{};
        std::vector<std::size_t> order;
        random_engine shuffler;
        random_engine dropout_random;
        std::optional<double> drop_rate;
    };

    // Sums of per-sample losses and metrics over the batches of one epoch.
    struct epoch_sums {
        double loss = 0;
        double metric = 0;
    };

    history run(Net& net, const dataset_type& train, const dataset_type* validation,
                const fit_options& options) {
        if (options.batch_size == 0)
            throw config_error("fit: batch_size must be at least 1, got 0");
        if (!(options.time_budget_seconds >= 0))
            throw config_error("fit: time_budget_seconds must be non-negative, got " +
                               std::to_string(options.time_budget_seconds));
        if (train.empty()) throw data_error(train.source() + ": the training data is empty");
        check_data(train, "training");
        const bool validating =
            validation_evaluator || (validation != nullptr && !validation->empty());
        if (validation != nullptr && !validation->empty()) check_data(*validation, "validation");
        if (options.drop_rate && !(*options.drop_rate >= 0 && *options.drop_rate < 1))
            throw config_error("fit: drop_rate must lie in [0, 1), got " +
                               std::to_string(*options.drop_rate));
        if constexpr (requires { optimizer_.learning_rate; }) {
            if (!(optimizer_.learning_rate >= 0) || !std::isfinite(optimizer_.learning_rate))
                throw config_error("fit: the learning rate must be a finite number >= 0, got " +
                                   std::to_string(optimizer_.learning_rate));
        }
        if (options.early_stop && !validating)
            throw config_error("fit: early stopping watches the validation loss; pass "
                               "validation data or leave early_stop empty");
        best_keeper best(options);

        session s(train, options);
        history record;
        record.loss_name = std::string(Loss::name);
        record.metric_name = std::string(Loss::metric_name);
        record.epochs.reserve(options.epochs);
        const auto fit_started = std::chrono::steady_clock::now();

        // Puts the initial rate back when fit returns or throws.
        struct rate_restorer {
            Optimizer& optimizer;
            double rate;
            ~rate_restorer() { optimizer.learning_rate = rate; }
        } restore{optimizer_, optimizer_.learning_rate};
        schedule.start(restore.rate);
        for (std::size_t epoch = 1; epoch <= options.epochs; ++epoch) {
            const auto started = std::chrono::steady_clock::now();
            optimizer_.learning_rate = schedule.learning_rate(epoch - 1);
            epoch_sums sums;
            try {
                sums = train_epoch(net, train, s, epoch, options);
            } catch (const divergence_error& error) {
                best.restore_and_rethrow(net, record, error);
            }

            epoch_record entry;
            entry.epoch = epoch;
            entry.train_loss = sums.loss / static_cast<double>(train.size());
            entry.train_metric = sums.metric / static_cast<double>(train.size());
            if (validating) {
                const auto result = validation_evaluator ? validation_evaluator(net, epoch)
                                                         : evaluate(net, *validation, s.work);
                entry.validation_loss = result.loss;
                entry.validation_metric = result.metric;
            }
            entry.learning_rate = optimizer_.learning_rate;
            entry.seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            record.epochs.push_back(entry);
            if (on_epoch_end) on_epoch_end(entry);
            schedule.record(std::isnan(entry.validation_loss) ? entry.train_loss
                                                              : entry.validation_loss);

            if (best.update(net, entry, record)) {
                record.stopped_by = stop_reason::early_stopping;
                break;
            }
            const std::chrono::duration<double> elapsed =
                std::chrono::steady_clock::now() - fit_started;
            if (options.time_budget_seconds > 0 && elapsed.count() >= options.time_budget_seconds) {
                record.stopped_by = stop_reason::time_budget;
                break;
            }
        }
        best.restore(net, record);
        return record;
    }

    // Tracks the best epoch of one fit() and, under early stopping, keeps a
    // copy of its weights to restore.
    class best_keeper {
    public:
        explicit best_keeper(const fit_options& options)
            : restore_(options.early_stop && options.early_stop->restore_best),
              weights_(options.early_stop ? storage_size : 0) {
            if (options.early_stop) monitor_.emplace(*options.early_stop);
        }

        // Records `entry`'s validation loss in `record` and returns true when
        // early stopping ends training. Without early stopping the best
        // epoch is reported, not kept.
        bool update(const Net& net, const epoch_record& entry, history& record) {
            if (!monitor_) {
                if (entry.validation_loss < record.best_validation_loss ||
                    (record.best_epoch == 0 && !std::isnan(entry.validation_loss))) {
                    record.best_epoch = entry.epoch;
                    record.best_validation_loss = entry.validation_loss;
                }
                return false;
            }
            if (monitor_->update(entry.epoch, entry.validation_loss))
                std::copy_n(net.parameters().data(), storage_size, weights_.data());
            if (monitor_->best_epoch() > 0) {
                record.best_epoch = monitor_->best_epoch();
                record.best_validation_loss = monitor_->best_loss();
            }
            return monitor_->should_stop();
        }

        // Copies the best weights into `net` when early stopping has restore_best set.
        void restore(Net& net, history& record) const {
            if (!restore_ || record.best_epoch == 0) return;
            std::copy_n(weights_.data(), storage_size, net.parameters().data());
            record.restored_best = true;
        }

        // Called while `error` is handled: restores the best weights, if
        // kept, and throws `error` again with that fact added to its message.
        [[noreturn]] void restore_and_rethrow(Net& net, const history& record,
                                              const divergence_error& error) const {
            if (!restore_ || record.best_epoch == 0) throw;
            std::copy_n(weights_.data(), storage_size, net.parameters().data());
            throw divergence_error(std::string(error.what()) +
                                       ". Early stopping then restored the best weights, from "
                                       "epoch " + std::to_string(record.best_epoch) +
                                       " (validation loss " +
                                       std::to_string(record.best_validation_loss) + ")",
                                   error.epoch(), error.batch());
        }

    private:
        std::optional<early_stopping_monitor> monitor_;
        bool restore_;
        aligned_buffer<T> weights_;
    };

    // Runs one pass over the training data in mini-batches.
    epoch_sums train_epoch(Net& net, const dataset_type& train, session& s, std::size_t epoch,
                           const fit_options& options) {
        std::copy_n(net.parameters().data(), storage_size, s.epoch_start.data());
        if (options.shuffle) s.shuffler.shuffle(std::span<std::size_t>(s.order));

        epoch_sums sums;
        std::size_t batch_index = 0;
        for (std::size_t start = 0; start < train.size(); start += s.batch_size, ++batch_index) {
            const std::size_t count = std::min(s.batch_size, train.size() - start);
            const std::span<const std::size_t> indices(s.order.data() + start, count);
            if (on_batch) on_batch(epoch, batch_index, indices);
            const double loss_before = sums.loss;
            train_step(net, train, s, indices, epoch, batch_index, sums);
            if (on_batch_end)
                on_batch_end({epoch, batch_index, count,
                              (sums.loss - loss_before) / static_cast<double>(count)});
        }
        return sums;
    }

    // One gradient step on the samples at `indices`.
    void train_step(Net& net, const dataset_type& train, session& s,
                    std::span<const std::size_t> indices, std::size_t epoch,
                    std::size_t batch_index, epoch_sums& sums) {
        const std::size_t count = indices.size();
        const std::size_t targets = s.target_count;
        for (std::size_t i = 0; i < count; ++i) {
            std::copy_n(train.features(indices[i]).data(), in_size,
                        s.batch_inputs.data() + i * in_size);
            std::copy_n(train.targets(indices[i]).data(), targets,
                        s.batch_targets.data() + i * targets);
        }

        const pass_context training{true, &s.dropout_random, s.drop_rate};
        net.forward(s.work, s.batch_inputs.data(), count, training);
        const T* y = s.work.output();
        const double batch_loss = Loss::template loss_and_gradient<out_size>(
            y, s.batch_targets.data(), targets, s.work.output_gradient(), count);
        check_finite_loss(net, s, batch_loss / static_cast<double>(count), epoch, batch_index);
        sums.loss += batch_loss;
        for (std::size_t i = 0; i < count; ++i)
            sums.metric += Loss::template metric<out_size>(
                y + i * out_size, s.batch_targets.data() + i * targets, targets);

        T* parameters = net.parameters().data();
        net.backward(s.work, s.batch_inputs.data(), s.gradient.data(), count);
        regularizer_.add_gradient(regularized_segments(), parameters, s.gradient.data());
        detail::optimizer_step<Net>(optimizer_, s.state, parameters, s.gradient.data());
        check_finite_parameters(net, s, epoch, batch_index);
    }

    // A finite loss can still give a non-finite step (a NaN learning rate, an
    // overflowing update). Restores the weights from the start of the epoch,
    // which the previous step's check proved finite, and throws divergence_error.
    void check_finite_parameters(Net& net, const session& s, std::size_t epoch,
                                 std::size_t batch_index) const {
        const T* p = net.parameters().data();
        bool finite = true;
        for (std::size_t i = 0; i < storage_size; ++i) finite &= std::isfinite(p[i]);
        if (finite) return;
        std::copy_n(s.epoch_start.data(), storage_size, net.parameters().data());
        throw divergence_error("training diverged: the step of epoch " + std::to_string(epoch) +
                                   ", batch " + std::to_string(batch_index) +
                                   " made a parameter NaN or infinite; the weights were restored "
                                   "to the start of that epoch; lower the learning rate",
                               epoch, batch_index);
    }

    // The loss is summed in double; a mean past T's range means the network's
    // own arithmetic has overflowed, so it counts as diverged. Restores the
    // weights from the start of the epoch and throws divergence_error.
    void check_finite_loss(Net& net, const session& s, double mean_loss, std::size_t epoch,
                           std::size_t batch_index) const {
        if (std::isfinite(static_cast<T>(mean_loss))) return;
        std::copy_n(s.epoch_start.data(), storage_size, net.parameters().data());
        throw divergence_error("training diverged: the loss of epoch " + std::to_string(epoch) +
                                   ", batch " + std::to_string(batch_index) + " is " +
                                   std::to_string(mean_loss) +
                                   "; the weights were restored to the start of that epoch; "
                                   "lower the learning rate or scale the inputs",
                               epoch, batch_index);
    }

    Optimizer optimizer_;
    Regularizer regularizer_;
};

}  // namespace strata
