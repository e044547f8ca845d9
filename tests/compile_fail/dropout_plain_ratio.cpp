// expect: P must be strata::drop_rate<N, D>
#include <ratio>
#include <strata/strata.hpp>

int main() {
    // A bare ratio does not say whether it is the drop or the keep probability.
    strata::network<strata::input<4>, strata::dense<3>, strata::dropout<std::ratio<1, 5>>> net;
    return static_cast<int>(net.output_size);
}
