// mirrors: cross_entropy_one_output
// names: (none: this program compiles)
// A multiclass loss on a single output compiles. dlib does not reject it,
// and training fails a DLIB_CASSERT only once a label of 1 or more arrives.
#include <dlib/dnn.h>

using net_type = dlib::loss_multiclass_log<dlib::fc<1, dlib::input<dlib::matrix<float, 0, 1>>>>;

int main() {
    net_type net;
    dlib::matrix<float, 0, 1> x(4);
    x = 0;
    return static_cast<int>(net(x));
}
