// mirrors: wrong_input_length
// names: no match for call to .*matrix<float, 5, 1>
// A network on fixed 4-value inputs, called on a 5-value input.
#include <dlib/dnn.h>

using net_type = dlib::loss_multiclass_log<dlib::fc<2, dlib::input<dlib::matrix<float, 4, 1>>>>;

int main() {
    net_type net;
    dlib::matrix<float, 5, 1> x;
    x = 0;
    return static_cast<int>(net(x));
}
