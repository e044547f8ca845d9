// Weight files: round trips, architecture mismatches, truncated and corrupt
// files (the destination must stay unchanged), and atomic replacement.

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include <zlib.h>

#include <catch2/catch.hpp>
#include <strata/io/weights.hpp>
#include <strata/strata.hpp>

using namespace strata;
using Catch::Matchers::Contains;

namespace {

using net_231 = network<input<2>, dense<3>, relu, dense<1>>;  // 13 parameters
using net_241 = network<input<2>, dense<4>, relu, dense<1>>;  // 17 parameters
using net_321 = network<input<3>, dense<2>, relu, dense<1>>;  // 11 parameters
using net_421 = network<input<4>, dense<2>, relu, dense<1>>;  // 13 parameters, like net_231

// A fresh folder per test under the system's temporary directory.
std::filesystem::path scratch_folder(const std::string& name) {
    const auto folder = std::filesystem::temp_directory_path() /
                        ("strata-weights-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder);
    return folder;
}

std::vector<unsigned char> read_bytes(const std::filesystem::path& path) {
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& path, const std::vector<unsigned char>& bytes) {
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// Rewrites the trailing CRC-32 so that only the intended corruption remains.
void fix_checksum(std::vector<unsigned char>& bytes) {
    const std::size_t body = bytes.size() - 4;
    const auto crc = static_cast<std::uint32_t>(crc32_z(crc32_z(0, nullptr, 0), bytes.data(), body));
    for (std::size_t i = 0; i < 4; ++i) bytes[body + i] = static_cast<unsigned char>(crc >> (8 * i));
}

template <class Net>
std::vector<float> copy_parameters(const Net& net) {
    return {net.parameters().begin(), net.parameters().end()};
}

template <class Net>
std::string load_error(Net& net, const std::filesystem::path& path) {
    try {
        load_weights(net, path);
    } catch (const data_error& error) {
        return error.what();
    }
    return "no error";
}

}  // namespace

TEST_CASE("weights round trip bit for bit", "[io][weights]") {
    const auto folder = scratch_folder("round-trip");
    // Dense 2 -> 3 with W (out x in) = [[1,2],[3,4],[5,6]], b = [0.1,0.2,0.3].
    network<input<2>, dense<3>> net;
    const float w[] = {1, 2, 3, 4, 5, 6};
    std::copy(std::begin(w), std::end(w), net.weights<0>().begin());
    const float b[] = {0.1f, 0.2f, 0.3f};
    std::copy(std::begin(b), std::end(b), net.bias<0>().begin());
    const auto y = net.predict(std::array<float, 2>{1, -1});
    CHECK_THAT(y[0], Catch::Matchers::WithinAbs(-0.9, 1e-6));
    CHECK_THAT(y[1], Catch::Matchers::WithinAbs(-0.8, 1e-6));
    CHECK_THAT(y[2], Catch::Matchers::WithinAbs(-0.7, 1e-6));

    save_weights(net, folder / "dense.weights");
    network<input<2>, dense<3>> loaded(99);
    load_weights(loaded, folder / "dense.weights");
    const auto z = loaded.predict(std::array<float, 2>{1, -1});
    for (std::size_t k = 0; k < 3; ++k)
        CHECK(std::bit_cast<std::uint32_t>(z[k]) == std::bit_cast<std::uint32_t>(y[k]));
    CHECK(copy_parameters(loaded) == copy_parameters(net));

    // No temporary file is left behind.
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) ++files;
    CHECK(files == 1);
    std::filesystem::remove_all(folder);
}

TEST_CASE("weights of double networks round trip", "[io][weights]") {
    const auto folder = scratch_folder("double");
    basic_network<double, input<3>, dense<4>, strata::tanh, dense<2>> net(5), loaded(6);
    save_weights(net, folder / "double.weights");
    load_weights(loaded, folder / "double.weights");
    CHECK(std::equal(net.parameters().begin(), net.parameters().end(),
                     loaded.parameters().begin()));
    std::filesystem::remove_all(folder);
}

TEST_CASE("weights for another architecture are rejected", "[io][weights]") {
    const auto folder = scratch_folder("architecture");
    const auto path = folder / "231.weights";
    save_weights(net_231(1), path);

    SECTION("wider hidden layer") {
        net_241 target(2);
        const auto before = copy_parameters(target);
        const std::string message = load_error(target, path);
        CHECK_THAT(message, Contains("f32 input 2 | dense 2->3 | relu 3->3 | dense 3->1"));
        CHECK_THAT(message, Contains("f32 input 2 | dense 2->4 | relu 4->4 | dense 4->1"));
        CHECK_THAT(message, Contains("layer 0 differs: dense 2->3 in the file, dense 2->4"));
        CHECK(copy_parameters(target) == before);
    }
    SECTION("other input width") {
        net_321 target(2);
        const auto before = copy_parameters(target);
        const std::string message = load_error(target, path);
        CHECK_THAT(message, Contains("element type and input differs: f32 input 2 in the file"));
        CHECK(copy_parameters(target) == before);
    }
    SECTION("same parameter count") {
        STATIC_REQUIRE(net_231::parameter_count == net_421::parameter_count);
        net_421 target(2);
        const auto before = copy_parameters(target);
        const std::string message = load_error(target, path);
        CHECK_THAT(message, Contains("different network"));
        CHECK_THAT(message, Contains("dense 4->2"));
        CHECK(copy_parameters(target) == before);
    }
    SECTION("double network") {
        basic_network<double, input<2>, dense<3>, relu, dense<1>> target(2);
        CHECK_THAT(load_error(target, path), Contains("f64 input 2"));
    }
    std::filesystem::remove_all(folder);
}

TEST_CASE("truncated or corrupt weight files are rejected", "[io][weights]") {
    const auto folder = scratch_folder("corrupt");
    const auto good = folder / "good.weights";
    save_weights(net_231(1), good);
    const auto valid = read_bytes(good);
    const std::size_t description_size = architecture_description<net_231>.size();
    REQUIRE(valid.size() == 36 + description_size + 13 * 4 + 4);
    const std::size_t payload = 36 + description_size;

    struct variant {
        const char* name;
        std::vector<unsigned char> bytes;
        const char* expected;
    };
    std::vector<variant> variants;
    variants.push_back({"empty", {}, "truncated: it has 0 bytes"});
    variants.push_back({"header only",
                        std::vector<unsigned char>(valid.begin(), valid.begin() + payload),
                        "truncated"});
    variants.push_back({"one byte short", std::vector<unsigned char>(valid.begin(), valid.end() - 1),
                        "truncated: it has"});
    auto longer = valid;
    longer.insert(longer.end(), {0, 0, 0, 0});
    variants.push_back({"4 trailing bytes", longer, "4 unexpected bytes after its checksum"});
    auto bad_magic = valid;
    bad_magic[0] ^= 0x01;
    variants.push_back({"magic flipped", bad_magic, "not a strata weights file"});
    auto bad_version = valid;
    bad_version[8] ^= 0x02;
    variants.push_back({"version flipped", bad_version, "format version 3"});
    auto flipped_payload = valid;
    flipped_payload[payload + 5] ^= 0x10;
    variants.push_back({"payload bit flipped", flipped_payload, "is corrupt: its CRC-32"});
    auto nan_payload = valid;
    const auto nan_bits = std::bit_cast<std::uint32_t>(std::numeric_limits<float>::quiet_NaN());
    for (std::size_t i = 0; i < 4; ++i)
        nan_payload[payload + 8 + i] = static_cast<unsigned char>(nan_bits >> (8 * i));
    auto nan_unchecked = nan_payload;
    fix_checksum(nan_payload);
    variants.push_back({"NaN with a valid checksum", nan_payload, "parameter 2 of layer 0 (dense) is NaN"});
    variants.push_back({"NaN without a valid checksum", nan_unchecked, "CRC-32"});

    for (const auto& v : variants) {
        CAPTURE(v.name);
        const auto path = folder / "variant.weights";
        write_bytes(path, v.bytes);
        net_231 target(7);
        const auto before = copy_parameters(target);
        const std::string message = load_error(target, path);
        CHECK_THAT(message, Contains(v.expected));
        CHECK_THAT(message, Contains(path.string()));
        CHECK(copy_parameters(target) == before);
    }

    net_231 target(7);
    CHECK_THAT(load_error(target, folder / "missing.weights"), Contains("cannot be opened"));
    std::filesystem::remove_all(folder);
}

TEST_CASE("a writer killed mid-save leaves a complete file", "[io][weights]") {
    // A 784-512-10 network takes a few milliseconds to save, so killing the
    // writing process at random points lands inside a write most times.
    using big = network<input<784>, dense<512>, relu, dense<10>>;
    const auto folder = scratch_folder("atomic");
    const auto path = folder / "big.weights";
    const big original(1);
    save_weights(original, path);

    for (int attempt = 0; attempt < 8; ++attempt) {
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            const big other(2 + static_cast<std::uint64_t>(attempt));
            for (;;) save_weights(other, path);
        }
        ::usleep(static_cast<useconds_t>(3000 + 2500 * attempt));
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);

        // Whatever version is there, it loads in full.
        big loaded(99);
        CAPTURE(attempt);
        REQUIRE_NOTHROW(load_weights(loaded, path));
        CHECK(std::filesystem::file_size(path) ==
              36 + architecture_description<big>.size() + big::parameter_count * 4 + 4);
    }
    std::filesystem::remove_all(folder);
}

TEST_CASE("a crash inside write keeps the old file", "[io][weights]") {
    // A file-size limit below the file's size makes the kernel kill the
    // writer with SIGXFSZ in the middle of write(), deterministically.
    using big = network<input<784>, dense<512>, relu, dense<10>>;
    const auto folder = scratch_folder("crash");
    const auto path = folder / "big.weights";
    const big original(1);
    save_weights(original, path);

    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        const rlimit limit{100000, 100000};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        save_weights(big(2), path);
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGXFSZ);

    // The partial temporary file is left behind; the target is untouched.
    std::size_t partial = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder))
        if (entry.path().filename().string().find(".tmp-") != std::string::npos) {
            ++partial;
            CHECK(entry.file_size() == 100000);
        }
    CHECK(partial == 1);
    big loaded(99);
    REQUIRE_NOTHROW(load_weights(loaded, path));
    CHECK(copy_parameters(loaded) == copy_parameters(original));
    std::filesystem::remove_all(folder);
}
