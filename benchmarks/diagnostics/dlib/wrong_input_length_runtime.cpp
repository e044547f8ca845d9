// mirrors: wrong_input_length
// names: error
// The usual dlib input, a matrix sized at run time: a 5-value sample given to
// a network trained on 4-value samples compiles.
#include <dlib/dnn.h>

using net_type = dlib::loss_multiclass_log<dlib::fc<2, dlib::input<dlib::matrix<float, 0, 1>>>>;

int main() {
    net_type net;
    dlib::matrix<float, 0, 1> x(5);
    x = 0;
    return static_cast<int>(net(x));
}
