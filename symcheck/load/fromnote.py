"""Derivation files that take their LaTeX from the note: `note = "path"`.

With a note, a chain may be given by line range (`lines = "62-66"`) and a definition or
claim by `line` alone: their LaTeX is read from the note with the note reader
(`symcheck.notes.extract`), so it is always as written. The file adds only what the note
cannot say: errata, `why`, the case, overrides (a `[[chains.steps]]` entry with `line`,
optionally `member`, changes the step read from that line; a `latex` there replaces the
note's text and is then checked by `coverage` like any quote).

This module turns such a file's tables into the ordinary ones (every `latex` filled in),
before the loader validates them; files without `note` pass through unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Optional

from symcheck.notes.extract import MathChain, MathFragment, extract_math, read_notes

LineSpan = tuple[int, int]
Fail = Callable[[str, str], Exception]


def note_path(derivation: Path, note: str) -> Path:
    """The note, relative to the derivation file."""
    return (derivation.parent / note).resolve()


def span_of(value: Any) -> Optional[LineSpan]:
    """"62-66", "40" or 40 -> (first, last); None when it is neither."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, value)
    match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", value) if isinstance(value, str) else None
    if match is None:
        return None
    first, last = int(match[1]), int(match[2] or match[1])
    return (first, last) if first <= last else None


def line_ref(fragments: list[MathFragment]) -> Any:
    """The line of a step as a derivation file writes it: an int, or "a-b"."""
    first, last = fragments[0].line, fragments[-1].end_line
    return first if first == last else f"{first}-{last}"


class NoteSource:
    """The chains of one note, looked up by line."""

    def __init__(self, path: Path, fail: Fail):
        self.path, self.fail = path, fail
        self.chains = extract_math(read_notes(path), str(path))

    def within(self, span: LineSpan) -> list[MathChain]:
        return [chain for chain in self.chains if span[0] <= chain.line <= span[1]]

    def one_chain(self, span: LineSpan, where: str, choice: Optional[int] = None) -> MathChain:
        found = list(self.within(span))  # `chain = N` counts every chain, premises too
        if choice is not None:
            found = found[choice - 1:choice] if 1 <= choice <= len(found) else []
        else:
            found = [chain for chain in found if not chain.premise]
        if len(found) != 1:
            what = "no chain" if not found else f"{len(found)} chains (choose one with chain = N)"
            raise self.fail(f"{where}: the note has {what} of equal expressions at lines {span[0]}-{span[1]}", where)
        return found[0]

    # ------------------------------------------------------------ filling in the tables

    def chain(self, data: dict, where: str) -> dict:
        if "lines" not in data:
            return data
        span = span_of(data["lines"])
        if span is None:
            raise self.fail(f"{where}: 'lines' must be a line or a range \"a-b\"", str(data["lines"]))
        members = list(self.one_chain(span, where, data.get("chain")).members)
        overrides = data.get("steps", [])
        if not isinstance(overrides, list):
            raise self.fail(f"{where}: 'steps' must be an array of tables", where)
        steps = [{"line": line_ref([member]), "latex": member.latex} for member in members]
        for number, override in enumerate(overrides, start=1):
            self._override(steps, members, override, f"{where}.steps[{number}]")
        rest = {key: value for key, value in data.items() if key not in ("lines", "chain", "steps")}
        return {**rest, "name": data.get("name", f"lines {data['lines']}"), "steps": steps}

    def _override(self, steps: list[dict], members: list[MathFragment], override: Any, where: str) -> None:
        if not isinstance(override, dict) or "line" not in override:
            raise self.fail(f"{where}: a step of a chain read from the note names its 'line'", where)
        at = [n for n, member in enumerate(members) if member.line == override["line"]]
        choice = override.get("member")
        if choice is not None:
            at = at[choice - 1:choice] if isinstance(choice, int) and 1 <= choice <= len(at) else []
        if len(at) != 1:
            what = "no member" if not at else f"{len(at)} members (choose one with member = N)"
            raise self.fail(f"{where}: the chain has {what} on line {override['line']}", str(override["line"]))
        written = steps[at[0]]
        steps[at[0]] = {**written, **{key: value for key, value in override.items() if key != "member"},
                        "line": written["line"]}

    def equations(self, data: dict, where: str, premises: bool = False) -> list[dict]:
        """A definition or claim by `line` alone: one entry per chain on those lines; a claim
        (`premises`) takes the hypotheses of a `\\Rightarrow` on those lines as its `given`."""
        if "latex" in data or "line" not in data:
            return [data]
        span = span_of(data["line"])
        if span is None:
            raise self.fail(f"{where}: 'line' must be an int or a range \"a-b\"", str(data["line"]))
        chains = [chain for chain in self.within(span) if not chain.premise]
        if "chain" in data:
            chains = [self.one_chain(span, where, data["chain"])]
        if not chains:
            raise self.fail(f"{where}: the note has no equation at lines {span[0]}-{span[1]}", str(data["line"]))
        if len(chains) > 1 and "erratum" in data:
            raise self.fail(f"{where}: an erratum needs one equation; lines {span[0]}-{span[1]} hold "
                            f"{len(chains)} (choose one with chain = N)", str(data["line"]))
        given = [_equation(chain) for chain in self.within(span) if chain.premise and chain not in chains]
        rest = {key: value for key, value in data.items() if key != "chain"}
        extra = {"given": given} if premises and given and "given" not in data else {}
        return [{**rest, **extra, "line": line_ref(list(chain.members)), "latex": _equation(chain)} for chain in chains]


def _equation(chain: MathChain) -> str:
    return " = ".join(member.latex for member in chain.members)


def expand(data: dict, path: Path, fail: Fail) -> tuple[dict, Optional[Path]]:
    """The tables of a derivation file with `note`, every LaTeX read from the note; and the note."""
    if "note" not in data:
        return data, None
    if not isinstance(data["note"], str):
        raise fail("'note' must be a path (relative to the derivation file)", "note")
    note = note_path(path, data["note"])
    if not note.is_file():
        raise fail(f"note {data['note']!r} not found (looked for {note})", "note")
    source = NoteSource(note, fail)
    expanded = {key: value for key, value in data.items() if key != "note"}
    expanded["source"] = data.get("source", note.name)
    for key in ("definitions", "claims"):
        if isinstance(data.get(key), list):
            expanded[key] = [
                entry for number, item in enumerate(data[key], start=1)
                for entry in (source.equations(item, f"{key}[{number}]", key == "claims") if isinstance(item, dict) else [item])
            ]
    if isinstance(data.get("chains"), list):
        expanded["chains"] = [source.chain(item, f"chains[{number}]") if isinstance(item, dict) else item
                              for number, item in enumerate(data["chains"], start=1)]
    return expanded, note
