// expect: a network input needs Size > 0
#include <strata/strata.hpp>

int main() {
    strata::network<strata::input<0>, strata::dense<2>> net;
    return static_cast<int>(net.output_size);
}
