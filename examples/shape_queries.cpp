// The shape queries a user writes in their own compile-time tests: sizes,
// per-layer shapes, parameter counts and memory footprint. Every check here
// is a static_assert, so building this file is the test; docs/shapes.md
// quotes it.

#include <cstdio>
#include <string_view>

#include <strata/strata.hpp>

using classifier = strata::network<strata::input<784>,
                                   strata::dense<128>, strata::relu,
                                   strata::dense<10>>;

// Sizes of the whole network.
static_assert(classifier::input_size == 784);
static_assert(classifier::output_size == 10);
static_assert(classifier::layer_count == 3);  // dense, relu, dense: the input is not a layer

// Per-layer shapes: layers[i] is a strata::layer_shape.
static_assert(classifier::layers[0].name == std::string_view("dense"));
static_assert(classifier::layers[0].input_size == 784);
static_assert(classifier::layers[0].output_size == 128);
static_assert(classifier::layers[1].name == std::string_view("relu"));
static_assert(classifier::layers[1].parameter_count == 0);
static_assert(classifier::layers[2].input_size == 128);
static_assert(classifier::shape::widths[1] == 128);  // widths[i]: input width of layer i

// Parameter counts: a dense layer has In x Out weights and Out biases.
static_assert(classifier::layers[0].parameter_count == 784 * 128 + 128);
static_assert(classifier::layers[0].weight_count == 784 * 128);
static_assert(classifier::parameter_count == 784 * 128 + 128 + 128 * 10 + 10);
static_assert(classifier::parameter_bytes == classifier::parameter_count * sizeof(float));
// Each layer's block starts on a 64-byte boundary in the flat storage.
static_assert(classifier::layers[2].parameter_offset % 16 == 0);
static_assert(classifier::parameter_storage_size >= classifier::parameter_count);

// Memory footprint.
static_assert(classifier::activation_bytes == (128 + 128 + 10) * sizeof(float));
static_assert(classifier::shape::inference_activation_bytes == 2 * 784 * sizeof(float));
static_assert(classifier::shape::inference_footprint_bytes < 512 * 1024);
static_assert(strata::assert_fits<classifier, 512 * 1024>());

// Type checks on the policies a trainer takes.
static_assert(strata::layer<strata::dense<4>>);
static_assert(!strata::layer<int>);
static_assert(strata::loss_policy<strata::losses::cross_entropy>);
static_assert(strata::optimizer_policy<strata::optimizers::adam>);
static_assert(strata::regularizer_policy<strata::regularizers::l2>);
static_assert(!strata::optimizer_policy<strata::regularizers::l2>);

int main() {
    std::printf("%s", classifier::summary().c_str());
    std::printf("inference footprint: %zu bytes\n", classifier::shape::inference_footprint_bytes);
}
