"""How fast the reader reads every step of derivations/, beside latex2sympy2 for every compound.

    python benchmarks/bench_read.py [--repeat 3]

The reader combines plain arithmetic itself and sends only the constructs it does not
handle to latex2sympy2; `Notation(fast=False)` sends every compound there (the baseline).
Prints median seconds of `--repeat` passes over the same LaTeX for both, and the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from symcheck.load.derivation import derivation_files, read_derivation
from symcheck.model.symbols import build_symbol_table
from symcheck.read.backend import LatexError
from symcheck.read.notation import Notation

ROOT = Path(__file__).resolve().parent.parent


def step_latex(derivation) -> list[str]:
    steps = [step.latex for chain in derivation.chains for step in chain.steps]
    return steps + [claim.latex for claim in derivation.claims]


def one_pass(fast: bool) -> tuple[float, int]:
    seconds, count = 0.0, 0
    for path in derivation_files([ROOT / "derivations"]):
        derivation = read_derivation(path)
        notation = Notation(build_symbol_table(derivation), derivation.rewrites, fast=fast)
        for latex in step_latex(derivation):
            started = time.perf_counter()
            try:
                notation.expression(latex)
            except LatexError:
                pass  # relations and unreadable members cost the same in both columns
            seconds += time.perf_counter() - started
            count += 1
    return seconds, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    fast = [one_pass(True) for _ in range(args.repeat)]
    slow = [one_pass(False) for _ in range(args.repeat)]
    count = fast[0][1]
    fast_s = statistics.median(s for s, _ in fast)
    slow_s = statistics.median(s for s, _ in slow)
    print(f"{count} LaTeX strings from derivations/, median of {args.repeat} passes")
    print(f"{'':32}{'reader':>12}{'latex2sympy2 for all':>24}")
    print(f"{'seconds per pass':32}{fast_s:12.3f}{slow_s:24.3f}")
    print(f"{'ms per string':32}{1000 * fast_s / count:12.2f}{1000 * slow_s / count:24.2f}")
    print(f"speed-up: {slow_s / fast_s:.1f}x")


if __name__ == "__main__":
    main()
