"""symcheck's verdict ladder against the naive check, side by side, in one run.

    python benchmarks/bench_verify.py [derivations/]

For every equation of every derivation file (each step, claim, definition and each
erratum's intended form), the truth is what the file states: a step as written with an
erratum is false, everything else is true (the tests check that the engine agrees).
Baseline: unfold the definitions, evaluate derivatives and sums, and call
`simplify(lhs - rhs) == 0`, with the same per-step time limit; "not zero" counts as
"false". Also prints the cold wall time of `symcheck verify` in a fresh process.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Optional

import sympy

from symcheck.model.compiled import Equation
from symcheck.engine.settings import Settings
from symcheck.runtime.limits import run_limited
from symcheck.load.derivation import derivation_files, load_derivation
from symcheck.model.symbols import Scope
from symcheck.verify.documents import decide, holds

ROOT = Path(__file__).resolve().parents[1]


def unfold(expr, scope: Scope, rounds: int = 6):
    """Replace every defined symbol by its definition (the baseline's only preparation)."""
    for _ in range(rounds):
        for definition in scope.definitions:
            target, params, body = definition.target, definition.params, definition.body
            if isinstance(target, sympy.IndexedBase):
                expr = expr.replace(
                    lambda e: isinstance(e, sympy.Indexed) and e.base == target,
                    lambda e: body.xreplace(dict(zip(params, e.indices))),
                )
            elif isinstance(target, sympy.Symbol):
                expr = expr.xreplace({target: body})
            else:
                expr = expr.replace(
                    lambda e: getattr(e, "func", None) == target,
                    lambda e: body.xreplace(dict(zip(params, e.args))),
                )
    return expr


def naive_verdict(eq: Equation, seconds: float) -> Optional[bool]:
    def check() -> bool:
        difference = unfold(eq.lhs, eq.scope) - unfold(eq.rhs, eq.scope)
        return sympy.simplify(difference.doit()) == 0

    try:
        finished, result = run_limited(check, seconds)
    except Exception:  # noqa: BLE001 - the baseline has no fallback: an error is "no decision"
        return None
    return result if finished else None


def symcheck_verdict(eq: Equation, settings: Settings) -> Optional[bool]:
    decision = decide(eq, settings)
    if holds(eq, decision):
        return True
    return False if decision.verdict.fails else None


def cases(paths: list[Path]) -> list[tuple[str, Equation, bool]]:
    found = []
    for path in derivation_files(paths):
        for eq in load_derivation(path).equations():
            found.append((path.stem, eq, eq.intended is None))
            if eq.intended is not None:
                found.append((path.stem, eq.intended, True))
    return found


def score(decider: Callable[[Equation], Optional[bool]], found) -> tuple[Counter, float]:
    tally: Counter = Counter()
    started = time.perf_counter()
    for _, eq, truth in found:
        verdict = decider(eq)
        tally["unknown" if verdict is None else "right" if verdict == truth else "wrong"] += 1
    return tally, time.perf_counter() - started


def cold_wall(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "symcheck.cli", *args], cwd=ROOT, capture_output=True, check=False)
    return time.perf_counter() - started


def main() -> None:
    paths = [Path(arg) for arg in sys.argv[1:]] or [ROOT / "derivations"]
    settings = Settings()
    found = cases(paths)
    ours, ours_seconds = score(lambda eq: symcheck_verdict(eq, settings), found)
    naive, naive_seconds = score(lambda eq: naive_verdict(eq, settings.step_timeout), found)
    print(f"{len(found)} equations from {len({name for name, _, _ in found})} derivation files\n")
    print(f"{'':24}{'symcheck ladder':>18}{'naive simplify':>18}")
    for key in ("right", "wrong", "unknown"):
        print(f"{'decisions ' + key:24}{ours[key]:>18}{naive[key]:>18}")
    print(f"{'seconds (in process)':24}{ours_seconds:>18.2f}{naive_seconds:>18.2f}")
    print()
    for target in ("derivations/004_softmax_jacobian.toml", "derivations/"):
        print(f"cold `symcheck verify {target}`: {cold_wall(['verify', target]):.2f} s wall")


if __name__ == "__main__":
    main()
