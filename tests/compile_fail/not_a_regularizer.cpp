// expect: Regularizer is not a regularizer policy
// A plain number type passed where the trainer expects the regularizer.
#include <strata/strata.hpp>

using net = strata::network<strata::input<4>, strata::dense<3>>;

int main() {
    strata::trainer<net, strata::losses::mse, strata::optimizers::adam, double> t;
    (void)t;
}
