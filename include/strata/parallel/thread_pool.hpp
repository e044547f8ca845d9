#pragma once
// A fixed team of threads that runs one indexed task at a time, for splitting
// a mini-batch across cores without creating threads in the training loop.

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "../error.hpp"

namespace strata::parallel {

/// A team of `size()` participants: the calling thread and `size() - 1`
/// worker threads started by the constructor. run(task) calls task(i) once
/// for every i in [0, size()), i = 0 on the calling thread, and returns when
/// all calls have finished. Running a task allocates nothing and starts no
/// thread, so a training step can use it.
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
    /// called from inside a task.
    template <class Task>
    void run(Task& task) {
        if (workers_.empty()) {
            task(std::size_t{0});
            return;
        }
        {
            const std::lock_guard lock(mutex_);
            job_ = &task;
            invoke_ = [](void* job, std::size_t index) { (*static_cast<Task*>(job))(index); };
            pending_ = workers_.size();
            ++generation_;
        }
        start_.notify_all();

        std::exception_ptr error;
        try {
            task(std::size_t{0});
        } catch (...) {
            error = std::current_exception();
        }

        std::unique_lock lock(mutex_);
        finished_.wait(lock, [this] { return pending_ == 0; });
        for (auto& worker_error : errors_) {
            if (!error && worker_error) error = worker_error;
            worker_error = nullptr;
        }
        if (error) std::rethrow_exception(error);
    }

private:
    void work(std::size_t index) {
        std::size_t seen = 0;
        std::unique_lock lock(mutex_);
        for (;;) {
            start_.wait(lock, [&] { return stopping_ || generation_ != seen; });
            if (stopping_) return;
            seen = generation_;
            void (*invoke)(void*, std::size_t) = invoke_;
            void* job = job_;
            lock.unlock();
            std::exception_ptr error;
            try {
                invoke(job, index);
            } catch (...) {
                error = std::current_exception();
            }
            lock.lock();
            errors_[index - 1] = error;
            if (--pending_ == 0) finished_.notify_one();
        }
    }

    void stop() noexcept {
        {
            const std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        start_.notify_all();
        for (auto& worker : workers_)
            if (worker.joinable()) worker.join();
    }

    std::size_t size_;
    std::mutex mutex_;
    std::condition_variable start_;
    std::condition_variable finished_;
    void* job_ = nullptr;
    void (*invoke_)(void*, std::size_t) = nullptr;
    std::size_t generation_ = 0;  ///< counts run() calls, so a worker sees each job once
    std::size_t pending_ = 0;     ///< workers still busy with the current job
    bool stopping_ = false;
    // One slot per worker, sized before any worker starts, so that storing an
    // error never allocates.
    std::vector<std::exception_ptr> errors_;
    std::vector<std::thread> workers_;
};

}  // namespace strata::parallel
