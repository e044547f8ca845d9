// expect: need more bytes than the budget
// 784-128-10 holds 101,770 float parameters (about 400 KiB): it does not fit 64 KiB.
#include <strata/strata.hpp>

using classifier = strata::network<strata::input<784>, strata::dense<128>, strata::relu,
                                   strata::dense<10>>;

static_assert(strata::assert_fits<classifier, 64 * 1024>());

int main() {}
