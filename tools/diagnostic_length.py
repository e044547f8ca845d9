#!/usr/bin/python3
"""Prints, for each compile-fail case, how many lines the compiler prints
before the first line that names the mistake.

For strata (tests/compile_fail/*.cpp) a line names the mistake when it is the
instantiation line of a strata::diagnostics check (the check's name states
the rule, and its template arguments the sizes) or when it matches the
case's "// expect:" regular expression (the static_assert message). The
table also gives the line of that message and the total length of the output.

For dlib (benchmarks/diagnostics/dlib/*.cpp) each file states on a
"// names:" line the regular expression of dlib's first line that names the
mistake; a program that compiles is reported as such, because dlib checks
that mistake at run time or not at all.

usage: tools/diagnostic_length.py [--compiler g++] [--no-dlib]
Run it from anywhere; it finds the repository from its own path.
"""

import argparse
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHECK_LINE = re.compile(r"strata::diagnostics::\w+\(\)")


def header_value(source, key):
    for line in source.read_text().splitlines()[:4]:
        match = re.match(rf"^// {key}: (.+)$", line)
        if match:
            return match.group(1)
    sys.exit(f"{source}: missing a '// {key}: ...' line in the first four lines")


def compile_output(compiler, source, extra_flags):
    result = subprocess.run(
        [compiler, "-std=c++20", "-fsyntax-only", *extra_flags, str(source)],
        capture_output=True, text=True, check=False)
    return result.returncode, (result.stdout + result.stderr).splitlines()


def first_match(lines, pattern):
    for index, line in enumerate(lines):
        if pattern.search(line):
            return index
    return None


def show(index):
    return "-" if index is None else str(index)


def strata_table(compiler):
    print(f"strata, {compiler}: lines printed before the line that names the mistake\n")
    print("| case | lines before the mistake is named | lines before the message | total lines |")
    print("|---|---|---|---|")
    worst = 0
    for source in sorted((ROOT / "tests" / "compile_fail").glob("*.cpp")):
        expected = re.compile(header_value(source, "expect"))
        rc, lines = compile_output(compiler, source, [f"-I{ROOT / 'include'}"])
        if rc == 0:
            sys.exit(f"{source} compiled with {compiler}; every compile-fail case must fail")
        message = first_match(lines, expected)
        named = [i for i in (first_match(lines, CHECK_LINE), message) if i is not None]
        before = min(named) if named else None
        worst = max(worst, before if before is not None else len(lines))
        print(f"| {source.stem} | {show(before)} | {show(message)} | {len(lines)} |")
    print(f"\nmaximum lines before the mistake is named: {worst}\n")


def dlib_table(compiler):
    print(f"dlib, {compiler}: lines printed before the line that names the mistake\n")
    print("| dlib program | mirrors strata case | lines before the mistake is named | total lines |")
    print("|---|---|---|---|")
    for source in sorted((ROOT / "benchmarks" / "diagnostics" / "dlib").glob("*.cpp")):
        mirrors = header_value(source, "mirrors")
        pattern = re.compile(header_value(source, "names"))
        rc, lines = compile_output(compiler, source, [])
        if rc == 0:
            print(f"| {source.stem} | {mirrors} | compiles: no compile-time check | 0 |")
            continue
        print(f"| {source.stem} | {mirrors} | {show(first_match(lines, pattern))} | {len(lines)} |")
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compiler", default="g++", help="C++ compiler to run (default g++)")
    parser.add_argument("--no-dlib", action="store_true", help="skip the dlib programs")
    args = parser.parse_args()
    strata_table(args.compiler)
    if not args.no_dlib:
        dlib_table(args.compiler)


if __name__ == "__main__":
    main()
