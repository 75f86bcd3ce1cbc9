"""Printers of verification results: JSON and the terminal.

Results are data (symcheck.model); each printer has one method per node type,
`_print_<TypeName>`, chosen by the type's name as in SymPy's printers.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any, Iterable, Optional

from rich.console import Console
from rich.table import Table
from rich.text import Text

from symcheck.model import (
    ChainResult,
    Counterexample,
    Decision,
    DocumentResult,
    ErratumResult,
    GradientCheckResult,
    Repair,
    SamplePoint,
    StepResult,
    Verdict,
    format_line,
)
from symcheck.printers.diagnostics import unchecked_relations

if TYPE_CHECKING:
    from symcheck.load.coverage import CoverageReport


class Printer:
    """Dispatches on the node's type name to `_print_<TypeName>`."""

    def render(self, node: Any) -> Any:
        method = getattr(self, f"_print_{type(node).__name__}", None)
        if method is None:
            raise TypeError(f"{type(self).__name__} cannot print {type(node).__name__}")
        return method(node)


class JsonPrinter(Printer):
    """documents -> chains -> steps, as documented in README.md."""

    def document(self, results: Iterable[DocumentResult]) -> str:
        results = list(results)
        payload = {
            "documents": [self.render(result) for result in results],
            "summary": summary_counts(results),
        }
        return json.dumps(payload, indent=2, ensure_ascii=False)

    def _print_DocumentResult(self, node: DocumentResult) -> dict:
        return {
            "path": node.path,
            "source": node.source,
            "title": node.title,
            "seconds": None if node.seconds is None else round(node.seconds, 3),
            "expected": node.all_expected,
            "definitions": [self.render(step) for step in node.definitions],
            "chains": [self.render(chain) for chain in node.chains],
            "claims": [self.render(claim) for claim in node.claims],
            "gradient_checks": [self.render(check) for check in node.gradient_checks],
            "adopted": [{"name": a.name, "line": a.line, "col": a.col, "latex": a.latex, "kind": a.kind}
                        for a in node.adopted],
        }

    def _print_ChainResult(self, node: ChainResult) -> dict:
        return {"name": node.name, "condition": node.condition, "steps": [self.render(s) for s in node.steps]}

    def _print_StepResult(self, node: StepResult) -> dict:
        return {
            "kind": node.kind,
            "name": node.name,
            "source": node.source,
            "line": format_line(node.line),
            "column": node.column,
            "latex": node.latex,
            "previous": node.previous_latex,
            **self.render(node.decision),
            "erratum": None if node.erratum is None else self.render(node.erratum),
            "repair": None if node.repair is None else self.render(node.repair),
            "expected": node.expected,
            "compared_with": node.compared_with,
            "relation": node.relation,
            "remarks": [{"severity": r.severity, "message": r.message} for r in node.remarks],
        }

    def _print_Repair(self, node: Repair) -> dict:
        return {
            "latex": node.latex,
            "edit": {"kind": node.kind, "description": node.description, "offset": node.offset,
                     "written": node.written, "replacement": node.replacement},
            "candidates_tried": node.tried,
            **self.render(node.decision),
        }

    def _print_Decision(self, node: Decision) -> dict:
        return {
            "verdict": node.verdict.value,
            "strategy": node.strategy,
            "reason": node.reason,
            "seconds": None if node.seconds is None else round(node.seconds, 4),
            "condition": node.condition,
            "sizes": list(node.sizes),
            "counterexample": None if node.counterexample is None else self.render(node.counterexample),
            "evidence": [self.render(point) for point in node.evidence],
        }

    def _print_SamplePoint(self, node: SamplePoint) -> dict:
        return {
            "role": node.role, "point": dict(node.point), "lhs": node.lhs, "rhs": node.rhs,
            "error": node.error, "digits": node.digits, "agrees": node.agrees,
        }

    def _print_Counterexample(self, node: Counterexample) -> dict:
        return {"point": dict(node.point), "lhs": node.lhs, "rhs": node.rhs}

    def _print_ErratumResult(self, node: ErratumResult) -> dict:
        return {"note": node.note, "intended": node.intended, **self.render(node.decision)}

    def _print_GradientCheckResult(self, node: GradientCheckResult) -> dict:
        return {
            "name": node.name,
            "error": node.error or None,
            "size": node.size,
            "points": node.points,
            "max_abs_error": node.max_abs_error,
            "max_rel_error": node.max_rel_error,
            "atol": node.atol,
            "rtol": node.rtol,
            "max_excess": node.max_excess,
            "step": node.step,
            "sweep": [list(pair) for pair in node.sweep],
            "passed": node.passed,
        }


VERDICT_STYLE = {
    Verdict.PROVED: ("✔", "green"),
    Verdict.PROVED_FOR_SIZES: ("✔ₙ", "green"),
    Verdict.NUMERIC: ("≈", "cyan"),
    Verdict.CONDITIONAL: ("◐", "yellow"),
    Verdict.REFUTED: ("✘", "red"),
    Verdict.UNKNOWN: ("?", "magenta"),
}


class TerminalPrinter(Printer):
    """One line per step with source line, verdict mark and reason; a summary per document."""

    def __init__(self, console: Optional[Console] = None):
        self.console = console or Console(highlight=False, soft_wrap=True)

    def documents(self, results: Iterable[DocumentResult]) -> None:
        results = list(results)
        for result in results:
            self.render(result)
        self.console.print()
        self.console.print(self._summary_table(results))
        self.console.print(Text("  ".join(f"{mark} {verdict.value}" for verdict, (mark, _) in VERDICT_STYLE.items()),
                                style="dim"))

    def _print_DocumentResult(self, node: DocumentResult) -> None:
        self.console.rule(Text(f"{node.title}  ({node.source})", style="bold"))
        sections = [("definitions", node.definitions), *((c, None) for c in node.chains), ("claims", node.claims)]
        for heading, steps in sections:
            if steps is None:
                self.render(heading)
            elif steps:
                self.console.print(Text(heading, style="bold underline"))
                for step in steps:
                    self.render(step)
        for name in dict.fromkeys(check.name for check in node.gradient_checks):
            self._print_gradient_checks([c for c in node.gradient_checks if c.name == name])

    def _print_ChainResult(self, node: ChainResult) -> None:
        heading = node.name + (f"  [case {node.condition}]" if node.condition else "")
        self.console.print(Text(heading, style="bold underline"))
        for step in node.steps:
            self.render(step)

    def _print_StepResult(self, node: StepResult) -> None:
        mark, colour = VERDICT_STYLE[node.decision.verdict]
        line = Text("  ")
        line.append(f"{mark:<3}", style=f"bold {colour}")
        line.append(f"{format_line(node.line) or '-'!s:>6}  ", style="dim")
        line.append(f"{node.decision.verdict.value:<17}", style=colour)
        line.append(_short(node.latex, 56))
        line.append(f"  — {_reason(node.decision)}", style="dim")
        if not node.expected:
            line.append("  UNEXPECTED", style="bold red reverse")
        self.console.print(line)
        if node.decision.counterexample is not None:
            self.render(node.decision.counterexample)
        if node.repair is not None:
            self.render(node.repair)
        if node.erratum is not None:
            self.render(node.erratum)
        for remark in node.remarks:
            self.console.print(Text(f"         {remark.severity}: {remark.message}", style="yellow"))

    def _print_Repair(self, node: Repair) -> None:
        text = Text("         did you mean: ", style="green")
        text.append(_short(node.latex, 90))
        text.append(f"  ({node.description}; {node.decision.verdict.value})", style="dim")
        self.console.print(text)

    def _print_Counterexample(self, node: Counterexample) -> None:
        point = ", ".join(f"{name}={value}" for name, value in node.point.items())
        self.console.print(Text(f"         counterexample: {point}; lhs = {node.lhs}, rhs = {node.rhs}", style="red"))

    def _print_ErratumResult(self, node: ErratumResult) -> None:
        mark, colour = VERDICT_STYLE[node.decision.verdict]
        text = Text("         erratum: ", style="yellow")
        text.append(node.note)
        text.append("\n         intended ")
        text.append(f"{mark} {node.decision.verdict.value}", style=colour)
        text.append(f": {_short(node.intended, 70)}")
        self.console.print(text)

    def _print_gradient_checks(self, checks: list[GradientCheckResult]) -> None:
        failures = [check.error for check in checks if check.error]
        if failures:
            self.console.print(Text(f"  gradient check (FAILED) {checks[0].name}: {failures[0]}", style="bold red"))
            return
        passed = all(check.passed for check in checks)
        sizes = ",".join(str(check.size) for check in checks)
        self.console.print(Text(
            f"  gradient check ({'ok' if passed else 'FAILED'}) {checks[0].name}: sizes {sizes}, "
            f"max abs {max(c.max_abs_error for c in checks):.1e}, max rel {max(c.max_rel_error for c in checks):.1e}, "
            f"central differences at {checks[0].points} points per size",
            style="green" if passed else "bold red",
        ))

    def _summary_table(self, results: list[DocumentResult]) -> Table:
        table = Table(title="summary")
        table.add_column("document")
        for verdict, (mark, colour) in VERDICT_STYLE.items():
            table.add_column(mark, justify="right", style=colour)
        for column in ("errata", "grad", "expected", "s"):
            table.add_column(column, justify="right")
        for result in results:
            counts = Counter(step.decision.verdict for step in result.all_results())
            errata = sum(1 for step in result.all_results() if step.erratum is not None)
            checks = result.gradient_checks
            table.add_row(
                result.source,
                *(str(counts.get(verdict, 0)) for verdict in Verdict),
                str(errata),
                "-" if not checks else ("ok" if all(c.passed for c in checks) else "FAIL"),
                Text("yes", style="green") if result.all_expected else Text("NO", style="bold red"),
                f"{result.seconds:.1f}",
            )
        return table


def _short(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _reason(decision: Decision) -> str:
    """The strategy for what holds; the engine's reason for everything else."""
    if decision.verdict in (Verdict.PROVED, Verdict.PROVED_FOR_SIZES):
        return decision.strategy
    return decision.reason or decision.strategy


def summary_counts(results: Iterable[DocumentResult]) -> dict:
    """Verdict counts over all documents, and whether everything was as expected."""
    results = list(results)
    steps = [step for result in results for step in result.all_results()]
    counts = Counter(step.decision.verdict.value for step in steps)
    return {
        "verdicts": {verdict.value: counts.get(verdict.value, 0) for verdict in Verdict},
        "errata": sum(1 for step in steps if step.erratum is not None),
        "unexpected": sum(1 for step in steps if not step.expected),
        "relations_not_checked": unchecked_relations(results),
        "all_expected": all(result.all_expected for result in results),
    }


def print_coverage(reports: Iterable["CoverageReport"], console: Optional[Console] = None) -> None:
    """Per document: math lines, encoded, skipped with reasons, missing, misquoted steps."""
    console = console or Console(highlight=False)
    for report in reports:
        console.rule(Text(f"{report.source}  ({report.derivation})", style="bold"))
        console.print(
            f"  {len(report.math_lines)} lines hold math: {len(set(report.math_lines) & set(report.encoded))} encoded, "
            f"{len(set(report.math_lines) & set(report.skipped))} skipped with a reason, {len(report.missing)} missing"
        )
        for lines, reason in _runs(report.skipped):
            console.print(Text(f"  skipped {lines:>7}: {reason}", style="dim"))
        for line in report.missing:
            console.print(Text(f"  MISSING {line:>4}: math line neither encoded nor skipped", style="bold red"))
        for misquote in report.misquoted:
            console.print(Text(
                f"  MISQUOTED {format_line(misquote.line)}: {_short(misquote.latex, 60)} is not in the cited lines",
                style="bold red",
            ))


def _runs(reasons: dict[int, str]) -> list[tuple[str, str]]:
    """Consecutive lines with the same reason as one "a-b" range."""
    runs: list[list] = []
    for line, reason in sorted(reasons.items()):
        if runs and runs[-1][1] == line - 1 and runs[-1][2] == reason:
            runs[-1][1] = line
        else:
            runs.append([line, line, reason])
    return [(str(a) if a == b else f"{a}-{b}", reason) for a, b, reason in runs]
