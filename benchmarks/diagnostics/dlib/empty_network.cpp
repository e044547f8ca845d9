// mirrors: empty_network
// names: SUBNET must be of type add_layer
// A loss placed directly on the input, with no layer between them.
#include <dlib/dnn.h>

using net_type = dlib::loss_multiclass_log<dlib::input<dlib::matrix<float, 0, 1>>>;

int main() {
    net_type net;
    return static_cast<int>(net.num_layers);
}
