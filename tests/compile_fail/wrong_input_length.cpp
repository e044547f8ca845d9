// expect: input array's length differs from the network's input width
// Predicting from an array of 5 values with a network whose input is 4 wide.
#include <array>
#include <strata/strata.hpp>

int main() {
    strata::network<strata::input<4>, strata::dense<2>> net;
    const std::array<float, 5> x{};
    return static_cast<int>(net.predict(x)[0]);
}
