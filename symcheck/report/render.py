"""Validation of math by compiling it, and the renderer that turns source formulas into
typeset math or, when they cannot be typeset, into verbatim text with the reason.

When pdflatex is present, every formula that passed the static check (`prepare_math`) is
compiled once in a probe document with the same preamble and the same wrapper
(`MathValidator`); formulas whose region of the log holds an error are shown verbatim
instead. Results are cached per formula. If a final document still fails, the caller
retries with every formula verbatim (``safe=True``), which contains no user math at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Optional, Sequence

from symcheck.report.build import run_probe
from symcheck.report.escape import escape_text, verbatim_math
from symcheck.report.mathsafe import MathRejected, prepare_math
from symcheck.report.preamble import PREAMBLE
from symcheck.report.prose import SIGNIFICANT_DIGITS, ValueSyntax, name_tex, prose_tex, relation_tex, value_tex

# ---------------------------------------------------------------- validation


_BEGIN = "SYMCHECK-PROBE-BEGIN"
_END = "SYMCHECK-PROBE-END"


class MathValidator:
    """Decides which prepared formulas compile, by compiling them (see module docstring).

    Without pdflatex every formula that passed the static check is accepted.
    """

    def __init__(self, pdflatex: Optional[str] = None, *, timeout: float = 120.0):
        self.pdflatex = pdflatex
        self.timeout = timeout
        self.cache: dict[str, bool] = {}

    def validate(self, bodies: Iterable[str]) -> None:
        todo = sorted({b for b in bodies if b not in self.cache})
        if not todo:
            return
        if not self.pdflatex:
            for body in todo:
                self.cache[body] = True
            return
        self._validate(todo, depth=0)

    def ok(self, body: str) -> bool:
        if body not in self.cache:
            self.validate([body])
        return self.cache[body]

    # -- internals

    def _validate(self, todo: list[str], depth: int) -> None:
        pending = list(todo)
        for _ in range(len(todo) + 1):
            if not pending:
                return
            status = self._probe(pending)
            if status is None:  # crashed or timed out: split, or give up on a single one
                if len(pending) == 1 or depth > 12:
                    for body in pending:
                        self.cache[body] = False
                    return
                half = len(pending) // 2
                self._validate(pending[:half], depth + 1)
                self._validate(pending[half:], depth + 1)
                return
            bad = [b for b, s in zip(pending, status) if s == "bad"]
            unseen = [b for b, s in zip(pending, status) if s == "unseen"]
            if not bad and not unseen:
                for body in pending:
                    self.cache[body] = True
                return
            if not bad:
                bad = unseen[:1]  # the first one that never finished derailed the run
            for body in bad:
                self.cache[body] = False
            pending = [b for b in pending if b not in set(bad)]
        for body in pending:  # pragma: no cover - loop bound reached
            self.cache[body] = False

    def _probe(self, bodies: Sequence[str]) -> Optional[list[str]]:
        parts = [PREAMBLE, "\\begin{document}\n"]
        for n, body in enumerate(bodies):
            parts.append(
                f"\\typeout{{{_BEGIN} {n}}}\n\\mathblock{{{body}}}\n\\typeout{{{_END} {n}}}\n"
            )
        parts.append("\\end{document}\n")
        log = run_probe(self.pdflatex, "".join(parts), timeout=self.timeout)
        if log is None:
            return None
        return _parse_probe_log(log, len(bodies))


def _parse_probe_log(log: str, count: int) -> Optional[list[str]]:
    """Per formula "ok", "bad" or "unseen"; None when an error happened outside every
    formula's region (then the probe itself is broken and proves nothing)."""
    status = ["unseen"] * count
    current: Optional[int] = None
    for line in log.splitlines():
        if current is None and line.startswith("!"):
            return None
        if line.startswith(_BEGIN + " "):
            try:
                current = int(line.split()[1])
            except (IndexError, ValueError):
                current = None
            continue
        if line.startswith(_END + " "):
            try:
                n = int(line.split()[1])
            except (IndexError, ValueError):
                continue
            if 0 <= n < count and status[n] == "unseen":
                status[n] = "ok"
            current = None
            continue
        if current is not None and 0 <= current < count and line.startswith("!"):
            status[current] = "bad"
    return status


# ---------------------------------------------------------------- rendering


@dataclass
class MathRenderer:
    """Turns formulas into LaTeX: validated math, or verbatim with a reason.

    With `collect` set, every formula is accepted and recorded there: a first rendering
    pass gathers them, one probe run validates them all, and a second pass writes.
    """

    validator: MathValidator = field(default_factory=lambda: MathValidator(None))
    safe: bool = False  # everything verbatim (last resort when a document fails)
    names: Mapping[str, str] = field(default_factory=dict)  # declared name -> its LaTeX
    collect: Optional[list[str]] = None
    fallbacks: list[str] = field(default_factory=list)  # formulas shown verbatim (shared by with_names)

    def with_names(self, names: Mapping[str, str]) -> "MathRenderer":
        """The same renderer, naming symbols as one document does."""
        return replace(self, names=names)

    def body(self, latex: str) -> tuple[Optional[str], str]:
        """(prepared body, "") when the formula may be typeset, else (None, reason)."""
        if self.safe:
            return None, "safe mode"
        try:
            body = prepare_math(latex)
        except MathRejected as exc:
            return self._fallback(latex, str(exc))
        if self.collect is not None:
            self.collect.append(body)
        elif not self.validator.ok(body):
            return self._fallback(latex, "does not compile with pdflatex")
        return body, ""

    def _fallback(self, latex: str, reason: str) -> tuple[None, str]:
        if self.collect is None:
            self.fallbacks.append(latex)
        return None, reason

    def block(self, latex: str) -> str:
        """A displayed formula, full width (see ``\\fitmath``)."""
        body, reason = self.body(latex)
        if body is None:
            return verbatim_math(latex, reason)
        return "\\mathblock{" + body + "}"

    def cell(self, latex: str) -> str:
        """A formula in a table cell, fitted to the cell's width."""
        body, reason = self.body(latex)
        if body is None:
            return verbatim_math(latex, reason)
        return "\\fitmath{" + body + "}"

    def inline(self, latex: str) -> str:
        """A short formula in running text (breaks after relations like any inline math)."""
        body, _reason = self.body(latex)
        if body is None:
            return r"\texttt{" + escape_text(latex, breakable=True) + "}"
        return "\\mathinline{" + body + "}"

    def prose(self, text: Optional[str]) -> str:
        """Text with math in it (titles, notes, names): see `symcheck.report.prose`."""
        if self.safe:
            return escape_text(relation_tex(text or "", unicode=True))
        return prose_tex(text, self.inline)

    def value(self, text: str, digits: int = SIGNIFICANT_DIGITS) -> str:
        """A value the engine printed, typeset; shown as text when it does not parse."""
        try:
            return self.inline(value_tex(text, self.names, digits))
        except ValueSyntax:
            return r"\texttt{" + escape_text(text, breakable=True) + "}"

    def assignment(self, name: str, value: str) -> str:
        """name = value, both typeset (a point of a counterexample or sample)."""
        try:
            return self.inline(f"{name_tex(name, self.names)} = {value_tex(value, self.names)}")
        except ValueSyntax:
            return r"\texttt{" + escape_text(f"{name} = {value}", breakable=True) + "}"

    def relation(self, text: str) -> str:
        """A condition the engine printed ("i != j") as math."""
        return self.inline(relation_tex(text))
