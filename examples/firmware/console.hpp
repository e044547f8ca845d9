#pragma once
// Text output for the embedded programs without printf, which allocates in
// newlib: write() goes to standard output on Linux and, through newlib's
// rdimon semihosting, to QEMU's standard output on the Cortex-M board.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <unistd.h>

namespace console {

inline void print(std::string_view text) {
    while (!text.empty()) {
        const auto n = ::write(1, text.data(), text.size());
        if (n <= 0) return;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
}

inline void print_unsigned(std::size_t value) {
    char digits[20];
    std::size_t count = 0;
    do {
        digits[count++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    char text[20];
    for (std::size_t i = 0; i < count; ++i) text[i] = digits[count - 1 - i];
    print(std::string_view(text, count));
}

/// Prints a float's bits as 8 hex digits, which the host compares exactly
/// or within a tolerance.
inline void print_bits(float value) {
    const auto bits = std::bit_cast<std::uint32_t>(value);
    char text[8];
    for (int i = 0; i < 8; ++i) text[i] = "0123456789abcdef"[(bits >> (28 - 4 * i)) & 0xF];
    print(std::string_view(text, 8));
}

/// Prints one output line: "<model> <sample> <bits> <bits> ...".
template <std::size_t N>
void print_outputs(std::string_view model, std::size_t sample, const float (&values)[N]) {
    print(model);
    print(" ");
    print_unsigned(sample);
    for (float value : values) {
        print(" ");
        print_bits(value);
    }
    print("\n");
}

}  // namespace console
