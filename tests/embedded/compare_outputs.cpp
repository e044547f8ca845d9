// compare_outputs EXPECTED ACTUAL TOLERANCE
//
// Both files hold lines "<model> <sample> <bits> <bits> ...", each <bits>
// a float's 8 hex digits; other lines are ignored. Every expected line must
// appear in ACTUAL with the same model, sample and output count. With
// TOLERANCE 0 the bits must be equal; otherwise each output y must satisfy
// |y - e| <= TOLERANCE * max(|e|, 1), where e is the expected value.

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using outputs = std::map<std::string, std::vector<float>>;

bool read_outputs(const char* path, outputs& result) {
    std::ifstream file(path);
    if (!file) {
        std::fprintf(stderr, "compare_outputs: cannot open %s\n", path);
        return false;
    }
    std::string line;
    while (std::getline(file, line)) {
        std::istringstream fields(line);
        std::string model, sample, bits;
        if (!(fields >> model >> sample) || sample.find_first_not_of("0123456789") != std::string::npos)
            continue;
        std::vector<float> values;
        bool valid = true;
        while (fields >> bits) {
            char* end = nullptr;
            const unsigned long value = std::strtoul(bits.c_str(), &end, 16);
            valid = valid && bits.size() == 8 && *end == '\0';
            values.push_back(std::bit_cast<float>(static_cast<std::uint32_t>(value)));
        }
        if (valid && !values.empty()) result[model + " " + sample] = values;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fputs("usage: compare_outputs EXPECTED ACTUAL TOLERANCE\n", stderr);
        return 2;
    }
    const double tolerance = std::strtod(argv[3], nullptr);
    outputs expected, actual;
    if (!read_outputs(argv[1], expected) || !read_outputs(argv[2], actual)) return 2;
    if (expected.empty()) {
        std::fprintf(stderr, "compare_outputs: %s contains no output lines\n", argv[1]);
        return 2;
    }

    std::size_t failures = 0;
    double worst = 0;
    double worst_relative = 0;
    for (const auto& [key, want] : expected) {
        const auto found = actual.find(key);
        if (found == actual.end() || found->second.size() != want.size()) {
            std::fprintf(stderr, "%s: missing, or a different number of outputs\n", key.c_str());
            ++failures;
            continue;
        }
        for (std::size_t k = 0; k < want.size(); ++k) {
            const float got = found->second[k];
            const double scale = std::fmax(std::fabs(want[k]), 1.0);
            const double error = std::fabs(static_cast<double>(got) - want[k]) / scale;
            worst = std::fmax(worst, error);
            if (want[k] != 0)
                worst_relative = std::fmax(
                    worst_relative, std::fabs(static_cast<double>(got) - want[k]) / std::fabs(want[k]));
            const bool equal = tolerance == 0
                                   ? std::bit_cast<std::uint32_t>(got) ==
                                         std::bit_cast<std::uint32_t>(want[k])
                                   : error <= tolerance;
            if (!equal) {
                std::fprintf(stderr, "%s output %zu: expected %.9g, got %.9g\n", key.c_str(), k,
                             static_cast<double>(want[k]), static_cast<double>(got));
                ++failures;
            }
        }
    }
    std::printf("compared %zu samples; largest error %.3g relative to max(|expected|, 1), "
                "%.3g relative to |expected|\n",
                expected.size(), worst, worst_relative);
    if (failures > 0) {
        std::fprintf(stderr, "%zu mismatches (tolerance %g)\n", failures, tolerance);
        return 1;
    }
    return 0;
}
