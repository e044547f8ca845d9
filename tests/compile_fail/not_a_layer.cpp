// expect: is not a layer
// An int in the layer list is not a layer.
#include <strata/strata.hpp>

int main() {
    strata::network<strata::input<4>, strata::dense<8>, int, strata::dense<2>> net;
    return static_cast<int>(net.output_size);
}
