"""The long run of tests/test_redteam_properties.py: N random identities over index notation
(vector notation = SymPy's LaTeX of an index expression), each checked true and with one
planted error, through `check` in process.

    python benchmarks/bench_index_properties.py [N] [SEED]

Prints, for the true identities, how many hold / are undecided or unread / are refuted,
and for the planted errors, per kind, how many are killed (refuted) / undecided or unread /
PASSED (a false proof, each printed). Exits 1 on a refuted true identity or a passed error.
"""

from __future__ import annotations

import collections
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_redteam_properties import COEFFICIENTS, ERRORS, PIECES, identity_note, verdicts_of  # noqa: E402


def outcome(verdicts: list) -> str:
    if any(verdict.fails for verdict in verdicts):
        return "refuted"
    if verdicts and all(verdict.holds for verdict in verdicts):
        return "holds"
    return "undecided"


def main(total: int, seed: int) -> int:
    rng = random.Random(seed)
    counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    bad: list[str] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="symcheck-index-properties-") as folder:
        for _ in range(total):
            chosen = rng.sample(range(len(PIECES)), rng.randint(1, 3))
            coefficients = [rng.choice(COEFFICIENTS) for _ in range(3)]
            error, which = rng.choice(ERRORS), rng.randrange(3)
            true = identity_note(chosen, coefficients, None, which, seed)
            wrong = identity_note(chosen, coefficients, error, which, seed)
            got = outcome(verdicts_of(Path(folder), true))
            counts["true"][got] += 1
            if got == "refuted":
                bad.append(f"true identity refuted: {true.strip()}")
            got = outcome(verdicts_of(Path(folder), wrong))
            counts[error][{"refuted": "killed", "holds": "PASSED"}.get(got, got)] += 1
            if got == "holds":
                bad.append(f"planted {error} passed: {wrong.strip()}")
    print(f"{total} identities, seed {seed}, {time.perf_counter() - started:.0f} s")
    print(f"{'true':12}" + "  ".join(f"{name}: {counts['true'][name]}" for name in ("holds", "undecided", "refuted")))
    for error in ERRORS:
        print(f"{error:12}" + "  ".join(f"{name}: {counts[error][name]}" for name in ("killed", "undecided", "PASSED")))
    for line in bad:
        print("  " + line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200, int(sys.argv[2]) if len(sys.argv) > 2 else 0))
