// Data-parallel training across 2 MPI ranks. ctest starts this program with
// `mpirun -np 2` over shared memory. Each rank runs every test case, so the
// cases make the same collective calls in the same order on both ranks.

#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <strata/parallel/mpi.hpp>
#include <strata/strata.hpp>

#include "../support/parallel_support.hpp"

using namespace strata;
using Catch::Matchers::Contains;
using Catch::Matchers::WithinRel;
using strata_test::copy_parameters;
using strata_test::relative_difference;

namespace {

using classifier = network<input<784>, dense<32>, relu, dense<10>>;

// Trains classifier(5) on `data`, across the ranks of `group` if it is not
// null, and returns the history and the parameters.
template <class Optimizer>
std::pair<history, std::vector<float>> train(const dataset& data, Optimizer optimizer,
                                             const fit_options& options,
                                             parallel::process_group* group) {
    classifier net(5);
    trainer<classifier, losses::cross_entropy, Optimizer> t(optimizer);
    t.processes = group;
    auto h = t.fit(net, data, data, options);
    return {std::move(h), copy_parameters(net.parameters())};
}

// Runs the same fit on 2 ranks and in this process alone, and checks that
// the parameters and the history agree.
template <class Optimizer>
void check_matches_one_process(const dataset& data, Optimizer optimizer,
                               const fit_options& options) {
    parallel::mpi_group group(MPI_COMM_WORLD, 1);
    REQUIRE(group.size() == 2);
    const auto [together, together_parameters] = train(data, optimizer, options, &group);
    auto single = options;
    single.threads = 1;
    const auto [alone, alone_parameters] = train(data, optimizer, single, nullptr);

    REQUIRE(relative_difference(together_parameters, alone_parameters) < 1e-5);
    REQUIRE(together.epochs.size() == alone.epochs.size());
    for (std::size_t e = 0; e < alone.epochs.size(); ++e) {
        const auto& a = alone.epochs[e];
        const auto& b = together.epochs[e];
        REQUIRE_THAT(b.train_loss, WithinRel(a.train_loss, 1e-5));
        REQUIRE(b.train_metric == a.train_metric);
        REQUIRE_THAT(b.validation_loss, WithinRel(a.validation_loss, 1e-5));
        REQUIRE(b.validation_metric == a.validation_metric);
    }
}

}  // namespace

TEST_CASE("two ranks match one process", "[mpi]") {
    // 999 samples in batches of 77: each rank takes 38 or 39 samples of a
    // batch, and of the last batch (75 samples) 37 or 38.
    const dataset data = strata_test::fashion_mnist_slice(999);
    const fit_options options{.epochs = 2, .batch_size = 77, .seed = 3};
    SECTION("adam") { check_matches_one_process(data, optimizers::adam{}, options); }
    // sgd's step is proportional to the gradient, so a part of the batch
    // scaled by its own size instead of the batch's would show; Adam's step
    // would hide it.
    SECTION("sgd") {
        check_matches_one_process(data, optimizers::sgd{.learning_rate = 0.2}, options);
    }
    SECTION("sgd with two threads per rank") {
        auto threaded = options;
        threaded.threads = 2;
        check_matches_one_process(data, optimizers::sgd{.learning_rate = 0.2}, threaded);
    }
}

TEST_CASE("batch smaller than the rank count", "[mpi]") {
    // Batches of 1: rank 0 takes no sample and contributes a zero gradient.
    const dataset data = strata_test::fashion_mnist_slice(20);
    check_matches_one_process(data, optimizers::sgd{.learning_rate = 0.05},
                              {.epochs = 2, .batch_size = 1, .seed = 4});
}

TEST_CASE("drifting parameters are detected", "[mpi][errors]") {
    const dataset data = strata_test::fashion_mnist_slice(200);
    parallel::mpi_group group(MPI_COMM_WORLD, 1);
    classifier net(5);
    trainer<classifier, losses::cross_entropy, optimizers::sgd> t;
    t.processes = &group;
    // Before the step on batch 2, rank 1 alone changes weight 7.
    t.on_batch = [&](std::size_t, std::size_t batch, std::span<const std::size_t>) {
        if (batch == 2 && group.rank() == 1) net.parameters()[7] += 1e-3f;
    };
    REQUIRE_THROWS_WITH(t.fit(net, data, {.epochs = 1, .batch_size = 20}),
                        Contains("parameters differ between MPI ranks after the step on epoch "
                                 "1, batch 2: parameter 7 ranges from"));
}

TEST_CASE("different initial parameters are rejected", "[mpi][errors]") {
    const dataset data = strata_test::fashion_mnist_slice(40);
    parallel::mpi_group group;
    classifier net(group.rank() == 0 ? 5 : 6);
    trainer<classifier, losses::cross_entropy, optimizers::sgd> t;
    t.processes = &group;
    REQUIRE_THROWS_WITH(t.fit(net, data, {.epochs = 1, .batch_size = 20}),
                        Contains("parameters differ between MPI ranks before the first step"));
}

TEST_CASE("different settings are rejected", "[mpi][errors]") {
    const dataset data = strata_test::fashion_mnist_slice(40);
    parallel::mpi_group group;
    classifier net(5);
    trainer<classifier, losses::cross_entropy, optimizers::sgd> t;
    t.processes = &group;
    const std::size_t batch_size = group.rank() == 0 ? 20 : 16;
    REQUIRE_THROWS_WITH(t.fit(net, data, {.epochs = 1, .batch_size = batch_size}),
                        Contains("the setting 'batch_size' differs between MPI ranks: it ranges "
                                 "from 16 to 20"));
}

TEST_CASE("root_only runs on rank 0 alone", "[mpi]") {
    const dataset data = strata_test::fashion_mnist_slice(40);
    parallel::mpi_group group;
    classifier net(5);
    trainer<classifier, losses::cross_entropy, optimizers::sgd> t;
    t.processes = &group;
    std::size_t calls = 0;
    t.on_epoch_end = group.root_only([&](const epoch_record&) { ++calls; });
    const auto h = t.fit(net, data, {.epochs = 3, .batch_size = 16});
    REQUIRE(h.epochs.size() == 3);
    REQUIRE(calls == (group.is_root() ? 3u : 0u));
}

int main(int argc, char** argv) {
    parallel::mpi_environment mpi(argc, argv);
    return Catch::Session().run(argc, argv);
}
