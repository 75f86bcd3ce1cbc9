"""Round trip at scale: read ``sympy.latex(e)`` for N generated expressions (default 100000).

Usage: python benchmarks/bench_roundtrip.py [N] [SEED]. Prints progress counts, then the
number of disagreements (target 0) and unread formulas, with the first few of each, and the
rate. An expression that SymPy's own printer cannot print within 5 s (it evaluates cosh of a
huge number to order the terms of a sum) is counted apart as unprintable, and one that the
oracle (simplify) cannot compare within 30 s as uncompared: neither is the reader's. The
process is capped at 6 GB.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from symcheck.read.backend import LatexError  # noqa: E402
from symcheck.runtime.limits import limit_memory, run_limited  # noqa: E402
from test_read_roundtrip import NOTATION, expressions, same  # noqa: E402

import sympy  # noqa: E402


PRINT_SECONDS = 5.0  # SymPy's printer and the oracle's simplify: not the reader's time
COMPARE_SECONDS = 30.0
MEMORY_BYTES = 6 * 1024**3  # one example once took 24 GB (in SymPy's printer or simplify)


def outcome_of(expr) -> tuple[str, str]:
    """What became of one expression, and the LaTeX (or a description) to show for it."""
    try:
        printed, latex = run_limited(lambda: sympy.latex(expr), PRINT_SECONDS)
    except MemoryError:
        printed = False
    if not printed:
        return "unprintable", "(any printer of it orders the same terms)"
    try:
        read = NOTATION.expression(latex)
    except LatexError:
        return "unread", latex
    try:
        compared, agrees = run_limited(lambda: same(read, expr), COMPARE_SECONDS)
    except MemoryError:
        compared = False
    if not compared:
        return "uncompared", latex
    return ("agree" if agrees else "disagree"), latex


def main(total: int, seeded: int) -> None:
    limit_memory(MEMORY_BYTES)
    counts = {"run": 0, "agree": 0, "disagree": 0, "unread": 0, "unprintable": 0, "uncompared": 0}
    examples: dict[str, list[str]] = {"disagree": [], "unread": [], "unprintable": [], "uncompared": []}
    started = time.perf_counter()

    @seed(seeded)
    @settings(max_examples=total, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(expressions())
    def run(expr):
        outcome, latex = outcome_of(expr)
        counts["run"] += 1
        counts[outcome] += 1
        if outcome != "agree" and len(examples[outcome]) < 5:
            examples[outcome].append(f"example {counts['run']}: {latex}")
        if counts["run"] % 500 == 0:
            print(f"{counts['run']} run, {counts['disagree']} disagreements, {counts['unread']} unread", flush=True)

    run()
    seconds = time.perf_counter() - started
    print(f"examples: {counts['run']}  agree: {counts['agree']}  disagreements: {counts['disagree']} (target 0)  "
          f"unread: {counts['unread']}  unprintable: {counts['unprintable']}  uncompared: {counts['uncompared']}  time: {seconds:.1f} s ({counts['run'] / seconds:.1f} / s)")
    for kind, found in examples.items():
        for latex in found:
            print(f"  {kind}: {latex}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100000, int(sys.argv[2]) if len(sys.argv) > 2 else 0)
