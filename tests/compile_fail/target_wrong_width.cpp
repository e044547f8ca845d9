// expect: the target array does not fit the loss and the network's output
// mse needs one target per output: 3 targets for a network with 2 outputs.
#include <array>
#include <strata/strata.hpp>

int main() {
    strata::network<strata::input<4>, strata::dense<2>> net;
    const std::array<float, 4> x{};
    const std::array<float, 3> target{};
    return static_cast<int>(strata::evaluate_sample<strata::losses::mse>(net, x, target).loss);
}
