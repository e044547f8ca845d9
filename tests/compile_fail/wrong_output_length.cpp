// expect: the output array's length differs from the network's output width
// Predicting into an array of 3 values with a network whose output is 2 wide.
#include <array>
#include <strata/strata.hpp>

int main() {
    strata::network<strata::input<4>, strata::dense<2>> net;
    const std::array<float, 4> x{};
    std::array<float, 3> y{};
    net.predict(x, y);
    return static_cast<int>(y[0]);
}
