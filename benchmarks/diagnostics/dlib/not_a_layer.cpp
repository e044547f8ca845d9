// mirrors: not_a_layer
// names: LAYER_DETAILS = int
// An int where a layer's details type belongs, between two fc layers.
#include <dlib/dnn.h>

using net_type = dlib::loss_multiclass_log<
    dlib::fc<2, dlib::add_layer<int, dlib::fc<8, dlib::input<dlib::matrix<float, 0, 1>>>>>>;

int main() {
    net_type net;
    return static_cast<int>(net.num_layers);
}
