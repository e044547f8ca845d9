#pragma once
// The hook through which several processes train one network together (data
// parallelism). The trainer calls it; parallel/mpi.hpp implements it over MPI,
// so the trainer itself needs no MPI.

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string_view>

namespace strata::parallel {

/// Thrown when processes that should hold identical parameters or settings
/// do not. Every process of the group throws it at the same step.
class replica_mismatch_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// One run-time setting of fit() that must be equal on every process.
struct fit_setting {
    std::string_view name;
    std::uint64_t value;
};

/// The processes that train one network by data parallelism. With R
/// processes, each computes the gradient of its part of every global batch
/// (about B/R samples), the parts are summed, and every process applies the
/// same step, so all keep identical parameters. Every process must call fit()
/// with the same data, settings and initial parameters; begin_fit() checks.
///
/// All calls are collective: every process of the group makes the same calls
/// in the same order, and a call that throws throws on every process.
class process_group {
public:
    virtual ~process_group() = default;

    /// This process's index in [0, size()).
    virtual std::size_t rank() const noexcept = 0;

    /// The number of processes.
    virtual std::size_t size() const noexcept = 0;

    /// Checks that every process has the same `settings` and `parameters`;
    /// throws replica_mismatch_error naming the first difference. Called once,
    /// before the first step.
    virtual void begin_fit(std::span<const fit_setting> settings,
                           std::span<const float> parameters) = 0;
    virtual void begin_fit(std::span<const fit_setting> settings,
                           std::span<const double> parameters) = 0;

    /// Replaces each value with its sum over all processes; every process gets
    /// the same bits.
    virtual void sum(std::span<float> values) = 0;
    virtual void sum(std::span<double> values) = 0;

    /// Called after every optimizer step (`batch` counted from 0 within
    /// `epoch`). May compare the parameters across processes, and throws
    /// replica_mismatch_error if they differ.
    virtual void after_step(std::span<const float> parameters, std::size_t epoch,
                            std::size_t batch) = 0;
    virtual void after_step(std::span<const double> parameters, std::size_t epoch,
                            std::size_t batch) = 0;
};

}  // namespace strata::parallel
