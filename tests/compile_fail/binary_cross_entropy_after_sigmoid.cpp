// expect: binary_cross_entropy applies sigmoid to the logits itself
#include <strata/strata.hpp>

using net = strata::network<strata::input<4>, strata::dense<3>, strata::sigmoid>;

int main() {
    strata::trainer<net, strata::losses::binary_cross_entropy, strata::optimizers::sgd> t;
    (void)t;
}
