#pragma once
// Heap storage aligned for the widest SIMD register (64 bytes, AVX-512).

#include <cstddef>
#include <memory>
#include <new>
#include <span>

namespace strata {

/// Byte alignment of every parameter, activation and gradient block.
inline constexpr std::size_t simd_alignment = 64;

/// Rounds `count` elements of `T` up so that the next block stays aligned.
template <class T>
constexpr std::size_t aligned_count(std::size_t count) noexcept {
    constexpr std::size_t per_line = simd_alignment / sizeof(T);
    return (count + per_line - 1) / per_line * per_line;
}

namespace detail {

struct aligned_delete {
    void operator()(void* pointer) const noexcept {
        ::operator delete[](pointer, std::align_val_t{simd_alignment});
    }
};

}  // namespace detail

/// A fixed-length array on the heap, 64-byte aligned and zero-initialised.
/// It allocates once, in the constructor, so training loops that only read
/// and write it never allocate.
template <class T>
class aligned_buffer {
public:
    aligned_buffer() = default;

    explicit aligned_buffer(std::size_t size)
        : data_(static_cast<T*>(::operator new[](aligned_count<T>(size) * sizeof(T),
                                                 std::align_val_t{simd_alignment}))),
          size_(size) {
        for (std::size_t i = 0; i < aligned_count<T>(size); ++i) data_.get()[i] = T{};
    }

    aligned_buffer(const aligned_buffer& other) : aligned_buffer(other.size_) {
        for (std::size_t i = 0; i < size_; ++i) data_.get()[i] = other.data_.get()[i];
    }

    aligned_buffer& operator=(const aligned_buffer& other) {
        if (this != &other) {
            if (size_ != other.size_) *this = aligned_buffer(other.size_);
            for (std::size_t i = 0; i < size_; ++i) data_.get()[i] = other.data_.get()[i];
        }
        return *this;
    }

    aligned_buffer(aligned_buffer&&) noexcept = default;
    aligned_buffer& operator=(aligned_buffer&&) noexcept = default;

    T* data() noexcept { return data_.get(); }
    const T* data() const noexcept { return data_.get(); }
    std::size_t size() const noexcept { return size_; }
    T& operator[](std::size_t i) noexcept { return data_.get()[i]; }
    const T& operator[](std::size_t i) const noexcept { return data_.get()[i]; }
    std::span<T> span() noexcept { return {data_.get(), size_}; }
    std::span<const T> span() const noexcept { return {data_.get(), size_}; }

private:
    std::unique_ptr<T[], detail::aligned_delete> data_;
    std::size_t size_ = 0;
};

}  // namespace strata
