// mirrors: not_an_optimizer
// names: solver_type = int
// An int where the trainer expects a solver.
#include <dlib/dnn.h>

using net_type = dlib::loss_multiclass_log<dlib::fc<2, dlib::input<dlib::matrix<float, 0, 1>>>>;

int main() {
    net_type net;
    dlib::dnn_trainer<net_type, int> trainer(net);
    trainer.set_max_num_epochs(1);
}
