// libtorch's entries: torch::nn modules as its C++ documentation builds
// them, on one intra-op thread.

#include <memory>

#include <torch/torch.h>

#include "peers.hpp"

namespace bench {

namespace {

torch::nn::Sequential make_network(const model_parameters& parameters) {
    torch::nn::Sequential net;
    for (std::size_t l = 0; l < parameters.layers.size(); ++l) {
        const auto& layer = parameters.layers[l];
        torch::nn::Linear linear(static_cast<std::int64_t>(layer.inputs),
                                 static_cast<std::int64_t>(layer.outputs));
        {
            torch::NoGradGuard no_grad;
            // Linear keeps W as Out x In, row-major: strata's layout.
            linear->weight.copy_(torch::from_blob(const_cast<float*>(layer.w.data()),
                                                  {static_cast<std::int64_t>(layer.outputs),
                                                   static_cast<std::int64_t>(layer.inputs)}));
            linear->bias.copy_(torch::from_blob(const_cast<float*>(layer.b.data()),
                                                {static_cast<std::int64_t>(layer.outputs)}));
        }
        net->push_back(linear);
        if (l + 1 < parameters.layers.size()) {
            if (parameters.kind == model::small)
                net->push_back(torch::nn::Tanh());
            else
                net->push_back(torch::nn::ReLU());
        }
    }
    net->eval();
    return net;
}

}  // namespace

inference_entry torch_inference(const model_parameters& parameters,
                                const std::vector<float>& inputs, std::size_t batch,
                                bool chained) {
    torch::set_num_threads(1);
    auto net = std::make_shared<torch::nn::Sequential>(make_network(parameters));
    const auto in = static_cast<std::int64_t>(parameters.layers.front().inputs);
    auto x = std::make_shared<torch::Tensor>(
        torch::from_blob(const_cast<float*>(inputs.data()),
                         {static_cast<std::int64_t>(batch), in})
            .clone());

    inference_entry entry;
    {
        c10::InferenceMode guard;
        const auto y = (*net)->forward(*x).contiguous();
        entry.output.assign(y.data_ptr<float>(), y.data_ptr<float>() + y.numel());
    }
    float* x_data = x->data_ptr<float>();
    const std::vector<float> base(x_data, x_data + in);
    entry.timed = {"libtorch", [net, x, x_data, base, chained](std::size_t calls) {
                       c10::InferenceMode guard;
                       for (std::size_t i = 0; i < calls; ++i) {
                           const auto y = (*net)->forward(*x);
                           const float y0 = y.data_ptr<float>()[0];
                           keep(y0);
                           if (chained) chain_input(base, x_data, y0);
                       }
                   }};
    return entry;
}

training_result torch_training(const image_set& train, const image_set& test, std::size_t batch,
                               std::size_t epochs, unsigned seed) {
    torch::set_num_threads(1);
    torch::manual_seed(seed);
    const auto n = static_cast<std::int64_t>(train.size());
    const auto x = torch::from_blob(const_cast<float*>(train.pixels.data()), {n, 784}).clone();
    std::vector<std::int64_t> labels(train.labels.begin(), train.labels.end());
    const auto y = torch::from_blob(labels.data(), {n}, torch::kLong).clone();

    torch::nn::Sequential net(torch::nn::Linear(784, 128), torch::nn::ReLU(),
                              torch::nn::Linear(128, 10));
    torch::optim::Adam optimizer(net->parameters(), torch::optim::AdamOptions(1e-3));

    training_result result;
    const auto step = static_cast<std::int64_t>(batch);
    for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
        const double start = process_seconds();
        const auto order = torch::randperm(n, torch::kLong);
        for (std::int64_t first = 0; first < n; first += step) {
            const auto indexes = order.slice(0, first, std::min(first + step, n));
            const auto xb = x.index_select(0, indexes);
            const auto yb = y.index_select(0, indexes);
            optimizer.zero_grad();
            const auto loss = torch::nn::functional::cross_entropy(net->forward(xb), yb);
            loss.backward();
            optimizer.step();
        }
        result.epoch_seconds.push_back(process_seconds() - start);
    }

    c10::InferenceMode guard;
    const auto m = static_cast<std::int64_t>(test.size());
    const auto test_x = torch::from_blob(const_cast<float*>(test.pixels.data()), {m, 784});
    const auto predicted = net->forward(test_x).argmax(1).contiguous();
    const std::int64_t* classes = predicted.data_ptr<std::int64_t>();
    std::int64_t correct = 0;
    for (std::int64_t i = 0; i < m; ++i)
        correct += classes[i] == test.labels[static_cast<std::size_t>(i)];
    result.test_accuracy = static_cast<double>(correct) / static_cast<double>(m);
    return result;
}

}  // namespace bench
