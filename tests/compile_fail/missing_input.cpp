// expect: the first entry must be strata::input<N>
#include <strata/strata.hpp>

int main() {
    strata::network<strata::dense<4>, strata::dense<2>> net;
    return static_cast<int>(net.output_size);
}
