#!/usr/bin/env python3
"""symcheck on the public corpus: derivations written by other authors (tests/corpus/).

For every corpus entry, runs

    symcheck check note.md    --notation note.toml --format json
    symcheck check mutated.md --notation note.toml --format json

and compares what symcheck reports on each line with the entry's key.toml (a reader's
judgement of every line that holds math, and the errors planted in mutated.md).

    python benchmarks/bench_corpus.py                  # every entry, a table per entry and the totals
    python benchmarks/bench_corpus.py --only d2l-coin-mle
    python benchmarks/bench_corpus.py --json           # the totals (and each entry) as JSON

What is counted, per line of the key (a line's result is the strongest of what symcheck
says about the members on it: finding > unread > undecided > holds > silent):

- finding: an error or warning (step refuted, holding only under an unstated condition, or
  a warning remark such as a sum that lost its brackets);
- unread: a member on the line could not be parsed (or the line lies in a chain that
  symcheck gave up on because a member could not be parsed);
- undecided: a step on the line is `unknown` for another reason (time limit, ...);
- holds: every step on the line is proved / proved-for-sizes / numeric;
- silent: no step of symcheck's covers the line.

Figures: math lines (key rows other than not-math), true lines, planted errors caught
(on mutated.*), real errors caught (on note.*), false alarms (a finding on a line the key
says is true, on note.*), false proofs (a planted or real error line that holds or is
silent), unread (math lines of note.* left unread) and wall time. Lines the key calls
`ambiguous` (ambiguous as written: a finding is the right answer) are counted apart: how
many, and how many got a finding; they count neither as caught nor as false alarms. A run that exits 2 or 3,
crashes or times out counts every math line of that file as unread and is reported.

Deterministic: entries in sorted order, `--seed 0`, `-j 1`.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
NOTE_SUFFIXES = (".md", ".tex")
RUN_TIMEOUT = 900  # seconds for one `symcheck check` run

TARGETS = {
    "false_proofs": "0",
    "caught": ">= 95%",
    "false_alarms": "<= 2%",
    "unread": "<= 5%",
}

HOLDING = {"proved", "proved-for-sizes", "numeric"}
RANK = {"finding": 4, "unread": 3, "undecided": 2, "holds": 1, "silent": 0}


# ---------------------------------------------------------------- symcheck's JSON


@dataclass
class StepReport:
    """One step as symcheck reports it, reduced to what the benchmark needs."""
    line: int
    latex: str
    outcome: str  # finding | unread | undecided | holds


def steps_from_json(data: dict) -> list[StepReport]:
    """The steps of `symcheck check --format json` (the schema of `verify`).

    Kept in one place so that it can follow the schema: documents[] with definitions[],
    chains[].steps[] and claims[]; each step has line, latex, verdict, strategy, condition.
    """
    found: list[StepReport] = []
    for document in data.get("documents", []):
        groups = [(None, document.get("definitions", [])), (None, document.get("claims", []))]
        groups += [(chain.get("condition"), chain.get("steps", [])) for chain in document.get("chains", [])]
        for chain_condition, steps in groups:
            for step in steps:
                line = step.get("line")
                if isinstance(line, str):  # "a-b"
                    line = line.split("-")[0]
                if line is None:
                    continue
                found.append(StepReport(int(line), step.get("latex") or "", _outcome(step, chain_condition)))
    return found


def _outcome(step: dict, chain_condition: Optional[str]) -> str:
    verdict, strategy = step.get("verdict"), step.get("strategy") or ""
    if verdict == "refuted" or any(r.get("severity") == "warning" for r in step.get("remarks") or ()):
        return "finding"
    if verdict == "conditional":
        own = chain_condition is not None and step.get("condition") == chain_condition
        return "holds" if own else "finding"
    if verdict in HOLDING:
        return "holds"
    if strategy.startswith("unparsable"):
        return "unread"
    return "undecided"


# ---------------------------------------------------------------- member extents


def member_extents(path: Path) -> tuple[dict[tuple[int, str], int], list[tuple[int, int]]]:
    """(start line, latex) -> end line of each member, and the line span of each chain,
    from symcheck's own extractor; empty when it cannot be imported."""
    try:
        from symcheck.notes.extract import extract_file
    except Exception:  # pragma: no cover - another layout of symcheck
        return {}, []
    ends: dict[tuple[int, str], int] = {}
    spans: list[tuple[int, int]] = []
    for chain in extract_file(path):
        for member in chain.members:
            ends[(member.line, member.latex.strip())] = member.end_line
        if chain.members:
            spans.append((chain.members[0].line, max(m.end_line for m in chain.members)))
    return ends, spans


def line_outcomes(path: Path, steps: list[StepReport]) -> dict[int, str]:
    ends, spans = member_extents(path)
    by_start: dict[int, list[int]] = {}
    for (start, _), end in ends.items():
        by_start.setdefault(start, []).append(end)
    result: dict[int, str] = {}

    def mark(line: int, outcome: str) -> None:
        if RANK[outcome] > RANK.get(result.get(line, "silent"), 0):
            result[line] = outcome

    for step in steps:
        end = ends.get((step.line, step.latex.strip()))
        if end is None:  # tidied LaTeX: the shortest member starting on that line
            candidates = by_start.get(step.line, [step.line])
            end = min(candidates)
        for line in range(step.line, end + 1):
            mark(line, step.outcome)
    unread_lines = {s.line for s in steps if s.outcome == "unread"}
    for first, last in spans:
        if any(first <= line <= last for line in unread_lines):
            for line in range(first, last + 1):
                if line not in result:
                    result[line] = "unread"
    return result


# ---------------------------------------------------------------- running symcheck


def symcheck_command() -> list[str]:
    probe = subprocess.run([sys.executable, "-c", "import symcheck.cli"], capture_output=True)
    if probe.returncode == 0:
        return [sys.executable, "-m", "symcheck.cli"]
    return [str(Path(sys.executable).with_name("symcheck"))]


@dataclass
class Run:
    outcomes: dict[int, str]
    exit_code: Optional[int]
    seconds: float
    problem: Optional[str] = None


def run_check(command: list[str], note: Path, notation: Path, extra: tuple[str, ...] = ()) -> Run:
    args = command + ["check", note.name, "--notation", notation.name, "--format", "json", "--seed", "0", "-j", "1"]
    args += list(extra)
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    start = time.perf_counter()
    try:
        proc = subprocess.run(args, cwd=note.parent, capture_output=True, text=True, timeout=RUN_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        return Run({}, None, time.perf_counter() - start, f"timed out after {RUN_TIMEOUT} s")
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        return Run({}, proc.returncode, seconds, f"exit {proc.returncode}: {last}")
    try:
        data = json.loads(proc.stdout)
    except json.JSONDecodeError as error:
        return Run({}, proc.returncode, seconds, f"unreadable JSON: {error}")
    return Run(line_outcomes(note, steps_from_json(data)), proc.returncode, seconds)


# ---------------------------------------------------------------- scoring


@dataclass
class Score:
    slug: str
    math_lines: int = 0
    true_lines: int = 0
    planted: int = 0
    planted_caught: int = 0
    planted_caught_clean: int = 0   # caught on a line that was not already flagged in note.*
    real: int = 0
    real_caught: int = 0
    false_alarms: int = 0
    other_alarms: int = 0           # findings on definition / prose-case lines of note.*
    false_proofs: int = 0
    unread: int = 0
    ambiguous: int = 0
    ambiguous_flagged: int = 0      # ambiguous lines with a finding (the right answer)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    def add(self, other: "Score") -> None:
        for name in ("math_lines", "true_lines", "planted", "planted_caught", "planted_caught_clean", "real",
                     "real_caught", "false_alarms", "other_alarms", "false_proofs", "unread", "ambiguous",
                     "ambiguous_flagged", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.problems += [f"{other.slug}: {p}" for p in other.problems]


def entry_files(folder: Path) -> tuple[Path, Path]:
    for suffix in NOTE_SUFFIXES:
        if (folder / f"note{suffix}").is_file():
            return folder / f"note{suffix}", folder / f"mutated{suffix}"
    raise FileNotFoundError(f"{folder}: no note.md or note.tex")


def score_entry(folder: Path, command: list[str]) -> Score:
    note, mutated = entry_files(folder)
    notation = folder / "note.toml"
    key = tomllib.loads((folder / "key.toml").read_text(encoding="utf-8"))
    score = Score(folder.name)
    clean = run_check(command, note, notation)
    dirty = run_check(command, mutated, notation)
    score.seconds = clean.seconds + dirty.seconds
    for label, run in (("note", clean), ("mutated", dirty)):
        if run.problem:
            score.problems.append(f"{label}: {run.problem}")

    for row in key.get("line", []):
        n, status = row["n"], row["status"]
        if status == "not-math":
            continue
        score.math_lines += 1
        got = "unread" if clean.problem else clean.outcomes.get(n, "silent")
        if got == "unread":
            score.unread += 1
        if status == "true":
            score.true_lines += 1
            if got == "finding":
                score.false_alarms += 1
                score.details.append(f"line {n}: false alarm on a true line")
        elif status in ("definition", "prose-case") and got == "finding":
            score.other_alarms += 1
            score.details.append(f"line {n}: finding on a {status} line")
        elif status == "ambiguous":
            score.ambiguous += 1
            if got == "finding":
                score.ambiguous_flagged += 1
            else:
                score.details.append(f"line {n}: ambiguous line {got} (a finding is the right answer)")
        elif status == "real-error":
            score.real += 1
            if got == "finding":
                score.real_caught += 1
            elif got in ("holds", "silent"):
                score.false_proofs += 1
                score.details.append(f"line {n}: real error {got}")
    for row in key.get("planted", []):
        n = row["n"]
        score.planted += 1
        got = "unread" if dirty.problem else dirty.outcomes.get(n, "silent")
        if got == "finding":
            score.planted_caught += 1
            if clean.outcomes.get(n) != "finding":
                score.planted_caught_clean += 1
        elif got in ("holds", "silent"):
            score.false_proofs += 1
            score.details.append(f"line {n}: planted {row['kind']} error {got}")
        else:
            score.details.append(f"line {n}: planted {row['kind']} error {got}")
    return score


# ---------------------------------------------------------------- printing


def percent(part: float, whole: float) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "n/a"


def figures(score: Score) -> dict:
    errors = score.planted + score.real
    caught = score.planted_caught + score.real_caught
    return {
        "math_lines": score.math_lines,
        "true_lines": score.true_lines,
        "planted": score.planted,
        "planted_caught": score.planted_caught,
        "planted_caught_on_clean_lines": score.planted_caught_clean,
        "real_errors": score.real,
        "real_caught": score.real_caught,
        "caught_rate": percent(caught, errors),
        "false_alarms": score.false_alarms,
        "false_alarm_rate": percent(score.false_alarms, score.true_lines),
        "alarms_on_definition_or_prose_lines": score.other_alarms,
        "false_proofs": score.false_proofs,
        "unread": score.unread,
        "unread_rate": percent(score.unread, score.math_lines),
        "ambiguous": score.ambiguous,
        "ambiguous_flagged": score.ambiguous_flagged,
        "seconds": round(score.seconds, 2),
    }


def meets(score: Score) -> dict[str, bool]:
    errors = score.planted + score.real
    caught = score.planted_caught + score.real_caught
    return {
        "false_proofs": score.false_proofs == 0,
        "caught": errors == 0 or caught >= 0.95 * errors,
        "false_alarms": score.true_lines == 0 or score.false_alarms <= 0.02 * score.true_lines,
        "unread": score.math_lines == 0 or score.unread <= 0.05 * score.math_lines,
    }


def print_entry(score: Score, out) -> None:
    f = figures(score)
    print(f"{score.slug}: {f['math_lines']} math lines, {f['true_lines']} true; "
          f"planted {f['planted_caught']}/{f['planted']}, real {f['real_caught']}/{f['real_errors']}; "
          f"false alarms {f['false_alarms']}, false proofs {f['false_proofs']}, unread {f['unread']}"
          f"{_ambiguous_part(f)}; "
          f"{f['seconds']:.1f} s", file=out)
    for detail in score.details:
        print(f"    {detail}", file=out)
    for problem in score.problems:
        print(f"    PROBLEM {problem}", file=out)


def _ambiguous_part(f: dict) -> str:
    return f", ambiguous flagged {f['ambiguous_flagged']}/{f['ambiguous']}" if f["ambiguous"] else ""


def print_totals(total: Score, entries: int, out) -> None:
    f, ok = figures(total), meets(total)
    mark = lambda good: "meets target" if good else "BELOW TARGET (not yet met)"
    errors = total.planted + total.real
    rows = [
        ("entries", str(entries), "", ""),
        ("lines with math", str(f["math_lines"]), "", ""),
        ("true lines", str(f["true_lines"]), "", ""),
        ("planted errors caught", f"{f['planted_caught']}/{f['planted']}", "", ""),
        ("  of which on lines clean in note", f"{f['planted_caught_on_clean_lines']}/{f['planted']}", "", ""),
        ("real errors caught", f"{f['real_caught']}/{f['real_errors']}", "", ""),
        ("caught (planted + real)", f"{total.planted_caught + total.real_caught}/{errors} = {f['caught_rate']}",
         TARGETS["caught"], mark(ok["caught"])),
        ("false alarms on true lines", f"{f['false_alarms']}/{f['true_lines']} = {f['false_alarm_rate']}",
         TARGETS["false_alarms"], mark(ok["false_alarms"])),
        ("findings on definition/prose lines", str(f["alarms_on_definition_or_prose_lines"]), "", ""),
        ("false proofs", str(f["false_proofs"]), TARGETS["false_proofs"], mark(ok["false_proofs"])),
        ("lines left unread", f"{f['unread']}/{f['math_lines']} = {f['unread_rate']}",
         TARGETS["unread"], mark(ok["unread"])),
        ("ambiguous lines flagged", f"{f['ambiguous_flagged']}/{f['ambiguous']}", "", ""),
        ("seconds (both runs, wall)", f"{f['seconds']:.1f}", "", ""),
    ]
    print("", file=out)
    print(f"{'':36} {'figure':>22}  {'target':>8}", file=out)
    for name, value, target, verdict in rows:
        print(f"{name:36} {value:>22}  {target:>8}  {verdict}".rstrip(), file=out)
    for problem in total.problems:
        print(f"PROBLEM {problem}", file=out)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", metavar="SLUG", action="append", help="run only this entry (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the totals and each entry as JSON")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    folders = sorted(p for p in args.corpus.iterdir() if p.is_dir() and (p / "key.toml").is_file())
    if args.only:
        wanted = set(args.only)
        folders = [p for p in folders if p.name in wanted]
        missing = wanted - {p.name for p in folders}
        if missing:
            parser.error(f"no corpus entry {', '.join(sorted(missing))}")
    command = symcheck_command()
    total = Score("total")
    scores = []
    out = sys.stderr if args.json else sys.stdout
    for folder in folders:
        score = score_entry(folder, command)
        scores.append(score)
        total.add(score)
        print_entry(score, out)
    if args.json:
        json.dump({
            "entries": {s.slug: {**figures(s), "details": s.details, "problems": s.problems} for s in scores},
            "total": {**figures(total), "entries": len(scores), "problems": total.problems},
            "targets": TARGETS,
            "meets": meets(total),
        }, sys.stdout, indent=2)
        print()
    else:
        print_totals(total, len(scores), out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
