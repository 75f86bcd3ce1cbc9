"""The long fuzzing run: `python benchmarks/bench_fuzz.py N [SEED]` (N >= 10000 for the issue's bar).

Generates N inputs with the strategies of tests/fuzzing.py (derivation files for `verify`
and `report`, notes with or without a notation file for `check`, in turn), runs each in
process under a hard time limit, and prints the counts of tracebacks, hangs, escapes
(files written outside the output directory, or a marker file created by hostile code)
and exit codes, with the rate. Exits 1 when any traceback, hang, escape or exit code
outside {0, 1, 2, 130} was seen; the first few failing inputs are printed.
"""

from __future__ import annotations

import collections
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import seed as hypothesis_seed  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.fuzzing import ALLOWED_EXITS, MARKER, derivation_files, notes, run_case  # noqa: E402

HANG_SECONDS = 30.0


def main(total: int, seed: int) -> int:
    root = Path(tempfile.mkdtemp(prefix="symcheck-bench-fuzz-"))
    marker = root / MARKER
    counts: collections.Counter = collections.Counter()
    failures: list[str] = []
    cases = st.one_of(
        st.tuples(st.just("verify"), derivation_files(marker), st.none()),
        st.tuples(st.just("report"), derivation_files(marker), st.none()),
        st.tuples(st.just("check"), notes(marker), st.none() | derivation_files(marker, with_chains=False)),
    )
    started = time.monotonic()

    @hypothesis_seed(seed)
    @settings(max_examples=total, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def run(case):
        command, text, notation = case
        workdir = Path(tempfile.mkdtemp(dir=root))
        outcome = run_case(workdir, command, text, seconds=HANG_SECONDS, notation=notation)
        shutil.rmtree(workdir, ignore_errors=True)
        counts["inputs"] += 1
        counts[f"command {command}"] += 1
        counts[f"exit {outcome.exit_code}"] += 1
        bad = {"traceback": outcome.traceback, "hang": outcome.hang, "escape": bool(outcome.escapes),
               "bad exit": outcome.exit_code not in ALLOWED_EXITS and not outcome.hang}
        for kind, happened in bad.items():
            counts[kind] += int(happened)
        if any(bad.values()) and len(failures) < 5:
            failures.append(f"{command}: {bad} {outcome.escapes}\n{text[:400]}\n{outcome.output[-400:]}")
        if counts["inputs"] % 500 == 0:
            print(f"... {counts['inputs']} inputs, {time.monotonic() - started:.0f} s", flush=True)

    run()
    elapsed = time.monotonic() - started
    shutil.rmtree(root, ignore_errors=True)
    print(f"fuzzed {counts['inputs']} inputs in {elapsed:.0f} s ({counts['inputs'] / elapsed:.1f} inputs/s), seed {seed}")
    for key in ("traceback", "hang", "escape", "bad exit"):
        print(f"  {key + 's':<11} {counts[key]}")
    for key in sorted(k for k in counts if k.startswith(("exit ", "command "))):
        print(f"  {key:<11} {counts[key]}")
    for failure in failures:
        print("FAILURE:", failure)
    return 1 if any(counts[k] for k in ("traceback", "hang", "escape", "bad exit")) else 0


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    sys.exit(main(count, int(sys.argv[2]) if len(sys.argv) > 2 else 0))
