#pragma once
// Declares the network types without defining them, so code that only needs
// a network's layer list (the frozen model, footprints, architecture hashes)
// can name `strata::network<...>` without network.hpp, which uses exceptions,
// <string> and <ostream>.

#include <cstddef>

#include "shape.hpp"

namespace strata {

template <class T, class Input, class... Layers>
class basic_network;

/// The float network; see basic_network in network.hpp.
template <class Input, class... Layers>
using network = basic_network<float, Input, Layers...>;

/// A network type's element type and compile-time shape, read from its
/// template arguments alone (the class need not be defined).
template <class Net>
struct network_traits;

template <class T, class Input, class... Layers>
struct network_traits<basic_network<T, Input, Layers...>> {
    using value_type = T;
    using input = Input;
    using shape = network_shape<T, Input::size, Layers...>;
};

}  // namespace strata
