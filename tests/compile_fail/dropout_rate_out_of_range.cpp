// expect: the drop rate N/D must lie in \[0, 1\)
#include <strata/strata.hpp>

int main() {
    // A drop rate of 1 would zero every value.
    strata::network<strata::input<4>, strata::dense<3>, strata::dropout<strata::drop_rate<1, 1>>> net;
    return static_cast<int>(net.output_size);
}
