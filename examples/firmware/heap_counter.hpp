#pragma once
// Counts newlib's heap allocations on the Cortex-M build. newlib links its
// allocator in any case (its stdio and exit code reference it), so the
// image cannot prove on its own that inference never allocates; linking
// with -Wl,--wrap=_malloc_r routes every allocation through
// __wrap__malloc_r below, which counts it. Include this header in exactly
// one source file of a firmware image.

#include <cstddef>
#include <cstdlib>

struct _reent;

namespace heap_counter {
inline volatile std::size_t allocations = 0;
}

extern "C" void* __real__malloc_r(struct _reent* reent, std::size_t size);

extern "C" void* __wrap__malloc_r(struct _reent* reent, std::size_t size) {
    heap_counter::allocations = heap_counter::allocations + 1;
    return __real__malloc_r(reent, size);
}

namespace heap_counter {

/// Returns true if one malloc is counted, so that a count of 0 means something.
inline bool counter_works() {
    const std::size_t before = allocations;
    void* volatile probe = std::malloc(16);
    std::free(probe);
    return allocations == before + 1;
}

}  // namespace heap_counter
