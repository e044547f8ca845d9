// expect: (407104(UL)? <= 262144(UL)?.*weights exceed the flash budget)|(weights exceed the flash budget.*407104(UL)? <= 262144(UL)?)
// A 784-128-10 network's 407,104 bytes of weights do not fit 256 KiB of flash.
#include <strata/inference/footprint.hpp>
#include <strata/layers/activations.hpp>
#include <strata/layers/dense.hpp>

using classifier = strata::network<strata::input<784>, strata::dense<128>, strata::relu,
                                   strata::dense<10>>;

static_assert(strata::fits_budget<classifier, strata::memory_budget{.flash_bytes = 256 * 1024,
                                                                     .ram_bytes = 64 * 1024}>());

int main() {}
