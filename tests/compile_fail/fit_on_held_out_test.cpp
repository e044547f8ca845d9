// expect: the test set is held out
#include <strata/strata.hpp>

using net = strata::network<strata::input<1>, strata::dense<1>>;

int main() {
    auto parts = strata::split(strata::dataset(1, 1, 1), strata::split_fractions{}, 1);
    net model;
    strata::trainer<net, strata::losses::mse, strata::optimizers::sgd> t;
    t.fit(model, parts.train, parts.test, {});
}
