"""`symcheck report`: LaTeX/PDF reports, numeric CSV/JSON and finite-difference plots.

`write_reports` writes, into ``out_dir``, for each document (named after the derivation
file's stem, made filesystem- and TeX-safe):

- ``<stem>.tex`` and, when latexmk/pdflatex are installed, ``<stem>.pdf``;
- ``<stem>.csv`` and ``<stem>.json``: per equation the seeded sample points, both
  sides' values, absolute and relative errors (or why it was skipped), the gradient-check
  results per size and the finite-difference sweep;
- ``<stem>-fd-error.pdf``: the finite-difference error against the step size h for the
  document's last (final) gradient check, one V-shaped curve per size;

and ``symcheck-report.tex``/``.pdf`` combining every document after a summary page.

PDFs are built by `symcheck.report.tex.compile_tex` (latexmk without rc files, shell
escape off, paranoid file access, a private build directory per run, a time limit that
kills the whole process group); the PDF is copied next to the ``.tex``. When a document fails to build, it is rewritten with every source formula
shown verbatim and built again (see `symcheck.report.latex` for the layers of robustness).

The numeric evaluator is independent of the engine: it instantiates every size with
`EVAL_SIZE` (or a declared minimum), draws index values inside their ranges (and inside
the chain's case condition), unfolds definitions, expands sums and derivatives with
SymPy, draws values inside the declared domains and evaluates both sides with 30 digits.
Everything is seeded: the same input gives the same ``.tex``, CSV and JSON bytes.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

import sympy

from symcheck.report import latex as latexdoc
from symcheck.model.compiled import CompiledDocument, CompiledGradientCheck, Equation
from symcheck.engine.canonical import Unfolder, UnfoldError, rules_from_scope
from symcheck.engine.gradcheck import NumericError, run_gradient_check, step_sweep
from symcheck.engine.indexcalc import parse_condition
from symcheck.report.latex import DocumentReport, MathRenderer, MathValidator, NumericSummary
from symcheck.report.tex import CompileResult, compile_tex
from symcheck.runtime.limits import StepTimeout, time_limit
from symcheck.model import DocumentResult, Domain, GradientCheckResult, format_line
from symcheck.engine.sampling import Universe, in_domain, random_points, satisfies_facts
from symcheck.model.symbols import Scope

TEX_PACKAGES = ("texlive-latex-base", "texlive-latex-recommended", "latexmk")
NO_TEX_MESSAGE = (
    "No TeX engine found (latexmk and pdflatex): wrote .tex, CSV and JSON only; "
    "for PDFs install the Debian packages: apt-get install " + " ".join(TEX_PACKAGES)
)
COMBINED_STEM = "symcheck-report"
EVAL_SIZE = 3
EVAL_POINTS = 3
EQUATION_TIME_LIMIT = 20.0  # default seconds per equation (`symcheck report` passes --timeout)


# ---------------------------------------------------------------- outcome


@dataclass
class ReportOutcome:
    """What `write_reports` did. `ok` is False only when a PDF was required and missing."""

    written: list[Path] = field(default_factory=list)
    pdfs: list[Path] = field(default_factory=list)
    message: str = ""
    ok: bool = True
    errors: list[str] = field(default_factory=list)
    verbatim: int = 0  # source formulas shown verbatim instead of typeset


# ---------------------------------------------------------------- tools


def missing_tools(*, pdftotext: bool = False) -> list[str]:
    """The TeX tools (and optionally pdftotext) that are not on PATH."""
    names = ["latexmk", "pdflatex"] + (["pdftotext"] if pdftotext else [])
    return [name for name in names if shutil.which(name) is None]


def pdf_text(pdf: Path, *, timeout: float = 60.0) -> str:
    """The text of a PDF, read with pdftotext (raises FileNotFoundError without it)."""
    tool = shutil.which("pdftotext")
    if tool is None:
        raise FileNotFoundError("pdftotext not found (Debian package poppler-utils)")
    done = subprocess.run(
        [tool, "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        timeout=timeout,
        check=True,
    )
    return done.stdout.decode("utf-8", errors="replace")


def compile_and_read(
    results: list[tuple[DocumentResult, Optional[CompiledDocument]]],
    out_dir: Path,
    *,
    seed: int = 0,
) -> tuple[ReportOutcome, dict[str, str]]:
    """For integration tests: write the reports requiring PDFs, and return the text of
    every PDF (by file name). Callers should skip when `missing_tools(pdftotext=True)`."""
    outcome = write_reports(results, Path(out_dir), require_pdf=True, seed=seed)
    texts = {pdf.name: pdf_text(pdf) for pdf in outcome.pdfs}
    return outcome, texts


# ---------------------------------------------------------------- numeric evaluation


@dataclass
class EquationSample:
    sample: int
    sizes: dict[str, int]
    indices: dict[str, int]
    point: dict[str, float]
    lhs: Optional[float]
    rhs: Optional[float]
    abs_error: Optional[float]
    rel_error: Optional[float]


@dataclass
class EquationNumeric:
    kind: str
    name: str
    line: object
    latex: str
    samples: list[EquationSample] = field(default_factory=list)
    reason: str = ""

    @property
    def max_rel_error(self) -> Optional[float]:
        errors = [s.rel_error for s in self.samples if s.rel_error is not None]
        return max(errors) if errors else None


def _display_name(eq: Equation) -> str:
    if eq.name and eq.name != eq.latex:
        return eq.name
    shown = format_line(eq.line)
    return f"{eq.kind} (line {shown})" if shown is not None else eq.kind


def _eval_size(compiled: CompiledDocument) -> int:
    minimums = [s.minimum for s in compiled.derivation.sizes] if compiled.derivation else []
    return max([EVAL_SIZE, *minimums])


def _to_float(value: sympy.Basic) -> float:
    number = complex(sympy.N(value, 30))
    if abs(number.imag) > 1e-12 * max(1.0, abs(number.real)):
        raise NumericError("the value is complex")
    return float(number.real)


def _is_scalar_expr(obj) -> bool:
    return isinstance(obj, sympy.Expr) and not isinstance(obj, sympy.MatrixExpr) and not getattr(
        obj, "is_Matrix", False
    )


def _variable_name(variable) -> Optional[str]:
    if isinstance(variable, sympy.Indexed):
        return str(variable.base.label)
    if isinstance(variable, sympy.Symbol):
        return variable.name
    if isinstance(variable, sympy.core.function.AppliedUndef):
        return type(variable).__name__
    return None


def unfold_for_evaluation(expr: sympy.Expr, scope: Scope) -> sympy.Expr:
    """Definitions unfolded by the engine's unfolder (a derivative by a defined quantity,
    dL/ds_i with s_i := softmax_i(z), is taken with that quantity kept as the variable)."""
    if any(_variable_name(v) is None for d in expr.atoms(sympy.Derivative) for v, _ in d.variable_count):
        raise NumericError("derivative with respect to a whole vector or matrix (matrix calculus)")
    try:
        return Unfolder(rules_from_scope(scope))(expr)
    except UnfoldError as error:
        raise NumericError(str(error)) from None


def _hidden_indices(exprs) -> list[sympy.Expr]:
    """Index symbols that only occur in derivative variables (SymPy leaves j out of the
    free symbols of d/dz_j), as an extra expression so the sampler chooses them too."""
    found: set[sympy.Symbol] = set()
    for expr in exprs:
        for d in expr.atoms(sympy.Derivative):
            for variable, _ in d.variable_count:
                found |= {s for s in variable.free_symbols if isinstance(s, sympy.Symbol) and s.is_integer}
    visible = set().union(*(e.free_symbols for e in exprs))
    hidden = sorted(found - visible, key=str)
    return [sympy.Add(*hidden)] if hidden else []


def _describe(point, exprs) -> tuple[dict, dict, dict]:
    """(sizes, indices, values) of a sampling point, restricted to what `exprs` use;
    values are floats, arbitrary functions are shown as their chosen bodies."""
    described = point.describe(exprs)
    sizes = {str(k): int(v) for k, v in sorted(point.sizes.items(), key=lambda kv: str(kv[0]))}
    indices = {
        str(k): int(v) for k, v in sorted(point.indices.items(), key=lambda kv: str(kv[0]))
    }
    values: dict[str, object] = {}
    for key, text in described.items():
        if key in sizes or key in indices:
            continue
        if "(" in key:  # an arbitrary function, e.g. "g(x)": "x + 1"
            values[key] = text
    for key, value in point.values.items():
        if str(key) in described:
            try:
                values[str(key)] = _to_float(value)
            except (NumericError, TypeError):
                values[str(key)] = str(value)
    return sizes, indices, dict(sorted(values.items()))


def _definition_sides(eq: Equation) -> tuple[sympy.Expr, sympy.Expr]:
    """A definition is true by construction; what can fail is its declared domain. For
    a probability vector p_k := body, the numeric check is sum_k body = 1."""
    target = eq.lhs
    name = str(target.base.label) if isinstance(target, sympy.Indexed) else None
    decl = eq.scope.table.declarations.get(name) if name else None
    if decl is None or decl.domain is not Domain.PROBABILITY:
        raise NumericError("definition: both sides agree by construction")
    index = target.indices[-1]
    bounds = eq.scope.table.index_ranges.get(index)
    if not isinstance(index, sympy.Symbol) or bounds is None:
        raise NumericError("definition: the range of its index is unknown")
    dummy = sympy.Dummy(index.name, integer=True)
    return sympy.Sum(eq.rhs.xreplace({index: dummy}), (dummy, *bounds)), sympy.Integer(1)


def evaluate_equation(
    eq: Equation, ordinal: int, *, seed: int = 0, points: int = EVAL_POINTS, size: int = EVAL_SIZE,
    timeout: float = EQUATION_TIME_LIMIT,
) -> EquationNumeric:
    """Both sides of `eq` at `points` seeded points (see module docstring)."""
    out = EquationNumeric(eq.kind, _display_name(eq), eq.line, eq.latex)
    if eq.kind == "shape":
        out.reason = "shape check: no values to compare"
        return out
    if not (_is_scalar_expr(eq.lhs) and _is_scalar_expr(eq.rhs)):
        out.reason = "not a scalar expression"
        return out
    scope = eq.scope
    try:
        with time_limit(timeout):
            case = parse_condition(eq.chain_condition)
            lhs, rhs = eq.lhs, eq.rhs
            if eq.kind == "definition":
                lhs, rhs = _definition_sides(eq)
                out.name += " (sums to 1)"
            lhs = unfold_for_evaluation(lhs, scope)
            rhs = unfold_for_evaluation(rhs, scope)
            universe = Universe.from_scope(scope)
            rng = random.Random(1_000_003 * int(seed) + 7919 * int(ordinal) + 17)
            exprs = [lhs, rhs, *_hidden_indices([lhs, rhs])]
            found = random_points(exprs, universe, rng, (size,), case, attempts=20 * points)
            for point in found:
                if len(out.samples) >= points:
                    break
                if not (in_domain(point, universe) and satisfies_facts(point, universe)):
                    continue
                left = point.evaluate(lhs)
                right = point.evaluate(rhs)
                for side in (left, right):
                    if side.has(sympy.Derivative, sympy.Sum, sympy.Product, sympy.Integral):
                        raise NumericError("an unevaluated derivative, sum or integral remains")
                    if side.free_symbols:
                        names = ", ".join(sorted(str(s) for s in side.free_symbols))
                        raise NumericError(f"free symbol(s) {names} left after sampling")
                lv, rv = _to_float(left), _to_float(right)
                abs_error = abs(lv - rv)
                scale = max(abs(lv), abs(rv))
                sizes, indices, values = _describe(point, [lhs, rhs])
                out.samples.append(
                    EquationSample(
                        sample=len(out.samples),
                        sizes=sizes,
                        indices=indices,
                        point=values,
                        lhs=lv,
                        rhs=rv,
                        abs_error=abs_error,
                        rel_error=abs_error / scale if scale > 0 else 0.0,
                    )
                )
        if not out.samples:
            out.reason = "no sample point inside the declared domains"
    except StepTimeout:
        out.reason = f"evaluation took longer than {timeout:g} s"
        out.samples = []
    except NumericError as exc:
        out.reason = str(exc)
        out.samples = []
    except Exception as exc:  # SymPy can fail in many ways on odd input
        out.reason = f"cannot evaluate: {type(exc).__name__}: {str(exc)[:120]}"
        out.samples = []
    return out


def sample_equations(
    compiled: CompiledDocument, *, seed: int = 0, points: int = EVAL_POINTS, timeout: float = EQUATION_TIME_LIMIT
) -> list[EquationNumeric]:
    """Every equation of the document (and every erratum's intended form), sampled."""
    size = _eval_size(compiled)
    found = []
    ordinal = 0
    for eq in compiled.equations():
        found.append(evaluate_equation(eq, ordinal, seed=seed, points=points, size=size, timeout=timeout))
        ordinal += 1
        if eq.intended is not None:
            intended = evaluate_equation(eq.intended, ordinal, seed=seed, points=points, size=size, timeout=timeout)
            suffix = " (sums to 1)" if intended.name.endswith(" (sums to 1)") else ""
            intended.name = _display_name(eq) + " (intended)" + suffix
            found.append(intended)
            ordinal += 1
    return found


# ---------------------------------------------------------------- gradient checks & plots


@dataclass
class Sweep:
    name: str
    size_symbol: str
    curves: dict[int, list[tuple[float, float]]]


def _gradient_results(
    result: DocumentResult, compiled: Optional[CompiledDocument], seed: int, notes: list[str]
) -> list[GradientCheckResult]:
    if result.gradient_checks:
        return list(result.gradient_checks)
    found: list[GradientCheckResult] = []
    for check in compiled.gradient_checks if compiled else []:
        try:
            found.extend(run_gradient_check(check, seed=seed))
        except (NumericError, Exception) as exc:
            notes.append(f"gradient check {check.spec.name}: cannot evaluate ({exc})")
    return found


def _sweep(
    compiled: Optional[CompiledDocument], seed: int, notes: list[str]
) -> Optional[Sweep]:
    if not compiled or not compiled.gradient_checks:
        return None
    check: CompiledGradientCheck = compiled.gradient_checks[-1]
    curves = {}
    for size in check.spec.sizes:
        try:
            curves[size] = step_sweep(check, size, seed=seed)
        except (NumericError, Exception) as exc:
            notes.append(f"step sweep of {check.spec.name} at size {size}: {exc}")
    if not curves:
        return None
    return Sweep(check.spec.name, str(check.size), curves)


def _mpl_text(text: str) -> str:
    return text.replace("$", r"\$")


def plot_sweep(sweep: Sweep, path: Path) -> None:
    """The V-shaped curve(s) of finite-difference error against h, log-log, as PDF
    with fixed metadata (no dates), so the bytes are deterministic."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.0, 3.8))
    ax = fig.add_subplot()
    for size in sorted(sweep.curves):
        pts = [(h, e) for h, e in sweep.curves[size] if math.isfinite(e)]
        if not pts:
            continue
        hs = [h for h, _ in pts]
        errs = [max(e, 1e-18) for _, e in pts]
        ax.loglog(hs, errs, marker="o", markersize=3, linewidth=1,
                  label=f"{_mpl_text(sweep.size_symbol)} = {size}")
    ax.axvline(1e-6, color="0.5", linestyle=":", linewidth=1, label="h used (1e-6)")
    ax.set_xlabel("step size h (relative to max(1, |x|))")
    ax.set_ylabel("max |central difference - closed form|")
    ax.set_title(_mpl_text(f"Finite-difference error: {sweep.name}")[:90], fontsize=9)
    ax.grid(True, which="major", linewidth=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(
        path,
        format="pdf",
        metadata={"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    )


# ---------------------------------------------------------------- CSV / JSON

CSV_COLUMNS = (
    "kind", "name", "line", "sample", "sizes", "indices", "point", "lhs", "rhs",
    "abs_error", "rel_error", "passed", "reason",
)


def _num(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return str(value)
    return repr(float(value))  # shortest round-trip form


def _json_num(value):
    if value is None or isinstance(value, str):
        return value
    value = float(value)
    if math.isfinite(value):
        return value
    return str(value)


def _pairs(mapping: dict) -> str:
    return "; ".join(
        f"{k}={_num(v) if isinstance(v, (int, float)) else v}" for k, v in mapping.items()
    )


def numeric_csv(
    equations: Sequence[EquationNumeric],
    gradients: Sequence[GradientCheckResult],
    sweep: Optional[Sweep],
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for eq in equations:
        line = format_line(eq.line)
        if not eq.samples:
            writer.writerow([eq.kind, eq.name, line or "", "", "", "", "", "", "", "", "", "",
                             eq.reason or "no samples"])
        for s in eq.samples:
            writer.writerow([
                eq.kind, eq.name, line or "", s.sample, _pairs(s.sizes), _pairs(s.indices),
                _pairs(s.point), _num(s.lhs), _num(s.rhs), _num(s.abs_error),
                _num(s.rel_error), "", "",
            ])
    for g in gradients:
        writer.writerow([
            "gradient-check", g.name, "", "", f"size={g.size}", "", "", "", "",
            _num(g.max_abs_error), _num(g.max_rel_error), "true" if g.passed else "false",
            f"{g.points} points",
        ])
    if sweep is not None:
        for size in sorted(sweep.curves):
            for h, err in sweep.curves[size]:
                writer.writerow([
                    "fd-sweep", sweep.name, "", "", f"{sweep.size_symbol}={size}", "",
                    f"h={_num(h)}", "", "", _num(err), "", "", "",
                ])
    return buffer.getvalue()


def numeric_json(
    result: DocumentResult,
    equations: Sequence[EquationNumeric],
    gradients: Sequence[GradientCheckResult],
    sweep: Optional[Sweep],
    seed: int,
) -> str:
    data = {
        "document": result.path,
        "source": result.source,
        "title": result.title,
        "seed": seed,
        "equations": [
            {
                "kind": eq.kind,
                "name": eq.name,
                "line": format_line(eq.line),
                "latex": eq.latex,
                "reason": eq.reason or None,
                "samples": [
                    {
                        "sample": s.sample,
                        "sizes": s.sizes,
                        "indices": s.indices,
                        "point": {k: _json_num(v) for k, v in s.point.items()},
                        "lhs": _json_num(s.lhs),
                        "rhs": _json_num(s.rhs),
                        "abs_error": _json_num(s.abs_error),
                        "rel_error": _json_num(s.rel_error),
                    }
                    for s in eq.samples
                ],
            }
            for eq in equations
        ],
        "gradient_checks": [
            {
                "name": g.name,
                "size": g.size,
                "points": g.points,
                "max_abs_error": _json_num(g.max_abs_error),
                "max_rel_error": _json_num(g.max_rel_error),
                "passed": g.passed,
            }
            for g in gradients
        ],
        "fd_sweep": None
        if sweep is None
        else {
            "name": sweep.name,
            "size_symbol": sweep.size_symbol,
            "curves": {
                str(size): [[_json_num(h), _json_num(e)] for h, e in sweep.curves[size]]
                for size in sorted(sweep.curves)
            },
        },
    }
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


def write_reports(
    results: list[tuple[DocumentResult, Optional[CompiledDocument]]],
    out_dir: Path,
    *,
    require_pdf: bool = False,
    seed: int = 0,
    title: str = "symcheck report",
    timeout: float = EQUATION_TIME_LIMIT,
) -> ReportOutcome:
    """Write every report into `out_dir` (see module docstring) and build PDFs if TeX is
    installed. Without TeX, `message` names the Debian packages to install and `ok` is
    False only with `require_pdf`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    outcome = ReportOutcome()
    ordered = sorted(results, key=lambda rc: (safe_stem(rc[0]), rc[0].path, rc[0].title))
    stems = _unique_stems([r for r, _ in ordered])

    have_tex = not missing_tools()
    validator = MathValidator(shutil.which("pdflatex") if have_tex else None)
    math_renderer = MathRenderer(validator)

    docs: list[DocumentReport] = []
    for (result, compiled), stem in zip(ordered, stems):
        notes: list[str] = []
        equations = sample_equations(compiled, seed=seed, timeout=timeout) if compiled is not None else []
        gradients = _gradient_results(result, compiled, seed, notes)
        sweep = _sweep(compiled, seed, notes)
        figure = None
        caption = ""
        if sweep is not None:
            figure = f"{stem.replace('_', '-')}-fd-error.pdf"
            plot_sweep(sweep, out_dir / figure)
            outcome.written.append(out_dir / figure)
            caption = (
                f"Finite-difference error against step size h for {sweep.name}: truncation "
                "error falls as h^2 until rounding error (about eps/h) takes over."
            )
        _write(out_dir / f"{stem}.csv", numeric_csv(equations, gradients, sweep), outcome)
        _write(
            out_dir / f"{stem}.json",
            numeric_json(result, equations, gradients, sweep, seed),
            outcome,
        )
        docs.append(
            DocumentReport(
                result=result,
                stem=stem,
                gradient_checks=gradients,
                figure=figure,
                figure_caption=caption,
                numeric=[
                    NumericSummary(e.name, e.line, len(e.samples), e.max_rel_error, e.reason)
                    for e in equations
                ],
                notes=notes,
                data_files=[f"{stem}.csv", f"{stem}.json"],
            )
        )

    formulas = [f for doc in docs for f in latexdoc.all_formulas(doc)]
    math_renderer.prefetch(formulas)

    tex_files: list[tuple[Path, object]] = []
    for doc in docs:
        path = out_dir / f"{doc.stem}.tex"
        _write(path, latexdoc.document_tex(doc, math_renderer), outcome)
        tex_files.append((path, lambda safe, d=doc: latexdoc.document_tex(d, safe)))
    combined = out_dir / f"{COMBINED_STEM}.tex"
    _write(combined, latexdoc.combined_tex(docs, math_renderer, title), outcome)
    tex_files.append((combined, lambda safe: latexdoc.combined_tex(docs, safe, title)))

    if math_renderer.fallbacks:
        outcome.verbatim = len({latex for latex, _reason in math_renderer.fallbacks})
    if not have_tex:
        outcome.message = NO_TEX_MESSAGE
        outcome.ok = not require_pdf
        return outcome

    safe_renderer = MathRenderer(validator, safe=True)
    for path, render in tex_files:
        built = compile_tex(path)
        if not built.ok:
            # last resort: every source formula verbatim
            path.write_text(render(safe_renderer), encoding="utf-8", newline="\n")
            retry = compile_tex(path)
            if retry.ok:
                outcome.errors.append(
                    f"{path.name}: formulas shown verbatim after a failed build ({built.log_tail})"
                )
                built = retry
            else:
                outcome.errors.append(f"{path.name}: PDF not built: {retry.log_tail}")
        if built.ok and built.pdf is not None:
            outcome.pdfs.append(built.pdf)
            outcome.written.append(built.pdf)
    if len(outcome.pdfs) < len(tex_files):
        outcome.message = outcome.message or (
            f"{len(tex_files) - len(outcome.pdfs)} PDF(s) could not be built: " + "; ".join(outcome.errors)
        )
        if require_pdf:
            outcome.ok = False
    return outcome
