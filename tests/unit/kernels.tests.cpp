// SIMD kernels against the plain-loop versions on awkward sizes.

#include <cmath>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>
#include <strata/kernels/dense.hpp>
#include <strata/kernels/elementwise.hpp>
#include <strata/optimizers/adam.hpp>
#include <strata/random.hpp>

#include "../support/gradient_check.hpp"

#if STRATA_HAS_SIMD

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

template <class T>
std::vector<T> values(std::size_t count, std::uint64_t seed) {
    const auto v = strata_test::random_values(count, seed);
    return std::vector<T>(v.begin(), v.end());
}

template <class T, std::size_t In, std::size_t Out>
void compare_dense(std::size_t batch) {
    const auto w = values<T>(In * Out, 1);
    const auto b = values<T>(Out, 2);
    const auto x = values<T>(batch * In, 3);
    const auto dy = values<T>(batch * Out, 4);
    const double tolerance = sizeof(T) == 4 ? 1e-4 : 1e-12;

    std::vector<T> y_vector(batch * Out), y_scalar(batch * Out);
    strata::kernels::vector::dense_forward<In, Out>(w.data(), b.data(), x.data(), y_vector.data(), batch);
    strata::kernels::scalar::dense_forward<In, Out>(w.data(), b.data(), x.data(), y_scalar.data(), batch);
    for (std::size_t i = 0; i < y_vector.size(); ++i)
        REQUIRE_THAT(y_vector[i], WithinAbs(y_scalar[i], tolerance));

    std::vector<T> dx_vector(batch * In), dx_scalar(batch * In);
    strata::kernels::vector::sum_scaled_rows<In>(batch, Out, dy.data(), Out, 1, w.data(), dx_vector.data());
    strata::kernels::scalar::sum_scaled_rows<In>(batch, Out, dy.data(), Out, 1, w.data(), dx_scalar.data());
    for (std::size_t i = 0; i < dx_vector.size(); ++i)
        REQUIRE_THAT(dx_vector[i], WithinAbs(dx_scalar[i], tolerance));

    std::vector<T> dw_vector(In * Out), dw_scalar(In * Out);
    strata::kernels::vector::sum_scaled_rows<In>(Out, batch, dy.data(), 1, Out, x.data(), dw_vector.data());
    strata::kernels::scalar::sum_scaled_rows<In>(Out, batch, dy.data(), 1, Out, x.data(), dw_scalar.data());
    for (std::size_t i = 0; i < dw_vector.size(); ++i)
        REQUIRE_THAT(dw_vector[i], WithinAbs(dw_scalar[i], tolerance));
}

}  // namespace

TEMPLATE_TEST_CASE("dense kernels match plain loops", "[kernels][dense]", float, double) {
    for (std::size_t batch : {1, 3, 4, 7, 9, 13, 16, 21}) {
        CAPTURE(batch);
        compare_dense<TestType, 1, 1>(batch);
        compare_dense<TestType, 37, 13>(batch);
        compare_dense<TestType, 64, 4>(batch);
        compare_dense<TestType, 16, 32>(batch);
        compare_dense<TestType, 130, 9>(batch);
    }
    // From panel_batch samples on, the forward pass runs on panels of W^T:
    // whole 8-sample blocks and a remainder, more than one panel of inputs,
    // and outputs beyond the last whole panel.
    static_assert(strata::kernels::vector::panel_batch <= 130);
    compare_dense<TestType, 600, 45>(130);
    compare_dense<TestType, 70, 32>(137);
}

namespace {

// The single-sample kernels against the batched plain loop: the row-major
// one, and the packed one with and without a fused relu.
template <class T, std::size_t In, std::size_t Out>
void compare_single(bool packed) {
    const auto w = values<T>(In * Out, 5);
    const auto b = values<T>(Out, 6);
    const auto x = values<T>(In, 7);
    const double tolerance = sizeof(T) == 4 ? 1e-4 : 1e-12;
    std::vector<T> expected(Out);
    strata::kernels::scalar::dense_forward<In, Out>(w.data(), b.data(), x.data(), expected.data(), 1);

    // One spare value after the output catches a write past Out.
    std::vector<T> y(Out + 1, T(12345));
    if (!packed) {
        strata::kernels::vector::dense_forward_single<In, Out>(w.data(), b.data(), x.data(), y.data());
        for (std::size_t o = 0; o < Out; ++o) REQUIRE_THAT(y[o], WithinAbs(expected[o], tolerance));
        REQUIRE(y[Out] == T(12345));
        return;
    }

    // Any shape can be packed, whether or not a network would choose to.
    std::vector<T, xsimd::aligned_allocator<T, 64>> copy((In + 1) *
                                                         strata::kernels::packed_stride<Out, T>);
    strata::kernels::pack_dense<In, Out>(w.data(), b.data(), copy.data());
    strata::kernels::vector::dense_forward_packed<In, Out>(copy.data(), x.data(), y.data());
    for (std::size_t o = 0; o < Out; ++o) REQUIRE_THAT(y[o], WithinAbs(expected[o], tolerance));
    REQUIRE(y[Out] == T(12345));

    strata::kernels::scalar::dense_forward_packed<In, Out>(copy.data(), x.data(), y.data());
    for (std::size_t o = 0; o < Out; ++o) REQUIRE_THAT(y[o], WithinAbs(expected[o], tolerance));

    using V = strata::kernels::simd<T>;
    strata::kernels::vector::dense_forward_packed<In, Out>(
        copy.data(), x.data(), y.data(), [](const V& v) { return xsimd::max(v, V(T(0))); });
    for (std::size_t o = 0; o < Out; ++o)
        REQUIRE_THAT(y[o], WithinAbs(std::max(expected[o], T(0)), tolerance));
}

}  // namespace

TEMPLATE_TEST_CASE("single-sample dense kernels match plain loops", "[kernels][dense]", float,
                   double) {
    constexpr bool pack = true;
    compare_single<TestType, 16, 32>(pack);
    compare_single<TestType, 32, 32>(pack);
    compare_single<TestType, 128, 10>(pack);
    compare_single<TestType, 7, 9>(pack);
    compare_single<TestType, 1, 17>(pack);
    compare_single<TestType, 40, 3>(pack);
    compare_single<TestType, 784, 16>(!pack);
    compare_single<TestType, 37, 33>(!pack);
    compare_single<TestType, 32, 1>(!pack);
    compare_single<TestType, 5, 70>(!pack);
}

TEST_CASE("packed copies only for small, wide-enough layers", "[kernels][dense]") {
    using strata::kernels::use_packed_dense;
    constexpr std::size_t width = strata::kernels::simd_width<float>;
    STATIC_REQUIRE(use_packed_dense<16, 32, float>);
    STATIC_REQUIRE(use_packed_dense<32, width / 2, float>);
    STATIC_REQUIRE_FALSE(use_packed_dense<32, 1, float>);
    STATIC_REQUIRE_FALSE(use_packed_dense<784, 128, float>);
    STATIC_REQUIRE(strata::kernels::packed_dense_size<16, 32, float> ==
                   17 * strata::kernels::packed_stride<32, float>);
    STATIC_REQUIRE(strata::kernels::packed_dense_size<784, 128, float> == 0);
}

TEMPLATE_TEST_CASE("transposing horizontal add sums each row", "[kernels]", float, double) {
    using V = strata::kernels::simd<TestType>;
    constexpr std::size_t width = V::size;
    const auto data = values<TestType>(width * width, 9);
    V rows[width];
    for (std::size_t r = 0; r < width; ++r) rows[r] = V::load_unaligned(data.data() + r * width);
    alignas(64) TestType sums[width];
    strata::kernels::reduce_add_rows<TestType>(rows).store_aligned(sums);
    for (std::size_t r = 0; r < width; ++r) {
        CAPTURE(r);
        TestType expected = 0;
        for (std::size_t k = 0; k < width; ++k) expected += data[r * width + k];
        REQUIRE_THAT(sums[r], WithinAbs(expected, 1e-5));
    }
}

TEST_CASE("vector tanh stays within a few ulp of tanh", "[kernels][tanh]") {
    using V = strata::kernels::simd<float>;
    constexpr std::size_t width = V::size;
    std::vector<float> points;
    for (int i = -240000; i <= 240000; ++i) points.push_back(static_cast<float>(i) * 5e-5f);
    for (float tiny : {1e-30f, 1e-20f, 1e-10f, 1e-6f, 9.0f, 9.5f, 1e6f, 3e38f}) {
        points.push_back(tiny);
        points.push_back(-tiny);
    }
    while (points.size() % width != 0) points.push_back(0.0f);

    double worst = 0;
    for (std::size_t i = 0; i < points.size(); i += width) {
        alignas(64) float y[width];
        strata::kernels::tanh<float>(V::load_unaligned(points.data() + i)).store_aligned(y);
        for (std::size_t k = 0; k < width; ++k) {
            const double exact = std::tanh(static_cast<double>(points[i + k]));
            CAPTURE(points[i + k]);
            REQUIRE(std::abs(y[k]) <= 1.0f);
            if (exact != 0) worst = std::max(worst, std::abs(y[k] - exact) / std::abs(exact));
            else REQUIRE(y[k] == 0.0f);
        }
    }
    CHECK(worst < 5e-7);

    constexpr float inf = std::numeric_limits<float>::infinity();
    alignas(64) float special[width] = {};
    special[0] = std::numeric_limits<float>::quiet_NaN();
    special[1] = inf;
    special[2] = -inf;
    strata::kernels::tanh<float>(V::load_aligned(special)).store_aligned(special);
    REQUIRE(std::isnan(special[0]));
    REQUIRE(special[1] == 1.0f);
    REQUIRE(special[2] == -1.0f);
}

TEST_CASE("adam's vector loop matches the formula in double", "[kernels][adam]") {
    constexpr std::size_t size = 67;  // whole registers and a scalar tail
    const strata::optimizers::adam adam{};
    strata::optimizers::adam::state<float, size> state{};
    // Parameters start at 0, so float keeps the updates to full relative
    // precision, and a reciprocal without its Newton step (2^-14) fails.
    std::vector<float> parameters(size, 0.0f);
    std::vector<double> p(size), m(size), v(size);
    for (int t = 1; t <= 5; ++t) {
        // Gradients over several orders of magnitude, and some zeros.
        auto gradient = values<float>(size, 20 + static_cast<std::uint64_t>(t));
        for (std::size_t i = 0; i < size; ++i) gradient[i] *= i % 5 == 0 ? 0.0f : std::pow(10.0f, -float(i % 4));
        adam.step(state, parameters.data(), gradient.data());
        for (std::size_t i = 0; i < size; ++i) {
            m[i] = 0.9 * m[i] + 0.1 * gradient[i];
            v[i] = 0.999 * v[i] + 0.001 * double(gradient[i]) * gradient[i];
            const double denominator = std::sqrt(v[i]) / std::sqrt(1 - std::pow(0.999, t)) + 1e-8;
            p[i] -= 1e-3 / (1 - std::pow(0.9, t)) * m[i] / denominator;
        }
    }
    for (std::size_t i = 0; i < size; ++i) {
        CAPTURE(i);
        REQUIRE_THAT(parameters[i], WithinRel(p[i], 2e-6) || WithinAbs(p[i], 1e-12));
    }
}

#else

TEST_CASE("kernels built without SIMD", "[kernels]") {
    REQUIRE(std::string(strata::kernels::instruction_set()) == "scalar");
}

#endif
