"""Whole-process speed of `verify` and `check`, beside the import floor, in one run.

    python benchmarks/bench_speed.py [--baseline TREE] [--runs 3] [--skip-loaded] [--idle-wait 10]

Every figure is wall time of a fresh process (median of `--runs`), with the CPU seconds
(user + system) of that process and its workers beside it, and the cores that other
processes kept busy meanwhile ("others", from /proc/stat), except the per-step times of
refuted steps (CPU seconds of each decision, in one process). Before each run without
hogs, the benchmark waits (up to `--idle-wait` seconds) for the other processes to leave the cores idle,
so that a cold figure measures symcheck, not the neighbours; "others" says how far that
worked. The floor is
`python -c "import sympy, latex2sympy2"`. With `--baseline TREE` (a checkout of another
commit, e.g. `git archive main | tar -x -C /tmp/base`) every figure is measured for both
trees in the same run, the trees taking turns run by run, and printed side by side.
Timings on a shared machine are noisy: compare the columns of one run, not runs made at
different times.

The cold verify rows also give the worst run beside the median (this machine's CPU
speed varies by +/-20% from run to run: "reliably" is the worst run), and two figures of
the default run that do not depend on how fast the engine decides: the parent's serial
time (wall time outside the workers' phase: start-up, what is done before the workers
start and after they end) and its CPU (all of it serial but the little it spends waiting),
and the workers' idle time (workers x the phase's wall time, less their CPU: time lost to
imbalance at the end, to starting them, and to neighbours).

Targets (issue 14): cold `verify derivations/` <= 4x the floor; warm (cache filled)
<= 1.5x; start-up (importing what `verify` and `check` need) <= 1.2x; cold `check` of a
1,000-line note < 3 s; no refuted step of the seeds above 0.1 s; on a loaded machine
(one CPU hog per core) the default `-j` no slower than `-j 1`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from symcheck.runtime.parallel import CoreSample, idle_between, usable_cores  # noqa: E402

IDLE_WINDOW = 0.5  # seconds over which the cores must be idle
NOTATION = ROOT / "examples" / "notes" / "004.toml"

BLOCK = r"""## Block {n}

With the softmax $S_j = \frac{{e^{{a_j}}}}{{\sum_{{k=1}}^N e^{{a_k}}}}$ as above, when $i = j$:

$$
\frac{{\partial S_i}}{{\partial a_j}} = \frac{{e^{{a_i}} \sum_{{k=1}}^N e^{{a_k}} - e^{{a_j}} e^{{a_i}}}}{{\left(\sum_{{k=1}}^N e^{{a_k}}\right)^2}} = S_i (1 - S_j)
$$

and when $i \neq j$:

$$
\frac{{\partial S_i}}{{\partial a_j}} = \frac{{0 - e^{{a_j}} e^{{a_i}}}}{{\left(\sum_{{k=1}}^N e^{{a_k}}\right)^2}} = - S_j S_i
$$

Expanding a square:

$$
(x + {n})^2 = x^2 + {twice} x + {square}
$$

and a product:

$$
(x + {n})(x - {n}) = x^2 - {square}
$$

"""

# `symcheck ARGS`, with the wall time of the workers' phase (from the pool's start to its
# end), the workers, the CPU they used (measured after they were joined) and this process's
# own CPU on stderr
PHASED = r"""
import resource, sys, time
from symcheck.runtime import parallel
phase = {}
enter, leave = parallel.WorkerPool.__enter__, parallel.WorkerPool.__exit__
def timed_enter(pool):
    phase["start"], phase["workers"] = time.perf_counter(), pool.executor._max_workers
    return enter(pool)
def timed_exit(pool, *exc):
    phase["wall"] = time.perf_counter() - phase["start"]
    leave(pool, *exc)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    phase["cpu"] = usage.ru_utime + usage.ru_stime
parallel.WorkerPool.__enter__, parallel.WorkerPool.__exit__ = timed_enter, timed_exit
import atexit
def figures():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return phase.get("wall", 0.0), phase.get("workers", 0), phase.get("cpu", 0.0), usage.ru_utime + usage.ru_stime
def report():
    if not phase.get("reported"):
        phase["reported"] = True
        sys.stderr.write("PHASE %s %s %s %s\n" % figures())
atexit.register(report)
from symcheck import cli
if hasattr(cli, "_leave_now"):  # a tree that ends without the interpreter's teardown runs no atexit
    leave_now = cli._leave_now
    cli._leave_now = lambda code: (report(), leave_now(code))
from symcheck.cli import main
sys.argv = ["symcheck", *sys.argv[1:]]
main()
"""

START_UP = r"""
import contextlib
try:
    from symcheck.runtime.startup import engine_import  # as the command imports the engine
except ImportError:
    engine_import = contextlib.nullcontext
with engine_import():
    import symcheck.cli, symcheck.verify.documents, symcheck.verify.notes, symcheck.printers.results
"""

STEP_TIMES = r"""
import json, sys, time
from pathlib import Path
from symcheck.runtime.startup import engine_import
with engine_import():  # as the CLI imports: what the import made is never scanned again
    from symcheck.engine.ladder import decide_equation
    from symcheck.engine.settings import Settings
    from symcheck.load.derivation import derivation_files, load_derivation
rows = []
for path in derivation_files([Path("derivations")]):
    for eq in load_derivation(path).equations():
        for one in [eq] + ([eq.intended] if eq.intended is not None else []):
            started = time.process_time()
            decision = decide_equation(one, Settings())
            rows.append([path.stem[:3], str(one.line), decision.verdict.value, time.process_time() - started])
print(json.dumps(rows))
"""


def note_of(lines: int) -> str:
    """Seed-like derivations (the softmax Jacobian's two cases, and algebra), repeated to
    `lines` lines; every tenth block has a wrong constant."""
    text, n = "", 1
    while text.count("\n") < lines:
        text += BLOCK.format(n=n, twice=2 * n, square=n * n + (n % 10 == 0))
        n += 1
    return text


class Tree:
    """A symcheck checkout run in fresh processes."""

    def __init__(self, root: Path):
        self.root = root
        self.env = {**os.environ, "PYTHONPATH": str(root)}
        self.env.pop("SYMCHECK_CACHE_DIR", None)
        # measured as an installed package runs, with its modules' bytecode written (the
        # floor's packages have theirs): without it every process compiles symcheck again
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "symcheck")], env=self.env, check=False)
        self.has_cache = (root / "symcheck" / "verify" / "cache.py").is_file()
        self.last_cpu = 0.0  # CPU seconds of the last process run (and its workers)
        self.last_others: Optional[float] = None  # cores other processes kept busy meanwhile
        self.last_stderr = ""
        self.last_phase: Optional[tuple] = None  # of the last `phased` run

    def run(self, *args: str, cwd: Optional[Path] = None) -> float:
        before, cores = _children_cpu(), CoreSample.now()
        started = time.perf_counter()
        done = subprocess.run([sys.executable, *args], cwd=cwd or self.root, env=self.env, capture_output=True,
                              check=False, text=True)
        elapsed = time.perf_counter() - started
        self.last_stderr = done.stderr
        self.last_cpu = _children_cpu() - before
        self.last_others = others_busy(cores, CoreSample.now(), self.last_cpu)
        return elapsed

    def symcheck(self, *args: str, cache: Optional[Path] = None) -> float:
        options = (["--cache-dir", str(cache)] if cache else ["--no-cache"]) if self.has_cache else []
        return self.run("-m", "symcheck", *args, *options)

    def phased(self, *args: str) -> float:
        """A cold `symcheck ARGS`, its workers' phase kept in `last_phase` (wall, workers, their
        CPU, the parent's CPU)."""
        elapsed = self.run("-c", PHASED, *args, *(["--no-cache"] if self.has_cache else []))
        lines = [line.split() for line in self.last_stderr.splitlines() if line.startswith("PHASE ")]
        self.last_phase = tuple(float(figure) for figure in lines[-1][1:]) if lines else None
        return elapsed

    def output(self, code: str) -> str:
        done = subprocess.run([sys.executable, "-c", code], cwd=self.root, env=self.env, capture_output=True, text=True)
        return done.stdout


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def others_busy(before: CoreSample, after: CoreSample, own_cpu: float) -> Optional[float]:
    """Cores kept busy between two readings by processes other than the ones we ran (`own_cpu`)."""
    idle = idle_between(before, after, usable_cores())
    if idle is None:
        return None
    return max(0.0, usable_cores() - idle - own_cpu / max(after.wall - before.wall, 1e-9))


def settle(wait: float) -> None:
    """Wait, up to `wait` seconds, until other processes leave every core idle for IDLE_WINDOW."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        start = CoreSample.now()
        time.sleep(IDLE_WINDOW)
        idle = idle_between(start, CoreSample.now(), usable_cores())
        if idle is None or idle >= usable_cores() - 0.25:
            return


def median(measure: Callable[[], float], runs: int) -> float:
    return statistics.median(measure() for _ in range(runs))


def fresh_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="symcheck-bench-"))


def warm(tree: Tree, runs: int) -> Optional[float]:
    if not tree.has_cache:
        return None
    directory = fresh_dir()
    tree.symcheck("verify", "derivations/", cache=directory)
    try:
        return median(lambda: tree.symcheck("verify", "derivations/", cache=directory), runs)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def cold_check(tree: Tree, note: Path, runs: int) -> float:
    def once() -> float:
        directory = fresh_dir()
        try:
            return tree.symcheck("check", str(note), "--notation", str(NOTATION), cache=directory)
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    return median(once, runs)


def refuted_steps(tree: Tree) -> list[float]:
    rows = json.loads(tree.output(STEP_TIMES) or "[]")
    return sorted(seconds for _, _, verdict, seconds in rows if verdict == "refuted")


class Hogs:
    """One busy process per usable core, for the loaded-machine comparison."""

    def __enter__(self):
        count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        self.processes = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]
        time.sleep(3)
        return self

    def __exit__(self, *exc):
        for process in self.processes:
            process.kill()
            process.wait()


def metrics(note: Path, loaded: bool) -> dict[str, Callable[[Tree], object]]:
    """What is measured: a name and one measurement of it for a tree."""
    found: dict[str, Callable[[Tree], object]] = {
        "floor": lambda tree: tree.run("-c", "import sympy, latex2sympy2"),
        "start-up": lambda tree: tree.run("-c", START_UP),
        "cold verify": lambda tree: tree.phased("verify", "derivations/"),
        "cold verify -j 1": lambda tree: tree.phased("verify", "derivations/", "-j", "1"),
        "cold verify -j 2": lambda tree: tree.phased("verify", "derivations/", "-j", "2"),
        "warm verify": lambda tree: warm(tree, 1),
        "cold check 1000 lines": lambda tree: cold_check(tree, note, 1),
    }
    if loaded:
        found["loaded verify -j default"] = lambda tree: _loaded(tree)
        found["loaded verify -j 1"] = lambda tree: _loaded(tree, "-j", "1")
    return found


def _loaded(tree: Tree, *options: str) -> float:
    with Hogs():
        return tree.symcheck("verify", "derivations/", *options)


def measure(trees: dict[str, Tree], note: Path, runs: int, loaded: bool,
            idle_wait: float) -> dict[str, dict[str, object]]:
    """Every metric for every tree, the trees taking turns run by run (so that both see
    the same load on a shared machine); medians of `runs`."""
    results: dict[str, dict[str, object]] = {name: {} for name in trees}
    for metric, once in metrics(note, loaded).items():
        samples: dict[str, list] = {name: [] for name in trees}
        for _ in range(runs):
            for name, tree in trees.items():
                if not metric.startswith("loaded"):
                    settle(idle_wait)
                tree.last_phase = None
                wall = once(tree)
                samples[name].append((wall, tree.last_cpu, tree.last_others, *_phase_figures(wall, tree.last_phase)))
        for name, values in samples.items():
            known = [sample for sample in values if sample[0] is not None]
            for position, suffix in enumerate(SUFFIXES):
                figures = [sample[position] for sample in known if sample[position] is not None]
                results[name][f"{metric}{suffix}"] = statistics.median(figures) if figures else None
            if metric.startswith("cold verify") and known:
                results[name][f"{metric} worst"] = max(sample[0] for sample in known)
    for name, tree in trees.items():
        results[name]["refuted steps"] = refuted_steps(tree)
    return results


SUFFIXES = ("", " CPU", " others", " serial", " parent CPU", " idle")


def _phase_figures(wall: Optional[float], phase: Optional[tuple]) -> tuple[Optional[float], ...]:
    """The parent's serial wall time and CPU, and the workers' idle time, of a run measured with `phased`."""
    if wall is None or phase is None:
        return None, None, None
    phase_wall, workers, workers_cpu, parent_cpu = phase
    return wall - phase_wall, parent_cpu, (workers * phase_wall - workers_cpu) if workers else None


def show(value: object, floor: float) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, list):
        if not value:
            return "none"
        over = sum(1 for v in value if v > 0.1)
        return f"max {max(value):.2f} med {statistics.median(value):.2f} >0.1s: {over}/{len(value)}"
    return f"{value:6.2f} s {value / floor:5.1f}x"


def show_row(key: str, figures: dict) -> str:
    cpu, others = figures.get(f"{key} CPU"), figures.get(f"{key} others")
    wall = show(figures.get(key), figures["floor"])
    if cpu is None or figures.get(key) is None:
        return wall
    return f"{wall} cpu {cpu:6.2f}" + ("" if others is None else f" others {others:3.1f}")


def detail_rows(key: str, figures: dict) -> list[tuple[str, str]]:
    """The worst run, the parent's serial time and the workers' idle time of a cold verify row."""
    rows = []
    if figures.get(f"{key} worst") is not None:
        rows.append(("  worst run", show(figures[f"{key} worst"], figures["floor"])))
    for suffix, label in ((" serial", "  parent serial"), (" parent CPU", "  parent CPU"), (" idle", "  workers idle")):
        if figures.get(f"{key}{suffix}") is not None:
            rows.append((label, f"{figures[f'{key}{suffix}']:6.2f} s"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, help="another symcheck tree to measure beside this one")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-loaded", action="store_true", help="skip the runs with CPU hogs")
    parser.add_argument("--idle-wait", type=float, default=10.0,
                        help="seconds to wait, at most, for idle cores before each run without hogs")
    parser.add_argument("--save", type=Path, help="write the figures as JSON")
    args = parser.parse_args()
    note = fresh_dir() / "note.md"
    note.write_text(note_of(1000), encoding="utf-8")
    trees = {"this tree": Tree(ROOT)}
    if args.baseline:
        trees = {"baseline": Tree(args.baseline.resolve()), **trees}
    results = measure(trees, note, args.runs, not args.skip_loaded, args.idle_wait)
    print(f"median of {args.runs} runs each, wall time of a fresh process, its CPU (workers included), and the "
          f"cores other processes kept busy meanwhile (refuted steps: CPU s per decision); "
          f"{usable_cores()} cores, load average now {os.getloadavg()[0]:.1f}\n")
    print(f"{'':28}" + "".join(f"{name:>45}" for name in results))
    for key in (k for k in next(iter(results.values())) if not k.endswith((*SUFFIXES[1:], " worst"))):
        print(f"{key:28}" + "".join(f"{show_row(key, figures):>45}" for figures in results.values()))
        details = [dict(detail_rows(key, figures)) for figures in results.values()]
        for label in dict.fromkeys(label for rows in details for label in rows):
            print(f"{label:28}" + "".join(f"{rows.get(label, 'n/a'):>45}" for rows in details))
    print("\ntargets: cold verify <= 4x, warm <= 1.5x, start-up <= 1.2x the floor; check < 3 s; "
          "refuted steps <= 0.1 s; loaded default <= loaded -j 1")
    if args.save:
        args.save.write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
