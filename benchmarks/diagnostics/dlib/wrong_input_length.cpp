// mirrors: wrong_input_length
// names: (none: this program compiles)
// A network on fixed 4-value inputs, run on a batch of 5-value inputs: dlib
// checks the length at run time (DLIB_CASSERT in input::to_tensor), so this compiles.
#include <vector>

#include <dlib/dnn.h>

using net_type = dlib::loss_multiclass_log<dlib::fc<2, dlib::input<dlib::matrix<float, 4, 1>>>>;

int main() {
    net_type net;
    std::vector<dlib::matrix<float, 5, 1>> samples(1);
    samples[0] = 0;
    const std::vector<unsigned long> labels = net(samples);
    return static_cast<int>(labels[0]);
}
