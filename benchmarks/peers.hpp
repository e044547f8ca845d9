#pragma once
// What every peer's translation unit provides: the same two networks with
// the same weights, timed on the same inputs, and the same training job.

#include <cstddef>
#include <string>
#include <vector>

#include "harness.hpp"

namespace bench {

/// The two networks of the comparison.
enum class model {
    small,  ///< 16-32-32-1, tanh after each hidden layer
    large,  ///< 784-128-10, relu after the hidden layer
};

/// One dense layer's parameters in strata's public layout: W is Out x In,
/// row-major, then b.
struct dense_parameters {
    std::size_t inputs = 0;
    std::size_t outputs = 0;
    std::vector<float> w;
    std::vector<float> b;
};

/// Every peer gets these weights, so all of them compute the same function.
struct model_parameters {
    model kind;
    std::vector<dense_parameters> layers;
};

/// A timed inference loop, and the outputs it gives for the shared inputs
/// (checked against strata's before any timing).
struct inference_entry {
    contender timed;
    std::vector<float> output;
};

/// Builds `peer`'s inference over `batch` samples of `inputs` (batch x In).
/// With `chained`, each call's input depends on the previous call's output
/// (see chain_input), so calls cannot overlap and the time per call is a
/// latency; without, calls run back to back and the out-of-order core may
/// overlap the end of one with the start of the next.
using inference_factory = inference_entry (*)(const model_parameters& parameters,
                                             const std::vector<float>& inputs,
                                             std::size_t batch, bool chained);

inference_entry strata_inference(const model_parameters&, const std::vector<float>&, std::size_t,
                                 bool);
inference_entry scalar_inference(const model_parameters&, const std::vector<float>&, std::size_t,
                                 bool);
inference_entry eigen_inference(const model_parameters&, const std::vector<float>&, std::size_t,
                                bool);
inference_entry torch_inference(const model_parameters&, const std::vector<float>&, std::size_t,
                                bool);
inference_entry dlib_inference(const model_parameters&, const std::vector<float>&, std::size_t,
                               bool);

/// Fashion-MNIST as flat arrays: pixels in [0, 1], labels 0..9.
struct image_set {
    std::vector<float> pixels;  ///< size x 784, row-major
    std::vector<int> labels;
    std::size_t size() const { return labels.size(); }
};

/// Measurements of one training run.
struct training_result {
    std::vector<double> epoch_seconds;  ///< process CPU time of each epoch, evaluation excluded
    double test_accuracy = 0;
};

/// Trains 784-128-10 (relu, cross-entropy on logits, Adam with lr 1e-3,
/// betas 0.9 and 0.999) on `train` for `epochs` epochs of mini-batches of
/// `batch`, reshuffled every epoch, on one thread; then measures the test
/// accuracy.
using training_function = training_result (*)(const image_set& train, const image_set& test,
                                              std::size_t batch, std::size_t epochs,
                                              unsigned seed);

training_result strata_training(const image_set&, const image_set&, std::size_t, std::size_t,
                                unsigned);
training_result torch_training(const image_set&, const image_set&, std::size_t, std::size_t,
                               unsigned);
training_result dlib_training(const image_set&, const image_set&, std::size_t, std::size_t,
                              unsigned);

}  // namespace bench
