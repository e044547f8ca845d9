// The README's first example: declare a network type, train it on
// Fashion-MNIST and look at the test set once.

#include <cstdio>
#include <utility>

#include <strata/strata.hpp>

using classifier = strata::network<strata::input<784>,
                                   strata::dense<128>, strata::relu,
                                   strata::dense<10>>;  // logits

static_assert(classifier::output_size == 10);
static_assert(classifier::parameter_count == 784 * 128 + 128 + 128 * 10 + 10);

int main() {
    auto [all_train, test_images] = strata::load_fashion_mnist();
    auto test = strata::hold_out(std::move(test_images));  // can be evaluated once
    auto [train, validation] = strata::split(all_train, 0.1, /*seed=*/1);

    classifier model(/*seed=*/1);
    strata::trainer<classifier, strata::losses::cross_entropy, strata::optimizers::adam> trainer;
    trainer.fit(model, train, validation, {.epochs = 10, .batch_size = 64});

    // Look at the test set once, at the very end.
    std::printf("test accuracy: %.4f\n", test.evaluate_once(trainer, model).metric);
}
