// expect: a dense layer needs at least one output
#include <strata/strata.hpp>

int main() {
    strata::network<strata::input<4>, strata::dense<0>> net;
    return static_cast<int>(net.parameter_count);
}
