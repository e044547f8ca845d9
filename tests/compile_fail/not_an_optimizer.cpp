// expect: Optimizer is not an optimizer policy
// A regularizer passed where the trainer expects the optimizer.
#include <strata/strata.hpp>

using net = strata::network<strata::input<4>, strata::dense<3>>;

int main() {
    strata::trainer<net, strata::losses::mse, strata::regularizers::l2> t;
    (void)t;
}
