"""The cost of the independent audit: verify derivations/ with and without it.

    python benchmarks/bench_audit.py [paths...]

Prints the wall time of verifying every step (no gradient checks) with the audit off
(the baseline) and on, and the number of audited points.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from symcheck.engine.settings import Settings  # noqa: E402
from symcheck.load.derivation import derivation_files, load_derivation  # noqa: E402
from symcheck.verify.documents import verify_steps  # noqa: E402


def timed(paths, settings: Settings) -> tuple[float, int, int]:
    started = time.perf_counter()
    points = passing = 0
    for path in derivation_files(paths):
        result = verify_steps(load_derivation(path), settings)
        for step in result.all_results():
            points += sum(e.role == "audit" for e in step.decision.evidence)
            passing += step.decision.verdict.holds
    return time.perf_counter() - started, points, passing


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or [ROOT / "derivations"]
    off, _, passing_off = timed(paths, Settings(audit=False))
    on, points, passing_on = timed(paths, Settings(audit=True))
    print(f"{'':14}{'seconds':>9}{'passing':>9}{'audit pts':>11}")
    print(f"{'audit off':14}{off:9.1f}{passing_off:9d}{0:11d}   (baseline)")
    print(f"{'audit on':14}{on:9.1f}{passing_on:9d}{points:11d}   (+{100 * (on - off) / off:.0f}%)")


if __name__ == "__main__":
    main()
