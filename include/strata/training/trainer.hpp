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
#include "../parallel/process_group.hpp"
#include "../parallel/thread_pool.hpp"
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
    /// size gives batch gradient descent. The last batch of an epoch contains
    /// the remaining samples, and its gradient is averaged over their number.
    std::size_t batch_size = 32;
    /// Seeds the shuffling and any dropout masks; the same seed and thread
    /// count give bit-identical weights.
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
    /// Threads that split each mini-batch (data parallelism), the calling
    /// thread included. They start once per fit(); their gradients are summed
    /// in a fixed order, so results do not depend on thread timing. A step
    /// matches the one-thread step up to float rounding.
    std::size_t threads = 1;
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
    /// The processes that train this network together, each on its part of
    /// every batch (see parallel/mpi.hpp); null trains in this process alone.
    parallel::process_group* processes = nullptr;

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
        return mean_of(evaluate_sums(net, data, 0, data.size(), work));
    }

    // Sums the per-sample losses and metrics of samples [begin, end).
    static evaluation evaluate_sums(const Net& net, const dataset_type& data, std::size_t begin,
                                    std::size_t end, workspace<Net>& work) {
        evaluation result;
        result.samples = end - begin;
        const std::size_t targets = data.target_count();
        const pass_context inference{};
        for (std::size_t start = begin; start < end; start += work.capacity()) {
            const std::size_t count = std::min(work.capacity(), end - start);
            net.forward(work, data.feature_data() + start * in_size, count, inference);
            const T* y = work.output();
            for (std::size_t s = 0; s < count; ++s) {
                const T* t = data.target_data() + (start + s) * targets;
                result.loss += Loss::template loss<out_size>(y + s * out_size, t, targets);
                result.metric += Loss::template metric<out_size>(y + s * out_size, t, targets);
            }
        }
        return result;
    }

    static evaluation mean_of(evaluation sums) noexcept {
        if (sums.samples > 0) {
            sums.loss /= static_cast<double>(sums.samples);
            sums.metric /= static_cast<double>(sums.samples);
        }
        return sums;
    }

    std::span<const parameter_segment> regularized_segments() const noexcept {
        if (regularizer_.include_biases) return Net::shape::parameter_segments;
        return Net::shape::weight_segments;
    }

    // One thread's part of a step: its samples, pass buffers, gradient and
    // dropout stream.
    struct shard {
        shard(std::size_t capacity, std::size_t target_count, bool owns_gradient,
              std::uint64_t dropout_seed)
            : work(capacity),
              inputs(capacity * in_size),
              targets(capacity * target_count),
              own_gradient(owns_gradient ? storage_size : 0),
              dropout_random(dropout_seed) {}

        workspace<Net> work;
        aligned_buffer<T> inputs;
        aligned_buffer<T> targets;
        aligned_buffer<T> own_gradient;  ///< empty in shard 0, which writes session::gradient
        random_engine dropout_random;
        std::size_t count = 0;  ///< samples in the current step, possibly 0
        double loss = 0;        ///< sum of per-sample losses in the current step
        double metric = 0;
        evaluation validation;  ///< sums over this shard's part of the validation data
    };

    // Everything a step touches, allocated once before the first step.
    struct session {
        session(const dataset_type& train, const fit_options& options, std::size_t rank,
                std::size_t ranks)
            : batch_size(std::min(options.batch_size, train.size())),
              target_count(train.target_count()),
              gradient(storage_size),
              epoch_start(storage_size),
              order(train.size()),
              shuffler(options.seed),
              drop_rate(options.drop_rate),
              pool(options.threads) {
            std::iota(order.begin(), order.end(), std::size_t{0});
            // Each process takes at most ceil(batch / ranks) samples of a
            // batch, and each thread at most ceil(that / threads).
            const std::size_t threads = options.threads;
            const std::size_t local = (batch_size + ranks - 1) / ranks;
            const std::size_t capacity = std::max<std::size_t>(1, (local + threads - 1) / threads);
            shards.reserve(threads);
            for (std::size_t t = 0; t < threads; ++t)
                shards.emplace_back(capacity, target_count, t > 0,
                                    dropout_seed(options.seed, rank * threads + t));
        }

        // Each shard of each process draws masks from its own stream. Shard 0
        // of process 0 has the stream of a one-thread fit.
        static std::uint64_t dropout_seed(std::uint64_t seed, std::size_t shard_index) {
            return (seed ^ 0xD1B54A32D192ED03ull) + shard_index * 0xA0761D6478BD642Full;
        }

        std::size_t batch_size;
        std::size_t target_count;
        aligned_buffer<T> gradient;     ///< the whole batch's gradient, summed over shards
        aligned_buffer<T> epoch_start;  ///< weights to restore if the epoch diverges
        optimizer_state state{};
        std::vector<std::size_t> order;
        random_engine shuffler;
        std::optional<double> drop_rate;
        std::vector<shard> shards;
        // Declared last, so its threads are joined before the shards go away.
        parallel::thread_pool pool;
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
        if (options.threads == 0)
            throw config_error("fit: threads must be at least 1, got 0; use 1 to train on the "
                               "calling thread alone");
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

        const std::size_t rank = processes != nullptr ? processes->rank() : 0;
        const std::size_t ranks = processes != nullptr ? processes->size() : 1;
        session s(train, options, rank, ranks);
        if (processes != nullptr) {
            const parallel::fit_setting settings[] = {
                {"training samples", train.size()},
                {"validation samples", validation != nullptr ? validation->size() : 0},
                {"epochs", options.epochs},
                {"batch_size", options.batch_size},
                {"seed", options.seed},
                {"shuffle", options.shuffle ? 1u : 0u}};
            processes->begin_fit(settings, std::span<const T>(net.parameters()));
        }
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
                const auto result = validation_evaluator
                                        ? validation_evaluator(net, epoch)
                                        : evaluate_in_session(net, *validation, s);
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

    // One gradient step on the samples at `indices`. This process takes its
    // contiguous part of them, and each thread a contiguous part of that.
    void train_step(Net& net, const dataset_type& train, session& s,
                    std::span<const std::size_t> indices, std::size_t epoch,
                    std::size_t batch_index, epoch_sums& sums) {
        const std::size_t count = indices.size();
        const std::size_t rank = processes != nullptr ? processes->rank() : 0;
        const std::size_t ranks = processes != nullptr ? processes->size() : 1;
        const std::size_t local_begin = count * rank / ranks;
        const std::size_t local_count = count * (rank + 1) / ranks - local_begin;
        const std::size_t threads = s.shards.size();

        auto pass = [&](std::size_t t) {
            const std::size_t begin = local_begin + local_count * t / threads;
            const std::size_t end = local_begin + local_count * (t + 1) / threads;
            shard& part = s.shards[t];
            T* gradient = t == 0 ? s.gradient.data() : part.own_gradient.data();
            compute_shard(net, train, part, gradient, indices.subspan(begin, end - begin), count,
                          s.drop_rate);
        };
        s.pool.run(pass);
        // Two shards are summed in one pass over the parameters on this
        // thread, which costs less than waking the pool a second time.
        if (threads > 2) {
            auto reduce = [&](std::size_t t) { sum_shard_gradients(s, t, threads); };
            s.pool.run(reduce);
        } else {
            sum_shard_gradients(s, 0, 1);
        }

        // Loss and metric sums, in shard order and then over processes.
        double totals[2] = {0, 0};
        for (const shard& part : s.shards) {
            totals[0] += part.loss;
            totals[1] += part.metric;
        }
        if (processes != nullptr) {
            processes->sum(std::span<T>(s.gradient.data(), storage_size));
            processes->sum(std::span<double>(totals));
        }
        check_finite_loss(net, s, totals[0] / static_cast<double>(count), epoch, batch_index);
        sums.loss += totals[0];
        sums.metric += totals[1];

        T* parameters = net.parameters().data();
        regularizer_.add_gradient(regularized_segments(), parameters, s.gradient.data());
        detail::optimizer_step<Net>(optimizer_, s.state, parameters, s.gradient.data());
        check_finite_parameters(net, s, epoch, batch_index);
        if (processes != nullptr)
            processes->after_step(std::span<const T>(net.parameters()), epoch, batch_index);
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

    // Forward and backward over one shard's samples. Writes into `gradient`
    // this shard's share of the batch-mean gradient: its samples' gradients
    // divided by `batch_count`, the size of the whole batch.
    static void compute_shard(const Net& net, const dataset_type& train, shard& part,
                              T* gradient, std::span<const std::size_t> indices,
                              std::size_t batch_count, std::optional<double> drop_rate) {
        const std::size_t count = indices.size();
        part.count = count;
        part.loss = 0;
        part.metric = 0;
        if (count == 0) return;
        const std::size_t targets = train.target_count();
        for (std::size_t i = 0; i < count; ++i) {
            std::copy_n(train.features(indices[i]).data(), in_size,
                        part.inputs.data() + i * in_size);
            std::copy_n(train.targets(indices[i]).data(), targets,
                        part.targets.data() + i * targets);
        }

        const pass_context training{true, &part.dropout_random, drop_rate};
        net.forward(part.work, part.inputs.data(), count, training);
        const T* y = part.work.output();
        T* dy = part.work.output_gradient();
        part.loss = Loss::template loss_and_gradient<out_size>(y, part.targets.data(), targets,
                                                               dy, count);
        for (std::size_t i = 0; i < count; ++i)
            part.metric += Loss::template metric<out_size>(
                y + i * out_size, part.targets.data() + i * targets, targets);
        // loss_and_gradient averaged over this shard's samples; rescale to
        // the whole batch, so that the shards' gradients add up to its mean.
        if (count != batch_count) {
            const T scale = static_cast<T>(static_cast<double>(count) /
                                           static_cast<double>(batch_count));
            for (std::size_t i = 0; i < count * out_size; ++i) dy[i] *= scale;
        }
        net.backward(part.work, part.inputs.data(), gradient, count);
    }

    // Adds the gradients of shards 1, 2, ... into shard 0's (session::gradient)
    // over slice `slice` of `slices` of the parameters, so that threads can
    // share the sum. The order of the additions is fixed, whatever the
    // threads' timing.
    static void sum_shard_gradients(session& s, std::size_t slice, std::size_t slices) noexcept {
        constexpr std::size_t line = simd_alignment / sizeof(T);  // no two threads share a cache line
        const auto boundary = [&](std::size_t i) {
            return i == slices ? storage_size : storage_size * i / slices / line * line;
        };
        const std::size_t begin = boundary(slice);
        const std::size_t end = boundary(slice + 1);
        T* total = s.gradient.data();
        if (s.shards[0].count == 0) std::fill(total + begin, total + end, T(0));
        for (std::size_t t = 1; t < s.shards.size(); ++t) {
            if (s.shards[t].count == 0) continue;
            const T* g = s.shards[t].own_gradient.data();
            for (std::size_t i = begin; i < end; ++i) total[i] += g[i];
        }
    }

    // Evaluates `data` with the session's processes and threads, each on a
    // contiguous part, and sums their results in a fixed order.
    evaluation evaluate_in_session(const Net& net, const dataset_type& data, session& s) const {
        const std::size_t rank = processes != nullptr ? processes->rank() : 0;
        const std::size_t ranks = processes != nullptr ? processes->size() : 1;
        const std::size_t local_begin = data.size() * rank / ranks;
        const std::size_t local_count = data.size() * (rank + 1) / ranks - local_begin;
        const std::size_t parts = s.shards.size();
        auto part = [&](std::size_t t) {
            s.shards[t].validation = evaluate_sums(
                net, data, local_begin + local_count * t / parts,
                local_begin + local_count * (t + 1) / parts, s.shards[t].work);
        };
        s.pool.run(part);
        double totals[2] = {0, 0};
        for (const shard& p : s.shards) {
            totals[0] += p.validation.loss;
            totals[1] += p.validation.metric;
        }
        if (processes != nullptr) processes->sum(std::span<double>(totals));
        return mean_of({.loss = totals[0], .metric = totals[1], .samples = data.size()});
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
