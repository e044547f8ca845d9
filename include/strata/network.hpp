#pragma once
// network<input<N>, Layers...>: a network whose shapes are its type.

#include <array>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

#include "diagnostics.hpp"
#include "detail/aligned.hpp"
#include "detail/packed_copy.hpp"
#include "error.hpp"
#include "initializers.hpp"
#include "layers/activations.hpp"
#include "layers/context.hpp"
#include "network_fwd.hpp"
#include "random.hpp"
#include "shape.hpp"

namespace strata {

namespace detail {

// The input width of Input, or 1 where Input is not an input<N>, so that a
// failed first-entry check is the only error.
template <class Input>
inline constexpr std::size_t input_width_v = 1;
template <std::size_t Size>
inline constexpr std::size_t input_width_v<input<Size>> = Size;

template <class L>
inline constexpr bool is_rectifier_v = std::is_same_v<L, relu>;
template <class Slope>
inline constexpr bool is_rectifier_v<leaky_relu<Slope>> = true;

// Length of layer L's packed inference copy for input width In; layers
// without a packed_size member have none.
template <class L, std::size_t In, class T>
constexpr std::size_t packed_size_of() {
    if constexpr (requires { L::template packed_size<In, T>; })
        return L::template packed_size<In, T>;
    else
        return 0;
}

// Whether layer L is an element-wise function that a kernel can apply to
// its output registers (L::apply), so L's pass can fuse into the layer before.
template <class L, class T>
constexpr bool has_register_form() {
#if STRATA_HAS_SIMD
    return requires(const kernels::simd<T>& v) { L::template apply<T>(v); };
#else
    return false;
#endif
}

}  // namespace detail

template <class Network>
class workspace;

/// A feed-forward network of `Layers...` on inputs of `Input` (an input<N>),
/// with elements of type `T`. Every width, parameter count and buffer size is
/// a compile-time constant. The parameters live in one 64-byte aligned heap
/// block, so networks of any size are safe to create on the stack. `network<...>` is the float version.
template <class T, class Input, class... Layers>
class basic_network {
    static_assert(diagnostics::network_value_type_must_be_float_or_double<
                  T, std::is_same_v<T, float> || std::is_same_v<T, double>>());
    static_assert(diagnostics::first_entry_must_be_input<Input, is_input_v<Input>>());

public:
    using value_type = T;
    using shape = network_shape<T, detail::input_width_v<Input>, Layers...>;
    using layer_types = std::tuple<Layers...>;

    static constexpr std::size_t input_size = shape::input_size;
    static constexpr std::size_t output_size = shape::output_size;
    static constexpr std::size_t layer_count = shape::layer_count;
    static constexpr std::size_t parameter_count = shape::parameter_count;
    static constexpr std::size_t parameter_bytes = shape::parameter_bytes;
    static constexpr std::size_t parameter_storage_size = shape::parameter_storage_size;
    static constexpr std::size_t activation_bytes = shape::activation_bytes;
    static constexpr auto layers = shape::layers;

    using input_array = std::array<T, input_size>;
    using output_array = std::array<T, output_size>;

    /// Creates a network initialised by initializers::automatic from seed 0.
    basic_network() : basic_network(0) {}

    /// Creates a network initialised by initializers::automatic from `seed`.
    explicit basic_network(std::uint64_t seed) : parameters_(parameter_storage_size) {
        initialize(initializers::automatic{}, seed);
    }

    /// Refills every layer's weights with `init` from `seed` and zeroes the biases.
    template <class Initializer>
    void initialize(const Initializer& init, std::uint64_t seed) {
        random_engine engine(seed);
        initialize_layers(init, engine, std::index_sequence_for<Layers...>{});
    }

    /// The flat parameter storage, including alignment gaps between layers
    /// (kept at zero). Layer I's parameters start at layers[I].parameter_offset.
    ///
    /// Every non-const accessor marks predict()'s packed copy of small
    /// layers out of date, so the next predict() uses what was written.
    /// NOTE: a span kept across a predict() call and written after it is
    /// not seen; call the accessor again after predicting, then write.
    std::span<T> parameters() noexcept {
        packed_.invalidate();
        return parameters_.span();
    }
    std::span<const T> parameters() const noexcept { return parameters_.span(); }

    /// All parameters of layer I (for dense: W row-major, then b).
    template <std::size_t I>
    std::span<T> layer_parameters() noexcept {
        static_assert(diagnostics::layer_index_must_be_below_layer_count<I, layer_count>());
        packed_.invalidate();
        return parameters_.span().subspan(layers[I].parameter_offset, layers[I].parameter_count);
    }
    template <std::size_t I>
    std::span<const T> layer_parameters() const noexcept {
        static_assert(diagnostics::layer_index_must_be_below_layer_count<I, layer_count>());
        return parameters_.span().subspan(layers[I].parameter_offset, layers[I].parameter_count);
    }

    /// Layer I's weights (dense: Out x In, row-major).
    template <std::size_t I>
    std::span<T> weights() noexcept {
        return layer_parameters<I>().first(layers[I].weight_count);
    }
    template <std::size_t I>
    std::span<const T> weights() const noexcept {
        return layer_parameters<I>().first(layers[I].weight_count);
    }

    /// Layer I's parameters after its weights (dense: the bias).
    template <std::size_t I>
    std::span<T> bias() noexcept {
        return layer_parameters<I>().subspan(layers[I].weight_count);
    }
    template <std::size_t I>
    std::span<const T> bias() const noexcept {
        return layer_parameters<I>().subspan(layers[I].weight_count);
    }

    /// Runs one sample through the network in inference mode.
    template <std::size_t N>
    output_array predict(const std::array<T, N>& x) const noexcept(buffers_on_stack) {
        static_assert(
            diagnostics::input_array_length_must_equal_network_input_width<input_size, N>());
        output_array y{};
        predict_one(x.data(), y.data());
        return y;
    }

    /// Runs one sample into `y`; both array lengths are checked at compile time.
    template <std::size_t N, std::size_t M>
    void predict(const std::array<T, N>& x, std::array<T, M>& y) const
        noexcept(buffers_on_stack) {
        static_assert(
            diagnostics::input_array_length_must_equal_network_input_width<input_size, N>());
        static_assert(
            diagnostics::output_array_length_must_equal_network_output_width<output_size, M>());
        predict_one(x.data(), y.data());
    }

    /// Runs one sample; throws config_error if the spans have the wrong length.
    void predict(std::span<const T> x, std::span<T> y) const {
        if (x.size() != input_size || y.size() != output_size)
            throw config_error("network::predict: expected an input of " +
                               std::to_string(input_size) + " values and an output of " +
                               std::to_string(output_size) + ", got " + std::to_string(x.size()) +
                               " and " + std::to_string(y.size()));
        predict_one(x.data(), y.data());
    }

    /// Forward pass over `batch` rows of `x` (batch x input_size, row-major),
    /// keeping every layer's output in `work` for backward().
    /// Throws config_error if `batch` exceeds the workspace's capacity.
    void forward(workspace<basic_network>& work, const T* x, std::size_t batch,
                 const pass_context& context) const {
        check_batch(work, batch, "forward");
        forward_layers(work, x, batch, context, std::index_sequence_for<Layers...>{});
    }

    /// Backward pass after forward() on the same `x`: reads dL/d(output) from
    /// work.output_gradient() and writes dL/d(parameters) into `gradient`
    /// (parameter_storage_size values, overwritten).
    void backward(workspace<basic_network>& work, const T* x, T* gradient,
                  std::size_t batch) const {
        check_batch(work, batch, "backward");
        backward_layers(work, x, gradient, batch, std::make_index_sequence<layer_count>{});
    }

    friend std::ostream& operator<<(std::ostream& out, const basic_network&) {
        return out << summary();
    }

    /// Returns one line per layer with its widths and parameter count, then totals.
    static std::string summary() {
        std::string text = "network: input ";
        text.append(std::to_string(input_size)).append("\n");
        for (std::size_t i = 0; i < layer_count; ++i) {
            const auto& l = layers[i];
            std::string row = "  ";
            row.append(std::to_string(i)).append("  ").append(l.name);
            if (l.name == "dense") row.append("<").append(std::to_string(l.output_size)).append(">");
            pad(row, 24);
            row.append(std::to_string(l.input_size)).append(" -> ");
            row.append(std::to_string(l.output_size));
            pad(row, 40);
            text.append(row).append(std::to_string(l.parameter_count)).append(" parameters\n");
        }
        text.append("  total ").append(std::to_string(parameter_count));
        text.append(" parameters (").append(std::to_string(parameter_bytes)).append(" bytes), ");
        text.append(std::to_string(activation_bytes));
        text.append(" bytes of activations per training sample\n");
        return text;
    }

private:
    template <std::size_t I>
    using layer_at = detail::type_at<I, Layers...>;

    // Pads `row` with spaces to `column` characters, or by one space if longer.
    static void pad(std::string& row, std::size_t column) {
        row.append(row.size() < column ? column - row.size() : 1, ' ');
    }

    template <class Initializer, std::size_t... I>
    void initialize_layers(const Initializer& init, random_engine& engine,
                           std::index_sequence<I...>) {
        (initialize_layer<I>(init, engine), ...);
    }

    template <std::size_t I, class Initializer>
    void initialize_layer(const Initializer& init, random_engine& engine) {
        constexpr auto shape_i = layers[I];
        if constexpr (shape_i.parameter_count > 0) {
            auto all = layer_parameters<I>();
            for (auto& value : all) value = T(0);
            auto w = all.first(shape_i.weight_count);
            if constexpr (std::is_same_v<Initializer, initializers::automatic>) {
                constexpr bool rectified =
                    I + 1 < layer_count &&
                    detail::is_rectifier_v<detail::type_at<(I + 1) % layer_count, Layers...>>;
                if constexpr (rectified)
                    initializers::he_normal{}.fill(w, shape_i.input_size, shape_i.output_size,
                                                   engine);
                else
                    initializers::glorot_uniform{}.fill(w, shape_i.input_size,
                                                        shape_i.output_size, engine);
            } else {
                init.fill(w, shape_i.input_size, shape_i.output_size, engine);
            }
        }
    }

    // Two activation buffers of the widest layer: on the stack up to 16 KiB
    // each, on the heap beyond, so wide layers cannot overflow the stack.
    static constexpr std::size_t buffer_length = aligned_count<T>(shape::max_width);
    static constexpr bool buffers_on_stack = buffer_length * sizeof(T) <= 16 * 1024;

    // Where each layer's packed inference copy starts, and their total length.
    static constexpr auto packed_offsets = [] {
        std::array<std::size_t, layer_count + 1> offsets{};
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((offsets[I + 1] = offsets[I] + aligned_count<T>(
                                                detail::packed_size_of<layer_at<I>,
                                                                       layers[I].input_size, T>())),
             ...);
        }(std::index_sequence_for<Layers...>{});
        return offsets;
    }();

    template <std::size_t... I>
    void pack_layers(T* packed, std::index_sequence<I...>) const noexcept {
        (
            [&] {
                constexpr std::size_t in = layers[I].input_size;
                if constexpr (detail::packed_size_of<layer_at<I>, in, T>() > 0)
                    layer_at<I>::template pack<in, T>(
                        parameters_.data() + layers[I].parameter_offset,
                        packed + packed_offsets[I]);
            }(),
            ...);
    }

    void predict_one(const T* x, T* y) const noexcept(buffers_on_stack) {
        const T* packed = packed_.get(
            [this](T* values) { pack_layers(values, std::index_sequence_for<Layers...>{}); });
        if constexpr (buffers_on_stack) {
            alignas(simd_alignment) std::array<T, buffer_length> a{};
            alignas(simd_alignment) std::array<T, buffer_length> b{};
            predict_layers(x, y, a.data(), b.data(), packed, std::index_sequence_for<Layers...>{});
        } else {
            aligned_buffer<T> a(buffer_length);
            aligned_buffer<T> b(buffer_length);
            predict_layers(x, y, a.data(), b.data(), packed, std::index_sequence_for<Layers...>{});
        }
    }

    static void check_batch(const workspace<basic_network>& work, std::size_t batch,
                            const char* pass) {
        if (batch > work.capacity())
            throw config_error(std::string("network::") + pass + ": batch of " +
                               std::to_string(batch) + " samples exceeds the workspace capacity of " +
                               std::to_string(work.capacity()) +
                               "; create the workspace with a capacity of at least the batch size");
    }

    // Whether layer I predicts from a packed copy, and whether the
    // element-wise layer after it then runs inside the same kernel.
    template <std::size_t I>
    static constexpr bool packed_layer =
        detail::packed_size_of<layer_at<I>, layers[I].input_size, T>() > 0;
    template <std::size_t I>
    static constexpr bool fuses_next = [] {
        if constexpr (I + 1 < layer_count && packed_layer<I>)
            return detail::has_register_form<layer_at<I + 1>, T>();
        else
            return false;
    }();

    template <std::size_t... I>
    void predict_layers(const T* x, T* y, T* a, T* b, const T* packed,
                        std::index_sequence<I...>) const noexcept {
        const pass_context inference{};
        const T* in = x;
        T* buffers[2] = {a, b};
        std::size_t next = 0;  // buffer for the next layer that runs
        (
            [&] {
                constexpr std::size_t width = layers[I].input_size;
                if constexpr (I > 0 && fuses_next<(I > 0 ? I - 1 : 0)>) {
                    return;  // ran inside layer I - 1's kernel
                } else {
                    constexpr bool last = I + 1 == layer_count || (fuses_next<I> && I + 2 == layer_count);
                    T* out = last ? y : buffers[next];
                    next ^= 1;
                    if constexpr (fuses_next<I>) {
                        layer_at<I>::template forward_packed<width, T>(
                            packed + packed_offsets[I], in, out,
                            [](const auto& v) { return layer_at<I + 1>::template apply<T>(v); });
                    } else if constexpr (packed_layer<I>) {
                        layer_at<I>::template forward_packed<width, T>(
                            packed + packed_offsets[I], in, out, [](const auto& v) { return v; });
                    } else {
                        layer_at<I>::template forward<width, T>(
                            parameters_.data() + layers[I].parameter_offset, in, out, nullptr, 1,
                            inference);
                    }
                    in = out;
                }
            }(),
            ...);
    }

    template <std::size_t... I>
    void forward_layers(workspace<basic_network>& work, const T* x, std::size_t batch,
                        const pass_context& context, std::index_sequence<I...>) const noexcept {
        (layer_at<I>::template forward<layers[I].input_size, T>(
             parameters_.data() + layers[I].parameter_offset,
             I == 0 ? x : work.template layer_output<(I == 0 ? 0 : I - 1)>(),
             work.template layer_output<I>(), work.template layer_scratch<I>(), batch, context),
         ...);
    }

    template <std::size_t... R>
    void backward_layers(workspace<basic_network>& work, const T* x, T* gradient,
                         std::size_t batch, std::index_sequence<R...>) const noexcept {
        // R counts down the layers: layer I = layer_count - 1 - R.
        (backward_layer<layer_count - 1 - R>(work, x, gradient, batch), ...);
    }

    template <std::size_t I>
    void backward_layer(workspace<basic_network>& work, const T* x, T* gradient,
                        std::size_t batch) const noexcept {
        const T* layer_input = I == 0 ? x : work.template layer_output<(I == 0 ? 0 : I - 1)>();
        T* dy = work.delta(I + 1);
        T* dx = I == 0 ? nullptr : work.delta(I);
        layer_at<I>::template backward<layers[I].input_size, T>(
            parameters_.data() + layers[I].parameter_offset, layer_input,
            work.template layer_output<I>(), dy, dx, gradient + layers[I].parameter_offset,
            work.template layer_scratch<I>(), batch);
    }

    aligned_buffer<T> parameters_;
    detail::packed_copy<T, packed_offsets[layer_count]> packed_;
};

/// Buffers for forward and backward passes over up to `capacity` samples:
/// every layer's output and scratch, and two gradient buffers that backward
/// alternates between. Allocated once; passes only read and write them.
template <class Network>
class workspace {
    using T = typename Network::value_type;
    using shape = typename Network::shape;
    static constexpr std::size_t layer_count = shape::layer_count;

    static constexpr auto output_offsets = [] {
        std::array<std::size_t, layer_count + 1> offsets{};
        for (std::size_t i = 0; i < layer_count; ++i)
            offsets[i + 1] = offsets[i] + aligned_count<T>(shape::widths[i + 1]);
        return offsets;
    }();

    static constexpr auto scratch_offsets = [] {
        std::array<std::size_t, layer_count + 1> offsets{};
        for (std::size_t i = 0; i < layer_count; ++i)
            offsets[i + 1] = offsets[i] + aligned_count<T>(shape::layers[i].scratch_size);
        return offsets;
    }();

public:
    explicit workspace(std::size_t capacity)
        : capacity_(capacity),
          outputs_(capacity * output_offsets[layer_count]),
          scratch_(capacity * scratch_offsets[layer_count]),
          deltas_{aligned_buffer<T>(capacity * aligned_count<T>(shape::max_width)),
                  aligned_buffer<T>(capacity * aligned_count<T>(shape::max_width))} {
        if (capacity == 0) throw config_error("workspace: capacity must be at least 1 sample");
    }

    std::size_t capacity() const noexcept { return capacity_; }

    /// Layer I's outputs for the batch (batch x width, row-major).
    template <std::size_t I>
    T* layer_output() noexcept {
        return outputs_.data() + capacity_ * output_offsets[I];
    }

    template <std::size_t I>
    T* layer_scratch() noexcept {
        if constexpr (shape::layers[I].scratch_size == 0)
            return nullptr;
        else
            return scratch_.data() + capacity_ * scratch_offsets[I];
    }

    /// The network's outputs after forward().
    T* output() noexcept { return layer_output<layer_count - 1>(); }

    /// Buffer for dL/d(output), which the loss fills before backward().
    T* output_gradient() noexcept { return delta(layer_count); }

    /// Gradient buffer for the input of layer `boundary` (output of layer
    /// `boundary - 1`); consecutive boundaries use different buffers.
    T* delta(std::size_t boundary) noexcept { return deltas_[boundary % 2].data(); }

private:
    std::size_t capacity_;
    aligned_buffer<T> outputs_;
    aligned_buffer<T> scratch_;
    aligned_buffer<T> deltas_[2];
};

}  // namespace strata
