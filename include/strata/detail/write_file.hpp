#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

namespace strata::detail {

// Writes `content` to `path` through a temporary file beside it and a
// rename, so a reader never sees a half-written file. Throws
// std::system_error naming the path on failure.
inline void write_file_atomically(const std::string& path, std::string_view content) {
    const std::string temporary = path + ".tmp";
    std::FILE* file = std::fopen(temporary.c_str(), "wb");
    if (file == nullptr)
        throw std::system_error(errno, std::generic_category(), "cannot create " + temporary);
    const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
    const int write_errno = errno;
    if (std::fclose(file) != 0 || !written) {
        std::remove(temporary.c_str());
        throw std::system_error(written ? errno : write_errno, std::generic_category(),
                                "cannot write " + temporary);
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        const int rename_errno = errno;
        std::remove(temporary.c_str());
        throw std::system_error(rename_errno, std::generic_category(),
                                "cannot rename " + temporary + " to " + path);
    }
}

}  // namespace strata::detail
