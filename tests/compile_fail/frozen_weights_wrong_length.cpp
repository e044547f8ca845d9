// expect: the weight array.s length differs from the network type.s parameter_storage_size
// A frozen model built from a weight array of another length than its type needs.
#include <array>
#include <strata/inference/frozen.hpp>

using net = strata::network<strata::input<2>, strata::dense<3>>;
constexpr std::array<float, 5> weights{};
constexpr strata::frozen_network<net> model(weights);

int main() { return static_cast<int>(model.predict({1.0f, 2.0f})[0]); }
