// strata's entries: the library as a user calls it.

#include <array>
#include <memory>
#include <stdexcept>

#include <strata/strata.hpp>

#include "peers.hpp"

namespace bench {

namespace {

using small_network = strata::network<strata::input<16>, strata::dense<32>, strata::tanh,
                                      strata::dense<32>, strata::tanh, strata::dense<1>>;
using large_network =
    strata::network<strata::input<784>, strata::dense<128>, strata::relu, strata::dense<10>>;

template <class Net, std::size_t... Dense>
void load(Net& net, const model_parameters& parameters, std::index_sequence<Dense...>) {
    std::size_t layer = 0;
    (
        [&] {
            const auto& source = parameters.layers.at(layer++);
            auto w = net.template weights<Dense>();
            auto b = net.template bias<Dense>();
            if (w.size() != source.w.size() || b.size() != source.b.size())
                throw std::logic_error("strata benchmark: layer shapes differ");
            std::copy(source.w.begin(), source.w.end(), w.begin());
            std::copy(source.b.begin(), source.b.end(), b.begin());
        }(),
        ...);
}

template <class Net, std::size_t... Dense>
model_parameters save(model kind, const Net& net, std::index_sequence<Dense...>) {
    model_parameters result{kind, {}};
    (
        [&] {
            dense_parameters layer;
            layer.inputs = Net::layers[Dense].input_size;
            layer.outputs = Net::layers[Dense].output_size;
            const auto w = net.template weights<Dense>();
            const auto b = net.template bias<Dense>();
            layer.w.assign(w.begin(), w.end());
            layer.b.assign(b.begin(), b.end());
            result.layers.push_back(std::move(layer));
        }(),
        ...);
    return result;
}

template <class Net, class DenseIndexes>
inference_entry make_entry(const model_parameters& parameters, const std::vector<float>& inputs,
                           std::size_t batch, bool chained) {
    auto net = std::make_shared<Net>();
    load(*net, parameters, DenseIndexes{});
    constexpr std::size_t in = Net::input_size;
    constexpr std::size_t out = Net::output_size;
    inference_entry entry;
    if (batch == 1) {
        auto x = std::make_shared<std::array<float, in>>();
        std::copy_n(inputs.begin(), in, x->begin());
        const auto y = net->predict(*x);
        entry.output.assign(y.begin(), y.end());
        const std::vector<float> base(x->begin(), x->end());
        entry.timed = {"strata", [net, x, base, chained](std::size_t calls) {
                           for (std::size_t i = 0; i < calls; ++i) {
                               const auto y = net->predict(*x);
                               keep(y);
                               if (chained) chain_input(base, x->data(), y[0]);
                           }
                       }};
    } else {
        auto work = std::make_shared<strata::workspace<Net>>(batch);
        auto x = std::make_shared<std::vector<float>>(inputs.begin(), inputs.begin() + batch * in);
        const strata::pass_context inference{};
        net->forward(*work, x->data(), batch, inference);
        entry.output.assign(work->output(), work->output() + batch * out);
        entry.timed = {"strata", [net, x, work, batch](std::size_t calls) {
                           const strata::pass_context inference{};
                           for (std::size_t i = 0; i < calls; ++i) {
                               net->forward(*work, x->data(), batch, inference);
                               keep(*work->output());
                           }
                       }};
    }
    return entry;
}

}  // namespace

/// The weights every peer uses: strata's default initialization from `seed`
/// (Glorot uniform before tanh and the output, He normal before relu),
/// with small non-zero biases so that a peer that dropped them would fail
/// the output check.
model_parameters reference_parameters(model kind, unsigned seed) {
    model_parameters result =
        kind == model::small ? save(kind, small_network(seed), std::index_sequence<0, 2, 4>{})
                             : save(kind, large_network(seed), std::index_sequence<0, 2>{});
    strata::random_engine engine(seed + 1);
    for (auto& layer : result.layers)
        for (auto& value : layer.b) value = static_cast<float>(0.1 * engine.normal());
    return result;
}

inference_entry strata_inference(const model_parameters& parameters,
                                 const std::vector<float>& inputs, std::size_t batch,
                                 bool chained) {
    if (parameters.kind == model::small)
        return make_entry<small_network, std::index_sequence<0, 2, 4>>(parameters, inputs, batch,
                                                                      chained);
    return make_entry<large_network, std::index_sequence<0, 2>>(parameters, inputs, batch,
                                                                chained);
}

}  // namespace bench

namespace bench {

namespace {

strata::dataset to_dataset(const image_set& set, const char* source) {
    std::vector<float> targets(set.labels.begin(), set.labels.end());
    return strata::dataset(set.pixels, 784, targets, 1, source);
}

}  // namespace

training_result strata_training(const image_set& train, const image_set& test, std::size_t batch,
                                std::size_t epochs, unsigned seed) {
    const auto train_set = to_dataset(train, "Fashion-MNIST training images");
    const auto test_set = to_dataset(test, "Fashion-MNIST test images");
    large_network net(seed);
    strata::trainer<large_network, strata::losses::cross_entropy, strata::optimizers::adam>
        trainer;
    training_result result;
    // From the first step of each epoch to its end; without validation
    // data the trainer evaluates nothing in between.
    double epoch_start = 0;
    trainer.on_batch = [&](std::size_t, std::size_t batch_index, std::span<const std::size_t>) {
        if (batch_index == 0) epoch_start = process_seconds();
    };
    trainer.on_epoch_end = [&](const strata::epoch_record&) {
        result.epoch_seconds.push_back(process_seconds() - epoch_start);
    };
    trainer.fit(net, train_set, {.epochs = epochs, .batch_size = batch, .seed = seed});
    result.test_accuracy = trainer.evaluate(net, test_set).metric;
    return result;
}

}  // namespace bench
