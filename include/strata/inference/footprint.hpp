#pragma once
// Compile-time memory footprints of a network type, and checks that fail to
// compile when a network exceeds a device's memory budget:
//
//   static_assert(strata::fits_budget<net, strata::memory_budget{
//                     .flash_bytes = 256 * 1024, .ram_bytes = 8 * 1024}>());
//
// Only the layer list is needed, not network.hpp.

#include <concepts>
#include <cstddef>

#include "../detail/aligned.hpp"
#include "../diagnostics.hpp"
#include "../network_fwd.hpp"

namespace strata {

/// Bytes of a network's parameter array as a frozen model stores it: the
/// flat layout with each layer's block padded to 64 bytes.
template <class Net>
inline constexpr std::size_t weight_bytes = network_traits<Net>::shape::parameter_storage_size *
                                            sizeof(typename network_traits<Net>::value_type);

namespace detail {

template <class Net>
constexpr std::size_t max_output_width() {
    std::size_t widest = 0;
    for (const auto& layer : network_traits<Net>::shape::layers)
        widest = layer.output_size > widest ? layer.output_size : widest;
    return widest;
}

}  // namespace detail

/// Bytes of the two activation buffers that frozen_network::predict keeps on
/// the stack for one sample, each as wide as the widest layer output and
/// rounded up to 64 bytes. The input is the caller's and does not count.
template <class Net>
inline constexpr std::size_t inference_activation_bytes =
    2 * aligned_count<typename network_traits<Net>::value_type>(detail::max_output_width<Net>()) *
    sizeof(typename network_traits<Net>::value_type);

/// An optimizer that states how many values of state it keeps per parameter
/// (adam: 2 moments, sgd: 0).
template <class Optimizer>
concept sized_optimizer = requires {
    { Optimizer::state_values_per_parameter } -> std::convertible_to<std::size_t>;
};

namespace detail {

template <class Optimizer>
constexpr std::size_t optimizer_state_values() {
    static_assert(sized_optimizer<Optimizer>,
                  "strata::training_state_bytes: the optimizer must declare "
                  "static constexpr std::size_t state_values_per_parameter");
    if constexpr (sized_optimizer<Optimizer>)
        return Optimizer::state_values_per_parameter;
    else
        return 0;
}

}  // namespace detail

/// Bytes that training with `Optimizer` keeps besides the parameters: one
/// gradient array and the optimizer's per-parameter state (Adam's two
/// moments), each as long as the flat parameter storage. The trainer's
/// batch buffers and its copy of the parameters from the start of each
/// epoch come on top.
template <class Net, class Optimizer>
inline constexpr std::size_t training_state_bytes =
    (1 + detail::optimizer_state_values<Optimizer>()) * weight_bytes<Net>;

/// Memory of a target device: read-only memory for the weights (flash) and
/// read-write memory for activations and training state (RAM).
struct memory_budget {
    std::size_t flash_bytes = 0;
    std::size_t ram_bytes = 0;
};

/// True if a frozen `Net` fits `Budget`: its weights in flash and one
/// forward pass's activations in RAM. Otherwise compilation fails with a
/// message, and the instantiation note names the required and the available
/// bytes.
template <class Net, memory_budget Budget>
constexpr bool fits_budget() {
    return diagnostics::weights_must_fit_flash_budget<weight_bytes<Net>, Budget.flash_bytes>() &&
           diagnostics::activations_must_fit_ram_budget<inference_activation_bytes<Net>, Budget.ram_bytes>();
}

/// True if training `Net` with `Optimizer` on the device fits `RamBytes`:
/// the weights plus training_state_bytes. Otherwise compilation fails and
/// names both sizes, as fits_budget does.
template <class Net, class Optimizer, std::size_t RamBytes>
constexpr bool fits_training_budget() {
    return diagnostics::training_state_must_fit_ram_budget<
        weight_bytes<Net> + training_state_bytes<Net, Optimizer>, RamBytes>();
}

}  // namespace strata
