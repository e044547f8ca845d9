#pragma once
// A fixed team of threads that runs one indexed task at a time, for splitting
// a mini-batch across cores without creating threads in the training loop.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <thread>
#include <vector>

#include "../error.hpp"

namespace strata::parallel {

/// A team of `size()` participants: the calling thread and `size() - 1`
/// worker threads started by the constructor. run(task) calls task(i) once
/// for every i in [0, size()), i = 0 on the calling thread, and returns when
/// all calls have finished. Running a task allocates nothing and starts no
/// thread, so a training step can use it. Threads wait with std::atomic
/// wait and notify, which libstdc++ implements by spinning briefly and then
/// sleeping on a futex.
class thread_pool {
public:
    /// Starts `participants - 1` worker threads; throws config_error for 0.
    explicit thread_pool(std::size_t participants) : size_(participants) {
        if (participants == 0)
            throw config_error("thread_pool: the thread count must be at least 1, got 0");
        errors_.resize(participants - 1);
        workers_.reserve(participants - 1);
        try {
            for (std::size_t i = 1; i < participants; ++i)
                workers_.emplace_back([this, i] { work(i); });
        } catch (...) {
            stop();
            throw;
        }
    }

    thread_pool(const thread_pool&) = delete;
    thread_pool& operator=(const thread_pool&) = delete;

    ~thread_pool() { stop(); }

    /// Participants, the calling thread included.
    std::size_t size() const noexcept { return size_; }

    /// Calls task(i) for every i in [0, size()) and waits for all of them.
    /// If calls throw, rethrows the exception of the lowest index. Must not be
    /// called from inside a task, nor from two threads at once.
    template <class Task>
    void run(Task& task) {
        if (workers_.empty()) {
            task(std::size_t{0});
            return;
        }
        // The release increment of generation_ publishes job_ and invoke_.
        job_ = &task;
        invoke_ = [](void* job, std::size_t index) { (*static_cast<Task*>(job))(index); };
        pending_.store(static_cast<std::uint32_t>(workers_.size()), std::memory_order_relaxed);
        generation_.fetch_add(1, std::memory_order_release);
        generation_.notify_all();

        std::exception_ptr error;
        try {
            task(std::size_t{0});
        } catch (...) {
            error = std::current_exception();
        }

        for (std::uint32_t left = pending_.load(std::memory_order_acquire); left != 0;
             left = pending_.load(std::memory_order_acquire))
            pending_.wait(left, std::memory_order_acquire);
        for (auto& worker_error : errors_) {
            if (!error && worker_error) error = worker_error;
            worker_error = nullptr;
        }
        if (error) std::rethrow_exception(error);
    }

private:
    void work(std::size_t index) {
        std::uint32_t seen = 0;
        for (;;) {
            generation_.wait(seen, std::memory_order_acquire);
            seen = generation_.load(std::memory_order_acquire);
            if (stopping_.load(std::memory_order_acquire)) return;
            try {
                invoke_(job_, index);
            } catch (...) {
                errors_[index - 1] = std::current_exception();
            }
            // The release decrement publishes errors_ to run().
            if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) pending_.notify_one();
        }
    }

    void stop() noexcept {
        stopping_.store(true, std::memory_order_release);
        generation_.fetch_add(1, std::memory_order_release);
        generation_.notify_all();
        for (auto& worker : workers_)
            if (worker.joinable()) worker.join();
    }

    std::size_t size_;
    void* job_ = nullptr;
    void (*invoke_)(void*, std::size_t) = nullptr;
    // 32-bit counters, the width that Linux futexes wait on directly.
    std::atomic<std::uint32_t> generation_{0};  ///< counts run() calls, so a worker sees each job once
    std::atomic<std::uint32_t> pending_{0};     ///< workers still busy with the current job
    std::atomic<bool> stopping_{false};
    // One slot per worker, sized before any worker starts, so that storing an
    // error never allocates.
    std::vector<std::exception_ptr> errors_;
    std::vector<std::thread> workers_;
};

}  // namespace strata::parallel
