#pragma once
// Reader for the IDX format of MNIST and Fashion-MNIST, plain or
// gzip-compressed. Link with zlib (-lz).
//
// An IDX file is a 4-byte magic (two zero bytes, a type code and the number
// of dimensions), one big-endian 32-bit size per dimension, then the values
// in row-major order.

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "../error.hpp"
#include "../training/dataset.hpp"

namespace strata {

/// Contents of one IDX file. `data` contains the product of `dims` values in
/// row-major order. Only type code 0x08 (unsigned byte) is supported.
struct idx_array {
    std::uint8_t type_code = 0x08;
    std::vector<std::uint32_t> dims;
    std::vector<std::uint8_t> data;
};

namespace detail {

struct gz_file_close {
    void operator()(gzFile file) const noexcept { gzclose(file); }
};

using gz_file_handle = std::unique_ptr<std::remove_pointer_t<gzFile>, gz_file_close>;

inline std::string hex_byte(std::uint8_t value) {
    constexpr char digits[] = "0123456789ABCDEF";
    return std::string{digits[value >> 4], digits[value & 0x0F]};
}

inline std::string idx_type_name(std::uint8_t type_code) {
    switch (type_code) {
        case 0x08: return "unsigned byte";
        case 0x09: return "signed byte";
        case 0x0B: return "16-bit integer";
        case 0x0C: return "32-bit integer";
        case 0x0D: return "32-bit float";
        case 0x0E: return "64-bit float";
        default: return "not an IDX type";
    }
}

/// Sequential reader of a file through zlib, which passes uncompressed files
/// through unchanged. Offsets in messages count bytes of the decompressed data.
class idx_reader {
public:
    explicit idx_reader(std::string path) : path_(std::move(path)) {
        errno = 0;
        file_.reset(gzopen(path_.c_str(), "rb"));
        if (!file_) {
            const int error_number = errno;
            const std::string reason = error_number != 0
                                           ? std::generic_category().message(error_number)
                                           : std::string("zlib could not allocate its state");
            throw data_error(path_ + ": cannot open IDX file: " + reason);
        }
        gzbuffer(file_.get(), 1U << 20);  // 1 MiB: fewer read calls than the 8 KiB default
    }

    const std::string& path() const noexcept { return path_; }

    /// Byte offset of the next read, in the decompressed data.
    std::uint64_t offset() const noexcept { return offset_; }

    /// Appends up to `count` bytes to `out` and returns how many arrived; fewer
    /// than `count` means the data ended. Throws data_error on a read or
    /// decompression failure.
    std::uint64_t read_append(std::vector<std::uint8_t>& out, std::uint64_t count) {
        // gzread takes an unsigned length and returns an int, so read in
        // chunks well under INT_MAX and grow `out` only as data arrives.
        constexpr std::uint64_t max_chunk = std::uint64_t{16} << 20;
        std::uint64_t total = 0;
        while (total < count) {
            const auto chunk = static_cast<unsigned>(std::min(count - total, max_chunk));
            const std::size_t old_size = out.size();
            out.resize(old_size + chunk);
            const int got = gzread(file_.get(), out.data() + old_size, chunk);
            if (got < 0) {
                out.resize(old_size);
                throw_zlib_error();
            }
            out.resize(old_size + static_cast<std::size_t>(got));
            total += static_cast<std::uint64_t>(got);
            offset_ += static_cast<std::uint64_t>(got);
            if (static_cast<unsigned>(got) < chunk) {
                check_clean_end();
                break;
            }
        }
        return total;
    }

    /// Reads to the end of the data and returns how many bytes were left.
    std::uint64_t count_remaining() {
        std::vector<std::uint8_t> scratch;
        std::uint64_t total = 0;
        for (;;) {
            scratch.clear();
            const std::uint64_t got = read_append(scratch, std::uint64_t{1} << 20);
            total += got;
            if (got < (std::uint64_t{1} << 20)) return total;
        }
    }

    bool compressed() const { return gzdirect(file_.get()) == 0; }

private:
    // A short read is the normal end of the data unless zlib recorded an
    // error, such as a truncated gzip stream (Z_BUF_ERROR).
    void check_clean_end() {
        int error_code = Z_OK;
        gzerror(file_.get(), &error_code);
        if (error_code != Z_OK) throw_zlib_error();
    }

    [[noreturn]] void throw_zlib_error() {
        int error_code = Z_OK;
        std::string message = gzerror(file_.get(), &error_code);
        // zlib prefixes its messages with the path, which ours already carries.
        if (message.starts_with(path_ + ": ")) message.erase(0, path_.size() + 2);
        if (error_code == Z_ERRNO)
            throw data_error(path_ + ": read failed at byte offset " + std::to_string(offset_) +
                             ": " + message);
        throw data_error(path_ + ": gzip decompression failed after " + std::to_string(offset_) +
                         " bytes of output (zlib: " + message +
                         "); the file is damaged or truncated, so copy or download it again");
    }

    std::string path_;
    gz_file_handle file_;
    std::uint64_t offset_ = 0;
};

inline std::uint32_t read_big_endian_u32(const std::uint8_t* bytes) noexcept {
    return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
           (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

inline std::string describe_dims(const std::vector<std::uint32_t>& dims) {
    std::string text;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (i > 0) text += " x ";
        text += std::to_string(dims[i]);
    }
    return text;
}

inline std::string describe_magic(const idx_array& array) {
    std::string text = "0x0000" + hex_byte(array.type_code) +
                       hex_byte(static_cast<std::uint8_t>(array.dims.size()));
    return text + " (" + std::to_string(array.dims.size()) + " dimension" +
           (array.dims.size() == 1 ? ")" : "s)");
}

// Reads the magic and the dimension sizes, and returns the payload size in bytes.
inline std::uint64_t read_idx_header(idx_reader& reader, idx_array& array) {
    const std::string& path = reader.path();
    std::vector<std::uint8_t> magic;
    const std::uint64_t magic_size = reader.read_append(magic, 4);
    if (magic_size == 0)
        throw data_error(path +
                         ": file is empty; expected an IDX file, which starts with a "
                         "4-byte magic such as 0x00000803 for images");
    if (magic_size < 4)
        throw data_error(path + ": file ends after " + std::to_string(magic_size) +
                         " bytes, inside the 4-byte IDX magic");

    const std::uint32_t magic_value = read_big_endian_u32(magic.data());
    if (magic[0] != 0 || magic[1] != 0) {
        std::string message = path + ": unexpected magic 0x" + hex_byte(magic[0]) +
                              hex_byte(magic[1]) + hex_byte(magic[2]) + hex_byte(magic[3]) + " (" +
                              std::to_string(magic_value) +
                              "); an IDX file starts with two zero bytes, then the type code "
                              "and the dimension count, such as 0x00000803 for images";
        if (magic[0] == 0x1F && magic[1] == 0x8B)
            message +=
                ". The data starts with the gzip signature 1F 8B after decompression, "
                "so the file was probably compressed twice; decompress it once with "
                "gunzip";
        throw data_error(message);
    }

    array.type_code = magic[2];
    if (array.type_code != 0x08)
        throw data_error(path + ": IDX type code 0x" + hex_byte(array.type_code) + " (" +
                         idx_type_name(array.type_code) +
                         ") is not supported; only 0x08 (unsigned byte) is supported");

    const std::size_t dim_count = magic[3];
    if (dim_count < 1 || dim_count > 4)
        throw data_error(path + ": IDX header declares " + std::to_string(dim_count) +
                         " dimensions; expected 1 to 4");

    std::vector<std::uint8_t> dim_bytes;
    const std::uint64_t dim_bytes_read = reader.read_append(dim_bytes, 4 * dim_count);
    if (dim_bytes_read < 4 * dim_count)
        throw data_error(path + ": file ends at byte offset " + std::to_string(reader.offset()) +
                         ", inside the IDX header; expected " + std::to_string(dim_count) +
                         " dimension sizes of 4 bytes each after the magic");

    std::uint64_t payload_size = 1;
    for (std::size_t i = 0; i < dim_count; ++i) {
        const std::uint32_t dim = read_big_endian_u32(dim_bytes.data() + 4 * i);
        if (dim == 0)
            throw data_error(path + ": IDX dimension " + std::to_string(i) +
                             " (0-based) has size 0; every dimension must be at least 1");
        array.dims.push_back(dim);
        if (payload_size > std::numeric_limits<std::uint64_t>::max() / dim ||
            payload_size * dim > std::numeric_limits<std::size_t>::max())
            throw data_error(path + ": IDX dimensions " + describe_dims(array.dims) +
                             "... multiply to more values than fit in memory; the header is "
                             "damaged or was written little-endian (IDX sizes are big-endian)");
        payload_size *= dim;
    }
    return payload_size;
}

}  // namespace detail

/// Reads an IDX file, plain or gzip-compressed. Throws data_error naming
/// `path` if the file cannot be read, the header is invalid, the type is not
/// unsigned byte, or the data is shorter or longer than the header declares.
inline idx_array read_idx(const std::string& path) {
    detail::idx_reader reader(path);
    idx_array array;
    const std::uint64_t payload_size = detail::read_idx_header(reader, array);
    const std::uint64_t header_size = reader.offset();

    // The header size may be wrong, so reserve at most 64 MiB and let the
    // vector grow only with data that actually arrives.
    array.data.reserve(static_cast<std::size_t>(std::min(payload_size, std::uint64_t{64} << 20)));
    const std::uint64_t payload_read = reader.read_append(array.data, payload_size);
    const std::string where = reader.compressed() ? " of the decompressed data" : "";
    if (payload_read < payload_size)
        throw data_error(
            path + ": data ends at byte offset " + std::to_string(reader.offset()) + where +
            ", but the header (dimensions " + detail::describe_dims(array.dims) + ") declares " +
            std::to_string(payload_size) + " data bytes after the " + std::to_string(header_size) +
            "-byte header and only " + std::to_string(payload_read) +
            " are present; the file is truncated or its header is wrong");

    const std::uint64_t trailing = reader.count_remaining();
    if (trailing > 0)
        throw data_error(path + ": " + std::to_string(trailing) +
                         (trailing == 1 ? " trailing byte follows" : " trailing bytes follow") +
                         " the " + std::to_string(payload_size) +
                         " data bytes that the header (dimensions " +
                         detail::describe_dims(array.dims) +
                         ") declares; expected the data to end at byte offset " +
                         std::to_string(header_size + payload_size) + where);
    return array;
}

/// Loads an IDX image file (N x rows x cols, magic 0x00000803) and its label
/// file (N, magic 0x00000801). Sample i has rows*cols features, the pixel
/// bytes divided by 255, and one target, the class index. Throws data_error
/// on an invalid file or when the two files disagree on N.
template <class T = float>
basic_dataset<T> load_idx(const std::string& images_path, const std::string& labels_path) {
    const idx_array images = read_idx(images_path);
    if (images.dims.size() != 3)
        throw data_error(images_path +
                         ": expected an IDX image file with 3 dimensions (magic "
                         "0x00000803), found magic " +
                         detail::describe_magic(images) +
                         "; check that the images and labels paths are not swapped");
    const idx_array labels = read_idx(labels_path);
    if (labels.dims.size() != 1)
        throw data_error(labels_path +
                         ": expected an IDX label file with 1 dimension (magic "
                         "0x00000801), found magic " +
                         detail::describe_magic(labels) +
                         "; check that the images and labels paths are not swapped");

    const std::size_t count = images.dims[0];
    if (labels.dims[0] != count)
        throw data_error(images_path + " has " + std::to_string(count) + " images but " +
                         labels_path + " has " + std::to_string(labels.dims[0]) +
                         " labels; the two files must describe the same samples");

    const std::size_t pixel_count = std::size_t{images.dims[1]} * images.dims[2];
    // The source names both files, so an error about a label points at the labels file too.
    basic_dataset<T> result(count, pixel_count, 1, images_path + " with labels " + labels_path);
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint8_t* pixels = images.data.data() + i * pixel_count;
        const auto features = result.features(i);
        for (std::size_t j = 0; j < pixel_count; ++j)
            features[j] = static_cast<T>(pixels[j]) / static_cast<T>(255);
        result.targets(i)[0] = static_cast<T>(labels.data[i]);
    }
    return result;
}

/// Loads an IDX image file and its label file as float samples.
inline dataset load_idx(const std::string& images_path, const std::string& labels_path) {
    return load_idx<float>(images_path, labels_path);
}

/// Directory where the Debian package dataset-fashion-mnist installs the files.
inline constexpr const char* default_fashion_mnist_directory = "/usr/share/datasets/fashion-mnist";

namespace detail {

// Returns directory/name.gz, or directory/name when only the decompressed
// file exists. Throws data_error when neither exists.
inline std::string find_fashion_mnist_file(const std::string& directory, const std::string& name) {
    const std::filesystem::path compressed = std::filesystem::path(directory) / (name + ".gz");
    const std::filesystem::path plain = std::filesystem::path(directory) / name;
    std::error_code error;
    if (std::filesystem::exists(compressed, error)) return compressed.string();
    if (std::filesystem::exists(plain, error)) return plain.string();
    const std::string package_hint =
        "install the Debian package dataset-fashion-mnist, which puts the files in " +
        std::string(default_fashion_mnist_directory);
    throw data_error(compressed.string() + ": Fashion-MNIST file not found (nor " + plain.string() +
                     "); " + package_hint +
                     ", or pass the directory holding train-images-idx3-ubyte.gz, "
                     "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and "
                     "t10k-labels-idx1-ubyte.gz");
}

}  // namespace detail

/// Loads Fashion-MNIST from `directory` as {train, test}. The standard files
/// contain 60000 and 10000 samples of 784 features in [0, 1] and a class
/// index 0..9. Each file may be gzip-compressed (name.gz) or plain (name).
inline std::pair<dataset, dataset> load_fashion_mnist(
    const std::string& directory = default_fashion_mnist_directory) {
    const std::string train_images =
        detail::find_fashion_mnist_file(directory, "train-images-idx3-ubyte");
    const std::string train_labels =
        detail::find_fashion_mnist_file(directory, "train-labels-idx1-ubyte");
    const std::string test_images =
        detail::find_fashion_mnist_file(directory, "t10k-images-idx3-ubyte");
    const std::string test_labels =
        detail::find_fashion_mnist_file(directory, "t10k-labels-idx1-ubyte");
    return {load_idx(train_images, train_labels), load_idx(test_images, test_labels)};
}

}  // namespace strata
