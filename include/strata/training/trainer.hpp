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
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "../detail/aligned.hpp"
#include "../error.hpp"
#include "../layers/activations.hpp"
#include "../network.hpp"
#include "../parallel/process_group.hpp"
#include "../parallel/thread_pool.hpp"
#include "../random.hpp"
#include "../regularizers/l2.hpp"
#include "dataset.hpp"
#include "history.hpp"

namespace strata {

/// Run-time settings of fit().
struct fit_options {
    std::size_t epochs = 10;
    /// Samples per step: 1 gives stochastic gradient descent, the training-set
    /// size gives batch gradient descent. The last batch of an epoch holds
    /// the remaining samples, and its gradient is averaged over their number.
    std::size_t batch_size = 32;
    /// Seeds the shuffling and any dropout masks; the same seed and thread
    /// count give bit-identical weights.
    std::uint64_t seed = 0;
    /// Reshuffle inputs and targets together at the start of every epoch.
    bool shuffle = true;
    /// Threads that split each mini-batch (data parallelism), the calling
    /// thread included. They start once per fit(); their gradients are summed
    /// in a fixed order, so results do not depend on thread timing. A step
    /// matches the one-thread step up to float rounding.
    std::size_t threads = 1;
};

namespace detail {

template <class Net>
inline constexpr bool ends_with_softmax_v =
    std::is_same_v<std::tuple_element_t<Net::layer_count - 1, typename Net::layer_types>, softmax>;

template <class Loss, std::size_t Outputs>
constexpr bool check_loss_fits_output() {
    static_assert(Loss::template fits_output<Outputs>,
                  "strata::trainer: this loss does not fit the network's output width; "
                  "cross_entropy needs at least 2 outputs (one per class)");
    return Loss::template fits_output<Outputs>;
}

}  // namespace detail

template <class Net, class Loss, class Optimizer, class Regularizer = regularizers::none>
class trainer {
    using T = typename Net::value_type;
    static constexpr std::size_t in_size = Net::input_size;
    static constexpr std::size_t out_size = Net::output_size;
    static constexpr std::size_t storage_size = Net::parameter_storage_size;

    static_assert(detail::check_loss_fits_output<Loss, out_size>());
    static_assert(!(Loss::name == std::string_view("cross_entropy") &&
                    detail::ends_with_softmax_v<Net>),
                  "strata::trainer: cross_entropy applies softmax to the logits itself; remove "
                  "the network's final softmax layer");

public:
    using network_type = Net;
    using dataset_type = basic_dataset<T>;
    using optimizer_state = typename Optimizer::template state<T, storage_size>;

    explicit trainer(Optimizer optimizer = {}, Regularizer regularizer = {})
        : optimizer_(optimizer), regularizer_(regularizer) {}

    Optimizer& optimizer() noexcept { return optimizer_; }
    Regularizer& regularizer() noexcept { return regularizer_; }

    /// Called after each epoch with its record, if set.
    std::function<void(const epoch_record&)> on_epoch_end;

    /// Called before each step with the epoch (from 1), the batch (from 0) and
    /// the indexes of the batch's samples in the training data, if set.
    std::function<void(std::size_t, std::size_t, std::span<const std::size_t>)> on_batch;

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

    /// Returns the mean loss and metric of `net` over `data` in inference mode.
    evaluation evaluate(const Net& net, const dataset_type& data) const {
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
        if (options.threads == 0)
            throw config_error("fit: threads must be at least 1, got 0; use 1 to train on the "
                               "calling thread alone");
        if (train.empty()) throw data_error(train.source() + ": the training data is empty");
        check_data(train, "training");
        if (validation != nullptr && !validation->empty()) check_data(*validation, "validation");

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

        for (std::size_t epoch = 1; epoch <= options.epochs; ++epoch) {
            const auto started = std::chrono::steady_clock::now();
            const epoch_sums sums = train_epoch(net, train, s, epoch, options);

            epoch_record entry;
            entry.epoch = epoch;
            entry.train_loss = sums.loss / static_cast<double>(train.size());
            entry.train_metric = sums.metric / static_cast<double>(train.size());
            if (validation != nullptr && !validation->empty()) {
                const auto result = evaluate_in_session(net, *validation, s);
                entry.validation_loss = result.loss;
                entry.validation_metric = result.metric;
            }
            entry.learning_rate = optimizer_.learning_rate;
            entry.seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            record.epochs.push_back(entry);
            if (on_epoch_end) on_epoch_end(entry);
        }
        return record;
    }

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
            train_step(net, train, s, indices, epoch, batch_index, sums);
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
            compute_shard(net, train, part, gradient, indices.subspan(begin, end - begin), count);
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
        optimizer_.step(s.state, parameters, s.gradient.data());
        if (processes != nullptr)
            processes->after_step(std::span<const T>(net.parameters()), epoch, batch_index);
    }

    // Forward and backward over one shard's samples. Writes into `gradient`
    // this shard's share of the batch-mean gradient: its samples' gradients
    // divided by `batch_count`, the size of the whole batch.
    static void compute_shard(const Net& net, const dataset_type& train, shard& part,
                              T* gradient, std::span<const std::size_t> indices,
                              std::size_t batch_count) noexcept {
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

        const pass_context training{true, &part.dropout_random};
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
