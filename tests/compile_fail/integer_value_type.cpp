// expect: T must be float or double
#include <strata/strata.hpp>

int main() {
    strata::basic_network<int, strata::input<4>, strata::dense<2>> net;
    return static_cast<int>(net.output_size);
}
