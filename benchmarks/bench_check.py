"""Whole-process speed of `symcheck check` of one note, beside the import floor, in one run.

    python benchmarks/bench_check.py [--baseline TREE] [--runs 3] [--skip-loaded] [--seeds DIR]

Notes: the 1,000-line note of `bench_speed.py` (seed-like derivations repeated, every tenth
block wrong) and, if the source documents are there (`--seeds`, default ../shared/seeds),
the longest seed with its notation file (distinct, harder equations: deciding dominates).
Each is checked cold (`--no-cache`, and with an empty cache directory) with `-j 1` and with
the default `-j` (the free cores), quiet and, unless `--skip-loaded`, with one busy process
per core. Every figure is the wall time of a fresh process (median of `--runs`) with the CPU
seconds of that process and its workers beside it. With `--baseline TREE` (a checkout of
another commit: `git archive main | tar -x -C /tmp/base`) each figure is measured for both
trees in the same run, the trees taking turns, and printed side by side.

Target (issue 14): cold `check` of a 1,000-line note under 3 s on 2 cores; on a loaded
machine the default `-j` no slower than `-j 1`.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
from pathlib import Path
from typing import Callable, Optional

from bench_speed import NOTATION, ROOT, Hogs, Tree, fresh_dir, note_of


def check(tree: Tree, note: Path, notation: Path, *options: str, cache: bool = False) -> float:
    directory = fresh_dir() if cache else None
    try:
        return tree.symcheck("check", str(note), "--notation", str(notation), *options, cache=directory)
    finally:
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)


def loaded(measure: Callable[[], float]) -> float:
    with Hogs():
        return measure()


def metrics(notes: dict[str, tuple[Path, Path]], with_load: bool) -> dict[str, Callable[[Tree], float]]:
    """What is measured: a name and one measurement of it for a tree."""
    found: dict[str, Callable[[Tree], float]] = {
        "floor": lambda tree: tree.run("-c", "import sympy, latex2sympy2"),
        "start-up (check)": lambda tree: tree.run("-c", "import symcheck.cli, symcheck.verify.incremental, "
                                                        "symcheck.verify.notes, symcheck.printers.diagnostics"),
    }
    for name, (note, notation) in notes.items():
        found[f"{name}, -j 1"] = lambda tree, n=note, t=notation: check(tree, n, t, "-j", "1")
        found[f"{name}, default -j"] = lambda tree, n=note, t=notation: check(tree, n, t)
        found[f"{name}, empty cache dir"] = lambda tree, n=note, t=notation: check(tree, n, t, cache=True)
        if with_load:
            found[f"{name}, loaded, -j 1"] = lambda tree, n=note, t=notation: loaded(lambda: check(tree, n, t, "-j", "1"))
            found[f"{name}, loaded, default -j"] = lambda tree, n=note, t=notation: loaded(lambda: check(tree, n, t))
    return found


def measure(trees: dict[str, Tree], found: dict[str, Callable[[Tree], float]], runs: int) -> dict[str, dict]:
    """Every metric for every tree, the trees taking turns run by run; medians of `runs`."""
    results: dict[str, dict] = {name: {} for name in trees}
    for metric, once in found.items():
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
        for _ in range(runs):
            for name, tree in trees.items():
                seconds = once(tree)
                samples[name].append((seconds, tree.last_cpu))
        for name in trees:
            results[name][metric] = tuple(statistics.median(column) for column in zip(*samples[name]))
    return results


def show(figure: tuple[float, float], floor: float) -> str:
    wall, cpu = figure
    return f"{wall:6.2f} s ({wall / floor:4.1f}x) cpu {cpu:5.2f}"


def longest_seed(seeds: Path) -> Optional[tuple[Path, Path]]:
    found = [(len(path.read_text(encoding="utf-8").splitlines()), path) for path in sorted(seeds.glob("*.txt"))]
    for _, path in sorted(found, reverse=True):
        notation = ROOT / "examples" / "notes" / f"{path.name[:3]}.toml"
        if notation.is_file():
            return path, notation
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-loaded", action="store_true")
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    args = parser.parse_args()
    trees = {"this tree": Tree(ROOT)}
    if args.baseline:
        trees["baseline"] = Tree(args.baseline.resolve())
    note = fresh_dir() / "note.md"
    note.write_text(note_of(1000), encoding="utf-8")
    notes = {"1,000 lines": (note, NOTATION)}
    seed = longest_seed(args.seeds) if args.seeds.is_dir() else None
    if seed is not None:
        notes[f"seed {seed[0].name[:3]}"] = seed
    results = measure(trees, metrics(notes, not args.skip_loaded), args.runs)
    print(f"median of {args.runs}; wall time (x the import floor), CPU seconds of the process and its workers")
    print(f"{'':34}" + "".join(f"{name:>34}" for name in trees))
    for metric in results["this tree"]:
        print(f"{metric:34}" + "".join(f"{show(results[name][metric], results[name]['floor'][0]):>34}"
                                        for name in trees))
    shutil.rmtree(note.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
