#pragma once

#include "../random.hpp"

namespace strata {

/// What a forward pass is for. Layers that act only in training (dropout)
/// read `training` and draw from `random`, which is null at inference.
struct pass_context {
    bool training = false;
    random_engine* random = nullptr;
};

}  // namespace strata
