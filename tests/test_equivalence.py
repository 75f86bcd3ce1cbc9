"""The independent equivalence corpus (tests/equivalence/): its data is well formed and
sourced, and on a seeded sample symcheck proves no unequal pair and does no worse than the
naive baseline (raw latex2sympy2 + simplify). The whole corpus: benchmarks/bench_equivalence.py."""

from __future__ import annotations

import random
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_equivalence import EQUAL, NOT_EQUAL, baseline_answer, load_pairs, score, symcheck_answer  # noqa: E402

SAMPLE = 16


def test_pairs_are_many_and_each_names_a_recorded_source():
    pairs = load_pairs()
    with open(ROOT / "tests" / "equivalence" / "SOURCE.toml", "rb") as handle:
        sources = tomllib.load(handle)["sources"]
    assert len(pairs) >= 100
    assert {p.source for p in pairs} <= set(sources)
    assert all(s["commit"] and s["licence"] and s["url"] for s in sources.values())
    assert {p.equal for p in pairs} == {True, False}


def test_a_seeded_sample_has_no_false_proof_and_does_no_worse_than_the_baseline():
    pairs = random.Random(7).sample(load_pairs(), SAMPLE)
    ours = [symcheck_answer(p) for p in pairs]
    mine, theirs = score(pairs, ours), score(pairs, [baseline_answer(p) for p in pairs])
    assert mine["false proofs"] == 0
    assert mine["right"] >= theirs["right"]


def test_answers_follow_the_ladder_on_a_known_pair_of_each_kind():
    equal, unequal = (next(p for p in load_pairs() if p.equal is e and p.lhs == r"\frac{a + b}{c}") for e in (True, False))
    assert symcheck_answer(equal) == EQUAL
    assert symcheck_answer(unequal) == NOT_EQUAL
