#pragma once
// The type-level layer list: what a layer is, how widths flow from one layer
// to the next, and the compile-time sizes of a network. This header needs
// neither xsimd nor Boost, so shape-only code compiles quickly.

#include <array>
#include <concepts>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/basic_tuple.hpp>
#include <boost/hana/fold_left.hpp>
#include <boost/hana/type.hpp>

#include "detail/aligned.hpp"
#include "diagnostics.hpp"

namespace strata {

/// The first entry of every network: a flat input of `Size` values.
template <std::size_t Size>
struct input {
    static_assert(diagnostics::network_input_width_must_be_positive<Size>());
    static constexpr std::size_t size = Size;
};

template <class T>
inline constexpr bool is_input_v = false;
template <std::size_t Size>
inline constexpr bool is_input_v<input<Size>> = true;

/// A layer tag: a type with a name, whose output width, parameter count and
/// per-sample scratch size are functions of its input width.
template <class L>
concept layer = requires {
    { L::name } -> std::convertible_to<std::string_view>;
    { L::template output_size<1> } -> std::convertible_to<std::size_t>;
    { L::template parameter_count<1> } -> std::convertible_to<std::size_t>;
    { L::template weight_count<1> } -> std::convertible_to<std::size_t>;
    { L::template scratch_size<1> } -> std::convertible_to<std::size_t>;
};

template <class L>
inline constexpr bool is_layer_v = layer<L>;

namespace detail {

template <class L, std::size_t In>
constexpr std::size_t output_width() {
    if constexpr (layer<L>)
        return L::template output_size<In>;
    else
        return In;  // the layer check has failed; passing the width on avoids a second error
}

// The widths met so far while folding the layer list, last one first.
template <std::size_t Last, std::size_t... Earlier>
struct width_list {};

template <class L>
struct layer_tag {};

// One step of the fold in layer_widths: appends the output width of L.
template <std::size_t Last, std::size_t... Earlier, class L>
constexpr auto operator+(width_list<Last, Earlier...>, layer_tag<L>) {
    return width_list<output_width<L, Last>(), Earlier..., Last>{};
}

template <std::size_t Last, std::size_t... Earlier>
constexpr auto to_array(width_list<Last, Earlier...>) {
    return std::array<std::size_t, sizeof...(Earlier) + 1>{Earlier..., Last};
}

// Folds the layer list from the input width: element i is the input width of
// layer i, and the last element is the network's output width.
// boost::hana::fold_left over a basic_tuple stays linear in the depth, unlike
// hana::scan_left, which builds a new tuple per entry: for a list of 255
// entries, g++ 12 -fsyntax-only on a program that only reads the shape
// needed about 40 s and 5 GiB with scan_left and under 8 s and 0.6 GiB with
// a fold (measured once each on a shared 2-core machine). fold_left costs
// about 20 % more time than a bare C++17 fold expression at that depth.
template <std::size_t In, class... Layers>
constexpr auto layer_widths() {
    return to_array(boost::hana::fold_left(
        boost::hana::basic_tuple<layer_tag<Layers>...>{}, width_list<In>{},
        [](auto widths, auto tag) { return widths + tag; }));
}

// type_at<I, Ts...> is the I-th type of Ts, looked up in a Hana basic_tuple:
// hana::at_c finds an element by one overload resolution against the tuple's
// indexed bases. std::tuple_element recurses through the pack in g++ 12,
// which costs quadratic time and memory in the number of layers.
template <class... Ts>
inline constexpr boost::hana::basic_tuple<boost::hana::basic_type<Ts>...> type_list{};

template <std::size_t I, class... Ts>
using type_at = typename std::remove_cvref_t<decltype(boost::hana::at_c<I>(type_list<Ts...>))>::type;

}  // namespace detail

/// One layer's place in a network: its widths, its parameters and where they
/// start in the network's flat parameter storage.
struct layer_shape {
    std::string_view name;
    std::size_t input_size;
    std::size_t output_size;
    std::size_t parameter_count;
    std::size_t weight_count;  ///< leading parameters that regularizers act on
    std::size_t parameter_offset;
    std::size_t scratch_size;  ///< per-sample values kept from forward for backward
};

/// A run of parameters in a network's flat storage.
struct parameter_segment {
    std::size_t offset;
    std::size_t count;
};

/// Compile-time shape of `input<In>` followed by `Layers...`, with elements
/// of type `T`. Every member is a constant expression.
template <class T, std::size_t In, class... Layers>
struct network_shape {
    static_assert(diagnostics::network_input_width_must_be_positive<In>());
    static_assert(diagnostics::network_must_have_a_layer_after_input<In, sizeof...(Layers)>());

private:
    template <std::size_t... I>
    static constexpr bool check_all(std::index_sequence<I...>) {
        return (diagnostics::layer_list_entry_must_be_a_layer<I, Layers, layer<Layers>>() && ...);
    }
    static constexpr bool layers_valid = check_all(std::index_sequence_for<Layers...>{});

public:
    static constexpr std::size_t layer_count = sizeof...(Layers);

    /// widths[i] is the input width of layer i; widths[layer_count] is the output width.
    static constexpr std::array<std::size_t, layer_count + 1> widths =
        detail::layer_widths<In, Layers...>();

private:
    template <std::size_t... I>
    static constexpr bool check_widths(std::index_sequence<I...>) {
        return (diagnostics::layer_output_width_must_be_positive<I, widths[I], widths[I + 1]>() &&
                ...);
    }
    static constexpr bool widths_valid =
        layers_valid && check_widths(std::index_sequence_for<Layers...>{});

    template <std::size_t I>
    static constexpr layer_shape shape_of(std::size_t offset) {
        using L = detail::type_at<I, Layers...>;
        if constexpr (layer<L>) {
            constexpr std::size_t in = widths[I];
            return {L::name,
                    in,
                    widths[I + 1],
                    L::template parameter_count<in>,
                    L::template weight_count<in>,
                    offset,
                    L::template scratch_size<in>};
        } else {
            return {};
        }
    }

    template <std::size_t... I>
    static constexpr auto make_layers(std::index_sequence<I...>) {
        std::array<layer_shape, layer_count> result{};
        std::size_t offset = 0;
        ((result[I] = shape_of<I>(offset), offset += aligned_count<T>(result[I].parameter_count)),
         ...);
        return result;
    }

public:
    static constexpr std::size_t input_size = In;
    static constexpr std::size_t output_size = widths[layer_count];

    /// Per-layer shapes, in order, without the input.
    static constexpr std::array<layer_shape, layer_count> layers =
        make_layers(std::index_sequence_for<Layers...>{});

    /// Trainable values in all layers.
    static constexpr std::size_t parameter_count = [] {
        std::size_t total = 0;
        for (const auto& l : layers) total += l.parameter_count;
        return total;
    }();

    /// Length of the flat parameter storage: each layer's block starts on a
    /// 64-byte boundary, so this can exceed parameter_count.
    static constexpr std::size_t parameter_storage_size = [] {
        std::size_t total = 0;
        for (const auto& l : layers) total += aligned_count<T>(l.parameter_count);
        return total;
    }();

    static constexpr std::size_t parameter_bytes = parameter_count * sizeof(T);

    /// Values one sample produces across all layer outputs. Training keeps
    /// them all for the backward pass.
    static constexpr std::size_t activation_count = [] {
        std::size_t total = 0;
        for (std::size_t i = 1; i <= layer_count; ++i) total += widths[i];
        return total;
    }();

    /// Bytes of layer outputs per sample during training.
    static constexpr std::size_t activation_bytes = activation_count * sizeof(T);

    /// Widest layer input or output; inference needs two buffers of this width.
    static constexpr std::size_t max_width = [] {
        std::size_t widest = 0;
        for (auto w : widths) widest = w > widest ? w : widest;
        return widest;
    }();

    /// Bytes a single-sample forward pass needs besides the parameters.
    static constexpr std::size_t inference_activation_bytes = 2 * max_width * sizeof(T);

    /// Bytes of single-sample inference: the parameter storage (alignment
    /// gaps included) and the two 64-byte aligned buffers predict() uses.
    static constexpr std::size_t inference_footprint_bytes =
        (parameter_storage_size + 2 * aligned_count<T>(max_width)) * sizeof(T);

    /// Parameters that regularizers act on (dense weights, not biases).
    static constexpr std::size_t weight_segment_count = [] {
        std::size_t count = 0;
        for (const auto& l : layers) count += l.weight_count > 0 ? 1 : 0;
        return count;
    }();

    static constexpr std::array<parameter_segment, weight_segment_count> weight_segments = [] {
        std::array<parameter_segment, weight_segment_count> result{};
        std::size_t next = 0;
        for (const auto& l : layers)
            if (l.weight_count > 0) result[next++] = {l.parameter_offset, l.weight_count};
        return result;
    }();

    /// Every layer's whole parameter block (weights and biases).
    static constexpr std::size_t parameter_segment_count = [] {
        std::size_t count = 0;
        for (const auto& l : layers) count += l.parameter_count > 0 ? 1 : 0;
        return count;
    }();

    static constexpr std::array<parameter_segment, parameter_segment_count> parameter_segments =
        [] {
            std::array<parameter_segment, parameter_segment_count> result{};
            std::size_t next = 0;
            for (const auto& l : layers)
                if (l.parameter_count > 0) result[next++] = {l.parameter_offset, l.parameter_count};
            return result;
        }();

    static_assert(widths_valid);
};

/// Checks at compile time that `Net`'s inference footprint
/// (shape::inference_footprint_bytes) fits in `BudgetBytes`, and names both
/// numbers when it does not. Use it as
/// `static_assert(strata::assert_fits<Net, 64 * 1024>());`.
template <class Net, std::size_t BudgetBytes>
constexpr bool assert_fits() {
    return diagnostics::inference_footprint_must_fit_budget<
        Net::shape::inference_footprint_bytes, BudgetBytes>();
}

}  // namespace strata
