#pragma once
// A scratch folder for tests that write files.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <string>
#include <system_error>

namespace strata_test {

/// A fresh directory under the system temp directory, named from `prefix`
/// and removed with its files when the object goes away.
class temp_directory {
public:
    explicit temp_directory(const std::string& prefix) {
        static std::atomic<unsigned> counter{0};
        const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
        path_ = std::filesystem::temp_directory_path() /
                (prefix + std::to_string(std::random_device{}()) + "_" + std::to_string(stamp) +
                 "_" + std::to_string(counter++));
        std::filesystem::create_directories(path_);
    }
    ~temp_directory() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temp_directory(const temp_directory&) = delete;
    temp_directory& operator=(const temp_directory&) = delete;

    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

}  // namespace strata_test
