// expect: the layer at LayerPosition has output width 0
#include <strata/strata.hpp>

int main() {
    strata::network<strata::input<4>, strata::dense<0>> net;
    return static_cast<int>(net.parameter_count);
}
