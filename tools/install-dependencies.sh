#!/bin/bash
# Installs the Debian 12 packages that strata's build, tests and examples use.
# Runs apt-get directly as root, and through sudo otherwise.
set -euo pipefail

packages=(
  # the library, its tests and the main example
  cmake ninja-build g++ clang libboost-dev libxsimd-dev catch2 zlib1g-dev
  # real data for the main job: gzipped IDX files in /usr/share/datasets/fashion-mnist
  dataset-fashion-mnist
  # data-parallel training across processes (STRATA_MPI, on for the test build)
  libopenmpi-dev openmpi-bin
)

if [[ $(id -u) -eq 0 ]]; then
  as_root=()
else
  as_root=(sudo)
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${packages[@]}"
