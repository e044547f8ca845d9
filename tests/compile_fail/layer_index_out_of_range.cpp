// expect: layer index out of range
// The network has layers 0, 1 and 2; there is no layer 3.
#include <strata/strata.hpp>

int main() {
    strata::network<strata::input<4>, strata::dense<8>, strata::relu, strata::dense<2>> net;
    return static_cast<int>(net.weights<3>().size());
}
