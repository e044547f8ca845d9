// The machine's one-core FMA peak: independent chains of vector FMAs, more
// chains than the FMA latency times the FMA ports, so the ports never wait.
// A peak is the best of seven rounds, in thread CPU time.

#include <algorithm>
#include <cstddef>

#include <immintrin.h>

#include "peak.hpp"

namespace bench {

namespace {

template <class Vector, class Fma>
double flops_per_second(Vector start, Vector factor, Fma fma, std::size_t lanes) {
    // Twelve chains in named variables: an array of them would live in
    // memory, and store-to-load forwarding would lengthen every chain.
    constexpr std::size_t chains = 12;
    double best = 0;
    for (int round = 0; round < 7; ++round) {
        Vector a0 = start, a1 = start, a2 = start, a3 = start, a4 = start, a5 = start;
        Vector a6 = start, a7 = start, a8 = start, a9 = start, a10 = start, a11 = start;
        const std::size_t iterations = 4'000'000;
        const double begin = thread_seconds();
        for (std::size_t i = 0; i < iterations; ++i) {
            a0 = fma(a0, factor, start);
            a1 = fma(a1, factor, start);
            a2 = fma(a2, factor, start);
            a3 = fma(a3, factor, start);
            a4 = fma(a4, factor, start);
            a5 = fma(a5, factor, start);
            a6 = fma(a6, factor, start);
            a7 = fma(a7, factor, start);
            a8 = fma(a8, factor, start);
            a9 = fma(a9, factor, start);
            a10 = fma(a10, factor, start);
            a11 = fma(a11, factor, start);
            // Keeps the chains apart and the loop from being folded.
            asm volatile("" : "+v"(a0), "+v"(a1), "+v"(a2), "+v"(a3), "+v"(a4), "+v"(a5));
            asm volatile("" : "+v"(a6), "+v"(a7), "+v"(a8), "+v"(a9), "+v"(a10), "+v"(a11));
        }
        const double seconds = thread_seconds() - begin;
        best = std::max(best, 2.0 * static_cast<double>(lanes * iterations * chains) / seconds);
    }
    return best;
}

}  // namespace

fma_peak measure_fma_peak() {
    fma_peak result;
#if defined(__AVX512F__)
    result.avx512 = flops_per_second(
        _mm512_set1_ps(1.0f), _mm512_set1_ps(0.999999f),
        [](__m512 a, __m512 b, __m512 c) { return _mm512_fmadd_ps(a, b, c); }, 16);
#endif
#if defined(__FMA__)
    result.avx2 = flops_per_second(
        _mm256_set1_ps(1.0f), _mm256_set1_ps(0.999999f),
        [](__m256 a, __m256 b, __m256 c) { return _mm256_fmadd_ps(a, b, c); }, 8);
#endif
    return result;
}

}  // namespace bench
