"""Mutation testing of `symcheck check` on the public corpus: slips of the pen in true lines
of notes nobody on the team wrote must never pass.

For every line that tests/corpus/*/key.toml calls `true`, the math on that line is edited,
one edit at a time (sign, index slip, dropped factor, dropped brackets, wrong limit,
missing transpose, swapped operands of a product, off-by-one exponent), the whole note is
checked again as `symcheck check NOTE --notation note.toml` checks it (in process, seed 0,
no repair search, no cache), and what symcheck says about the edited line is counted:

- killed: a finding (error or warning) on the line;
- unread / unknown: a member on the line is reported unread / undecided;
- silent: no step covers the line any more (the edit hid the math from the extractor);
- not held: the unmutated line does not hold either (unread, undecided, a finding): its
  mutants say nothing about soundness and are not run;
- survived: every step on the line holds. A survivor is judged by an oracle that does not
  use the engine's verdict (bench_mutation.equivalent: both sides evaluated with SymPy at
  concrete sizes and random points, definitions unfolded). Different somewhere: a FALSE
  PROOF. Equal everywhere: `equivalent` when the reader read the edit (its expression
  changed), `invisible` when the edited member reads exactly as the original did (an edit
  the reader did not see: a misread unless the edit is only typography).

    python benchmarks/bench_note_mutation.py [--limit N] [--seed S] [-j J] [--only SLUG[:LINE]]

Prints the counts per kind and every false proof, invisible, silent and unverified survivor.
Exits 1 on a false proof.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_corpus import line_outcomes, steps_from_json  # noqa: E402
from bench_mutation import equivalent, print_counts  # noqa: E402
from latex_mutations import PER_KIND, _brackets, _drops, _each, _exponents, _indices, _limits, _signs  # noqa: E402

from symcheck.engine.settings import Settings  # noqa: E402
from symcheck.printers.results import JsonPrinter  # noqa: E402
from symcheck.runtime.parallel import parallel_map  # noqa: E402
from symcheck.verify import notes as note_checker  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
KINDS = ("sign", "index", "factor", "brackets", "limit", "transpose", "swap", "exponent")
OUTCOMES = ("killed", "equivalent", "invisible", "FALSE PROOF", "unverified", "unread", "unknown", "silent", "not held", "crash")

_TRANSPOSE = re.compile(r"\^\{?\s*(?:\\top|\\intercal|T|\\mathsf\{T\}|\\mathrm\{T\})\s*\}?")
_ATOM = r"(?:\\math(?:bf|rm|bb|cal|sf)\s*\{[^{}]*\}|\\math(?:bf|rm)\s+[A-Za-z]|\\[A-Za-z]+|[A-Za-z])"
_SCRIPTS = r"(?:\s*[_^]\s*(?:\{[^{}]*\}|\\[A-Za-z]+|[A-Za-z0-9]))*"
_PRODUCT = re.compile(rf"(?<![\\A-Za-z])({_ATOM}{_SCRIPTS})(\s+)({_ATOM}{_SCRIPTS})")
_BRACED_EXPONENT = re.compile(r"\^\{([^{}]+)\}")
_OPERATORS = {"\\frac", "\\sum", "\\prod", "\\left", "\\right", "\\partial", "\\nabla", "\\cdot", "\\times", "\\log",
              "\\exp", "\\ln", "\\sqrt", "\\textrm", "\\text", "\\quad", "\\qquad", "\\begin", "\\end", "\\top",
              "\\mathrm", "\\operatorname", "\\mid", "\\hspace", "\\int", "\\lim", "\\max", "\\min", "\\tanh", "\\sin",
              "\\cos", "\\approx", "\\neq", "\\leq", "\\geq", "\\to", "\\rightarrow", "\\Rightarrow", "\\in"}


def _transposes(text: str, letters) -> Iterator[str]:
    yield from _each(_TRANSPOSE, text, lambda m: "")


def _swaps(text: str, letters) -> Iterator[str]:
    """`A B` -> `B A` for two adjacent operands (a name with its scripts), not operators."""
    def swap(match):
        first, space, second = match.groups()
        heads = {re.match(r"\\[A-Za-z]+", part).group(0) for part in (first, second) if part.startswith("\\")}
        return match.group(0) if heads & _OPERATORS or first == second else f"{second}{space}{first}"
    yield from _each(_PRODUCT, text, swap)


def _exponents_off_by_one(text: str, letters) -> Iterator[str]:
    yield from _exponents(text, letters)
    yield from _each(_BRACED_EXPONENT, text, lambda m: f"^{{{m.group(1)}+1}}" if m.group(1).strip() not in
                     ("\\top", "T", "-1", "*") else m.group(0))


EDITS = {"sign": _signs, "index": _indices, "factor": _drops, "brackets": _brackets, "limit": _limits,
         "transpose": _transposes, "swap": _swaps, "exponent": _exponents_off_by_one}


# ---------------------------------------------------------------- mutants


@dataclass(frozen=True)
class NoteMutant:
    slug: str
    line: int  # 1-based
    kind: str
    text: str  # the whole mutated note

    @property
    def where(self) -> str:
        return f"{self.slug}:{self.line}"


def _math_spans(line: str, in_display: bool) -> list[tuple[int, int]]:
    """Where the math of one line is: between $ signs, or the whole line inside a display."""
    spans, opened, start = [], in_display, 0
    for match in re.finditer(r"(?<!\\)\$\$?", line):
        if opened:
            spans.append((start, match.start()))
        start, opened = match.end(), not opened
    if opened:
        spans.append((start, len(line)))
    return spans


def _display_state(lines: list[str]) -> list[bool]:
    """For each line, whether it starts inside a $$ display."""
    inside, state = False, []
    for line in lines:
        state.append(inside)
        if len(re.findall(r"(?<!\\)\$\$", line)) % 2:
            inside = not inside
    return state


def _letters(notation: Path) -> list[str]:
    data = tomllib.loads(notation.read_text(encoding="utf-8")) if notation.is_file() else {}
    declared = sorted(name for name in data.get("indices", {}) if len(name) == 1)
    return declared or ["i", "j", "k"]


def line_mutants(slug: str, text: str, n: int, inside: bool, letters: list[str]) -> list[NoteMutant]:
    lines = text.split("\n")
    line = lines[n - 1]
    found, seen = [], {line}
    for start, end in _math_spans(line, inside):
        math = line[start:end]
        for kind, edit in EDITS.items():
            for edited in edit(math, letters):
                new = line[:start] + edited + line[end:]
                if new not in seen:
                    seen.add(new)
                    found.append(NoteMutant(slug, n, kind, "\n".join(lines[:n - 1] + [new] + lines[n:])))
    return found


def corpus_mutants(only: Optional[str] = None) -> list[NoteMutant]:
    found = []
    for folder in sorted(path for path in CORPUS.iterdir() if (path / "key.toml").is_file()):
        note = folder / "note.md"
        if not note.is_file():
            continue
        text = note.read_text(encoding="utf-8")
        inside = _display_state(text.split("\n"))
        key = tomllib.loads((folder / "key.toml").read_text(encoding="utf-8"))
        letters = _letters(folder / "note.toml")
        for row in key.get("line", []):
            if row["status"] == "true":
                found += line_mutants(folder.name, text, row["n"], inside[row["n"] - 1], letters)
    return [m for m in found if only is None or m.slug == only or m.where == only]


# ---------------------------------------------------------------- running


class _Recorder:
    """The equations `check` decides, by (line, written LaTeX): for the oracle."""

    def __init__(self):
        self.equations: dict[tuple[int, str], list] = collections.defaultdict(list)
        self.original = note_checker.verify_equation

    def __call__(self, eq, *args, **kwargs):
        self.equations[(eq.line, eq.latex)].append(eq)
        return self.original(eq, *args, **kwargs)


def check_text(slug: str, text: str, settings: Settings) -> tuple[dict[int, str], dict]:
    """Line outcomes of the note `text` checked with the entry's notation, and the equations decided."""
    recorder = _Recorder()
    with tempfile.TemporaryDirectory(prefix="symcheck-note-mutation-") as folder:
        note = Path(folder) / "note.md"
        note.write_text(text, encoding="utf-8")
        with mock.patch.object(note_checker, "verify_equation", recorder):
            checked = note_checker.check_note(note, CORPUS / slug / "note.toml", settings)
        data = json.loads(JsonPrinter().document([checked.result]))
        return line_outcomes(note, steps_from_json(data)), recorder.equations


def _judge(mutant: NoteMutant, equations: dict, original: dict, seed: int) -> str:
    on_line = [eq for (line, _), eqs in equations.items() if line == mutant.line for eq in eqs]
    if not on_line:
        return "unverified"
    verdicts = [equivalent(eq, seed) for eq in on_line]
    if False in verdicts:
        return "FALSE PROOF"
    if None in verdicts:
        return "unverified"
    read = {str(eq.rhs) for eq in on_line} | {str(eq.lhs) for eq in on_line}
    before = {str(eq.rhs) for (line, _), eqs in original.items() if line == mutant.line for eq in eqs}
    before |= {str(eq.lhs) for (line, _), eqs in original.items() if line == mutant.line for eq in eqs}
    return "invisible" if read <= before else "equivalent"


_ORIGINALS: dict[str, tuple] = {}  # slug -> the unmutated note's line outcomes and equations


def run_one(mutant: NoteMutant, settings: Settings) -> tuple[str, str, str]:
    try:
        if mutant.slug not in _ORIGINALS:
            text = (CORPUS / mutant.slug / "note.md").read_text(encoding="utf-8")
            _ORIGINALS[mutant.slug] = check_text(mutant.slug, text, settings)
        before, original = _ORIGINALS[mutant.slug]
        if before.get(mutant.line) != "holds":
            return mutant.where, mutant.kind, "not held"
        outcomes, equations = check_text(mutant.slug, mutant.text, settings)
        got = outcomes.get(mutant.line, "silent")
        if got == "finding":
            return mutant.where, mutant.kind, "killed"
        if got == "undecided":
            return mutant.where, mutant.kind, "unknown"
        if got in ("unread", "silent"):
            return mutant.where, mutant.kind, got
        return mutant.where, mutant.kind, _judge(mutant, equations, original, settings.seed)
    except Exception as error:  # noqa: BLE001 - a crash is a result here
        return mutant.where, mutant.kind, f"crash: {type(error).__name__}: {error}"[:200]


def report(results, mutants: dict, seconds: float) -> None:
    print(f"note mutants: {len(results)}  ({seconds:.0f} s)")
    print_counts(results, KINDS, OUTCOMES, width=12)
    for result in results:
        where, kind, outcome = result
        if outcome in ("FALSE PROOF", "invisible", "unverified", "silent") or outcome.startswith("crash"):
            line = mutants[result].text.split("\n")[int(where.rsplit(":", 1)[1]) - 1]
            print(f"  {outcome}: {where} ({kind}): {line.strip()[:160]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="mutants to run (a seeded sample); 0 = all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-j", "--jobs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per step")
    parser.add_argument("--only", help="mutants of one entry or one line (SLUG or SLUG:LINE)")
    args = parser.parse_args(argv)
    tasks = corpus_mutants(args.only)
    if args.limit:
        tasks = random.Random(args.seed).sample(tasks, min(args.limit, len(tasks)))
    settings = Settings(step_timeout=args.timeout, seed=args.seed)
    started = time.perf_counter()
    results = parallel_map(run_one, tasks, args.jobs, settings)
    report(results, dict(zip(results, tasks)), time.perf_counter() - started)
    return 1 if any(outcome == "FALSE PROOF" for _, _, outcome in results) else 0


if __name__ == "__main__":
    sys.exit(main())
