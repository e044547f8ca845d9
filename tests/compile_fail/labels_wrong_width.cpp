// expect: the target array does not fit the loss and the network's output
// cross_entropy takes one class index or one probability per class: a
// 3-value target does not fit 10 classes.
#include <array>
#include <strata/strata.hpp>

int main() {
    strata::network<strata::input<4>, strata::dense<10>> net;
    const std::array<float, 4> x{};
    const std::array<float, 3> label{0.2f, 0.3f, 0.5f};
    const auto result = strata::evaluate_sample<strata::losses::cross_entropy>(net, x, label);
    return static_cast<int>(result.metric);
}
