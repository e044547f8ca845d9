#!/usr/bin/python3
"""Measures what compiling strata programs costs, next to dlib programs of
the same networks compiled in the same run.

Each program is compiled to an object file (g++ -std=c++20 -O2
-march=native -c) under /usr/bin/time -v, which reports the wall time and
the peak resident memory of the compiler. The programs are the
Fashion-MNIST example and, for each depth, the generated strata and dlib
programs of generate.py (DEPTH dense layers of width 32 with ReLU between
them, training with cross-entropy and Adam plus one prediction). Every
program is compiled --repeats times, interleaved, and the table shows
medians. Timings on a shared machine are noisy: compare the ratios within
one run, not absolute times across runs.

usage: benchmarks/compile_cost/run.py [--repeats 3] [--depths 2 8 32 128]
                                      [--work-dir build/compile_cost]
"""

import argparse
import math
import pathlib
import re
import statistics
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLAGS = ["-std=c++20", "-O2", "-march=native", "-c"]


def measure(compiler, source, include_dirs, work_dir):
    """Returns (wall seconds, CPU seconds, peak resident MiB) of compiling `source`."""
    command = ["/usr/bin/time", "-v", compiler, *FLAGS,
               *[f"-I{d}" for d in include_dirs], str(source),
               "-o", str(work_dir / (source.stem + ".o"))]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"compiling {source} failed:\n{result.stderr[-4000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", result.stderr)
    memory = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
    user = re.search(r"User time \(seconds\): (\S+)", result.stderr)
    system = re.search(r"System time \(seconds\): (\S+)", result.stderr)
    if not wall or not memory or not user or not system:
        sys.exit(f"/usr/bin/time -v printed no times or memory for {source}")
    seconds = 0.0
    for part in wall.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    cpu_seconds = float(user.group(1)) + float(system.group(1))
    return seconds, cpu_seconds, int(memory.group(1)) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="compilations per program")
    parser.add_argument("--depths", type=int, nargs="+", default=[2, 8, 32, 128],
                        help="numbers of dense layers")
    parser.add_argument("--work-dir", type=pathlib.Path, default=ROOT / "build" / "compile_cost",
                        help="folder for generated sources and objects")
    parser.add_argument("--compiler", default="g++", help="C++ compiler (default g++)")
    args = parser.parse_args()

    work = args.work_dir.resolve()
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "compile_cost" / "generate.py"),
                    str(work), *map(str, args.depths)], check=True)
    strata_include = [ROOT / "include"]
    programs = [("fashion_mnist example", ROOT / "examples" / "fashion_mnist.cpp", strata_include)]
    for depth in args.depths:
        programs.append((f"strata {depth}", work / f"strata_{depth}.cpp", strata_include))
        programs.append((f"dlib {depth}", work / f"dlib_{depth}.cpp", []))

    samples = {name: [] for name, _, _ in programs}
    for repeat in range(args.repeats):
        for name, source, includes in programs:
            seconds, cpu_seconds, mebibytes = measure(args.compiler, source, includes, work)
            samples[name].append((seconds, cpu_seconds, mebibytes))
            print(f"run {repeat + 1}/{args.repeats}: {name}: {seconds:.2f} s wall, "
                  f"{cpu_seconds:.2f} s CPU, {mebibytes:.0f} MiB", file=sys.stderr, flush=True)

    def median(name, index):
        return statistics.median(sample[index] for sample in samples[name])

    compiler_version = subprocess.run([args.compiler, "--version"], capture_output=True,
                                      text=True, check=True).stdout.splitlines()[0]
    print(f"{compiler_version}, flags: {' '.join(FLAGS)}; medians of {args.repeats} runs\n")
    example = "fashion_mnist example"
    print(f"{example}: {median(example, 0):.2f} s wall, {median(example, 1):.2f} s CPU, "
          f"{median(example, 2):.0f} MiB peak\n")

    # CPU time (user + system) is the compiler's own work; wall time also
    # counts waiting for a core on a shared machine.
    print("| dense layers | strata s wall | strata s CPU | strata MiB | dlib s wall | dlib s CPU |"
          " dlib MiB | dlib / strata CPU time | strata CPU s per added layer |"
          " strata CPU time growth exponent |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    previous = None
    first_depth = args.depths[0]
    first_s = median(f"strata {first_depth}", 1)
    for depth in args.depths:
        strata_wall, strata_s, strata_mib = (median(f"strata {depth}", i) for i in range(3))
        dlib_wall, dlib_s, dlib_mib = (median(f"dlib {depth}", i) for i in range(3))
        # The exponent k in time ~ depth^k between this depth and the one before;
        # 1 is linear growth.
        exponent = "-"
        per_layer = "-"
        if previous is not None:
            # Time beyond the shallowest program (which is mostly parsing the
            # headers) divided by the layers added beyond it.
            per_layer = f"{(strata_s - first_s) / (depth - first_depth):.3f}"
            exponent = f"{math.log(strata_s / previous[1]) / math.log(depth / previous[0]):.2f}"
        print(f"| {depth} | {strata_wall:.2f} | {strata_s:.2f} | {strata_mib:.0f} |"
              f" {dlib_wall:.2f} | {dlib_s:.2f} | {dlib_mib:.0f} | {dlib_s / strata_s:.1f} |"
              f" {per_layer} | {exponent} |")
        previous = (depth, strata_s)


if __name__ == "__main__":
    main()
