"""`symcheck report`: LaTeX/PDF reports, numeric CSV/JSON and plots of what `verify` computed.

`write_reports` writes, into ``out_dir``, for each document (named after the derivation
file's stem, made filesystem- and TeX-safe):

- ``<stem>.tex`` and, when latexmk/pdflatex are installed, ``<stem>.pdf``;
- ``<stem>.json`` (the document's results as ``verify --format json`` prints them: verdicts,
  counterexamples, every evaluated point, gradient checks with their step-size sweeps) and
  ``<stem>.csv`` (the evaluated points and gradient checks, one per row);
- ``<stem>-grad-<n>.pdf``: the finite-difference error against h for each gradient check,
  and ``<stem>-overview.pdf``: the verdicts by source line;

and ``symcheck-report.tex``/``.pdf`` combining every document after a summary page.

Nothing is recomputed: the report prints the results it is given (this stage imports
nothing from the engine). PDFs are built by `symcheck.report.build` in the TeX sandbox of
`symcheck.report.tex` (a private build directory per run, no shell escape, paranoid file
access, a time limit that kills the whole process group). When a document fails to build,
it is rewritten with every source formula shown verbatim and built again; the outcome
counts the formulas shown verbatim.
Everything is deterministic: the same results give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional, Sequence

from symcheck.model import DocumentResult, format_line
from symcheck.model.compiled import CompiledDocument
from symcheck.printers.results import JsonPrinter
from symcheck.report import plots
from symcheck.report.build import missing_tools, overfull_boxes, pdf_text
from symcheck.report.tex import compile_tex
from symcheck.report.data import DocumentReport, Figure
from symcheck.report.document import combined_tex, document_tex
from symcheck.report.render import MathRenderer, MathValidator

TEX_PACKAGES = ("texlive-latex-base", "texlive-latex-recommended", "latexmk")
NO_TEX_MESSAGE = (
    "No TeX engine found (latexmk and pdflatex): wrote .tex, CSV and JSON only; "
    "for PDFs install the Debian packages: apt-get install " + " ".join(TEX_PACKAGES)
    + " (or run .ci/install-tex)"
)
COMBINED_STEM = "symcheck-report"


@dataclass
class ReportOutcome:
    """What `write_reports` did. `ok` is False only when a PDF was required and missing."""

    written: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    message: str = ""
    ok: bool = True
    errors: list[str] = field(default_factory=list)
    overfull: list[str] = field(default_factory=list)  # lines wider than the text, per PDF
    verbatim: int = 0  # source formulas shown verbatim instead of typeset



def compile_and_read(
    results: list[tuple[DocumentResult, Optional[CompiledDocument]]], out_dir: Path, *, seed: int = 0
) -> tuple[ReportOutcome, dict[str, str]]:
    """For integration tests: write the reports requiring PDFs, and return the text of
    every PDF (by file name). Callers should skip when `missing_tools(pdftotext=True)`."""
    outcome = write_reports(results, Path(out_dir), require_pdf=True, seed=seed)
    return outcome, {pdf.name: pdf_text(pdf) for pdf in outcome.pdfs}


# ---------------------------------------------------------------- data files

CSV_COLUMNS = ("kind", "name", "line", "decision", "role", "point", "digits", "lhs", "rhs", "error", "agrees",
               "size", "h", "passed")


def numeric_csv(result: DocumentResult) -> str:
    """Every evaluated point, every gradient check and every point of its sweep, one per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for step in result.all_results():
        decisions = [("as written", step.decision)] + ([("intended", step.erratum.decision)] if step.erratum else [])
        for label, decision in decisions:
            for sample in decision.evidence:
                point = "; ".join(f"{k}={v}" for k, v in sample.point.items())
                writer.writerow([step.kind, step.name, format_line(step.line) or "", label, sample.role, point,
                                 sample.digits, sample.lhs, sample.rhs, sample.error or "", sample.agrees, "", "", ""])
    for check in result.gradient_checks:
        writer.writerow(["gradient-check", check.name, "", "", "", "", "", "", "", repr(check.max_abs_error), "",
                         check.size, repr(check.step), check.passed])
        for h, error in check.sweep:
            writer.writerow(["fd-sweep", check.name, "", "", "", "", "", "", "", repr(error), "", check.size,
                             repr(h), ""])
    return buffer.getvalue()


def numeric_json(result: DocumentResult, seed: int) -> str:
    data = {"seed": seed, **JsonPrinter().render(result)}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- orchestration


def safe_stem(result: DocumentResult) -> str:
    """The derivation file's stem, keeping only [A-Za-z0-9_-] (others become '-')."""
    raw = Path(result.path).stem if result.path else Path(result.source or "document").stem
    stem = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9_-]", "-", raw)).strip("-") or "document"
    return stem[:80]


def _unique_stems(results: Sequence[DocumentResult]) -> list[str]:
    """Stems that differ after case folding and with '_' read as '-' (figure names replace
    '_' by '-', and some file systems ignore case), so no two documents share an output."""
    used = {COMBINED_STEM}
    stems = []
    for result in results:
        base = safe_stem(result)
        stem, n = base, 2
        while _output_key(stem) in used:
            stem = f"{base}-{n}"
            n += 1
        used.add(_output_key(stem))
        stems.append(stem)
    return stems


def _output_key(stem: str) -> str:
    return stem.replace("_", "-").casefold()


def _write(path: Path, text: str, outcome: ReportOutcome) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")
    outcome.written.append(path)


def _declared(compiled: Optional[CompiledDocument]) -> tuple[dict[str, str], frozenset[str]]:
    """(name -> LaTeX for names written otherwise, every declared name) of a document."""
    derivation = compiled.derivation if compiled is not None else None
    if derivation is None:
        return {}, frozenset()
    named = [*derivation.symbols, *derivation.functions]
    names = {d.name: d.latex for d in named if d.latex}
    declared = {d.name for d in (*named, *derivation.sizes, *derivation.indices)}
    return names, frozenset(declared)


def _figures(result: DocumentResult, stem: str, out_dir: Path, outcome: ReportOutcome) -> tuple[list[Figure], Optional[Figure]]:
    """One plot per gradient check and the overview strip, written next to the .tex."""
    base = stem.replace("_", "-")
    figures = []
    names = list(dict.fromkeys(c.name for c in result.gradient_checks if c.sweep))
    for n, name in enumerate(names, 1):
        checks = [c for c in result.gradient_checks if c.name == name and c.sweep]
        file = f"{base}-grad-{n}.pdf"
        plots.plot_sweep(checks, out_dir / file)
        outcome.written.append(out_dir / file)
        largest = max(checks, key=lambda c: c.size)
        figures.append(Figure(file, name, f"Size {largest.size}: " + plots.sweep_caption(largest.sweep, largest.step)))
    overview = None
    file = f"{base}-overview.pdf"
    if plots.plot_overview(result, out_dir / file):
        outcome.written.append(out_dir / file)
        overview = Figure(file, "verdicts by source line",
                          "Each bar is a step, definition or claim at its source line, coloured by its verdict.")
    return figures, overview


def _reports(results, stems, out_dir: Path, seed: int, outcome: ReportOutcome) -> list[DocumentReport]:
    docs = []
    for (result, compiled), stem in zip(results, stems):
        _write(out_dir / f"{stem}.csv", numeric_csv(result), outcome)
        _write(out_dir / f"{stem}.json", numeric_json(result, seed), outcome)
        names, declared = _declared(compiled)
        figures, overview = _figures(result, stem, out_dir, outcome)
        docs.append(DocumentReport(result=result, stem=stem, names=names, declared=declared,
                                   gradient_figures=figures, overview=overview,
                                   data_files=[f"{stem}.csv", f"{stem}.json"]))
    return docs


def _validate(validator: MathValidator, render: Callable[[MathRenderer], object]) -> None:
    """Render once collecting every formula, then validate them all in one probe run."""
    collected: list[str] = []
    render(MathRenderer(validator, collect=collected))
    validator.validate(collected)


def write_reports(
    results: list[tuple[DocumentResult, Optional[CompiledDocument]]],
    out_dir: Path,
    *,
    require_pdf: bool = False,
    seed: int = 0,
    title: str = "symcheck report",
) -> ReportOutcome:
    """Write every report into `out_dir` (see module docstring) and build PDFs if TeX is
    installed. Without TeX, `message` names the Debian packages to install and `ok` is
    False only with `require_pdf`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    outcome = ReportOutcome()
    ordered = sorted(results, key=lambda rc: (safe_stem(rc[0]), rc[0].path, rc[0].title))
    stems = _unique_stems([r for r, _ in ordered])
    docs = _reports(ordered, stems, out_dir, seed, outcome)

    have_tex = not missing_tools()
    validator = MathValidator(shutil.which("pdflatex") if have_tex else None)
    renders: list[tuple[Path, Callable[[MathRenderer], str]]] = [
        (out_dir / f"{doc.stem}.tex", lambda math, d=doc: document_tex(d, math.with_names(d.names)))
        for doc in docs
    ]
    renders.append((out_dir / f"{COMBINED_STEM}.tex", lambda math: combined_tex(docs, math, title)))
    _validate(validator, lambda math: [render(math) for _, render in renders])
    final = MathRenderer(validator)
    for path, render in renders:
        _write(path, render(final), outcome)
    outcome.verbatim = len(set(final.fallbacks))
    if not have_tex:
        outcome.message = NO_TEX_MESSAGE
        outcome.ok = not require_pdf
        return outcome
    for path, render in renders:
        _build(path, render, validator, outcome)
    if len(outcome.pdfs) < len(renders):
        outcome.message = outcome.message or (
            f"{len(renders) - len(outcome.pdfs)} PDF(s) could not be built: " + "; ".join(outcome.errors)
        )
        outcome.ok = not require_pdf
    return outcome


def _build(path: Path, render: Callable[[MathRenderer], str], validator: MathValidator,
           outcome: ReportOutcome) -> None:
    """Build one PDF; on failure, once more with every source formula verbatim."""
    built = compile_tex(path)
    if not built.ok:
        path.write_text(render(MathRenderer(validator, safe=True)), encoding="utf-8", newline="\n")
        retry = compile_tex(path)
        if retry.ok:
            outcome.errors.append(f"{path.name}: formulas shown verbatim after a failed build ({built.log_tail})")
        else:
            outcome.errors.append(f"{path.name}: PDF not built: {retry.log_tail}")
        built = retry
    if built.ok and built.pdf is not None:
        outcome.pdfs.append(built.pdf)
        outcome.written.append(built.pdf)
        outcome.overfull.extend(f"{path.name}: {width:.1f}pt" for width in overfull_boxes(built.log))
