"""How close `symcheck init` comes to a hand-written notation file.

For every note that has one (the public corpus, tests/corpus/<slug>/note.md + note.toml, and
the seeds with examples/notes/*.toml), `check` runs twice: with the hand-written notation and
with the draft. Printed: on how many notes the results (verdict of every step, by line)
are the same, and how many declarations differ where they are not (the edits the draft
needed). Run: PYTHONPATH=. python benchmarks/bench_init.py [CORPUS_DIR]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from symcheck.engine.settings import Settings
from symcheck.load.derivation import read_notation
from symcheck.model import format_line
from symcheck.notes.draft import draft_notation
from symcheck.notes.extract import read_notes
from symcheck.verify.notes import check_note

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
DEFAULT_CORPUS = [ROOT / "tests" / "corpus", ROOT.parent / "wt-corpus" / "tests" / "corpus"]
SETTINGS = Settings(step_timeout=10.0)


def pairs(corpus: Path | None) -> list[tuple[str, Path, Path]]:
    found = []
    if corpus is not None and corpus.is_dir():
        found += [(d.name, d / "note.md", d / "note.toml") for d in sorted(corpus.iterdir())
                  if (d / "note.md").is_file() and (d / "note.toml").is_file()]
    for notation in sorted((ROOT / "examples" / "notes").glob("*.toml")):
        seed = next(SEEDS.glob(f"{notation.stem}_*.txt"), None)
        if seed is not None:
            found.append((f"seed {notation.stem}", seed, notation))
    return found


def outcome(note: Path, notation: Path) -> list[tuple]:
    result = check_note(note, notation, SETTINGS).result
    return [(format_line(step.line), step.decision.verdict.value) for step in result.all_results()]


def declarations(notation: Path) -> dict[tuple[str, str], object]:
    read = read_notation(notation)
    found: dict[tuple[str, str], object] = {}
    found.update({("size", s.name): (s.minimum, s.alias) for s in read.sizes})
    found.update({("index", i.name): (str(i.lower), str(i.upper)) for i in read.indices})
    found.update({("symbol", s.name): (s.kind.value, s.domain.value, tuple(map(str, s.shape))) for s in read.symbols})
    found.update({("function", f.name): f.arity for f in read.functions})
    found.update({("rewrite", r.pattern): r.replacement for r in read.rewrites})
    found.update({("definition", d.latex): None for d in read.definitions})
    return found


PLAIN = ("scalar", "real", ())  # an undeclared name reads as a real scalar


def differing(hand: Path, draft: Path) -> int:
    mine, theirs = declarations(draft), declarations(hand)
    default = lambda key: PLAIN if key[0] == "symbol" else "-"
    return sum(1 for key in set(mine) | set(theirs) if mine.get(key, default(key)) != theirs.get(key, default(key)))


def main() -> None:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else next((c for c in DEFAULT_CORPUS if c.is_dir()), None)
    same, edits, rows = 0, [], []
    with tempfile.TemporaryDirectory() as folder:
        for name, note, hand in pairs(corpus):
            draft = Path(folder) / f"{note.stem}.{len(rows)}.toml"
            draft.write_text(draft_notation(read_notes(note), str(note), note.name), encoding="utf-8")
            equal = outcome(note, hand) == outcome(note, draft)
            needed = differing(hand, draft)
            same += equal
            if not equal:
                edits.append(needed)
            rows.append((name, "same" if equal else "differs", needed))
    for name, verdict, needed in rows:
        print(f"  {name:<40} {verdict:<8} {needed:>3} declarations differ")
    print(f"corpus: {corpus}")
    print(f"check gives the same result with the draft on {same} of {len(rows)} notes; "
          f"the other {len(edits)} needed {sum(edits)} declaration edits "
          f"(median {sorted(edits)[len(edits) // 2] if edits else 0})")


if __name__ == "__main__":
    main()
