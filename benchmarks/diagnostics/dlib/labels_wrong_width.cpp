// mirrors: labels_wrong_width
// names: train\(.*vector<std::vector<float> >
// loss_multiclass_log takes one class index per sample; these labels are
// vectors of three probabilities.
#include <vector>

#include <dlib/dnn.h>

using net_type = dlib::loss_multiclass_log<dlib::fc<10, dlib::input<dlib::matrix<float, 0, 1>>>>;

int main() {
    net_type net;
    dlib::dnn_trainer<net_type> trainer(net);
    std::vector<dlib::matrix<float, 0, 1>> samples(2, dlib::matrix<float, 0, 1>(4));
    std::vector<std::vector<float>> labels(2, std::vector<float>{0.2f, 0.3f, 0.5f});
    trainer.train(samples, labels);
}
