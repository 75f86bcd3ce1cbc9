"""The public corpus (tests/corpus/): its structure, and no false proof on a sample of it.

Each entry is a derivation by another author (see tests/corpus/README.md) with a notation
file, a key (a reader's judgement of every line with math) and a copy with planted errors.
The full measurement is `python benchmarks/bench_corpus.py`; this test stays fast: it
checks the files and runs `symcheck check` on the mutated copies of 3 seeded entries.
"""
from __future__ import annotations

import importlib.util
import random
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
FILES = ("SOURCE.toml", "note.toml", "key.toml")
STATUSES = {"true", "real-error", "definition", "prose-case", "not-math", "ambiguous"}
KINDS = {"sign", "index", "factor", "brackets", "limit", "transpose", "swap"}
SAMPLE_SEED = 20261201
SAMPLE_SIZE = 3
STEP_TIMEOUT = "5"  # seconds per step, so that the sample stays well under a minute

ENTRIES = sorted(p for p in CORPUS.iterdir() if p.is_dir())


def _bench():
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "benchmarks" / "bench_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_corpus", module)
    spec.loader.exec_module(module)
    return module


def _notes(folder: Path) -> tuple[Path, Path]:
    for suffix in (".md", ".tex"):
        if (folder / f"note{suffix}").is_file():
            return folder / f"note{suffix}", folder / f"mutated{suffix}"
    raise AssertionError(f"{folder.name}: no note.md or note.tex")


def _lines(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8").split("\n")


def test_corpus_has_at_least_15_entries():
    assert len(ENTRIES) >= 15


@pytest.mark.parametrize("folder", ENTRIES, ids=lambda p: p.name)
def test_entry_structure(folder):
    note, mutated = _notes(folder)
    assert mutated.is_file(), f"{folder.name}: {mutated.name} is missing"
    for name in FILES:
        assert (folder / name).is_file(), f"{folder.name}: {name} is missing"

    source = tomllib.loads((folder / "SOURCE.toml").read_text(encoding="utf-8"))
    for key in ("url", "licence", "author", "lines", "retrieved"):
        assert source.get(key), f"{folder.name}: SOURCE.toml has no {key}"
    assert source["url"].startswith("https://")

    original, changed = _lines(note), _lines(mutated)
    assert len(original) == len(changed), f"{folder.name}: mutated has another line count than note"
    differing = {n for n, (a, b) in enumerate(zip(original, changed), start=1) if a != b}

    key = tomllib.loads((folder / "key.toml").read_text(encoding="utf-8"))
    rows = key.get("line", [])
    assert rows, f"{folder.name}: key.toml has no [[line]] rows"
    numbers = [row["n"] for row in rows]
    assert len(numbers) == len(set(numbers)), f"{folder.name}: a line is keyed twice"
    for row in rows:
        assert row["status"] in STATUSES, (folder.name, row)
        assert 1 <= row["n"] <= len(original), (folder.name, row)

    planted = key.get("planted", [])
    assert 2 <= len(planted) <= 4, f"{folder.name}: {len(planted)} planted errors (want 2-4)"
    keyed = {row["n"]: row["status"] for row in rows}
    for row in planted:
        n = row["n"]
        assert row["kind"] in KINDS, (folder.name, row)
        assert row["original"] != row["mutated"], (folder.name, row)
        assert row["original"] in original[n - 1], f"{folder.name}:{n}: original fragment not on the note's line"
        assert row["mutated"] in changed[n - 1], f"{folder.name}:{n}: mutated fragment not on the mutated line"
        assert keyed.get(n) not in (None, "not-math"), f"{folder.name}:{n}: planted on a line the key has no math for"
    assert differing <= {row["n"] for row in planted}, f"{folder.name}: lines {sorted(differing)} differ without a planted row"

    # the notation file must load (a broken one would make every run exit 2)
    tomllib.loads((folder / "note.toml").read_text(encoding="utf-8"))


# Entries left out of the sample because one run takes over half a minute on 2 cores
# (log((1/2)^{1000000000}) on line 23 of d2l-coin-mle).
SLOW = {"d2l-coin-mle"}

# False proofs that bench_corpus.py found and symcheck still makes: strict xfails, so the
# test notices when they are fixed. Any other false proof fails the test.
KNOWN_FALSE_PROOFS: dict[str, str] = {}


def _sample() -> list:
    candidates = [p for p in ENTRIES if p.name not in SLOW]
    chosen = random.Random(SAMPLE_SEED).sample(candidates, SAMPLE_SIZE)
    return [
        pytest.param(p, id=p.name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_FALSE_PROOFS[p.name]))
        if p.name in KNOWN_FALSE_PROOFS else pytest.param(p, id=p.name)
        for p in chosen
    ]


@pytest.mark.parametrize("folder", _sample())
def test_sample_has_no_false_proof(folder):
    """No planted error line of the mutated copy is reported as holding (proved or numeric)."""
    bench = _bench()
    _, mutated = _notes(folder)
    run = bench.run_check(bench.symcheck_command(), mutated, folder / "note.toml", ("--timeout", STEP_TIMEOUT))
    assert run.problem is None, f"{folder.name}: {run.problem}"
    key = tomllib.loads((folder / "key.toml").read_text(encoding="utf-8"))
    holding = [
        f"{folder.name}:{row['n']}: planted {row['kind']} error reported as holding"
        for row in key["planted"]
        if run.outcomes.get(row["n"]) == "holds"
    ]
    assert not holding, "\n".join(holding)
