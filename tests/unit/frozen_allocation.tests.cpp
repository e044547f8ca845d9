// Inference with a frozen network must not touch the heap. This file
// replaces the global operator new and glibc's malloc family (forwarding to
// glibc's __libc_* entry points) to count calls, so it builds into its own
// executable.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

#include <catch2/catch.hpp>
#include <strata/inference/frozen.hpp>
#include <strata/strata.hpp>

namespace {
std::atomic<bool> counting{false};
std::atomic<std::size_t> new_calls{0};
std::atomic<std::size_t> malloc_calls{0};

void count_malloc() {
    if (counting) ++malloc_calls;
}

void* counted_new(std::size_t size, std::size_t alignment) {
    if (counting) ++new_calls;
    void* p = alignment > alignof(std::max_align_t)
                  ? std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment)
                  : std::malloc(size == 0 ? 1 : size);
    if (p == nullptr) throw std::bad_alloc();
    return p;
}
}  // namespace

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void __libc_free(void* pointer);

void* malloc(std::size_t size) {
    count_malloc();
    return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) {
    count_malloc();
    return __libc_calloc(count, size);
}
void* realloc(void* pointer, std::size_t size) {
    count_malloc();
    return __libc_realloc(pointer, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) {
    count_malloc();
    return __libc_memalign(alignment, size);
}
void* memalign(std::size_t alignment, std::size_t size) {
    count_malloc();
    return __libc_memalign(alignment, size);
}
int posix_memalign(void** result, std::size_t alignment, std::size_t size) {
    count_malloc();
    *result = __libc_memalign(alignment, size);
    return *result == nullptr ? 12 /* ENOMEM */ : 0;
}
void free(void* pointer) { __libc_free(pointer); }
}

void* operator new(std::size_t size) { return counted_new(size, 0); }
void* operator new[](std::size_t size) { return counted_new(size, 0); }
void* operator new(std::size_t size, std::align_val_t a) { return counted_new(size, std::size_t(a)); }
void* operator new[](std::size_t size, std::align_val_t a) { return counted_new(size, std::size_t(a)); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

TEST_CASE("frozen inference allocates nothing", "[inference][memory]") {
    using classifier = strata::network<strata::input<784>, strata::dense<128>, strata::relu,
                                       strata::dense<10>, strata::softmax>;
    const classifier net(3);
    // A frozen model normally refers to an exported constexpr array; any
    // array of the right length works.
    static strata::frozen_network<classifier>::parameter_array parameters{};
    std::copy(net.parameters().begin(), net.parameters().end(), parameters.begin());
    const strata::frozen_network<classifier> frozen(parameters);
    std::vector<float> inputs(784 * 50);
    for (std::size_t i = 0; i < inputs.size(); ++i) inputs[i] = static_cast<float>(i % 255) / 255.0f;
    float checksum = 0;

    new_calls = 0;
    malloc_calls = 0;
    counting = true;
    for (std::size_t s = 0; s < 50; ++s) {
        float y[10];
        frozen.predict(inputs.data() + 784 * s, y);
        checksum += y[s % 10];
    }
    counting = false;
    CHECK(new_calls == 0);
    CHECK(malloc_calls == 0);
    CHECK(checksum > 0);

    // The counters work: a vector calls operator new, which calls malloc.
    counting = true;
    std::vector<int> probe(10);
    counting = false;
    CHECK(new_calls == 1);
    CHECK(malloc_calls == 1);
}
