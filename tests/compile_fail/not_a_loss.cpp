// expect: Loss is not a loss policy
// An optimizer passed where the trainer expects the loss.
#include <strata/strata.hpp>

using net = strata::network<strata::input<4>, strata::dense<3>>;

int main() {
    strata::trainer<net, strata::optimizers::sgd, strata::optimizers::sgd> t;
    (void)t;
}
