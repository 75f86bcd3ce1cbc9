"""A bounded, seeded sample of the mutation benchmark: no mutant of a true step passes
unless the independent oracle finds it equivalent (benchmarks/bench_mutation.py)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

from symcheck.engine.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_mutation  # noqa: E402

SAMPLE = 40


def test_a_seeded_sample_of_mutants_has_no_false_proof():
    tasks = bench_mutation.mutants([ROOT / "derivations"])
    assert len(tasks) >= 2000
    sample = random.Random(0).sample(tasks, SAMPLE)
    settings = Settings(step_timeout=20.0)
    results = [bench_mutation.run_one(task, settings) for task in sample]
    outcomes = bench_mutation.summarize(results)
    assert outcomes["FALSE PROOF"] == 0, [r for r in results if r[2] == "FALSE PROOF"]
    assert outcomes["crash"] == 0, [r for r in results if r[2].startswith("crash")]
    assert outcomes["killed"] >= SAMPLE // 2  # the sample really exercises the engine


def test_the_oracle_tells_a_wrong_mutant_from_an_equivalent_one():
    tasks = bench_mutation.mutants([ROOT / "derivations" / "004_softmax_jacobian.toml"])
    signs = [eq for _, kind, eq in tasks if kind == "sign"]
    assert any(bench_mutation.equivalent(eq, 0) is False for eq in signs[:5])


def test_edits_of_the_written_latex_are_read_again_and_a_broken_one_is_a_parse_error():
    path = ROOT / "derivations" / "001_log_derivative_softmax.toml"
    tasks = [t for t in bench_mutation.mutants([path], latex=True) if t[1].startswith("tex-")]
    kinds = {kind for _, kind, _ in tasks}
    assert {"tex-sign", "tex-index", "tex-limit", "tex-bracket"} <= kinds
    settings = Settings(step_timeout=20.0)
    broken = next(t for t in tasks if t[1] == "tex-bracket" and t[2].latex.count(r"\left(") != t[2].latex.count(r"\right)"))
    assert bench_mutation.run_one(broken, settings)[2] == "parse error"
    sign = next(t for t in tasks if t[1] == "tex-sign")
    assert bench_mutation.run_one(sign, settings)[2] in ("killed", "equivalent")
