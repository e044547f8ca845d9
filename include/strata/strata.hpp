#pragma once
// Umbrella header: everything a user needs to declare, train and run networks.

// diagnostics.hpp comes first so that the compiler's include trace above a
// failed shape check is two lines long.
#include "diagnostics.hpp"
#include "error.hpp"
#include "initializers.hpp"
#include "io/csv.hpp"
#include "io/idx.hpp"
#include "layers/activations.hpp"
#include "layers/dense.hpp"
#include "losses/cross_entropy.hpp"
#include "losses/mse.hpp"
#include "network.hpp"
#include "optimizers/adam.hpp"
#include "optimizers/sgd.hpp"
#include "policies.hpp"
#include "random.hpp"
#include "regularizers/l1.hpp"
#include "regularizers/l2.hpp"
#include "shape.hpp"
#include "training/dataset.hpp"
#include "training/evaluate_sample.hpp"
#include "training/history.hpp"
#include "training/trainer.hpp"
