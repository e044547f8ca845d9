// dlib's entries: networks from dlib/dnn.h, trained by dnn_trainer.

#include <algorithm>
#include <memory>
#include <random>

#include <dlib/dnn.h>

#include "peers.hpp"

namespace bench {

namespace {

using column = dlib::matrix<float, 0, 1>;

using small_network =
    dlib::fc<1, dlib::htan<dlib::fc<32, dlib::htan<dlib::fc<32, dlib::input<column>>>>>>;
using large_network = dlib::fc<10, dlib::relu<dlib::fc<128, dlib::input<column>>>>;

// dlib's fc keeps its parameters as an (In + 1) x Out row-major tensor: row k
// contains the weights of input k for every output, and the last row the bias.
void load(dlib::tensor& params, const dense_parameters& source) {
    float* p = params.host();
    const std::size_t in = source.inputs, out = source.outputs;
    for (std::size_t o = 0; o < out; ++o) {
        for (std::size_t k = 0; k < in; ++k) p[k * out + o] = source.w[o * in + k];
        p[in * out + o] = source.b[o];
    }
}

template <class Net>
inference_entry make_entry(std::shared_ptr<Net> net, const std::vector<float>& inputs,
                           std::size_t in, std::size_t batch, bool chained) {
    auto samples = std::make_shared<std::vector<column>>(batch, column(static_cast<long>(in)));
    for (std::size_t s = 0; s < batch; ++s)
        std::copy_n(inputs.begin() + static_cast<std::ptrdiff_t>(s * in), in, (*samples)[s].begin());
    const dlib::tensor& y = (*net)(samples->begin(), samples->end());
    inference_entry entry;
    entry.output.assign(y.host(), y.host() + y.size());
    const std::vector<float> base((*samples)[0].begin(), (*samples)[0].end());
    entry.timed = {"dlib", [net, samples, base, chained](std::size_t calls) {
                       for (std::size_t i = 0; i < calls; ++i) {
                           const float y0 = (*net)(samples->begin(), samples->end()).host()[0];
                           keep(y0);
                           if (chained) chain_input(base, &(*samples)[0](0), y0);
                       }
                   }};
    return entry;
}

}  // namespace

inference_entry dlib_inference(const model_parameters& parameters,
                               const std::vector<float>& inputs, std::size_t batch,
                               bool chained) {
    const std::size_t in = parameters.layers.front().inputs;
    column probe(static_cast<long>(in));
    probe = 0;
    if (parameters.kind == model::small) {
        auto net = std::make_shared<small_network>();
        (*net)(probe);  // allocates the parameters
        load(dlib::layer<4>(*net).layer_details().get_layer_params(), parameters.layers[0]);
        load(dlib::layer<2>(*net).layer_details().get_layer_params(), parameters.layers[1]);
        load(dlib::layer<0>(*net).layer_details().get_layer_params(), parameters.layers[2]);
        return make_entry(net, inputs, in, batch, chained);
    }
    auto net = std::make_shared<large_network>();
    (*net)(probe);
    load(dlib::layer<2>(*net).layer_details().get_layer_params(), parameters.layers[0]);
    load(dlib::layer<0>(*net).layer_details().get_layer_params(), parameters.layers[1]);
    return make_entry(net, inputs, in, batch, chained);
}

training_result dlib_training(const image_set& train, const image_set& test, std::size_t batch,
                              std::size_t epochs, unsigned seed) {
    using classifier = dlib::loss_multiclass_log<large_network>;
    auto to_columns = [](const image_set& set) {
        std::vector<column> result(set.size(), column(784));
        for (std::size_t i = 0; i < set.size(); ++i)
            std::copy_n(set.pixels.begin() + static_cast<std::ptrdiff_t>(i * 784), 784,
                        result[i].begin());
        return result;
    };
    std::vector<column> samples = to_columns(train);
    std::vector<unsigned long> labels(train.labels.begin(), train.labels.end());

    dlib::set_dnn_prefer_fastest_algorithms();
    classifier net;
    // dlib's adam takes (weight decay, beta1, beta2).
    dlib::dnn_trainer<classifier, dlib::adam> trainer(net, dlib::adam(0, 0.9, 0.999));
    trainer.set_learning_rate(1e-3);
    trainer.set_mini_batch_size(batch);
    // Keep the learning rate fixed, as the other peers do: dlib otherwise
    // shrinks it when the loss stops falling.
    trainer.set_iterations_without_progress_threshold(1'000'000'000);
    trainer.set_test_iterations_without_progress_threshold(1'000'000'000);

    std::mt19937 engine(seed);
    training_result result;
    for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
        const double start = process_seconds();
        // dlib's examples shuffle the sample vectors themselves; swapping
        // two matrices swaps pointers.
        for (std::size_t i = samples.size(); i > 1; --i) {
            const std::size_t j = std::uniform_int_distribution<std::size_t>(0, i - 1)(engine);
            std::swap(samples[i - 1], samples[j]);
            std::swap(labels[i - 1], labels[j]);
        }
        for (std::size_t first = 0; first < samples.size(); first += batch) {
            const std::size_t last = std::min(first + batch, samples.size());
            trainer.train_one_step(samples.begin() + static_cast<std::ptrdiff_t>(first),
                                   samples.begin() + static_cast<std::ptrdiff_t>(last),
                                   labels.begin() + static_cast<std::ptrdiff_t>(first));
        }
        trainer.get_net();  // waits for the trainer's thread to finish the epoch
        result.epoch_seconds.push_back(process_seconds() - start);
    }

    const std::vector<column> test_samples = to_columns(test);
    const std::vector<unsigned long> predicted = net(test_samples);
    std::size_t correct = 0;
    for (std::size_t i = 0; i < test.size(); ++i)
        correct += predicted[i] == static_cast<unsigned long>(test.labels[i]);
    result.test_accuracy = static_cast<double>(correct) / static_cast<double>(test.size());
    return result;
}

}  // namespace bench
