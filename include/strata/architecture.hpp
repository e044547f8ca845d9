#pragma once
// A network's architecture as text and as a 64-bit hash, both computed at
// compile time from the layer list: the element type, the input width, and
// each layer's name with its input and output widths. Weight files and
// exported headers carry both, so weights never land in a network of
// another shape, even one with the same parameter count.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "network_fwd.hpp"

namespace strata {

namespace detail {

// Collects text into a fixed array; with Capacity 0 it only counts, which
// sizes the array for the second pass.
template <std::size_t Capacity>
struct fixed_text {
    char data[Capacity == 0 ? 1 : Capacity]{};
    std::size_t size = 0;

    constexpr void append(std::string_view text) {
        for (char c : text) {
            if constexpr (Capacity > 0) data[size] = c;
            ++size;
        }
    }

    constexpr void append_number(std::size_t value) {
        char digits[20]{};
        std::size_t count = 0;
        do {
            digits[count++] = static_cast<char>('0' + value % 10);
            value /= 10;
        } while (value != 0);
        while (count > 0) append(std::string_view(&digits[--count], 1));
    }
};

// TODO(layers describe their other template arguments): append them, so that
// networks differing only in a leaky_relu slope get different hashes.
template <class Net, class Text>
constexpr void write_architecture(Text& text) {
    using traits = network_traits<Net>;
    using shape = typename traits::shape;
    text.append(sizeof(typename traits::value_type) == 4 ? "f32" : "f64");
    text.append(" input ");
    text.append_number(shape::input_size);
    for (const auto& layer : shape::layers) {
        text.append(" | ");
        text.append(layer.name);
        text.append(" ");
        text.append_number(layer.input_size);
        text.append("->");
        text.append_number(layer.output_size);
    }
}

template <class Net>
constexpr auto make_architecture_text() {
    constexpr std::size_t length = [] {
        fixed_text<0> counter;
        write_architecture<Net>(counter);
        return counter.size;
    }();
    fixed_text<length> text;
    write_architecture<Net>(text);
    return text;
}

template <class Net>
inline constexpr auto architecture_text = make_architecture_text<Net>();

}  // namespace detail

/// 64-bit FNV-1a hash of `text` (offset basis 0xcbf29ce484222325, prime
/// 0x100000001b3).
constexpr std::uint64_t fnv1a_64(std::string_view text) noexcept {
    std::uint64_t hash = 0xcbf29ce484222325ull;
    for (char c : text) {
        hash ^= static_cast<std::uint8_t>(c);
        hash *= 0x100000001b3ull;
    }
    return hash;
}

/// The architecture of network type `Net` as text, for example
/// "f32 input 2 | dense 2->3 | relu 3->3 | dense 3->1". Layer names and
/// widths are what it records; a layer's other template arguments (such as
/// leaky_relu's slope) are not part of it.
template <class Net>
inline constexpr std::string_view architecture_description{
    detail::architecture_text<Net>.data, detail::architecture_text<Net>.size};

/// FNV-1a hash of architecture_description<Net>.
template <class Net>
inline constexpr std::uint64_t architecture_hash = fnv1a_64(architecture_description<Net>);

}  // namespace strata
