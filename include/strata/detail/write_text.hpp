#pragma once

#include <span>
#include <string>
#include <string_view>

#include "../io/atomic_file.hpp"

namespace strata::detail {

// Writes `text` to `path` through write_file_atomically, so a reader never
// sees a half-written file. Throws std::system_error naming the path.
inline void write_text_atomically(const std::string& path, std::string_view text) {
    write_file_atomically(
        path, std::span(reinterpret_cast<const unsigned char*>(text.data()), text.size()));
}

}  // namespace strata::detail
