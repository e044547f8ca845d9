// expect: cross_entropy needs at least 2 outputs
#include <strata/strata.hpp>

using net = strata::network<strata::input<4>, strata::dense<1>>;

int main() {
    strata::trainer<net, strata::losses::cross_entropy, strata::optimizers::sgd> t;
    (void)t;
}
