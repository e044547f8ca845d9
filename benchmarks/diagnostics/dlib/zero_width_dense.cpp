// mirrors: zero_width_dense
// names: number of outputs from a fc_ layer must be > 0
#include <dlib/dnn.h>

using net_type = dlib::loss_multiclass_log<dlib::fc<0, dlib::input<dlib::matrix<float, 0, 1>>>>;

int main() {
    net_type net;
    return static_cast<int>(net.num_layers);
}
