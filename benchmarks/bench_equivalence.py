#!/usr/bin/env python3
"""symcheck on an independent equivalence corpus, beside the naive baseline, in one run.

The corpus (tests/equivalence/pairs.toml, sources in tests/equivalence/SOURCE.toml) holds
pairs of LaTeX expressions with known answers: equal for all values of their symbols, or
not. Each pair is decided twice:

- symcheck: both sides read by the reader (no notation: every name undeclared), then the
  engine's ladder (`decide`); proved = equal, refuted = not equal, anything else (unread,
  unknown, a timeout) = undecided;
- baseline: both sides read by raw latex2sympy2, then `simplify(lhs - rhs) == 0` = equal,
  any other result = not equal, a parse error or a timeout = undecided.

    python benchmarks/bench_equivalence.py            # every pair: totals for both, then the misses
    python benchmarks/bench_equivalence.py --sample 20 --seed 1

Printed per method: right, wrong, undecided and false proofs (a pair said equal that is
not: the worst outcome), with the pairs symcheck gets wrong. Deterministic.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import sympy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from symcheck.engine.ladder import decide  # noqa: E402
from symcheck.model import Derivation  # noqa: E402
from symcheck.model.symbols import Scope, build_symbol_table  # noqa: E402
from symcheck.read.backend import LatexError, parse_raw  # noqa: E402
from symcheck.read.notation import Notation  # noqa: E402
from symcheck.runtime.limits import StepTimeout, time_limit  # noqa: E402

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "equivalence" / "pairs.toml"
SECONDS = 10.0
EQUAL, NOT_EQUAL, UNDECIDED = "equal", "not equal", "undecided"
TABLE = build_symbol_table(Derivation(path="pairs.toml", source="pairs.toml", title="equivalence corpus"))


@dataclass(frozen=True)
class Pair:
    lhs: str
    rhs: str
    equal: bool
    source: str
    origin: str


def load_pairs(path: Path = PAIRS) -> list[Pair]:
    with open(path, "rb") as handle:
        rows = tomllib.load(handle)["pair"]
    return [Pair(r["lhs"], r["rhs"], r["equal"], r["source"], r["origin"]) for r in rows]


def symcheck_answer(pair: Pair) -> str:
    """The reader, then the ladder: proved = equal, refuted = not equal."""
    notation = Notation(TABLE)
    try:
        with time_limit(SECONDS):
            lhs, rhs = notation.expression(pair.lhs), notation.expression(pair.rhs)
    except (LatexError, StepTimeout):
        return UNDECIDED
    verdict = decide(lhs, rhs, Scope(TABLE, [])).verdict.name
    if verdict.startswith("PROVED"):
        return EQUAL
    return NOT_EQUAL if verdict == "REFUTED" else UNDECIDED


def baseline_answer(pair: Pair) -> str:
    """Raw latex2sympy2 and simplify(lhs - rhs) == 0."""
    try:
        with time_limit(SECONDS):
            difference = sympy.simplify(parse_raw(pair.lhs) - parse_raw(pair.rhs))
            return EQUAL if difference == 0 else NOT_EQUAL
    except (LatexError, StepTimeout):
        return UNDECIDED
    except Exception:  # SymPy refuses what latex2sympy2 built (a list, a matrix minus a scalar ...)
        return UNDECIDED


def score(pairs: list[Pair], answers: list[str]) -> dict[str, int]:
    counts = {"right": 0, "wrong": 0, "undecided": 0, "false proofs": 0}
    for pair, answer in zip(pairs, answers):
        if answer == UNDECIDED:
            counts["undecided"] += 1
        elif (answer == EQUAL) == pair.equal:
            counts["right"] += 1
        else:
            counts["wrong"] += 1
            counts["false proofs"] += answer == EQUAL
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=0, help="a seeded sample of this many pairs (0: all)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    pairs = load_pairs()
    if args.sample:
        pairs = random.Random(args.seed).sample(pairs, min(args.sample, len(pairs)))
    started = time.perf_counter()
    ours = [symcheck_answer(p) for p in pairs]
    mid = time.perf_counter()
    theirs = [baseline_answer(p) for p in pairs]
    end = time.perf_counter()
    equal = sum(p.equal for p in pairs)
    print(f"{len(pairs)} pairs ({equal} equal, {len(pairs) - equal} not equal), from {PAIRS.name}")
    print(f"{'':24}{'symcheck':>10}{'baseline':>10}")
    mine, base = score(pairs, ours), score(pairs, theirs)
    for key in mine:
        print(f"{key:24}{mine[key]:>10}{base[key]:>10}")
    print(f"{'seconds':24}{mid - started:>10.1f}{end - mid:>10.1f}")
    print("\nsymcheck wrong or undecided (known answer, symcheck, baseline):")
    for pair, answer, other in zip(pairs, ours, theirs):
        if answer != (EQUAL if pair.equal else NOT_EQUAL):
            known = EQUAL if pair.equal else NOT_EQUAL
            print(f"  {pair.lhs!s:40} vs {pair.rhs!s:40} {known:>9} | {answer:>9} | {other}")


if __name__ == "__main__":
    main()
