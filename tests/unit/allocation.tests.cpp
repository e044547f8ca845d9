// Training steps must not allocate after set-up. This file replaces the
// global operator new to count calls, so it builds into its own executable.

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include <catch2/catch.hpp>
#include <strata/strata.hpp>

namespace {
std::atomic<bool> counting{false};
std::atomic<std::size_t> allocations{0};

void* allocate(std::size_t size, std::size_t alignment) {
    if (counting) ++allocations;
    void* p = alignment > alignof(std::max_align_t)
                  ? std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment)
                  : std::malloc(size == 0 ? 1 : size);
    if (p == nullptr) throw std::bad_alloc();
    return p;
}
}  // namespace

void* operator new(std::size_t size) { return allocate(size, 0); }
void* operator new[](std::size_t size) { return allocate(size, 0); }
void* operator new(std::size_t size, std::align_val_t a) { return allocate(size, std::size_t(a)); }
void* operator new[](std::size_t size, std::align_val_t a) { return allocate(size, std::size_t(a)); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

TEST_CASE("training epoch allocates nothing", "[training][memory]") {
    using net_type = strata::network<strata::input<20>, strata::dense<16>, strata::relu,
                                     strata::dense<3>>;
    std::vector<float> x(100 * 20), y(100);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 7) / 7.0f;
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<float>(i % 3);
    const strata::dataset data(x, 20, y, 1);
    net_type net;
    strata::trainer<net_type, strata::losses::cross_entropy, strata::optimizers::adam> t;

    // Count from the first step of epoch 2 to the end of epoch 2, validation included.
    t.on_batch = [](std::size_t epoch, std::size_t batch, std::span<const std::size_t>) {
        if (epoch == 2 && batch == 0) counting = true;
    };
    t.on_epoch_end = [](const strata::epoch_record& e) {
        if (e.epoch == 2) counting = false;
    };
    allocations = 0;
    t.fit(net, data, data, {.epochs = 3, .batch_size = 16});
    REQUIRE_FALSE(counting);
    REQUIRE(allocations == 0);

    // The counter itself works: a vector allocates.
    counting = true;
    std::vector<int> probe(10);
    counting = false;
    REQUIRE(allocations == 1);
}

TEMPLATE_TEST_CASE("dropout and schedules allocate nothing", "[training][memory]",
                   strata::optimizers::momentum, strata::optimizers::adagrad,
                   strata::optimizers::rmsprop, strata::optimizers::adamw) {
    using net_type = strata::network<strata::input<20>, strata::dense<16>, strata::relu,
                                     strata::dropout<strata::drop_rate<1, 4>>, strata::dense<3>>;
    std::vector<float> x(100 * 20), y(100);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 7) / 7.0f;
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<float>(i % 3);
    const strata::dataset data(x, 20, y, 1);
    net_type net;
    strata::trainer<net_type, strata::losses::cross_entropy, TestType, strata::regularizers::l2> t;
    t.schedule = strata::schedules::reduce_on_plateau{.patience = 0};
    t.on_batch = [](std::size_t epoch, std::size_t batch, std::span<const std::size_t>) {
        if (epoch == 2 && batch == 0) counting = true;
    };
    t.on_epoch_end = [](const strata::epoch_record& e) {
        if (e.epoch == 2) counting = false;
    };
    allocations = 0;
    t.fit(net, data, data, {.epochs = 3, .batch_size = 16});
    REQUIRE_FALSE(counting);
    REQUIRE(allocations == 0);
}

TEST_CASE("threaded training epoch allocates nothing", "[training][memory][parallel]") {
    using net_type = strata::network<strata::input<20>, strata::dense<16>, strata::relu,
                                     strata::dense<3>>;
    std::vector<float> x(100 * 20), y(100);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 7) / 7.0f;
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = static_cast<float>(i % 3);
    const strata::dataset data(x, 20, y, 1);
    net_type net;
    strata::trainer<net_type, strata::losses::cross_entropy, strata::optimizers::adam> t;
    t.on_batch = [](std::size_t epoch, std::size_t batch, std::span<const std::size_t>) {
        if (epoch == 2 && batch == 0) counting = true;
    };
    t.on_epoch_end = [](const strata::epoch_record& e) {
        if (e.epoch == 2) counting = false;
    };
    allocations = 0;
    t.fit(net, data, data, {.epochs = 3, .batch_size = 16, .threads = 3});
    REQUIRE_FALSE(counting);
    REQUIRE(allocations == 0);
}
