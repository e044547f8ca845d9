#pragma once
// Data-parallel training across processes, on one machine or several, with
// MPI. Optional: include this header only in programs built against an MPI
// 3.1 library (CMake: -DSTRATA_MPI=ON and link strata::mpi). Every rank runs
// the same program; trainer::processes points at an mpi_group.

#include <mpi.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "../error.hpp"
#include "process_group.hpp"

namespace strata::parallel {

namespace detail {

inline void check_mpi(int code, const char* call) {
    if (code == MPI_SUCCESS) return;
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    MPI_Error_string(code, text, &length);
    throw std::runtime_error(std::string(call) + " failed: " + std::string(text, length));
}

template <class T>
MPI_Datatype mpi_type() noexcept {
    if constexpr (std::is_same_v<T, float>)
        return MPI_FLOAT;
    else if constexpr (std::is_same_v<T, double>)
        return MPI_DOUBLE;
    else
        return MPI_UINT64_T;
}

// MPI counts are int; longer arrays are reduced in pieces.
inline constexpr std::size_t max_mpi_count = std::size_t{1} << 30;

template <class T>
void allreduce_in_place(T* values, std::size_t count, MPI_Op operation, MPI_Comm communicator) {
    for (std::size_t start = 0; start < count; start += max_mpi_count) {
        const std::size_t piece = std::min(max_mpi_count, count - start);
        check_mpi(MPI_Allreduce(MPI_IN_PLACE, values + start, static_cast<int>(piece),
                                mpi_type<T>(), operation, communicator),
                  "MPI_Allreduce");
    }
}

}  // namespace detail

/// Starts MPI for the lifetime of the object and finalizes it on
/// destruction. Only the thread that created it may call MPI
/// (MPI_THREAD_FUNNELED): the trainer's own threads never do.
class mpi_environment {
public:
    mpi_environment(int& argc, char**& argv) {
        int provided = 0;
        detail::check_mpi(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided),
                          "MPI_Init_thread");
        if (provided < MPI_THREAD_FUNNELED) {
            MPI_Finalize();
            throw std::runtime_error(
                "MPI_Init_thread: this MPI library does not support MPI_THREAD_FUNNELED, which "
                "training with threads inside each process needs");
        }
    }

    mpi_environment(const mpi_environment&) = delete;
    mpi_environment& operator=(const mpi_environment&) = delete;

    ~mpi_environment() { MPI_Finalize(); }

    /// Ends every process of MPI_COMM_WORLD with exit status `code`. For an
    /// error caught on some ranks only, which would leave the others waiting
    /// in a collective call.
    [[noreturn]] static void abort(int code) noexcept {
        MPI_Abort(MPI_COMM_WORLD, code);
        std::abort();
    }
};

/// The ranks of an MPI communicator as one data-parallel process group.
/// Gradients and loss sums are added with MPI_Allreduce after every step.
/// Every `check_interval` steps (0: never), and before the first step, the
/// ranks' parameters are compared exactly with two more allreduce calls
/// (maximum and minimum); any difference throws replica_mismatch_error on
/// every rank. Files such as history and checkpoints should be written by
/// rank 0 alone: see is_root() and root_only().
class mpi_group final : public process_group {
public:
    explicit mpi_group(MPI_Comm communicator = MPI_COMM_WORLD, std::size_t check_interval = 100)
        : communicator_(communicator), check_interval_(check_interval) {
        int rank = 0;
        int size = 0;
        detail::check_mpi(MPI_Comm_rank(communicator, &rank), "MPI_Comm_rank");
        detail::check_mpi(MPI_Comm_size(communicator, &size), "MPI_Comm_size");
        rank_ = static_cast<std::size_t>(rank);
        size_ = static_cast<std::size_t>(size);
    }

    std::size_t rank() const noexcept override { return rank_; }
    std::size_t size() const noexcept override { return size_; }

    /// True on rank 0, the rank that writes files and prints.
    bool is_root() const noexcept { return rank_ == 0; }

    /// Wraps `callback` (such as a trainer's on_epoch_end) so that it runs on
    /// rank 0 only. The history that fit() returns is the same on every rank.
    template <class Callback>
    auto root_only(Callback callback) const {
        return [root = is_root(), callback = std::move(callback)](auto&&... arguments) {
            if (root) callback(std::forward<decltype(arguments)>(arguments)...);
        };
    }

    void begin_fit(std::span<const fit_setting> settings,
                   std::span<const float> parameters) override {
        check_settings(settings);
        steps_ = 0;
        compare(parameters, floats_, 0, 0);
    }
    void begin_fit(std::span<const fit_setting> settings,
                   std::span<const double> parameters) override {
        check_settings(settings);
        steps_ = 0;
        compare(parameters, doubles_, 0, 0);
    }

    void sum(std::span<float> values) override {
        detail::allreduce_in_place(values.data(), values.size(), MPI_SUM, communicator_);
    }
    void sum(std::span<double> values) override {
        detail::allreduce_in_place(values.data(), values.size(), MPI_SUM, communicator_);
    }

    void after_step(std::span<const float> parameters, std::size_t epoch,
                    std::size_t batch) override {
        if (due()) compare(parameters, floats_, epoch, batch);
    }
    void after_step(std::span<const double> parameters, std::size_t epoch,
                    std::size_t batch) override {
        if (due()) compare(parameters, doubles_, epoch, batch);
    }

private:
    bool due() noexcept {
        ++steps_;
        return check_interval_ > 0 && steps_ % check_interval_ == 0;
    }

    // Epoch 0 stands for the start of fit().
    static std::string step_name(std::size_t epoch, std::size_t batch) {
        if (epoch == 0) return "before the first step";
        return "after the step on epoch " + std::to_string(epoch) + ", batch " +
               std::to_string(batch);
    }

    std::string this_rank() const {
        return "rank " + std::to_string(rank_) + " of " + std::to_string(size_);
    }

    // Throws unless every setting has one value on all ranks. The maximum of
    // ~v is ~(minimum of v), so one allreduce gives both.
    void check_settings(std::span<const fit_setting> settings) {
        const std::size_t n = settings.size();
        std::vector<std::uint64_t> extremes(2 * n);
        for (std::size_t i = 0; i < n; ++i) {
            extremes[i] = settings[i].value;
            extremes[n + i] = ~settings[i].value;
        }
        detail::allreduce_in_place(extremes.data(), extremes.size(), MPI_MAX, communicator_);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t largest = extremes[i];
            const std::uint64_t smallest = ~extremes[n + i];
            if (largest != smallest)
                throw replica_mismatch_error(
                    "fit: the setting '" + std::string(settings[i].name) +
                    "' differs between MPI ranks: it ranges from " + std::to_string(smallest) +
                    " to " + std::to_string(largest) + " (" + this_rank() + " has " +
                    std::to_string(settings[i].value) +
                    "); every rank must call fit() with the same data and options");
        }
    }

    // Throws unless the parameters are bit-for-bit equal on all ranks. The
    // maximum of -p is -(minimum of p), so one allreduce gives both.
    template <class T>
    void compare(std::span<const T> parameters, std::vector<T>& extremes, std::size_t epoch,
                 std::size_t batch) {
        const std::size_t n = parameters.size();
        extremes.resize(2 * n);  // allocates at the first call only
        for (std::size_t i = 0; i < n; ++i) {
            extremes[i] = parameters[i];
            extremes[n + i] = -parameters[i];
        }
        detail::allreduce_in_place(extremes.data(), extremes.size(), MPI_MAX, communicator_);
        for (std::size_t i = 0; i < n; ++i) {
            const T largest = extremes[i];
            const T smallest = -extremes[n + i];
            if (!(largest == smallest))
                throw replica_mismatch_error(
                    "fit: the parameters differ between MPI ranks " + step_name(epoch, batch) +
                    ": parameter " +
                    std::to_string(i) + " ranges from " + to_text(smallest) + " to " +
                    to_text(largest) + " (" + this_rank() + " has " + to_text(parameters[i]) +
                    "); start every rank from the same network (the same seed or weight "
                    "file), and change the parameters only through fit()");
        }
    }

    template <class T>
    static std::string to_text(T value) {
        char text[32];
        std::snprintf(text, sizeof text, "%.9g", static_cast<double>(value));
        return text;
    }

    MPI_Comm communicator_;
    std::size_t check_interval_;
    std::size_t rank_ = 0;
    std::size_t size_ = 1;
    std::size_t steps_ = 0;
    std::vector<float> floats_;
    std::vector<double> doubles_;
};

}  // namespace strata::parallel
