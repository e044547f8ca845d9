// expect: cross_entropy applies softmax to the logits itself
#include <strata/strata.hpp>

using net = strata::network<strata::input<4>, strata::dense<3>, strata::softmax>;

int main() {
    strata::trainer<net, strata::losses::cross_entropy, strata::optimizers::sgd> t;
    (void)t;
}
