"""Linter-style printers of verdict data: compiler text, GitHub annotations, JUnit XML.

As in pyflakes, checking and printing are apart: `diagnostics_from` turns a
`DocumentResult` into `Diagnostic` messages (data), and a printer chosen by name from
`PRINTERS` decides how they look. JSON is printed by `symcheck.printers.results`.

Severity of each step result (see docs/check.md):

=====================================  ==========  ===========================================
result                                 severity    message
=====================================  ==========  ===========================================
refuted                                error       step is refuted: <reason>; counterexample: ...
conditional                            warning     step holds only if <condition>
unknown                                note        could not decide step: <reason>
math that cannot be read               warning     cannot read the math: <reason> (error if strict)
numeric                                (none)      a note "numeric evidence only" if asked for
proved-for-sizes                       (none)      a note "proved only for the sizes checked" if asked for
a relation seen, not checked           note        relation \\propto is not checked: <why>
proved                                 (none)
a remark on a step (notes, case index) its own      its message (a carried error, a case-index typo)
erratum refuted as declared            (none)      it is what the derivation file expects
erratum no longer refuted              error       erratum not found: ...
intended form of an erratum fails      error       intended form is <verdict>: ...
failed gradient check                  error       gradient check failed: ...
=====================================  ==========  ===========================================

A message about a step of a note names the member it was compared with (line:col); a step
that claims a relation other than `=` is named by it ("relation ≤ is refuted: ...").
`exit_code` is 1 when there is an error, or with `strict` any diagnostic at all; else 0.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, ClassVar, Iterable, Optional, Sequence, TextIO

from symcheck.model import RELATION_NOT_CHECKED, UNPARSABLE, Counterexample, Decision, DocumentResult, GradientCheckResult, StepResult, Verdict
from symcheck.notes.rows import RELATION_SYMBOLS

__all__ = [
    "Diagnostic",
    "Location",
    "UNPARSABLE",
    "SEVERITIES",
    "diagnostics_from",
    "classify",
    "format_counterexample",
    "fragment_locator",
    "exit_code",
    "Printer",
    "TextPrinter",
    "GitHubPrinter",
    "JUnitPrinter",
    "PRINTERS",
    "get_printer",
]

SEVERITIES = ("error", "warning", "note")

# Decision.strategy of a step whose LaTeX the notation layer cannot read (verdict unknown).

# (line, col, end_line, end_col): 1-based, end exclusive; any part may be None.
Location = tuple[Optional[int], Optional[int], Optional[int], Optional[int]]
Locator = Callable[[StepResult], Optional[Location]]


@dataclass(frozen=True)
class Diagnostic:
    """One message about one step (or about a document when `step` is None).

    `line`/`col` are 1-based; `end_line`/`end_col` point just past the last character.
    `verdict` is the verdict's value ("refuted", ...) or "" for document-level messages.
    """

    path: str
    line: Optional[int]
    col: Optional[int]
    severity: str
    message: str
    verdict: str
    counterexample: Optional[Counterexample] = None
    latex: str = ""
    end_line: Optional[int] = None
    end_col: Optional[int] = None
    name: str = ""
    step: Optional[StepResult] = field(default=None, compare=False, repr=False)
    caret: Optional[int] = None  # where in `latex` the reader stopped (unreadable math)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")

    @property
    def location(self) -> str:
        """path:line:col, as far as known."""
        text = self.path
        if self.line is not None:
            text += f":{self.line}"
            if self.col is not None:
                text += f":{self.col}"
        return text


# ---------------------------------------------------------------- classifying results


def format_counterexample(counterexample: Counterexample) -> str:
    """"a_1=0, a_2=1, lhs=..., rhs=..."."""
    parts = [f"{name}={value}" for name, value in counterexample.point.items()]
    parts += [f"lhs={counterexample.lhs}", f"rhs={counterexample.rhs}"]
    return ", ".join(parts)


def _refutation(prefix: str, decision: Decision) -> str:
    message = prefix + (f": {decision.reason}" if decision.reason else "")
    if decision.counterexample is not None:
        message += f"; counterexample: {format_counterexample(decision.counterexample)}"
    return message


def _suggestion(step: StepResult) -> str:
    """"; did you mean: ..." when a proved repair was found."""
    if step.repair is None:
        return ""
    return f"; did you mean: {step.repair.latex} ({step.repair.description}; {step.repair.decision.verdict.value})"


def _subject(step: StepResult) -> str:
    """What a message calls the step: "step", or the relation it claims ("relation ≤")."""
    return "step" if step.relation == "eq" else f"relation {RELATION_SYMBOLS.get(step.relation, step.relation)}"


def classify(step: StepResult, *, strict: bool = False, numeric_notes: bool = False) -> Optional[tuple[str, str]]:
    """(severity, message) for one step result, or None when there is nothing to say."""
    decision = step.decision
    verdict = decision.verdict
    if any(remark.instead_of_verdict for remark in step.remarks):
        return None
    if step.erratum is not None:
        if step.expected:
            return None
        intended = step.erratum.decision
        if not verdict.fails:
            return "error", (
                f"erratum not found: the step is {verdict.value} as written, but the derivation file "
                f"expects it to fail ({step.erratum.note})"
            )
        if not intended.verdict.holds:
            return "error", _refutation(f"intended form of the erratum is {intended.verdict.value}", intended)
        return "error", f"erratum is not as expected: {verdict.value} as written, {intended.verdict.value} as intended"
    if verdict is Verdict.REFUTED:
        return "error", _refutation(f"{_subject(step)} is refuted", decision) + _suggestion(step)
    if verdict is Verdict.CONDITIONAL:
        if decision.condition:
            return "warning", f"step holds only if {decision.condition}"
        return "warning", "step holds only under a condition it does not state" + (
            f": {decision.reason}" if decision.reason else ""
        )
    if verdict is Verdict.UNKNOWN:
        if decision.strategy == UNPARSABLE:
            reason = re.sub(r"^cannot read (?:LaTeX|the math):\s*", "", decision.reason)
            return ("error" if strict else "warning"), "cannot read the math" + (f": {reason}" if reason else "")
        return "note", f"could not decide {_subject(step)}" + (f": {decision.reason or decision.strategy}" if (decision.reason or decision.strategy) else "")
    if verdict is Verdict.NUMERIC and numeric_notes:
        return "note", "numeric evidence only" + (f": {decision.reason}" if decision.reason else "")
    if verdict is Verdict.PROVED_FOR_SIZES and numeric_notes:
        return "note", "proved only for the sizes checked" + (f": {decision.reason}" if decision.reason else "")
    if not step.expected and not verdict.holds:
        return "error", f"unexpected verdict {verdict.value}"
    return None


def _line_location(step: StepResult) -> Location:
    line = step.line
    if isinstance(line, tuple):
        return line[0], step.column, line[1], None
    return line, step.column, None, None


def fragment_locator(chains: Iterable) -> Locator:
    """A locator for `check`: maps a step to its fragment's position, by its line and
    column (so identical math twice on one line is told apart), else by line and LaTeX.

    `chains` are `symcheck.notes.extract.MathChain`s; the step's `line` must be the member's
    line and its `latex` the member's latex, as `check` builds them.
    """
    places: dict[tuple[int, object], Location] = {}
    for chain in chains:
        for member in chain.members:
            where = (member.line, member.col, member.end_line, member.end_col)
            places.setdefault((member.line, member.col), where)
            places.setdefault((member.line, member.latex), where)

    def locate(step: StepResult) -> Optional[Location]:
        line = step.line[0] if isinstance(step.line, tuple) else step.line
        if line is None:
            return None
        return places.get((line, step.column if step.column is not None else step.latex))

    return locate


def _gradient_diagnostic(path: str, check: GradientCheckResult) -> Optional[Diagnostic]:
    if check.passed:
        return None
    return Diagnostic(
        path, None, None, "error",
        f"gradient check failed: {check.name} at size {check.size}: max relative error "
        f"{check.max_rel_error:.3g}, max absolute error {check.max_abs_error:.3g} over {check.points} points",
        "", name=check.name,
    )


def diagnostics_from(
    results: DocumentResult,
    *,
    strict: bool = False,
    numeric_notes: bool = False,
    locate: Optional[Locator] = None,
    path: Optional[str] = None,
) -> list[Diagnostic]:
    """The diagnostics of one document, in document order (definitions, chains, claims).

    `path` names the file diagnostics point at (default: each step's `source`, else the
    document's source, else its path). `locate` gives columns (see `fragment_locator`).
    With `strict`, math that cannot be read is an error instead of a note.
    """
    found: list[Diagnostic] = []
    for step in results.all_results():
        where = (locate(step) if locate else None) or _line_location(step)
        place = dict(path=path or step.source or results.source or results.path, latex=step.latex,
                     name=step.name, step=step, verdict=step.decision.verdict.value)
        verdict_message = classify(step, strict=strict, numeric_notes=numeric_notes)
        if verdict_message is not None:
            severity, message = verdict_message
            found.append(_step_diagnostic(step, severity, _compared(message, step), where,
                                          dict(place, counterexample=_counterexample(step))))
        for remark in step.remarks:
            found.append(_step_diagnostic(step, remark.severity, remark.message, where, place))
    for check in results.gradient_checks:
        diagnostic = _gradient_diagnostic(path or results.path, check)
        if diagnostic is not None:
            found.append(diagnostic)
    return found


def _compared(message: str, step: StepResult) -> str:
    return message + (f" (compared with {step.compared_with})" if step.compared_with else "")


def _counterexample(step: StepResult) -> Optional[Counterexample]:
    counterexample = step.decision.counterexample
    if counterexample is None and step.erratum is not None:
        counterexample = step.erratum.decision.counterexample
    return counterexample


def _step_diagnostic(step: StepResult, severity: str, message: str, where: Location, place: dict) -> Diagnostic:
    line, col, end_line, end_col = where
    return Diagnostic(line=line, col=col, severity=severity, message=message,
                      end_line=end_line, end_col=end_col, caret=step.unread_at, **place)


def unread_members(documents: Iterable[DocumentResult]) -> int:
    """How many members of the documents could not be read."""
    return sum(1 for document in documents for step in document.all_results()
               if step.decision.strategy == UNPARSABLE)


def unchecked_relations(documents: Iterable[DocumentResult]) -> int:
    """How many relations other than `=` the documents state and `check` does not check."""
    return sum(1 for document in documents for step in document.all_results()
               if step.decision.strategy == RELATION_NOT_CHECKED)


def exit_code(diagnostics: Iterable[Diagnostic], strict: bool) -> int:
    """1 when any error (with `strict`: any diagnostic at all), else 0."""
    severities = {diagnostic.severity for diagnostic in diagnostics}
    if "error" in severities or (strict and severities):
        return 1
    return 0


# ---------------------------------------------------------------- printers


class Printer:
    """Common interface: `format` returns the whole output as a string; `write` prints it.

    `documents` are the results the diagnostics came from (the text printer counts their
    steps, the JUnit printer makes one test case per step); they may be empty.
    """

    name: ClassVar[str] = ""

    def format(
        self,
        diagnostics: Sequence[Diagnostic],
        documents: Sequence[DocumentResult] = (),
        *,
        strict: bool = False,
    ) -> str:
        raise NotImplementedError

    def write(
        self,
        stream: TextIO,
        diagnostics: Sequence[Diagnostic],
        documents: Sequence[DocumentResult] = (),
        *,
        strict: bool = False,
    ) -> None:
        text = self.format(diagnostics, documents, strict=strict)
        if text:
            stream.write(text if text.endswith("\n") else text + "\n")


def _flat(text: str) -> str:
    return " ".join(text.split())


class TextPrinter(Printer):
    """`path:line:col: error: step is refuted: ...`, one line per diagnostic, like a compiler.

    `show_latex` adds the step's LaTeX on an indented line; `summary` ends with a count.
    """

    name = "text"

    def __init__(self, *, show_latex: bool = False, summary: bool = True, verbose: bool = False):
        self.show_latex, self.summary, self.verbose = show_latex, summary, verbose

    def format(self, diagnostics, documents=(), *, strict=False) -> str:
        lines = []
        for diagnostic in diagnostics:
            lines.append(f"{diagnostic.location}: {diagnostic.severity}: {_flat(diagnostic.message)}")
            if diagnostic.caret is not None and diagnostic.latex and "\n" not in diagnostic.latex:
                lines += [f"    {diagnostic.latex}", "    " + " " * diagnostic.caret + "^"]
            elif self.show_latex and diagnostic.latex:
                lines.append(f"    {_flat(diagnostic.latex)}")
        if self.verbose:
            lines += [f"{document.path}:{adopted.line}:{adopted.col}: {adopted.kind} adopted: {_flat(adopted.latex)}"
                      for document in documents for adopted in document.adopted]
            lines += [f"{document.path}:{step.line}:{step.column}: holds in the stated case {step.decision.condition}"
                      for document in documents for step in document.all_results()
                      if step.decision.verdict.holds and step.decision.condition]
        if self.summary:
            lines.append(self._summary(diagnostics, documents))
        return "\n".join(lines)

    @staticmethod
    def _summary(diagnostics: Sequence[Diagnostic], documents: Sequence[DocumentResult]) -> str:
        counts = Counter(diagnostic.severity for diagnostic in diagnostics)
        plural = lambda n, word: f"{n} {word}{'' if n == 1 else 's'}"
        found = ", ".join(plural(counts.get(severity, 0), severity) for severity in SEVERITIES)
        where = ""
        if documents:
            steps = sum(len(document.all_results()) for document in documents)
            where = f" in {plural(steps, 'step')} of {plural(len(documents), 'file')}"
            unread = unread_members(documents)
            where += f"; {plural(unread, 'member')} not read" if unread else ""
            unchecked = unchecked_relations(documents)
            where += f"; {plural(unchecked, 'relation')} not checked" if unchecked else ""
        return f"symcheck: {found}{where}"


def github_escape_data(text: str) -> str:
    """Escape a workflow-command message: %, \\r and \\n."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_escape_property(text: str) -> str:
    """Escape a workflow-command property value: also : and ,."""
    return github_escape_data(text).replace(":", "%3A").replace(",", "%2C")


class GitHubPrinter(Printer):
    """GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=symcheck::message`.

    notes become `::notice`; the step's LaTeX follows the message on a second line.
    `endColumn` is inclusive, as GitHub counts it, and is given only for one-line spans.
    """

    name = "github"
    LEVELS = {"error": "error", "warning": "warning", "note": "notice"}

    def __init__(self, *, title: str = "symcheck"):
        self.title = title

    def format(self, diagnostics, documents=(), *, strict=False) -> str:
        return "\n".join(self.command(diagnostic) for diagnostic in diagnostics)

    def command(self, diagnostic: Diagnostic) -> str:
        properties = [("file", diagnostic.path)]
        if diagnostic.line is not None:
            properties.append(("line", str(diagnostic.line)))
            if diagnostic.col is not None:
                properties.append(("col", str(diagnostic.col)))
            if diagnostic.end_line is not None and diagnostic.end_line != diagnostic.line:
                properties.append(("endLine", str(diagnostic.end_line)))
            elif diagnostic.col is not None and diagnostic.end_col is not None and diagnostic.end_col > diagnostic.col:
                properties.append(("endColumn", str(diagnostic.end_col - 1)))
        properties.append(("title", self.title))
        rendered = ",".join(f"{key}={github_escape_property(value)}" for key, value in properties)
        message = diagnostic.message
        if diagnostic.latex:
            message += "\n" + diagnostic.latex
        return f"::{self.LEVELS[diagnostic.severity]} {rendered}::{github_escape_data(message)}"


def _xml_text(text: str) -> str:
    """Drop characters XML 1.0 cannot hold."""
    return "".join(
        char for char in text
        if char in "\t\n\r" or 0x20 <= ord(char) <= 0xD7FF or 0xE000 <= ord(char) <= 0xFFFD or ord(char) >= 0x10000
    )


class JUnitPrinter(Printer):
    """JUnit XML: one <testsuite> per document, one <testcase> per step (and gradient check).

    errors -> <failure>; warnings and notes -> <skipped> (with `strict`: <failure>);
    document-level diagnostics without a step become test cases of their own.
    Test cases carry `file` and `line` attributes.
    """

    name = "junit"

    def format(self, diagnostics, documents=(), *, strict=False) -> str:
        root = ET.Element("testsuites", name="symcheck")
        by_step = {id(d.step): d for d in diagnostics if d.step is not None}
        used: set[int] = set()
        totals = Counter()
        for document in documents:
            suite = self._suite(root, document.path, document.seconds)
            names: Counter = Counter()
            for step in document.all_results():
                diagnostic = by_step.get(id(step))
                if diagnostic is not None:
                    used.add(id(diagnostic))
                line = step.line[0] if isinstance(step.line, tuple) else step.line
                name = step.name
                if line is not None and name != f"line {line}":
                    name = f"{name}::line {line}"
                case = self._case(
                    suite, names, document.path, name,
                    diagnostic.path if diagnostic else (step.source or document.source or document.path),
                    diagnostic.line if diagnostic and diagnostic.line is not None else line,
                    step.decision.seconds,
                )
                self._outcome(case, diagnostic, strict)
                if step.erratum is not None and diagnostic is None:
                    ET.SubElement(case, "system-out").text = _xml_text(
                        f"known erratum ({step.erratum.note}): {step.decision.verdict.value} as written, "
                        f"{step.erratum.decision.verdict.value} as intended"
                    )
            for check in document.gradient_checks:
                diagnostic = next(
                    (d for d in diagnostics if d.step is None and d.name == check.name and id(d) not in used
                     and not check.passed), None,
                )
                if diagnostic is not None:
                    used.add(id(diagnostic))
                case = self._case(suite, names, document.path, f"gradient check {check.name} [size {check.size}]",
                                  document.path, None, 0.0)
                if not check.passed:
                    diagnostic = diagnostic or _gradient_diagnostic(document.path, check)
                self._outcome(case, diagnostic, strict)
            self._count(suite, totals)
        in_documents = {id(step) for document in documents for step in document.all_results()}
        leftovers = [d for d in diagnostics if id(d) not in used and id(d.step) not in in_documents]
        by_path: dict[str, list[Diagnostic]] = {}
        for diagnostic in leftovers:
            by_path.setdefault(diagnostic.path, []).append(diagnostic)
        for path, group in by_path.items():
            suite = self._suite(root, path, 0.0)
            names = Counter()
            for diagnostic in group:
                name = diagnostic.name or (f"line {diagnostic.line}" if diagnostic.line is not None else "document")
                case = self._case(suite, names, path, name, diagnostic.path, diagnostic.line, 0.0)
                self._outcome(case, diagnostic, strict)
            self._count(suite, totals)
        for key in ("tests", "failures", "errors", "skipped"):
            root.set(key, str(totals[key]))
        root.set("time", f"{sum(float(s.get('time', 0)) for s in root):.3f}")
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")

    @staticmethod
    def _suite(root: ET.Element, name: str, seconds: float) -> ET.Element:
        return ET.SubElement(root, "testsuite", name=_xml_text(name), time=f"{seconds:.3f}")

    @staticmethod
    def _case(suite, names: Counter, classname: str, name: str, path: str, line, seconds: float) -> ET.Element:
        names[name] += 1
        if names[name] > 1:
            name = f"{name} [{names[name]}]"
        attributes = {"classname": _xml_text(classname), "name": _xml_text(name), "file": _xml_text(path),
                      "time": f"{seconds:.3f}"}
        if line is not None:
            attributes["line"] = str(line)
        return ET.SubElement(suite, "testcase", attributes)

    @staticmethod
    def _outcome(case: ET.Element, diagnostic: Optional[Diagnostic], strict: bool) -> None:
        if diagnostic is None:
            return
        message = _xml_text(" ".join(diagnostic.message.split()))
        body = f"{diagnostic.location}: {diagnostic.severity}: {diagnostic.message}"
        if diagnostic.latex:
            body += "\n" + "\n".join(f"    {line}" for line in diagnostic.latex.splitlines())
        if diagnostic.severity == "error" or strict:
            element = ET.SubElement(case, "failure", message=message, type=diagnostic.verdict or diagnostic.severity)
        else:
            element = ET.SubElement(case, "skipped", message=f"{diagnostic.severity}: {message}")
        element.text = _xml_text(body)

    @staticmethod
    def _count(suite: ET.Element, totals: Counter) -> None:
        cases = suite.findall("testcase")
        counts = {
            "tests": len(cases),
            "failures": sum(1 for case in cases if case.find("failure") is not None),
            "errors": 0,
            "skipped": sum(1 for case in cases if case.find("skipped") is not None),
        }
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value


PRINTERS: dict[str, type[Printer]] = {
    TextPrinter.name: TextPrinter,
    GitHubPrinter.name: GitHubPrinter,
    JUnitPrinter.name: JUnitPrinter,
}


def get_printer(name: str, **options) -> Printer:
    """The printer for a format name ("text", "github", "junit")."""
    try:
        return PRINTERS[name](**options)
    except KeyError:
        raise ValueError(f"unknown format {name!r} (choose from: {', '.join(PRINTERS)})") from None


def render(name: str, diagnostics: Sequence[Diagnostic], documents: Sequence[DocumentResult] = (),
           *, strict: bool = False, **options) -> str:
    """Shortcut: `get_printer(name, **options).format(...)`."""
    return get_printer(name, **options).format(diagnostics, documents, strict=strict)
