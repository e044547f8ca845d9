#include <zlib.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <strata/io/idx.hpp>

#include "../support/temp_directory.hpp"

namespace {

namespace fs = std::filesystem;
using bytes = std::vector<std::uint8_t>;

// Each test's scratch folder; the prefix shows which file left it behind.
struct temp_directory : strata_test::temp_directory {
    temp_directory() : strata_test::temp_directory("strata_io_idx_") {}
};

std::string write_file(const std::string& path, const bytes& content) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(content.data()),
              static_cast<std::streamsize>(content.size()));
    REQUIRE(out.good());
    return path;
}

std::string write_gzip_file(const std::string& path, const bytes& content) {
    gzFile file = gzopen(path.c_str(), "wb");
    REQUIRE(file != nullptr);
    const int written = gzwrite(file, content.data(), static_cast<unsigned>(content.size()));
    REQUIRE(written == static_cast<int>(content.size()));
    REQUIRE(gzclose(file) == Z_OK);
    return path;
}

bytes concat(std::initializer_list<bytes> parts) {
    bytes all;
    for (const bytes& part : parts) all.insert(all.end(), part.begin(), part.end());
    return all;
}

// Two 2x2 images and their labels 7 and 3.
const bytes two_images = {0x00, 0x00, 0x08, 0x03, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00,
                          0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0xFF, 0x80, 0x40,
                          0x01, 0x02, 0x03, 0x04};
const bytes two_labels = {0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0x00, 0x02, 0x07, 0x03};

// Returns the message of the data_error that `load` throws; fails the test
// when it throws nothing. Other exception types reach Catch as errors.
template <class F>
std::string data_error_message(F&& load) {
    try {
        load();
    } catch (const strata::data_error& error) {
        return error.what();
    }
    FAIL("expected strata::data_error, but nothing was thrown");
    return {};
}

void check_two_image_dataset(const strata::dataset& data, const std::string& images_path,
                             const std::string& labels_path) {
    REQUIRE(data.size() == 2);
    REQUIRE(data.feature_count() == 4);
    REQUIRE(data.target_count() == 1);
    CHECK(data.source() == images_path + " with labels " + labels_path);

    const std::array<float, 4> first = {0.0f, 1.0f, 0.5019608f, 0.2509804f};
    const std::array<float, 4> second = {1 / 255.0f, 2 / 255.0f, 3 / 255.0f, 4 / 255.0f};
    for (std::size_t j = 0; j < 4; ++j) {
        CHECK_THAT(data.features(0)[j], Catch::Matchers::WithinAbs(first[j], 1e-7));
        CHECK_THAT(data.features(1)[j], Catch::Matchers::WithinAbs(second[j], 1e-7));
    }
    CHECK_THAT(data.targets(0)[0], Catch::Matchers::WithinAbs(7.0, 0.0));
    CHECK_THAT(data.targets(1)[0], Catch::Matchers::WithinAbs(3.0, 0.0));
}

}  // namespace

using Catch::Matchers::Contains;

TEST_CASE("read_idx header and data", "[io][idx]") {
    temp_directory dir;
    const auto path = write_file(dir.file("images.idx"), two_images);

    const strata::idx_array array = strata::read_idx(path);

    CHECK(array.type_code == 0x08);
    CHECK(array.dims == std::vector<std::uint32_t>{2, 2, 2});
    CHECK(array.data == bytes{0x00, 0xFF, 0x80, 0x40, 0x01, 0x02, 0x03, 0x04});
}

TEST_CASE("load_idx plain pair", "[io][idx]") {
    temp_directory dir;
    const auto images = write_file(dir.file("images.idx"), two_images);
    const auto labels = write_file(dir.file("labels.idx"), two_labels);

    check_two_image_dataset(strata::load_idx(images, labels), images, labels);
}

TEST_CASE("load_idx gzip pair", "[io][idx]") {
    temp_directory dir;
    const auto images = write_gzip_file(dir.file("images.idx.gz"), two_images);
    const auto labels = write_gzip_file(dir.file("labels.idx.gz"), two_labels);

    check_two_image_dataset(strata::load_idx(images, labels), images, labels);
}

TEST_CASE("load_idx as double", "[io][idx]") {
    temp_directory dir;
    const auto images = write_file(dir.file("images.idx"), two_images);
    const auto labels = write_file(dir.file("labels.idx"), two_labels);

    const auto data = strata::load_idx<double>(images, labels);

    CHECK_THAT(data.features(0)[2], Catch::Matchers::WithinAbs(128.0 / 255.0, 1e-15));
    CHECK_THAT(data.targets(1)[0], Catch::Matchers::WithinAbs(3.0, 0.0));
}

TEST_CASE("read_idx missing file", "[io][idx]") {
    temp_directory dir;
    const auto path = dir.file("absent.idx");

    const auto message = data_error_message([&] { strata::read_idx(path); });

    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("No such file or directory"));
}

TEST_CASE("read_idx empty file", "[io][idx]") {
    temp_directory dir;
    const auto path = write_file(dir.file("empty.idx"), {});

    const auto message = data_error_message([&] { strata::read_idx(path); });

    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("file is empty"));
}

TEST_CASE("read_idx gzip signature with garbage", "[io][idx]") {
    // zlib detects the gzip signature 1F 8B and tries to decompress, so the
    // reader reports a damaged gzip file rather than a wrong magic.
    temp_directory dir;
    const auto path = write_file(dir.file("broken.idx"),
                                 {0x1F, 0x8B, 0x08, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
                                  'x', 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF});

    const auto message = data_error_message([&] { strata::read_idx(path); });

    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("gzip decompression failed"));
    CHECK_THAT(message, Contains("zlib: "));
}

TEST_CASE("read_idx truncated gzip", "[io][idx]") {
    temp_directory dir;
    const auto whole = write_gzip_file(dir.file("whole.idx.gz"), two_images);
    std::ifstream in(whole, std::ios::binary);
    bytes compressed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    compressed.resize(compressed.size() - 12);  // cut inside the deflate data
    const auto path = write_file(dir.file("cut.idx.gz"), compressed);

    const auto message = data_error_message([&] { strata::read_idx(path); });

    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("unexpected end of file"));
}

TEST_CASE("read_idx gzip inside gzip", "[io][idx]") {
    // One decompression leaves bytes that start with a gzip header.
    temp_directory dir;
    const auto path = write_gzip_file(dir.file("twice.idx.gz"),
                                      {0x1F, 0x8B, 0x08, 0x08, 0x00, 0x00, 0x00, 0x00});

    const auto message = data_error_message([&] { strata::read_idx(path); });

    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("unexpected magic 0x1F8B0808 (529205256)"));
    CHECK_THAT(message, Contains("compressed twice"));
}

TEST_CASE("read_idx unsupported type code", "[io][idx]") {
    temp_directory dir;
    const auto path = write_file(dir.file("floats.idx"),
                                 {0x00, 0x00, 0x0D, 0x01, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0});

    const auto message = data_error_message([&] { strata::read_idx(path); });

    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("type code 0x0D"));
    CHECK_THAT(message, Contains("only 0x08 (unsigned byte) is supported"));
}

TEST_CASE("read_idx dimension count", "[io][idx]") {
    temp_directory dir;
    const auto none = write_file(dir.file("none.idx"), {0x00, 0x00, 0x08, 0x00, 0x01});
    const auto five = write_file(dir.file("five.idx"), {0x00, 0x00, 0x08, 0x05});

    const auto none_message = data_error_message([&] { strata::read_idx(none); });
    const auto five_message = data_error_message([&] { strata::read_idx(five); });

    CHECK_THAT(none_message, Contains(none));
    CHECK_THAT(none_message, Contains("declares 0 dimensions; expected 1 to 4"));
    CHECK_THAT(five_message, Contains(five));
    CHECK_THAT(five_message, Contains("declares 5 dimensions; expected 1 to 4"));
}

TEST_CASE("read_idx zero dimension", "[io][idx]") {
    temp_directory dir;
    const auto path = write_file(dir.file("zero.idx"), {0x00, 0x00, 0x08, 0x02, 0x00, 0x00, 0x00,
                                                        0x03, 0x00, 0x00, 0x00, 0x00});

    const auto message = data_error_message([&] { strata::read_idx(path); });

    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("dimension 1 (0-based) has size 0"));
}

TEST_CASE("read_idx header cut short", "[io][idx]") {
    temp_directory dir;
    const auto path = write_file(dir.file("short.idx"), {0x00, 0x00, 0x08, 0x03, 0x00, 0x00});

    const auto message = data_error_message([&] { strata::read_idx(path); });

    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("ends at byte offset 6, inside the IDX header"));
}

TEST_CASE("read_idx size overflow", "[io][idx]") {
    temp_directory dir;
    bytes header = {0x00, 0x00, 0x08, 0x04};
    for (int i = 0; i < 16; ++i) header.push_back(0xFF);
    const auto path = write_file(dir.file("huge.idx"), header);

    const auto message = data_error_message([&] { strata::read_idx(path); });

    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("more values than fit in memory"));
}

TEST_CASE("read_idx labels cut short", "[io][idx]") {
    temp_directory dir;
    const bytes header = {0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0x00, 0x05};
    const auto path = write_file(dir.file("labels.idx"), concat({header, {0x01, 0x02, 0x03}}));

    const auto message = data_error_message([&] { strata::read_idx(path); });

    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("data ends at byte offset 11"));
    CHECK_THAT(message, Contains("declares 5 data bytes"));
    CHECK_THAT(message, Contains("only 3 are present"));
}

TEST_CASE("read_idx images cut short", "[io][idx]") {
    temp_directory dir;
    const bytes header = {0x00, 0x00, 0x08, 0x03, 0x00, 0x00, 0x00, 0x02,
                          0x00, 0x00, 0x00, 0x1C, 0x00, 0x00, 0x00, 0x1C};
    const auto path = write_file(dir.file("images.idx"), concat({header, bytes(1000, 0x11)}));

    const auto message = data_error_message([&] { strata::read_idx(path); });

    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("data ends at byte offset 1016"));
    CHECK_THAT(message, Contains("(dimensions 2 x 28 x 28) declares 1568 data bytes"));
}

TEST_CASE("read_idx little-endian count", "[io][idx]") {
    // 60000 is 00 00 EA 60 big-endian. Written little-endian, it reads as
    // 0x60EA0000 = 1625948160 labels, far more than the file contains.
    temp_directory dir;
    const bytes header = {0x00, 0x00, 0x08, 0x01, 0x60, 0xEA, 0x00, 0x00};
    const auto path = write_file(dir.file("labels.idx"), concat({header, bytes(60000, 0x01)}));

    const auto message = data_error_message([&] { strata::read_idx(path); });

    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("declares 1625948160 data bytes"));
    CHECK_THAT(message, Contains("only 60000 are present"));
}

TEST_CASE("read_idx trailing bytes", "[io][idx]") {
    temp_directory dir;
    const auto path = write_file(dir.file("labels.idx"), concat({two_labels, {0xAA, 0xBB, 0xCC}}));

    const auto message = data_error_message([&] { strata::read_idx(path); });

    CHECK_THAT(message, Contains(path));
    CHECK_THAT(message, Contains("3 trailing bytes"));
    CHECK_THAT(message, Contains("end at byte offset 10"));
}

TEST_CASE("load_idx count mismatch", "[io][idx]") {
    temp_directory dir;
    const auto images = write_file(dir.file("images.idx"), two_images);
    const auto labels = write_file(
        dir.file("labels.idx"), {0x00, 0x00, 0x08, 0x01, 0x00, 0x00, 0x00, 0x03, 0x07, 0x03, 0x01});

    const auto message = data_error_message([&] { strata::load_idx(images, labels); });

    CHECK_THAT(message, Contains(images + " has 2 images but " + labels + " has 3 labels"));
}

TEST_CASE("load_idx swapped paths", "[io][idx]") {
    temp_directory dir;
    const auto images = write_file(dir.file("images.idx"), two_images);
    const auto labels = write_file(dir.file("labels.idx"), two_labels);

    const auto message = data_error_message([&] { strata::load_idx(labels, images); });

    CHECK_THAT(message, Contains(labels));
    CHECK_THAT(message, Contains("found magic 0x00000801 (1 dimension)"));
    CHECK_THAT(message, Contains("swapped"));
}

TEST_CASE("load_fashion_mnist missing files", "[io][idx]") {
    temp_directory dir;
    const auto directory = dir.file("");

    const auto message = data_error_message([&] { strata::load_fashion_mnist(directory); });

    CHECK_THAT(message, Contains("train-images-idx3-ubyte.gz"));
    CHECK_THAT(message, Contains("install the Debian package dataset-fashion-mnist"));
    CHECK_THAT(message, Contains("pass the directory"));
}

TEST_CASE("load_fashion_mnist real files", "[io][idx]") {
    // The Debian package dataset-fashion-mnist installs these files, and this
    // test fails rather than skips without them.
    REQUIRE(fs::is_directory(strata::default_fashion_mnist_directory));

    const auto [train, test] = strata::load_fashion_mnist();

    REQUIRE(train.size() == 60000);
    REQUIRE(test.size() == 10000);
    CHECK(train.feature_count() == 784);
    CHECK(test.feature_count() == 784);
    CHECK(train.target_count() == 1);

    std::array<std::size_t, 10> class_counts{};
    std::size_t invalid_train_labels = 0;
    for (std::size_t i = 0; i < train.size(); ++i) {
        const float label = train.targets(i)[0];
        if (label >= 0.0f && label <= 9.0f && label == static_cast<float>(static_cast<int>(label)))
            ++class_counts[static_cast<std::size_t>(label)];
        else
            ++invalid_train_labels;
    }
    CHECK(invalid_train_labels == 0);
    for (std::size_t label = 0; label < 10; ++label) {
        INFO("class " << label);
        CHECK(class_counts[label] == 6000);
    }

    std::size_t invalid_test_labels = 0;
    for (std::size_t i = 0; i < test.size(); ++i) {
        const float label = test.targets(i)[0];
        if (!(label >= 0.0f && label <= 9.0f)) ++invalid_test_labels;
    }
    CHECK(invalid_test_labels == 0);

    const float* pixels = train.feature_data();
    const auto [lowest, highest] = std::minmax_element(pixels, pixels + train.size() * 784);
    CHECK_THAT(*lowest, Catch::Matchers::WithinAbs(0.0, 1e-7));
    CHECK_THAT(*highest, Catch::Matchers::WithinAbs(1.0, 1e-7));
}
