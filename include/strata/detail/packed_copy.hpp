#pragma once
// A derived copy of a network's parameters, rebuilt on demand: the network
// marks it stale whenever it hands out writable parameters, and the next
// predict() rebuilds it before use.

#include <atomic>
#include <cstddef>
#include <utility>

#include "aligned.hpp"

namespace strata::detail {

/// `Size` values derived from the parameters by a fill function. Safe to
/// read from several threads at once: the first reader after invalidate()
/// fills it while the others wait. Copies and moves start stale.
template <class T, std::size_t Size>
class packed_copy {
public:
    packed_copy() = default;
    packed_copy(const packed_copy&) : packed_copy() {}
    packed_copy(packed_copy&& other) noexcept : values_(std::move(other.values_)) {
        other.invalidate();
    }
    packed_copy& operator=(const packed_copy&) {
        if (values_.data() == nullptr) values_ = aligned_buffer<T>(Size);  // moved from before
        invalidate();
        return *this;
    }
    packed_copy& operator=(packed_copy&& other) noexcept {
        std::swap(values_, other.values_);
        invalidate();
        other.invalidate();
        return *this;
    }

    /// Marks the copy out of date; the next get() refills it.
    void invalidate() noexcept { state_.store(stale, std::memory_order_release); }

    /// Returns the copy, first calling fill(T*) on it if it is out of date.
    template <class Fill>
    const T* get(const Fill& fill) const noexcept {
        int state = state_.load(std::memory_order_acquire);
        while (state != current) {
            if (state == stale &&
                state_.compare_exchange_strong(state, filling, std::memory_order_acquire)) {
                fill(values_.data());
                state_.store(current, std::memory_order_release);
                state_.notify_all();
                break;
            }
            if (state == filling) state_.wait(filling, std::memory_order_acquire);
            state = state_.load(std::memory_order_acquire);
        }
        return values_.data();
    }

private:
    static constexpr int stale = 0;
    static constexpr int filling = 1;
    static constexpr int current = 2;

    mutable aligned_buffer<T> values_{Size};
    mutable std::atomic<int> state_{stale};
};

/// A network without packed layers keeps nothing.
template <class T>
class packed_copy<T, 0> {
public:
    void invalidate() noexcept {}

    template <class Fill>
    const T* get(const Fill&) const noexcept {
        return nullptr;
    }
};

}  // namespace strata::detail
