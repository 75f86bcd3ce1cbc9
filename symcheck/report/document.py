"""The text of the reports: each chain printed whole, as a calc block with a verdict per
step, then definitions, claims, gradient checks and the numeric evidence.

Everything printed comes from the results of `verify` (`DocumentResult`); nothing is
recomputed here.
"""

from __future__ import annotations

from typing import Optional, Sequence

from symcheck.model import ChainResult, Decision, Remark, Repair, StepResult, Verdict, format_line
from symcheck.report.escape import escape_text
from symcheck.report.data import DocumentReport
from symcheck.report.preamble import PREAMBLE, format_seconds, heading, legend, verdict_mark, verdict_word
from symcheck.report.points import counterexample_tex
from symcheck.report.render import MathRenderer
from symcheck.report.tables import evidence_section, gradient_table, summary_table


def _verdict_cell(decision: Decision, expected: bool = True, label: str = "") -> str:
    flag = "" if expected else "\\newline\\textcolor{screfuted}{\\textbf{unexpected}}"
    sizes = ""
    if decision.sizes:
        sizes = " {\\footnotesize(sizes " + escape_text(", ".join(str(s) for s in decision.sizes)) + ")}"
    prefix = f"{{\\footnotesize {label}}} " if label else ""
    return (
        f"{prefix}{verdict_mark(decision.verdict)}~\\textbf{{{verdict_word(decision.verdict)}}}{sizes}"
        f"\\newline{{\\footnotesize\\itshape {escape_text(decision.strategy)}, {format_seconds(decision.seconds)}}}{flag}"
    )


def _details(decision: Decision, math: MathRenderer, declared: frozenset[str]) -> str:
    parts = []
    if decision.reason and not decision.verdict.holds:
        parts.append(math.prose(decision.reason) + "\\par\n")
    if decision.condition:
        lead = "Holds only when " if decision.verdict is Verdict.CONDITIONAL else "Under its stated case "
        parts.append(lead + math.relation(decision.condition) + ".\\par\n")
    if decision.counterexample is not None:
        parts.append(counterexample_tex(decision.counterexample, math, declared))
    return "".join(parts)


def _remarks(remarks: Sequence[Remark], math: MathRenderer) -> str:
    """What a careful reader adds (a case-index typo, a carried error), as the terminal says it."""
    return "".join(f"\\textbf{{{remark.severity.capitalize()}:}} {math.prose(remark.message)}\\par\n"
                   for remark in remarks)


# ---------------------------------------------------------------- calc blocks

CALC_HEAD = (
    "\\begin{longtable}{@{}>{\\raggedleft\\arraybackslash}p{2.6em}"
    ">{\\centering\\arraybackslash}p{1.2em}"
    ">{\\raggedright\\arraybackslash}p{\\dimexpr\\linewidth-2.6em-1.2em-9.8em-6\\tabcolsep\\relax}"
    ">{\\raggedright\\arraybackslash}p{9.8em}@{}}\n"
    "\\toprule\n{\\footnotesize line} & & & {\\footnotesize verdict} \\\\\n\\midrule\n\\endhead\n"
    "\\bottomrule\n\\endlastfoot\n"
)
_RELATIONS = ("=", "\\approx", "&=", "\\equiv", "\\le", "\\ge", "<", ">")


def _line(line) -> str:
    shown = format_line(line)
    return "" if shown is None else escape_text(shown)


def _relation(latex: str) -> str:
    return "" if latex.lstrip().startswith(_RELATIONS) else "$=$"


def _full_row(text: str) -> str:
    return "\\multicolumn{4}{@{}p{\\linewidth}@{}}{\\small\\leftskip=3.8em " + text.rstrip() + "}\\\\\n"


class CalcBlock:
    """One chain (or a list of definitions or claims) as rows: line, relation, formula,
    verdict; details (reason, condition, counterexample, erratum) on a full-width row."""

    def __init__(self, math: MathRenderer, declared: frozenset[str]):
        self.math = math
        self.declared = declared

    def chain(self, chain: ChainResult) -> str:
        rows = []
        first = chain.steps[0] if chain.steps else None
        if first is not None and first.kind == "step" and first.previous_latex:
            rows.append(f" & & {self.math.cell(first.previous_latex)} & {{\\footnotesize first member}} \\\\\n")
        for step in chain.steps:
            rows.append(self.step(step))
        return CALC_HEAD + "".join(rows) + "\\end{longtable}\n"

    def items(self, results: Sequence[StepResult]) -> str:
        rows = []
        for result in results:
            if result.name and result.name != result.latex:
                rows.append(_full_row("\\textit{" + self.math.prose(result.name) + "}"))
            rows.append(self.step(result, relation=""))
        return CALC_HEAD + "".join(rows) + "\\end{longtable}\n"

    def step(self, step: StepResult, relation: Optional[str] = None) -> str:
        if relation is None:
            relation = "$\\therefore$" if step.kind == "conclusion" else _relation(step.latex)
        label = "as written" if step.erratum is not None else ""
        out = [
            f"{_line(step.line)} & {relation} & {self.math.cell(step.latex)} & "
            f"{_verdict_cell(step.decision, step.expected, label)} \\\\\n"
        ]
        details = _details(step.decision, self.math, self.declared) + _remarks(step.remarks, self.math)
        if details:
            out.append(_full_row(details))
        if step.erratum is not None:
            erratum = step.erratum
            intended_relation = "" if relation == "" else _relation(erratum.intended)
            out.append(
                f" & {intended_relation} & {self.math.cell(erratum.intended)} & "
                f"{_verdict_cell(erratum.decision, True, 'intended')} \\\\\n"
            )
            out.append(_full_row("\\textbf{Erratum:} " + self.math.prose(erratum.note) + "\\par\n"
                                 + _details(erratum.decision, self.math, self.declared)))
        if step.repair is not None:
            out.append(self.repair(step.repair, relation))
        return "".join(out)

    def repair(self, repair: Repair, relation: str) -> str:
        """The suggested repair as a row of its own: the repaired step and its verdict."""
        repaired_relation = "" if relation == "" else _relation(repair.latex)
        return (
            f" & {repaired_relation} & {self.math.cell(repair.latex)} & "
            f"{_verdict_cell(repair.decision, True, 'did you mean')} \\\\\n"
            + _full_row("\\textbf{Suggested repair:} " + self.math.prose(repair.description))
        )


# ---------------------------------------------------------------- sections


def gradient_section(doc: DocumentReport, math: MathRenderer, level: int) -> str:
    checks = doc.result.gradient_checks
    if not checks:
        return ""
    out = [heading(level, "Gradient checks (finite differences)")]
    out.append(
        "Central differences $(L(x+h_ie_i)-L(x-h_ie_i))/2h_i$ with $h_i = h\\max(1,|x_i|)$ against "
        "the closed form $g$ at seeded points. As in \\texttt{torch.autograd.gradcheck}, a component "
        "passes when $|fd-g| \\le \\mathrm{atol} + \\mathrm{rtol}\\,|fd|$, the finite difference being the "
        "reference; the table shows the largest $|fd-g|$ and the largest ratio "
        "$|fd-g|/(\\mathrm{atol}+\\mathrm{rtol}\\,|fd|)$, which is at most 1 when the size passes.\\par\n"
    )
    figures = {figure.title: figure for figure in doc.gradient_figures}
    for name in dict.fromkeys(check.name for check in checks):
        out.append(heading(level + 1, math.prose(name)))
        out.append(gradient_table([c for c in checks if c.name == name]))
        figure = figures.get(name)
        if figure is not None:
            out.append(
                "\\begin{center}\n\\includegraphics[width=0.7\\linewidth]{" + figure.file + "}\\par\n"
                "\\parbox{0.9\\linewidth}{\\small " + math.prose(figure.caption) + "}\n\\end{center}\n"
            )
    return "".join(out)


def overview_section(doc: DocumentReport, math: MathRenderer, level: int) -> str:
    if doc.overview is None:
        return ""
    return (
        heading(level, "Verdicts by source line")
        + "\\begin{center}\n\\includegraphics[width=\\linewidth]{" + doc.overview.file + "}\\par\n"
        + "{\\small " + math.prose(doc.overview.caption) + "}\n\\end{center}\n"
    )


def document_body(doc: DocumentReport, math: MathRenderer, level: int) -> str:
    """The sections of one document, headings starting at `level` (0 = section)."""
    result = doc.result
    calc = CalcBlock(math, doc.declared)
    out = [overview_section(doc, math, level)]
    if result.definitions:
        out.append(heading(level, "Definitions"))
        out.append(calc.items(result.definitions))
    if result.chains:
        out.append(heading(level, "Derivation steps"))
        for chain in result.chains:
            out.append(heading(level + 1, math.prose(chain.name) if chain.name else "Chain"))
            if chain.condition:
                out.append("Case: " + math.inline(chain.condition) + "\\par\n")
            out.append(calc.chain(chain))
    if result.claims:
        out.append(heading(level, "General claims"))
        out.append(calc.items(result.claims))
    out.append(gradient_section(doc, math, level))
    out.append(evidence_section(doc, math, level))
    for note in doc.notes:
        out.append("{\\small " + escape_text(note) + "}\\par\n")
    return "".join(out)


def _header(doc: DocumentReport) -> str:
    result = doc.result
    return (
        "{\\small\\raggedright Source: \\texttt{" + escape_text(result.source, breakable=True)
        + "}\\par Derivation: \\texttt{" + escape_text(result.path, breakable=True) + "}\\par}\n"
    )


def document_tex(doc: DocumentReport, math: MathRenderer) -> str:
    """A standalone report for one document."""
    title = math.prose(doc.result.title) or "Untitled derivation"
    return (
        PREAMBLE + "\\begin{document}\n{\\LARGE\\bfseries " + title + "\\par}\\medskip\n" + _header(doc)
        + "\\medskip\n" + heading(0, "Summary") + summary_table([doc]) + legend()
        + document_body(doc, math, 0) + "\\end{document}\n"
    )


def combined_tex(docs: Sequence[DocumentReport], math: MathRenderer, title: str) -> str:
    """One report for a directory: summary page, legend, then every document."""
    out = [PREAMBLE, "\\begin{document}\n", "{\\LARGE\\bfseries " + escape_text(title) + "\\par}\\medskip\n",
           heading(0, "Summary"), summary_table(docs), "\\medskip\n", legend(), "\\clearpage\n"]
    for doc in docs:
        named = math.with_names(doc.names)
        out.append(heading(0, named.prose(doc.result.title) or "Untitled derivation"))
        out.append(_header(doc))
        out.append(document_body(doc, named, 1))
        out.append("\\clearpage\n")
    out.append("\\end{document}\n")
    return "".join(out)
