// SIMD kernels against the plain-loop versions on awkward sizes.

#include <vector>

#include <catch2/catch.hpp>
#include <strata/kernels/dense.hpp>
#include <strata/random.hpp>

#include "../support/gradient_check.hpp"

#if STRATA_HAS_SIMD

using Catch::Matchers::WithinAbs;

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
    for (std::size_t batch : {1, 3, 4, 7, 16}) {
        CAPTURE(batch);
        compare_dense<TestType, 1, 1>(batch);
        compare_dense<TestType, 37, 13>(batch);
        compare_dense<TestType, 64, 4>(batch);
        compare_dense<TestType, 16, 32>(batch);
        compare_dense<TestType, 130, 9>(batch);
    }
}

#else

TEST_CASE("kernels built without SIMD", "[kernels]") {
    REQUIRE(std::string(strata::kernels::instruction_set()) == "scalar");
}

#endif
