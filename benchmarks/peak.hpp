#pragma once

#include "harness.hpp"

namespace bench {

/// Single-precision FMA throughput of one core, in FLOP/s (an FMA counts as
/// two); zero where the build does not target that instruction set.
struct fma_peak {
    double avx512 = 0;
    double avx2 = 0;
};

fma_peak measure_fma_peak();

}  // namespace bench
