// A plain loop over the row-major weights, built with the same flags as
// strata: what the compiler makes of the textbook code by itself.

#include <algorithm>
#include <cmath>
#include <memory>

#include "peers.hpp"

namespace bench {

namespace {

struct scalar_network {
    model_parameters parameters;
    std::vector<float> a, b;  // activations between layers

    void forward(const float* x, float* y) {
        const float* in = x;
        for (std::size_t l = 0; l < parameters.layers.size(); ++l) {
            const auto& layer = parameters.layers[l];
            const bool last = l + 1 == parameters.layers.size();
            float* out = last ? y : (l % 2 == 0 ? a.data() : b.data());
            for (std::size_t o = 0; o < layer.outputs; ++o) {
                float sum = layer.b[o];
                for (std::size_t k = 0; k < layer.inputs; ++k)
                    sum += layer.w[o * layer.inputs + k] * in[k];
                if (!last)
                    sum = parameters.kind == model::small ? std::tanh(sum) : std::max(sum, 0.0f);
                out[o] = sum;
            }
            in = out;
        }
    }
};

}  // namespace

inference_entry scalar_inference(const model_parameters& parameters,
                                 const std::vector<float>& inputs, std::size_t batch,
                                 bool chained) {
    auto net = std::make_shared<scalar_network>();
    net->parameters = parameters;
    net->a.resize(1024);
    net->b.resize(1024);
    const std::size_t in = parameters.layers.front().inputs;
    const std::size_t out = parameters.layers.back().outputs;
    auto x = std::make_shared<std::vector<float>>(inputs.begin(), inputs.begin() + batch * in);
    auto y = std::make_shared<std::vector<float>>(batch * out);
    for (std::size_t s = 0; s < batch; ++s) net->forward(x->data() + s * in, y->data() + s * out);

    inference_entry entry;
    entry.output = *y;
    const std::vector<float> base(x->begin(), x->begin() + in);
    entry.timed = {"scalar loop", [net, x, y, batch, in, out, base, chained](std::size_t calls) {
                       for (std::size_t i = 0; i < calls; ++i) {
                           for (std::size_t s = 0; s < batch; ++s)
                               net->forward(x->data() + s * in, y->data() + s * out);
                           keep((*y)[0]);
                           if (chained) chain_input(base, x->data(), (*y)[0]);
                       }
                   }};
    return entry;
}

}  // namespace bench
