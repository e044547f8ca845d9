#pragma once
// Timing for the side-by-side benchmarks: every contender of a comparison is
// calibrated, warmed up, then timed in rounds that visit the contenders in
// turn, so a slow spell on the shared machine hits all of them alike. A
// figure is the median over the rounds. Inference is timed in CPU time of
// the calling thread, which leaves out the time slices that other processes
// get on a busy machine. That is fair because every contender computes on
// the calling thread (libtorch and OpenBLAS are set to one thread).

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <time.h>

namespace bench {

/// Keeps the compiler from dropping a computation whose result is `value`.
template <class T>
inline void keep(const T& value) noexcept {
    asm volatile("" : : "g"(&value) : "memory");
}

/// Writes the next single-sample input: `base` plus a zero computed from
/// the previous output `y0`. The next call then cannot start before this
/// one has finished, as when each new input depends on the last output, so the
/// time per call is a latency. Rewriting the whole input (not just one
/// value) keeps every peer's input loads served from full stores.
inline void chain_input(const std::vector<float>& base, float* x, float y0) noexcept {
    const float zero = y0 - y0;
    for (std::size_t k = 0; k < base.size(); ++k) x[k] = base[k] + zero;
}

/// CPU time of the calling thread, in seconds.
inline double thread_seconds() noexcept {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

/// CPU time of the whole process (all its threads), in seconds. Training
/// is timed with it: dlib trains on a thread of its own, and time slices
/// that other processes get on a busy machine are left out.
inline double process_seconds() noexcept {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

/// Median of `values` (taken by copy, since it reorders them).
inline double median(std::vector<double> values) {
    if (values.empty()) return 0;
    std::sort(values.begin(), values.end());
    const std::size_t mid = values.size() / 2;
    return values.size() % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

/// One entrant of a comparison. `run(n)` performs n calls and returns.
struct contender {
    std::string name;
    std::function<void(std::size_t)> run;
};

/// Per-call time in nanoseconds of each contender, one vector of samples each.
struct timings {
    std::vector<std::string> names;
    std::vector<std::vector<double>> nanoseconds;  ///< [contender][round]
};

/// Times each contender for `rounds` rounds of about `round_seconds` each.
/// Each contender's call count per round is calibrated once, after a
/// warm-up of about the same length, so the rounds are comparable.
inline timings measure(const std::vector<contender>& contenders, std::size_t rounds,
                       double round_seconds) {
    auto seconds_for = [](const contender& c, std::size_t calls) {
        const double start = thread_seconds();
        c.run(calls);
        return thread_seconds() - start;
    };

    std::vector<std::size_t> calls(contenders.size(), 1);
    for (std::size_t i = 0; i < contenders.size(); ++i) {
        // Grow the call count until one batch takes a tenth of a round,
        // then scale it to a whole round; the growing doubles as warm-up.
        std::size_t n = 1;
        double elapsed = seconds_for(contenders[i], n);
        while (elapsed < round_seconds / 10) {
            n *= 2;
            elapsed = seconds_for(contenders[i], n);
        }
        calls[i] = std::max<std::size_t>(1, static_cast<std::size_t>(
                                                static_cast<double>(n) * round_seconds / elapsed));
        seconds_for(contenders[i], calls[i]);
    }

    timings result;
    result.nanoseconds.resize(contenders.size());
    for (const auto& c : contenders) result.names.push_back(c.name);
    for (std::size_t round = 0; round < rounds; ++round)
        for (std::size_t i = 0; i < contenders.size(); ++i)
            result.nanoseconds[i].push_back(seconds_for(contenders[i], calls[i]) * 1e9 /
                                            static_cast<double>(calls[i]));
    return result;
}

}  // namespace bench
