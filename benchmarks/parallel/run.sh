#!/bin/bash
# Prints the speed-up of 2 threads and of 2 MPI ranks over 1 process with 1
# thread, training the Fashion-MNIST example's network at batch 256.
#
#   benchmarks/parallel/run.sh BUILD_DIR [ROUNDS] [EPOCHS]
#
# Each round runs all set-ups one after another, so that a change in the
# machine's load hits them alike. The speed-ups are ratios of the
# median epoch times over all rounds. MPI stays on this machine: shared
# memory between the ranks, and loopback for Open MPI's own connections.
set -euo pipefail

build=${1:?usage: run.sh BUILD_DIR [ROUNDS] [EPOCHS]}
rounds=${2:-3}
epochs=${3:-5}
binary=$(realpath "$build/benchmarks/parallel/parallel_scaling")

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# --bind-to none: by default Open MPI pins a lone rank to one core, which
# would put both of its threads on that core.
# mpi_yield_when_idle: a rank that waits in MPI_Allreduce yields its core
# instead of polling without pause. With as many ranks as cores, Open MPI
# polls by default, and on a machine that also runs other work the polling
# rank takes time from the ranks still computing.
mpi=(mpirun --oversubscribe --bind-to none --mca mpi_yield_when_idle 1
     --mca btl self,vader --mca pml ob1
     --mca oob_tcp_if_include lo --mca btl_tcp_if_include lo)

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# The load average shows whether other programs shared the cores.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq "$rounds"); do
  echo "round $round of $rounds" >&2
  "${mpi[@]}" -np 1 "$binary" --threads 1 --epochs "$epochs" | tee -a "$log" >&2
  "${mpi[@]}" -np 1 "$binary" --threads 2 --epochs "$epochs" | tee -a "$log" >&2
  "${mpi[@]}" -np 2 "$binary" --threads 1 --epochs "$epochs" | tee -a "$log" >&2
  # The control: two independent one-thread runs at once. Twice their
  # throughput over one run alone is the most that any split into 2 workers
  # can gain while the machine runs whatever else it runs.
  for copy in 1 2; do
    "${mpi[@]}" -np 1 "$binary" --threads 1 --epochs "$epochs" |
      sed 's/ranks=1 threads=1/independent=2 threads=1/' | tee -a "$log" >&2 &
  done
  wait
done

# Median epoch time of one set-up, in seconds.
median() {
  awk -v setup="$1" '$1 == "epoch" && $2 " " $3 == setup { print $5 }' "$log" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

one=$(median "ranks=1 threads=1")
threads=$(median "ranks=1 threads=2")
ranks=$(median "ranks=2 threads=1")
pair=$(median "independent=2 threads=1")
echo
echo "median epoch time over $rounds rounds of $epochs epochs, batch 256 ($(nproc) cores):"
echo "  load average (1, 5, 15 min) before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v one="$one" -v threads="$threads" -v ranks="$ranks" -v pair="$pair" 'BEGIN {
  printf "  1 process, 1 thread    %.3f s\n", one
  printf "  1 process, 2 threads   %.3f s   speed-up %.2fx\n", threads, one / threads
  printf "  2 MPI ranks, 1 thread  %.3f s   speed-up %.2fx\n", ranks, one / ranks
  printf "  control: 2 independent 1-thread runs at once, %.3f s each: throughput %.2fx\n", pair, 2 * one / pair
}'
