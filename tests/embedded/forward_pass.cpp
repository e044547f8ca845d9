// Runs the exported test models' frozen forward passes on the reference
// inputs and prints every output's bits, one line per sample. The same
// source builds with -fno-exceptions -fno-rtti for x86-64 (AVX-512 or
// whatever -march allows), aarch64 (NEON) and the Cortex-M4F (scalar). The
// tests compare what it prints with basic_network::predict on x86.
// Returns 1 if a compile-time forward pass disagrees with the run-time one
// or, on the Cortex-M4F (STRATA_COUNT_HEAP), if inference allocated.

#include <array>
#include <cstddef>

#include <strata/inference/footprint.hpp>

#include "classifier_model.hpp"
#include "console.hpp"
#include "reference_inputs.hpp"
#include "regressor_model.hpp"

#if STRATA_COUNT_HEAP
#include "heap_counter.hpp"
#endif

#if defined(_GLIBCXX_IOSTREAM)
#error "the inference headers must not include <iostream>"
#endif

// Both models fit a small microcontroller: 16 KiB of flash, 1 KiB of RAM.
static_assert(strata::fits_budget<regressor_model::network_type,
                                  strata::memory_budget{.flash_bytes = 16 * 1024,
                                                        .ram_bytes = 1024}>());
static_assert(strata::fits_budget<classifier_model::network_type,
                                  strata::memory_budget{.flash_bytes = 16 * 1024,
                                                        .ram_bytes = 1024}>());
static_assert(regressor_model::has_training_domain);

// The exported classifier evaluated by the compiler.
constexpr auto compile_time_output = classifier_model::model.predict(reference_inputs::classifier[0]);

int main() {
    console::print("instruction set: ");
    console::print(strata::kernels::instruction_set());
    console::print("\n");
#if STRATA_COUNT_HEAP
    const std::size_t allocations_before = heap_counter::allocations;
#endif
    for (std::size_t s = 0; s < reference_inputs::regressor.size(); ++s) {
        float y[regressor_model::model.output_size];
        regressor_model::model.predict(reference_inputs::regressor[s].data(), y);
        console::print_outputs("regressor", s, y);
    }
    for (std::size_t s = 0; s < reference_inputs::classifier.size(); ++s) {
        float y[classifier_model::model.output_size];
        classifier_model::model.predict(reference_inputs::classifier[s].data(), y);
        console::print_outputs("classifier", s, y);
    }

#if STRATA_COUNT_HEAP
    // Printing goes through write(), which does not allocate, so the count
    // covers the forward passes and the output.
    const std::size_t allocations = heap_counter::allocations - allocations_before;
    console::print("heap allocations during inference: ");
    console::print_unsigned(allocations);
    console::print("\n");
    if (allocations != 0 || !heap_counter::counter_works()) return 1;
#endif

    const auto run_time_output = classifier_model::model.predict(reference_inputs::classifier[0]);
    for (std::size_t k = 0; k < run_time_output.size(); ++k) {
        const float difference = compile_time_output[k] - run_time_output[k];
        const float magnitude = run_time_output[k] < 0 ? -run_time_output[k] : run_time_output[k];
        const float bound = 1e-6f * (magnitude > 1 ? magnitude : 1.0f);
        if (difference > bound || difference < -bound) {
            console::print("compile-time and run-time outputs differ at output ");
            console::print_unsigned(k);
            console::print("\n");
            return 1;
        }
    }
    console::print("compile-time output matches\n");
    return 0;
}
