// expect: use of deleted function|call to deleted constructor
#include <strata/strata.hpp>

int main() {
    auto parts = strata::split(strata::dataset(10, 1, 1), strata::split_fractions{}, 1);
    strata::held_out<float> second_look = parts.test;  // a copy would allow two evaluations
    (void)second_look;
}
