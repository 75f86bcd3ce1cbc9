"""How `symcheck check` does on the source documents: per seed, the errors it catches, its
false alarms and the members it cannot read.

    PYTHONPATH=. python benchmarks/check_seeds.py [SEEDS_DIR]

The errors of a seed are the lines its derivation file marks with an erratum, plus the
case-index typos its chains carry (seed 004 line 66). An erratum over several lines (a claim
whose sizes are stated two lines above it, 003:69-71) is caught, all its lines, when `check`
flags any of them. A line counts as flagged when `check`
gives it an error or a warning about math it read. A note that an error is carried ("follows
from line L as written") catches an error of the seed on its line; on any other line it is
no alarm (issue 12: a carried error is reported once, as a note) and is listed apart, under
"carried". Unread members and undecided steps are counted apart. Run it with PYTHONPATH pointing at
another checkout to compare (e.g. main).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from click.testing import CliRunner

from symcheck.cli import cli
from symcheck.load.derivation import derivation_files, load_derivation
from symcheck.model import format_line

ROOT = Path(__file__).resolve().parents[1]
CASE_INDEX_TYPOS = {"004": {66}}  # S_i(1-S_j) in the case i = j (issue 12)
DIAGNOSTIC = re.compile(r"^.+?:(\d+):\d+: (error|warning|note): (.*)$")


def errata(seed: str) -> list[set[int]]:
    """The lines of each error of a seed."""
    (path,) = [p for p in derivation_files([ROOT / "derivations"]) if p.stem.startswith(seed)]
    found = [{line} for line in CASE_INDEX_TYPOS.get(seed, set())]
    for eq in load_derivation(path).equations():
        if eq.intended is not None:
            first, _, last = str(format_line(eq.line)).partition("-")
            found.append(set(range(int(first), int(last or first) + 1)))
    return found


def measure(note: Path, notation: Path) -> tuple[set[int], set[int], int, int]:
    args = ["check", str(note)] + (["--notation", str(notation)] if notation.is_file() else [])
    output = CliRunner().invoke(cli, args).output
    flagged, carried, unread, undecided = set(), set(), 0, 0
    for line in output.splitlines():
        match = DIAGNOSTIC.match(line)
        if not match:
            continue
        number, severity, message = int(match[1]), match[2], match[3]
        if message.startswith("cannot read the math"):
            unread += 1
        elif message.startswith("could not decide"):
            undecided += 1
        elif "carried" in message:
            carried.add(number)
        elif severity != "note":
            flagged.add(number)
    return flagged, carried, unread, undecided


def main() -> None:
    seeds = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "seeds"
    print(f"{'seed':<5} {'errors':>6} {'caught':>6} {'false alarms':>12} {'unread':>6} {'undecided':>9}  "
          "missed / false / carried")
    for note in sorted(seeds.glob("*.txt")):
        seed = note.name[:3]
        ranges = errata(seed)
        errors = set().union(*ranges)
        flagged, carried, unread, undecided = measure(note, ROOT / "examples" / "notes" / f"{seed}.toml")
        caught = set().union(*(lines for lines in ranges if lines & (flagged | carried)))
        false = flagged - errors
        print(f"{seed:<5} {len(errors):>6} {len(caught):>6} {len(false):>12} {unread:>6} {undecided:>9}  "
              f"{sorted(errors - caught)} / {sorted(false)} / {sorted(carried - errors - flagged)}")


if __name__ == "__main__":
    main()
