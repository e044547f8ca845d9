// The machine's one-core FMA peak: independent chains of vector FMAs, more
// chains than the FMA latency times the FMA ports, so the ports never wait.
// A peak is the best of seven rounds, in thread CPU time.

#include <algorithm>
#include <cstddef>

#include <immintrin.h>

#include "peak.hpp"

namespace bench {

namespace {

constexpr int chains = 12;

template <class Vector, class Fma>
double flops_per_second(Vector start, Vector factor, Fma fma, std::size_t lanes) {
    double best = 0;
    for (int round = 0; round < 7; ++round) {
        Vector acc[chains];
        for (auto& a : acc) a = start;
        const std::size_t iterations = 4'000'000;
        const double begin = thread_seconds();
        for (std::size_t i = 0; i < iterations; ++i)
            for (auto& a : acc) {
                a = fma(a, factor, start);
                asm volatile("" : "+v"(a));  // keeps the chains apart and unfolded
            }
        const double seconds = thread_seconds() - begin;
        for (auto& a : acc) asm volatile("" : : "v"(a));
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
