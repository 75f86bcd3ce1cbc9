"""The report's tables: the summary of verdicts, the gradient checks, and the numeric
evidence (every point the engine evaluated, as `verify` recorded it). Column widths add
up to the text width."""

from __future__ import annotations

from typing import Optional, Sequence

from symcheck.model import Decision, DocumentResult, GradientCheckResult, SamplePoint, StepResult, Verdict, format_line
from symcheck.report.data import DocumentReport
from symcheck.report.escape import escape_text
from symcheck.report.points import point_tex
from symcheck.report.preamble import VERDICT_ORDER, format_seconds, heading, verdict_mark
from symcheck.report.render import MathRenderer


def _counts(results: Sequence[StepResult]) -> dict[Verdict, int]:
    counts = {v: 0 for v in VERDICT_ORDER}
    for result in results:
        counts[Verdict(result.decision.verdict)] += 1
    return counts


def _total_seconds(result: DocumentResult) -> Optional[float]:
    """None when the run recorded no times (reports show times only with --timings)."""
    if result.seconds is None:
        return None
    return result.seconds or sum(r.decision.seconds or 0.0 for r in result.all_results())


def _sum_seconds(values: Sequence[Optional[float]]) -> Optional[float]:
    return None if any(value is None for value in values) else sum(values)


SUMMARY_HEAD = (
    "{\\small\\setlength{\\tabcolsep}{3pt}\n"
    "\\begin{longtable}{@{}>{\\raggedright\\arraybackslash}p{\\dimexpr\\linewidth-"
    + f"{1.6 * len(VERDICT_ORDER):.1f}em-3em-3.4em-4.6em-3.6em-"
    + str(2 * (len(VERDICT_ORDER) + 4)) + "\\tabcolsep\\relax}"
    + ">{\\centering\\arraybackslash}p{1.6em}" * len(VERDICT_ORDER)
    + ">{\\centering\\arraybackslash}p{3em}>{\\centering\\arraybackslash}p{3.4em}"
    ">{\\centering\\arraybackslash}p{4.6em}>{\\raggedleft\\arraybackslash}p{3.6em}@{}}\n\\toprule\n"
)


def summary_table(docs: Sequence[DocumentReport]) -> str:
    """Verdict counts per document (marks as in the legend), errata, unexpected results,
    gradient checks passed and time."""
    marks = " & ".join(verdict_mark(v) for v in VERDICT_ORDER)
    head = (SUMMARY_HEAD + f"Document & {marks} & errata & unex\\-pected & gradient checks & time \\\\\n"
            "\\midrule\n\\endhead\n")
    rows, totals = [], [0] * (len(VERDICT_ORDER) + 4)
    for doc in docs:
        results = doc.result.all_results()
        counts = _counts(results)
        checks = doc.result.gradient_checks
        figures = [*(counts[v] for v in VERDICT_ORDER), sum(1 for r in results if r.erratum is not None),
                   sum(1 for r in results if not r.expected), sum(1 for g in checks if g.passed), len(checks)]
        totals = [a + b for a, b in zip(totals, figures)]
        rows.append(_summary_row(escape_text(doc.result.title) + "\\newline{\\scriptsize\\ttfamily "
                                 + escape_text(doc.result.source, breakable=True) + "}",
                                 figures, _total_seconds(doc.result)))
    if len(docs) > 1:
        rows.append("\\midrule\n" + _summary_row("\\textbf{Total}", totals,
                                                 _sum_seconds([_total_seconds(d.result) for d in docs])))
    return head + "".join(rows) + "\\bottomrule\n\\end{longtable}}\n"


def _summary_row(name: str, figures: list[int], seconds: Optional[float]) -> str:
    *counts, passed, checks = figures
    grads = f"{passed}/{checks}" if checks else "--"
    return f"{name} & " + " & ".join(str(n) for n in counts) + f" & {grads} & {format_seconds(seconds)} \\\\\n"


def _role(role: str) -> str:
    """The role of an evaluated point, hyphenated where its column is narrower than the word."""
    return escape_text(role).replace("counterexample", "counter\\-example")


def _number(value: float) -> str:
    return "--" if value != value else f"{value:.2e}".replace("inf", "$\\infty$")


def gradient_table(checks: Sequence[GradientCheckResult]) -> str:
    """One row per size: points, largest |fd - g|, the largest ratio to the tolerance, result."""
    out = [
        "\\begin{longtable}{@{}r r r r r l@{}}\n\\toprule\n"
        "size & points & max $|fd-g|$ & $\\max \\frac{|fd-g|}{\\mathrm{atol}+\\mathrm{rtol}|fd|}$ & "
        "atol, rtol & result \\\\\n\\midrule\n\\endhead\n"
    ]
    for check in checks:
        if check.error:
            out.append("\\multicolumn{6}{@{}p{\\linewidth}@{}}{\\textcolor{screfuted}{\\textbf{could not run:}} "
                       + escape_text(check.error) + "}\\\\\n")
            continue
        word = "\\textcolor{scproved}{passed}" if check.passed else "\\textcolor{screfuted}{FAILED}"
        out.append(f"{check.size} & {check.points} & {_number(check.max_abs_error)} & {_number(check.max_excess)} & "
                   f"{check.atol:.0e}, {check.rtol:.0e} & {word} \\\\\n")
    out.append("\\bottomrule\n\\end{longtable}\n")
    return "".join(out)


# ---------------------------------------------------------------- evidence

EVIDENCE_HEAD = (
    "{\\small\\setlength{\\tabcolsep}{3pt}\n"
    "\\begin{longtable}{@{}>{\\raggedright\\arraybackslash}p{4.2em}"
    ">{\\raggedright\\arraybackslash}p{\\dimexpr0.36\\linewidth-10\\tabcolsep\\relax}"
    ">{\\raggedleft\\arraybackslash}p{2.2em}"
    ">{\\raggedright\\arraybackslash}p{\\dimexpr0.64\\linewidth-4.2em-2.2em-5.6em-3em\\relax}"
    ">{\\raggedright\\arraybackslash}p{5.6em}>{\\centering\\arraybackslash}p{3em}@{}}\n\\toprule\n"
    "used by & point & dig. & left side / right side & $|\\mathrm{lhs}-\\mathrm{rhs}|$ & agrees \\\\\n"
    "\\midrule\n\\endhead\n\\bottomrule\n\\endlastfoot\n"
)


def _evidence_rows(points: Sequence[SamplePoint], math: MathRenderer, declared: frozenset[str]) -> str:
    rows = []
    for sample in points:
        agrees = "\\textcolor{scproved}{yes}" if sample.agrees else "\\textcolor{screfuted}{no}"
        error = "undefined" if sample.error is None else math.value(sample.error, digits=3)
        rows.append(
            f"{_role(sample.role)} & {point_tex(sample.point, math, declared)} & {sample.digits} & "
            f"{math.value(sample.lhs)}\\newline {math.value(sample.rhs)} & {error} & {agrees} \\\\\n"
        )
    return "".join(rows)


def _decisions(result: StepResult) -> list[tuple[str, Decision]]:
    found = [("", result.decision)]
    if result.erratum is not None:
        found.append((" (intended)", result.erratum.decision))
    return found


def evidence_section(doc: DocumentReport, math: MathRenderer, level: int) -> str:
    """Per equation, every point the numeric rung, the audit and the counterexample search
    evaluated, with the precision, both sides' values and whether they agree."""
    out = [heading(level, "Numeric evidence")]
    out.append(
        "Every point at which the engine evaluated both sides of an equation: by the numeric rung, by "
        "the audit of a proof, or by the counterexample search; \\emph{dig.} is the working precision in significant digits. "
        "Full data: " + ", ".join("\\texttt{" + escape_text(f, breakable=True) + "}" for f in doc.data_files)
        + ".\\par\n"
    )
    without = []
    for result in doc.result.all_results():
        for suffix, decision in _decisions(result):
            shown = format_line(result.line)
            label = f"line {shown}" if shown is not None else escape_text(result.kind)
            if not decision.evidence:
                without.append(label + suffix)
                continue
            out.append(heading(level + 1, label + suffix + ": " + math.prose(result.name)))
            out.append(EVIDENCE_HEAD + _evidence_rows(decision.evidence, math, doc.declared) + "\\end{longtable}}\n")
    if without:
        out.append("{\\small Decided without evaluating at points: " + escape_text(", ".join(without)) + ".}\\par\n")
    return "".join(out)
