// expect: the negative slope must lie in \[0, 1\)
#include <ratio>
#include <strata/strata.hpp>

int main() {
    strata::network<strata::input<4>, strata::dense<3>, strata::leaky_relu<std::ratio<2>>> net;
    return static_cast<int>(net.output_size);
}
