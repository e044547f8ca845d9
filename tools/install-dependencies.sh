#!/bin/bash
# Installs the Debian 12 packages that strata's build, tests and examples use.
# Runs apt-get directly as root, and through sudo otherwise.
#
#   tools/install-dependencies.sh [--benchmarks]
#
# --benchmarks also installs the peers that benchmarks/ compares against
# (-DSTRATA_BUILD_BENCHMARKS=ON); they are large, so the tests do not need them.
set -euo pipefail

packages=(
  # the library, its tests and the main example
  cmake ninja-build g++ clang libboost-dev libxsimd-dev catch2 zlib1g-dev
  # real data for the main job: gzipped IDX files in /usr/share/datasets/fashion-mnist
  dataset-fashion-mnist
  # inference builds run from ctest: Cortex-M4F firmware on QEMU, aarch64 (NEON) on qemu-aarch64
  gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm
  crossbuild-essential-arm64 qemu-user
  # compile-cost benchmark and diagnostic-length table (benchmarks/compile_cost,
  # tools/diagnostic_length.py): /usr/bin/time -v, Python, and dlib as the peer
  time python3 libdlib-dev
  # data-parallel training across processes (STRATA_MPI, on for the test build)
  libopenmpi-dev openmpi-bin
)

for argument in "$@"; do
  case "$argument" in
    --benchmarks)
      packages+=(
        # peers: Eigen, libtorch and PyTorch 1.13, dlib
        libeigen3-dev libtorch-dev python3-torch python3-numpy libdlib-dev
        # OpenBLAS for libtorch's and dlib's matrix products; without it
        # Debian's alternatives select the much slower reference BLAS
        libopenblas0-pthread
      )
      ;;
    *)
      echo "install-dependencies.sh: unknown option $argument; the only option is --benchmarks" >&2
      exit 2
      ;;
  esac
done

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
else
  as_root=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"
