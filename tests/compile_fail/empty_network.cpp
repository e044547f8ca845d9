// expect: needs at least one layer after input
#include <strata/strata.hpp>

int main() {
    strata::network<strata::input<4>> net;
    return static_cast<int>(net.output_size);
}
