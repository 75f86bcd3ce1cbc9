"""Refuted steps of the seeds: CPU seconds of each decision and where they go, beside a baseline.

    python benchmarks/bench_refuted.py [--baseline TREE] [--runs 3]

Every equation of derivations/ is decided in order in a fresh process (as
`bench_speed.py` measures "refuted steps"); each refuted decision's CPU time is kept,
the least of `--runs` processes per step (a shared machine only ever adds time). With
`--baseline TREE` (e.g. `git archive main | tar -x -C /tmp/base`) both trees are measured
in the same run, taking turns process by process, and printed side by side.

The time of each refuted decision is split among the stages it passed through (exclusive
times, summed over the refuted steps): unfolding, the index calculus, the float screen
(drawing and evaluating its points), the exact re-check of a candidate, the exact
counterexample search, the search for a condition (i = j) under which the step holds,
and the rest (expansion, building points, ...). A stage a tree does not have is left out.

Target (issue 14): no refuted step above 0.1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = 0.1

MEASURE = r"""
import json, time
from pathlib import Path
from symcheck.runtime.startup import engine_import
with engine_import():  # as the CLI imports: what the import made is never scanned again
    from symcheck.engine import canonical, ladder, rungs, screen
    from symcheck.engine.settings import Settings
    from symcheck.load.derivation import derivation_files, load_derivation

stages, stack = {}, []

def timed(owner, name, stage):
    function = getattr(owner, name, None)
    if function is None:
        return
    def wrapper(*args, **kwargs):
        started = time.process_time()
        stack.append(0.0)
        try:
            return function(*args, **kwargs)
        finally:
            inner, spent = stack.pop(), time.process_time() - started
            stages[stage] = stages.get(stage, 0.0) + spent - inner
            if stack:
                stack[-1] += spent
    setattr(owner, name, wrapper)
    return wrapper

timed(canonical.Unfolder, "__call__", "unfold")
timed(rungs, "canonical", "index calculus")
timed(screen, "_candidates", "float screen")
timed(rungs, "recheck", "exact re-check")
timed(ladder, "_first_holding_case", "condition search")
search = timed(ladder, "find_counterexample", "exact search")
if search is not None:  # the ladder's rungs are bound as the default of `_assess`
    ladder._assess.__defaults__ = tuple(
        tuple(search if getattr(r, "__name__", "") == "find_counterexample" else r for r in default)
        if isinstance(default, tuple) else default for default in ladder._assess.__defaults__)
rows, totals = [], {}
for path in derivation_files([Path("derivations")]):
    for eq in load_derivation(path).equations():
        for one in [eq] + ([eq.intended] if eq.intended is not None else []):
            stages.clear()
            started = time.process_time()
            decision = ladder.decide_equation(one, Settings())
            seconds = time.process_time() - started
            if decision.verdict.value == "refuted":
                rows.append([f"{path.stem[:3]}:{one.line}", seconds])
                for stage, spent in stages.items():
                    totals[stage] = totals.get(stage, 0.0) + spent
                totals["rest"] = totals.get("rest", 0.0) + seconds - sum(stages.values())
print(json.dumps({"rows": rows, "stages": totals}))
"""


def run(tree: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", MEASURE], cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{tree}: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


def least(samples: list[dict]) -> tuple[dict[str, float], dict[str, float]]:
    """Per step, the least CPU time over the runs (a step repeated in a document is kept
    once per occurrence); per stage, the least total."""
    steps: dict[str, float] = {}
    for sample in samples:
        seen: dict[str, int] = {}
        for name, seconds in sample["rows"]:
            seen[name] = seen.get(name, 0) + 1
            key = name if seen[name] == 1 else f"{name}#{seen[name]}"
            steps[key] = min(steps.get(key, seconds), seconds)
    stages = {stage: min(s["stages"].get(stage, 0.0) for s in samples) for stage in samples[0]["stages"]}
    return steps, stages


def summary(steps: dict[str, float]) -> str:
    values = list(steps.values())
    over = sum(v > TARGET for v in values)
    return f"max {max(values):.3f} med {statistics.median(values):.3f} >{TARGET}s: {over}/{len(values)} sum {sum(values):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, help="another symcheck tree to measure beside this one")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    trees = {"this tree": ROOT}
    if args.baseline:
        trees = {"baseline": args.baseline.resolve(), **trees}
    samples: dict[str, list[dict]] = {name: [] for name in trees}
    for _ in range(args.runs):
        for name, tree in trees.items():
            samples[name].append(run(tree))
    results = {name: least(found) for name, found in samples.items()}
    names = list(results)
    print(f"refuted steps of derivations/: CPU s per decision, least of {args.runs} runs; "
          f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print(f"{'step':16}" + "".join(f"{name:>12}" for name in names))
    all_steps = sorted(set().union(*(steps for steps, _ in results.values())), key=lambda s: -results[names[-1]][0].get(s, 0))
    for step in all_steps:
        print(f"{step:16}" + "".join(f"{results[name][0].get(step, float('nan')):12.3f}" for name in names))
    print()
    for name in names:
        print(f"{name:12} {summary(results[name][0])}")
    print("\nwhere the time of the refuted steps goes (CPU s, summed over the steps):")
    stages = sorted(set().union(*(s for _, s in results.values())), key=lambda s: -results[names[-1]][1].get(s, 0))
    print(f"{'stage':18}" + "".join(f"{name:>12}" for name in names))
    for stage in stages:
        print(f"{stage:18}" + "".join(f"{results[name][1].get(stage, float('nan')):12.3f}" for name in names))
    print(f"\ntarget: no refuted step above {TARGET} s")


if __name__ == "__main__":
    main()
