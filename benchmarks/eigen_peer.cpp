// Hand-written Eigen networks with every size fixed at compile time, in
// Eigen's default column-major layout.

#include <memory>

// The 784 x 128 fixed-size matrix lives on the heap (inside a make_shared
// object), so Eigen's guard against large stack objects does not apply.
#define EIGEN_STACK_ALLOCATION_LIMIT 0
#include <Eigen/Core>

#include "peers.hpp"

namespace bench {

namespace {

template <int In, int Out>
struct eigen_dense {
    Eigen::Matrix<float, Out, In> w;
    Eigen::Matrix<float, Out, 1> b;

    void load(const dense_parameters& source) {
        for (int o = 0; o < Out; ++o) {
            for (int k = 0; k < In; ++k) w(o, k) = source.w[static_cast<std::size_t>(o * In + k)];
            b(o) = source.b[static_cast<std::size_t>(o)];
        }
    }
};

struct small_eigen {
    EIGEN_MAKE_ALIGNED_OPERATOR_NEW
    eigen_dense<16, 32> l1;
    eigen_dense<32, 32> l2;
    eigen_dense<32, 1> l3;

    Eigen::Matrix<float, 1, 1> operator()(const Eigen::Matrix<float, 16, 1>& x) const {
        const Eigen::Matrix<float, 32, 1> h1 = (l1.w * x + l1.b).array().tanh();
        const Eigen::Matrix<float, 32, 1> h2 = (l2.w * h1 + l2.b).array().tanh();
        return l3.w * h2 + l3.b;
    }
};

struct large_eigen {
    EIGEN_MAKE_ALIGNED_OPERATOR_NEW
    eigen_dense<784, 128> l1;
    eigen_dense<128, 10> l2;

    Eigen::Matrix<float, 10, 1> operator()(const Eigen::Matrix<float, 784, 1>& x) const {
        const Eigen::Matrix<float, 128, 1> h = (l1.w * x + l1.b).cwiseMax(0.0f);
        return l2.w * h + l2.b;
    }

    // Batched: samples are columns.
    void operator()(const Eigen::Matrix<float, 784, Eigen::Dynamic>& x,
                    Eigen::Matrix<float, 128, Eigen::Dynamic>& h,
                    Eigen::Matrix<float, 10, Eigen::Dynamic>& y) const {
        h.noalias() = l1.w * x;
        h = (h.colwise() + l1.b).cwiseMax(0.0f);
        y.noalias() = l2.w * h;
        y.colwise() += l2.b;
    }
};

template <class Net, int In, int Out>
inference_entry single(std::shared_ptr<Net> net, const std::vector<float>& inputs, bool chained) {
    auto x = std::make_shared<Eigen::Matrix<float, In, 1>>();
    for (int k = 0; k < In; ++k) (*x)(k) = inputs[static_cast<std::size_t>(k)];
    const Eigen::Matrix<float, Out, 1> y = (*net)(*x);
    inference_entry entry;
    entry.output.assign(y.data(), y.data() + Out);
    const std::vector<float> base(x->data(), x->data() + In);
    entry.timed = {"eigen", [net, x, base, chained](std::size_t calls) {
                       for (std::size_t i = 0; i < calls; ++i) {
                           const Eigen::Matrix<float, Out, 1> y = (*net)(*x);
                           keep(y);
                           if (chained) chain_input(base, x->data(), y(0));
                       }
                   }};
    return entry;
}

}  // namespace

inference_entry eigen_inference(const model_parameters& parameters,
                                const std::vector<float>& inputs, std::size_t batch,
                                bool chained) {
    if (parameters.kind == model::small) {
        auto net = std::make_shared<small_eigen>();
        net->l1.load(parameters.layers[0]);
        net->l2.load(parameters.layers[1]);
        net->l3.load(parameters.layers[2]);
        return single<small_eigen, 16, 1>(net, inputs, chained);
    }
    auto net = std::make_shared<large_eigen>();
    net->l1.load(parameters.layers[0]);
    net->l2.load(parameters.layers[1]);
    if (batch == 1) return single<large_eigen, 784, 10>(net, inputs, chained);

    const auto columns = static_cast<Eigen::Index>(batch);
    auto x = std::make_shared<Eigen::Matrix<float, 784, Eigen::Dynamic>>(784, columns);
    auto h = std::make_shared<Eigen::Matrix<float, 128, Eigen::Dynamic>>(128, columns);
    auto y = std::make_shared<Eigen::Matrix<float, 10, Eigen::Dynamic>>(10, columns);
    // Row-major samples are the columns of a column-major matrix.
    std::copy_n(inputs.begin(), batch * 784, x->data());
    (*net)(*x, *h, *y);
    inference_entry entry;
    entry.output.assign(y->data(), y->data() + batch * 10);
    entry.timed = {"eigen", [net, x, h, y](std::size_t calls) {
                       for (std::size_t i = 0; i < calls; ++i) {
                           (*net)(*x, *h, *y);
                           keep(*y->data());
                       }
                   }};
    return entry;
}

}  // namespace bench
