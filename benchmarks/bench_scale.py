"""How `symcheck verify` grows with the work: time and peak memory per step.

    python benchmarks/bench_scale.py [--full]

Workloads are generated from the seeds' mathematics (the softmax, its Jacobian in the
case i = j, the normalisation sum_k S_k = 1) into derivation files in a temporary
directory:

- one chain of L steps (L = 10, 100, 300; with --full also 1,000): the Jacobian entry
  written alternately in three equal forms, each step with its own vanishing term;
- the normalisation and the Jacobian row sum for a fixed size N (N = 4, 16, 64): sums
  written out term by term;
- D documents made by renaming one small derivation (scalar name and constants)
  (D = 5, 50; with --full also 500).

Each workload runs in a fresh process (`--no-cache -j 1`); growth is linear when the
seconds per step stay flat down a column. Timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEADER = """source = "generated.txt"
title = "{title}"

[sizes]
N = {{}}

[indices]
i = {{ range = [1, "N"] }}
j = {{ range = [1, "N"] }}
k = {{ range = [1, "N"] }}

[symbols]
a = {{ kind = "vector", shape = ["N"] }}
S = {{ kind = "vector", shape = ["N"], domain = "probability" }}
{scalar} = {{}}

[[definitions]]
line = 1
latex = 'S_j = \\frac{{e^{{a_j}}}}{{\\sum_{{k=1}}^N e^{{a_k}}}}'
"""

JACOBIAN_FORMS = (
    "\\frac{{\\partial S_i}}{{\\partial a_j}} + {extra}",
    "S_i (1 - S_j) + {extra}",
    "S_i - S_i S_j + {extra}",
)


def chain(name: str, steps: list[str], condition: str = "", sizes: str = "") -> str:
    text = f'\n[[chains]]\nname = "{name}"\n'
    text += f'condition = "{condition}"\n' if condition else ""
    text += f"sizes = {{ {sizes} }}\n" if sizes else ""
    for line, latex in enumerate(steps, 2):
        text += f"[[chains.steps]]\nline = {line}\nlatex = '{latex}'\n"
    return text


def long_chain(length: int) -> str:
    steps = [JACOBIAN_FORMS[n % 3].format(extra=f"x^{{{n % 7 + 2}}} - x^{{{n % 7 + 2}}}") for n in range(length)]
    return HEADER.format(title=f"chain of {length}", scalar="x") + chain("jacobian", steps, "i = j")


def fixed_size(size: int) -> str:
    normalisation = ["\\sum_{k=1}^N S_k", "1"]
    row = ["\\sum_{k=1}^N \\frac{\\partial S_k}{\\partial a_j}", "0"]
    text = HEADER.format(title=f"N = {size}", scalar="x")
    return text + chain("normalisation", normalisation, sizes=f"N = {size}") + chain("row sum", row, sizes=f"N = {size}")


SCALARS = "bcdfghmpqrtuvwxyz"


def renamed(number: int) -> str:
    """A small derivation: the scalar renamed and the constants changed per document."""
    name = SCALARS[number % len(SCALARS)]
    square = [f"({name} + {number})^2", f"{name}^2 + {2 * number} {name} + {number * number}"]
    jacobian = [JACOBIAN_FORMS[0].format(extra="0"), JACOBIAN_FORMS[1].format(extra="0")]
    return HEADER.format(title=f"document {number}", scalar=name) + chain("square", square) + chain(
        "jacobian", jacobian, "i = j")


def steps_of(text: str) -> int:
    return text.count("[[chains.steps]]") - text.count("\n[[chains]]")


def run(directory: Path) -> tuple[float, float]:
    """(wall seconds, peak MB) of `symcheck verify directory --no-cache -j 1` in a fresh process."""
    code = ("import resource, sys\nfrom symcheck.cli import cli\n"
            "try:\n    cli(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, "verify", str(directory), "--no-cache", "-j", "1"],
                          env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak = int(done.stderr.strip().splitlines()[-1]) / 1024 if done.stderr.strip() else float("nan")
    return seconds, peak


def measure(label: str, documents: dict[str, str]) -> None:
    directory = Path(tempfile.mkdtemp(prefix="symcheck-scale-"))
    try:
        for name, text in documents.items():
            (directory / f"{name}.toml").write_text(text, encoding="utf-8")
        steps = sum(steps_of(text) for text in documents.values())
        seconds, peak = run(directory)
        print(f"{label:28}{len(documents):>6}{steps:>8}{seconds:>10.2f}{1000 * seconds / steps:>12.1f}{peak:>10.0f}")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="also 1,000-step chains and 500 documents")
    args = parser.parse_args()
    print(f"{'workload':28}{'files':>6}{'steps':>8}{'seconds':>10}{'ms/step':>12}{'peak MB':>10}")
    for length in (10, 100, 300) + ((1000,) if args.full else ()):
        measure(f"chain of {length} steps", {"chain": long_chain(length)})
    for size in (4, 16, 64):
        measure(f"sums with N = {size}", {"sizes": fixed_size(size)})
    for count in (5, 50) + ((500,) if args.full else ()):
        measure(f"{count} renamed documents", {f"doc{n:03d}": renamed(n) for n in range(count)})
    print("\nwall time of a fresh process each (start-up included, so ms/step falls as work grows);"
          " peak MB is the process's maximum resident set")


if __name__ == "__main__":
    main()
