#pragma once
// Replaces a file in one step: the bytes go to a temporary file in the same
// directory, which is flushed to disk and then renamed over the target. A
// crash at any point leaves either the old file or the new one, never a
// partial file. POSIX only (mkstemp, fsync, rename).

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

namespace strata::detail {

[[noreturn]] inline void throw_file_error(int error, const std::string& what) {
    throw std::system_error(error, std::generic_category(), what);
}

/// Writes `bytes` to `path` atomically: through a temporary file named
/// "<path>.tmp-XXXXXX" that is removed again if anything fails. A replaced
/// file keeps its permission bits; a new one gets rw-r--r--.
inline void write_file_atomically(const std::filesystem::path& path,
                                  std::span<const unsigned char> bytes) {
    std::string temporary = path.string() + ".tmp-XXXXXX";
    const int fd = ::mkstemp(temporary.data());
    if (fd < 0)
        throw_file_error(errno, "cannot create a temporary file next to '" + path.string() + "'");

    const auto fail = [&](const std::string& step) {
        const int error = errno;
        ::close(fd);
        ::unlink(temporary.c_str());
        throw_file_error(error, step + " '" + temporary + "' (for '" + path.string() + "')");
    };
    // mkstemp creates the file as rw-------.
    struct ::stat existing {};
    const ::mode_t mode = ::stat(path.c_str(), &existing) == 0 ? existing.st_mode & 07777 : 0644;
    if (::fchmod(fd, mode) != 0) fail("cannot set the permissions of");
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ::ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write");
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) fail("cannot flush");
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(temporary.c_str());
        throw_file_error(error, "cannot close '" + temporary + "'");
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temporary.c_str());
        throw_file_error(error, "cannot rename '" + temporary + "' to '" + path.string() + "'");
    }

    // Flushing the directory makes the rename itself durable.
    const std::filesystem::path directory =
        path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    const int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY);
    if (directory_fd >= 0) {
        ::fsync(directory_fd);
        ::close(directory_fd);
    }
}

}  // namespace strata::detail
