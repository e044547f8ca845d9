// Firmware that classifies the Fashion-MNIST test images in
// fashion_mnist_samples.hpp with the model exported by fashion_mnist_export.
// It prints each image's 10 outputs as float bits (for comparison with the
// workstation), the predicted and true class, the count of correct ones and
// the number of heap allocations, which must be 0.
// Built for a Cortex-M4F and run on QEMU's mps2-an386 board; see
// docs/embedded.md.

#include <cstddef>

#include <strata/inference/footprint.hpp>

#include "console.hpp"
#include "fashion_mnist_model.hpp"
#include "fashion_mnist_samples.hpp"
#include "heap_counter.hpp"

using model_type = fashion_mnist_model::network_type;

// The mps2-an386 board runs code from 4 MiB of SSRAM; inference needs only
// the two activation buffers besides the weights.
static_assert(strata::fits_budget<model_type, strata::memory_budget{.flash_bytes = 4u << 20,
                                                                    .ram_bytes = 4096}>());

int main() {
    const std::size_t allocations_before = heap_counter::allocations;
    std::size_t correct = 0;
    const auto& images = fashion_mnist_samples::images;
    for (std::size_t s = 0; s < images.size(); ++s) {
        float y[fashion_mnist_model::model.output_size];
        fashion_mnist_model::model.predict(images[s].data(), y);
        console::print_outputs("fashion_mnist", s, y);

        std::size_t predicted = 0;
        for (std::size_t k = 1; k < fashion_mnist_model::model.output_size; ++k)
            if (y[k] > y[predicted]) predicted = k;
        const std::size_t label = fashion_mnist_samples::labels[s];
        correct += predicted == label ? 1 : 0;
        console::print("image ");
        console::print_unsigned(s);
        console::print(": class ");
        console::print_unsigned(predicted);
        console::print(", label ");
        console::print_unsigned(label);
        console::print("\n");
    }
    console::print("correct: ");
    console::print_unsigned(correct);
    console::print(" of ");
    console::print_unsigned(images.size());
    console::print("\n");

    const std::size_t allocations = heap_counter::allocations - allocations_before;
    console::print("heap allocations during inference: ");
    console::print_unsigned(allocations);
    console::print("\n");
    return allocations == 0 && heap_counter::counter_works() ? 0 : 1;
}
