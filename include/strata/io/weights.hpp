#pragma once
// Binary weight files: save a trained network's parameters and load them
// back into a network of the same architecture.
//
// Layout (all integers and floats little-endian):
//   offset  bytes  field
//   0       8      magic "STRATAWT"
//   8       4      format version, 1
//   12      4      bytes per value: 4 (float) or 8 (double)
//   16      8      architecture hash (strata::architecture_hash)
//   24      8      parameter count P
//   32      4      length L of the architecture description
//   36      L      architecture description (strata::architecture_description)
//   36+L    P*B    parameters, layer by layer without the alignment gaps
//   end-4   4      CRC-32 (zlib's) of every byte before it

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <zlib.h>

#include "../architecture.hpp"
#include "../error.hpp"
#include "../network.hpp"
#include "atomic_file.hpp"

namespace strata {

namespace detail::weights_file {

inline constexpr std::string_view magic = "STRATAWT";
inline constexpr std::uint32_t version = 1;
inline constexpr std::size_t fixed_header_size = 36;
inline constexpr std::size_t checksum_size = 4;
// Longer descriptions are taken as corruption rather than read.
inline constexpr std::uint32_t max_description_size = 1 << 20;

template <class Unsigned>
void put(std::vector<unsigned char>& out, Unsigned value) {
    for (std::size_t i = 0; i < sizeof(Unsigned); ++i)
        out.push_back(static_cast<unsigned char>(value >> (8 * i)));
}

template <class Unsigned>
Unsigned get(const unsigned char* in) {
    Unsigned value = 0;
    for (std::size_t i = 0; i < sizeof(Unsigned); ++i)
        value |= static_cast<Unsigned>(static_cast<Unsigned>(in[i]) << (8 * i));
    return value;
}

template <class T>
using bits_t = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

inline std::uint32_t crc32_of(const unsigned char* data, std::size_t size) {
    return static_cast<std::uint32_t>(::crc32_z(::crc32_z(0, nullptr, 0), data, size));
}

inline std::string hex(std::uint64_t value) {
    char text[19];
    std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(value));
    return text;
}

// Splits "f32 input 2 | dense 2->3 | ..." into its parts.
inline std::vector<std::string_view> architecture_parts(std::string_view description) {
    std::vector<std::string_view> parts;
    while (true) {
        const std::size_t bar = description.find(" | ");
        parts.push_back(description.substr(0, bar));
        if (bar == std::string_view::npos) return parts;
        description.remove_prefix(bar + 3);
    }
}

inline std::string first_difference(std::string_view file, std::string_view network) {
    const auto a = architecture_parts(file);
    const auto b = architecture_parts(network);
    for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
        const std::string_view in_file = i < a.size() ? a[i] : "no layer";
        const std::string_view in_network = i < b.size() ? b[i] : "no layer";
        if (in_file == in_network) continue;
        const std::string place = i == 0 ? "the element type and input"
                                         : "layer " + std::to_string(i - 1);
        return place + " differs: " + std::string(in_file) + " in the file, " +
               std::string(in_network) + " in the network";
    }
    return "the descriptions are equal but the hashes differ";
}

}  // namespace detail::weights_file

/// Writes `net`'s parameters to `path` in the format above. The file is
/// replaced atomically (temporary file in the same directory, then rename),
/// so a crash while saving leaves the previous file intact. Throws
/// std::system_error if the file cannot be written.
template <class T, class Input, class... Layers>
void save_weights(const basic_network<T, Input, Layers...>& net,
                  const std::filesystem::path& path) {
    using net_type = basic_network<T, Input, Layers...>;
    namespace wf = detail::weights_file;
    constexpr std::string_view description = architecture_description<net_type>;

    std::vector<unsigned char> bytes;
    bytes.reserve(wf::fixed_header_size + description.size() +
                  net_type::parameter_count * sizeof(T) + wf::checksum_size);
    bytes.insert(bytes.end(), wf::magic.begin(), wf::magic.end());
    wf::put<std::uint32_t>(bytes, wf::version);
    wf::put<std::uint32_t>(bytes, sizeof(T));
    wf::put<std::uint64_t>(bytes, architecture_hash<net_type>);
    wf::put<std::uint64_t>(bytes, net_type::parameter_count);
    wf::put<std::uint32_t>(bytes, static_cast<std::uint32_t>(description.size()));
    bytes.insert(bytes.end(), description.begin(), description.end());
    const auto parameters = net.parameters();
    for (const auto& layer : net_type::layers)
        for (std::size_t i = 0; i < layer.parameter_count; ++i)
            wf::put(bytes, std::bit_cast<wf::bits_t<T>>(parameters[layer.parameter_offset + i]));
    wf::put<std::uint32_t>(bytes, wf::crc32_of(bytes.data(), bytes.size()));
    detail::write_file_atomically(path, bytes);
}

/// Reads a file written by save_weights into `net`. Throws data_error, and
/// leaves `net` unchanged, if the file is missing, truncated, longer than
/// its contents, fails its checksum, has another magic or format version,
/// was saved from another architecture (the message names both and the
/// first layer that differs), or contains a NaN or infinite parameter.
template <class T, class Input, class... Layers>
void load_weights(basic_network<T, Input, Layers...>& net, const std::filesystem::path& path) {
    using net_type = basic_network<T, Input, Layers...>;
    namespace wf = detail::weights_file;
    constexpr std::string_view expected_description = architecture_description<net_type>;
    const std::string name = "weights file '" + path.string() + "'";

    std::ifstream file(path, std::ios::binary);
    if (!file) throw data_error(name + " cannot be opened; check the path");
    const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(file)),
                                           std::istreambuf_iterator<char>());
    if (file.bad()) throw data_error(name + " could not be read");

    if (bytes.size() < wf::fixed_header_size + wf::checksum_size)
        throw data_error(name + " is truncated: it has " + std::to_string(bytes.size()) +
                         " bytes, fewer than the " +
                         std::to_string(wf::fixed_header_size + wf::checksum_size) +
                         " of an empty weights file");
    if (std::string_view(reinterpret_cast<const char*>(bytes.data()), 8) != wf::magic)
        throw data_error(name + " is not a strata weights file: its first 8 bytes are not "
                                "\"STRATAWT\"");
    const auto version = wf::get<std::uint32_t>(&bytes[8]);
    if (version != wf::version)
        throw data_error(name + " has format version " + std::to_string(version) +
                         ", but this build of strata reads version " +
                         std::to_string(wf::version));
    const auto value_size = wf::get<std::uint32_t>(&bytes[12]);
    const auto hash = wf::get<std::uint64_t>(&bytes[16]);
    const auto count = wf::get<std::uint64_t>(&bytes[24]);
    const auto description_size = wf::get<std::uint32_t>(&bytes[32]);
    if (description_size > wf::max_description_size ||
        wf::fixed_header_size + description_size + wf::checksum_size > bytes.size())
        throw data_error(name + " is truncated or corrupt: its architecture description of " +
                         std::to_string(description_size) + " bytes does not fit in the " +
                         std::to_string(bytes.size()) + " bytes of the file");
    const std::string_view description(
        reinterpret_cast<const char*>(bytes.data() + wf::fixed_header_size), description_size);

    // A size that matches the header is checked against the CRC first, so
    // that corruption is reported as such rather than as another network.
    const std::size_t payload_offset = wf::fixed_header_size + description_size;
    const bool plausible_count = value_size != 0 && count <= bytes.size() / value_size;
    const std::size_t expected_size =
        plausible_count ? payload_offset + count * value_size + wf::checksum_size : 0;
    const bool size_matches = plausible_count && bytes.size() == expected_size;
    if (size_matches) {
        const std::size_t body = bytes.size() - wf::checksum_size;
        const auto stored = wf::get<std::uint32_t>(&bytes[body]);
        const auto computed = wf::crc32_of(bytes.data(), body);
        if (stored != computed)
            throw data_error(name + " is corrupt: its CRC-32 is " + wf::hex(computed) +
                             " but the file records " + wf::hex(stored));
    }

    const bool same_architecture = hash == architecture_hash<net_type> &&
                                   description == expected_description &&
                                   value_size == sizeof(T) && count == net_type::parameter_count;
    if (!same_architecture)
        throw data_error(name + " contains weights for a different network: the file's is \"" +
                         std::string(description) + "\" (hash " + wf::hex(hash) + ", " +
                         std::to_string(count) + " parameters), this network is \"" +
                         std::string(expected_description) + "\" (hash " +
                         wf::hex(architecture_hash<net_type>) + ", " +
                         std::to_string(net_type::parameter_count) + " parameters); " +
                         wf::first_difference(description, expected_description));
    if (bytes.size() < expected_size)
        throw data_error(name + " is truncated: it has " + std::to_string(bytes.size()) +
                         " bytes, but " + std::to_string(count) + " parameters need " +
                         std::to_string(expected_size));
    if (bytes.size() > expected_size)
        throw data_error(name + " has " + std::to_string(bytes.size() - expected_size) +
                         " unexpected bytes after its checksum (" +
                         std::to_string(expected_size) + " expected); the file is corrupt");

    // Decode into a copy, so that `net` changes only once everything is valid.
    std::vector<T> values(net_type::parameter_storage_size, T(0));
    const unsigned char* in = bytes.data() + payload_offset;
    for (std::size_t l = 0; l < net_type::layer_count; ++l) {
        const auto& layer = net_type::layers[l];
        for (std::size_t i = 0; i < layer.parameter_count; ++i, in += sizeof(T)) {
            const T value = std::bit_cast<T>(wf::get<wf::bits_t<T>>(in));
            if (!std::isfinite(value))
                throw data_error(name + ": parameter " + std::to_string(i) + " of layer " +
                                 std::to_string(l) + " (" + std::string(layer.name) + ") is " +
                                 (std::isnan(value) ? "NaN" : "infinite") +
                                 "; the file is corrupt or was saved from a diverged network");
            values[layer.parameter_offset + i] = value;
        }
    }
    std::copy(values.begin(), values.end(), net.parameters().begin());
}

}  // namespace strata
