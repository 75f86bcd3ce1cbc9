"""Report writer tests that need no TeX: escaping, layout, numerics, determinism."""

from __future__ import annotations

import csv
import io
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import sympy
from sympy import Derivative, Eq, Function, KroneckerDelta, Sum, exp, log

from types import SimpleNamespace

from symcheck.report import escape, mathsafe, preamble, prose, render
from symcheck.report import write as report
from symcheck.model.compiled import CompiledChain, CompiledDocument, CompiledGradientCheck, Equation
from symcheck.model import (
    ChainResult,
    Counterexample,
    GradientCheckResult,
    SamplePoint,
    Decision,
    Derivation,
    DocumentResult,
    Domain,
    ErratumResult,
    Repair,
    GradientCheckSpec,
    IndexDecl,
    SizeDecl,
    StepResult,
    SymbolDecl,
    SymbolKind,
    Verdict,
)
from symcheck.model.symbols import CompiledDefinition, Scope, build_symbol_table

latexdoc = SimpleNamespace(
    escape_text=escape.escape_text, prepare_math=mathsafe.prepare_math, MathRejected=mathsafe.MathRejected,
    MathRenderer=render.MathRenderer, MathValidator=render.MathValidator, verdict_mark=preamble.verdict_mark,
    verdict_word=preamble.verdict_word, legend=preamble.legend, PREAMBLE=preamble.PREAMBLE,
)

EVIL_TITLE = r"Softmax & CE: 100% \input{/etc/passwd} #1 $x$ ~a ^b c_d {e} \write18{rm -rf /}"


# ---------------------------------------------------------------- fixtures (used by test_report_pdf too)


def softmax_scope():
    derivation = Derivation(
        path="derivations/000_softmax_ce.toml",
        source="000_962aff48c776eb95.txt",
        title="Softmax and cross-entropy",
        sizes=(SizeDecl("K"),),
        indices=(IndexDecl("i", 1, "K"), IndexDecl("j", 1, "K"), IndexDecl("k", 1, "K"),
                 IndexDecl("l", 1, "K")),
        symbols=(
            SymbolDecl("s", SymbolKind.VECTOR, Domain.REAL, ("K",)),
            SymbolDecl("y", SymbolKind.VECTOR, Domain.ONE_HOT, ("K",)),
            SymbolDecl("p", SymbolKind.VECTOR, Domain.PROBABILITY, ("K",)),
        ),
    )
    table = build_symbol_table(derivation)
    K = table.sizes["K"]
    i, j, k, l = (table.indices[n] for n in "ijkl")
    s, y, p = (table.bases[n] for n in "syp")
    definition = CompiledDefinition(p, (k,), exp(s[k]) / Sum(exp(s[l]), (l, 1, K)))
    scope = Scope(table, [definition])
    return derivation, scope, dict(K=K, i=i, j=j, k=k, l=l, s=s, y=y, p=p)


def gradient_check(gradient=None, name="dL/ds = p - y", context=None):
    """-sum_k y_k log p_k against `gradient(v)` (default p_j - y_j), sizes 2, 3, 4;
    `context` is a (derivation, scope, symbols) from `softmax_scope` to use instead."""
    derivation, scope, v = context or softmax_scope()
    s, y, p, j, k, K = v["s"], v["y"], v["p"], v["j"], v["k"], v["K"]
    spec = GradientCheckSpec(name, r"-\sum_k y_k \log p_k", "s", "j", "p_j - y_j", "K",
                             sizes=(2, 3, 4))
    loss = -Sum(y[k] * log(p[k]), (k, 1, K))
    return CompiledGradientCheck(spec, loss, p[j] - y[j] if gradient is None else gradient(v),
                                 s, j, K, scope)


def build_documents(title: str = EVIL_TITLE):
    """A hand-made (DocumentResult, CompiledDocument) covering every verdict, an erratum,
    a claim, a counterexample and a gradient check."""
    derivation, scope, v = softmax_scope()
    K, i, j, k, l, s, y, p = (v[n] for n in ("K", "i", "j", "k", "l", "s", "y", "p"))
    loss = -Sum(y[k] * log(p[k]), (k, 1, K))

    def equation(kind, name, line, latex, lhs, rhs, **kw):
        return Equation(kind, name, "000.txt", line, latex, lhs, rhs, scope, **kw)

    definition_eq = equation(
        "definition", "p_k", 12, r"p_k = \frac{e^{s_j}}{\sum_l e^{s_l}}",
        p[k], exp(s[j]) / Sum(exp(s[l]), (l, 1, K)),
        intended=equation("definition", "p_k", 12, r"p_k = \frac{e^{s_k}}{\sum_l e^{s_l}}",
                          p[k], exp(s[k]) / Sum(exp(s[l]), (l, 1, K))),
        erratum_note="index slip: s_j for s_k",
    )
    steps = [
        equation("step", "dL/ds_j", 50, r"\frac{\partial L}{\partial s_j}",
                 Derivative(loss, s[j]), -Sum(y[k] * (KroneckerDelta(k, j) - p[j]), (k, 1, K))),
        equation("step", "dL/ds_j", 51, r"= p_j \sum_k y_k - y_j",
                 -Sum(y[k] * (KroneckerDelta(k, j) - p[j]), (k, 1, K)),
                 p[j] * Sum(y[k], (k, 1, K)) - y[j]),
        equation("step", "dL/ds_j", 52, r"= y_j - p_j", p[j] - y[j], y[j] - p[j]),
    ]
    cond_chain = [
        equation("step", "dp_i/ds_j, i = j", 30, r"\frac{\partial p_i}{\partial s_j} = p_i(1-p_j)",
                 Derivative(p[i], s[j]), p[i] * (1 - p[j]), chain_condition=Eq(i, j),
                 condition_latex="i = j"),
    ]
    claim = equation("claim", "quotient rule", 44, r"f'(x) = {g'(x)h(x) + g(x)h'(x) \over h(x)^2}",
                     Function("f")(sympy.Symbol("x")), Function("g")(sympy.Symbol("x")))
    compiled = CompiledDocument(
        derivation=derivation,
        scope=scope,
        definitions=[definition_eq],
        chains=[CompiledChain("dL/ds_j", None, tuple(steps)),
                CompiledChain("dp_i/ds_j, i = j", "i = j", tuple(cond_chain))],
        claims=[claim],
        gradient_checks=[gradient_check()],
    )

    def decision(verdict, strategy, seconds, **kw):
        return Decision(Verdict(verdict), strategy, seconds, **kw)

    def step(kind, name, line, latex, dec, expected=True, erratum=None, previous=None):
        return StepResult(kind, name, "000.txt", line, latex, dec, expected, erratum, previous)

    def sample(role, point, lhs, rhs, error, agrees=True):
        return SamplePoint(role, point, lhs, rhs, error, 50, agrees)

    refuted = decision(
        "refuted", "exact sampling", 0.31,
        reason="differs at a sampled point",
        counterexample=Counterexample({"s[1]": "1/2", "s[2]": "-5/4", "y[1]": "1", "y[2]": "0"},
                                      "-0.8175744761936437", "0.8175744761936437"),
        evidence=(sample("search", {"s[1]": "1/2", "s[2]": "-5/4", "y[1]": "1", "y[2]": "0"},
                         "-0.8175744761936437", "0.8175744761936437", "1.635148952387287", agrees=False),),
    )
    result = DocumentResult(
        path="derivations/000_softmax_ce.toml",
        source="000_962aff48c776eb95.txt",
        title=title,
        definitions=(
            step("definition", "p_k", 12, definition_eq.latex,
                 decision("refuted", "exact sampling", 0.05,
                          counterexample=Counterexample({"s_1": "1", "s_2": "2"}, "0.73", "0.27")),
                 expected=True,
                 erratum=ErratumResult("index slip: s_j for s_k", definition_eq.intended.latex,
                                       decision("proved", "definition", 0.01))),
        ),
        chains=(
            ChainResult("dL/ds_j", None, (
                step("step", "dL/ds_j", 50, r"= -\sum_k y_k (\delta_{kj} - p_j)", decision("proved", "simplify", 0.12),
                     previous=steps[0].latex),
                step("step", "dL/ds_j", 51, steps[1].latex,
                     decision("numeric", "50-digit sampling", 0.4, reason="agrees at 20 points",
                              evidence=(sample("numeric", {"K": "3", "j": "2", "s[1]": "1/2", "y[2]": "1"},
                                               "-0.42590300703230544047", "-0.42590300703230544047", "1.0e-50"),
                                        sample("audit", {"K": "2", "j": "1", "s[1]": "-1", "y[1]": "0"},
                                               "-E/(1 + E)**2 ≈ -0.19661193324148185254",
                                               "-0.19661193324148185254", "0")))),
                replace(step("step", "dL/ds_j", 52, steps[2].latex, refuted, expected=False), repair=Repair(
                    latex="= p_j - y_j", kind="sign", description="sign of the difference", written="y_j - p_j",
                    replacement="p_j - y_j", offset=2, decision=decision("proved", "expand", 0.01))),
            )),
            ChainResult("dp_i/ds_j, i = j", "i = j", (
                step("step", "dp_i/ds_j, i = j", 30, r"= p_i(1-p_j)",
                     decision("conditional", "case split", 0.2, condition="i = j"),
                     previous=r"\frac{\partial p_i}{\partial s_j}"),
                step("step", "dp_i/ds_j, i = j", 31,
                     r"= p_i(1-p_j) \cancel{x} \oslash \intercal ① → \mathbb{1} \boxed{1}",
                     decision("proved-for-sizes", "instantiate sizes", 0.8, sizes=(2, 3, 4))),
                step("step", "dp_i/ds_j, i = j", 32, r"\input{/etc/passwd} \undefinedcommand",
                     decision("unknown", "gave up", 2.5, reason="timeout after 2 s")),
            )),
        ),
        claims=(
            step("claim", "quotient rule", 44, claim.latex,
                 decision("refuted", "arbitrary functions", 0.02,
                          counterexample=Counterexample({"g(x)": "x**2 + 1", "x": "1"}, "3", "-1")),
                 erratum=ErratumResult("sign: the quotient rule subtracts",
                                       r"f'(x) = {g'(x)h(x) - g(x)h'(x) \over h(x)^2}",
                                       decision("proved", "simplify", 0.03))),
        ),
        gradient_checks=gradient_results(),
        seconds=4.5,
    )
    return result, compiled


def gradient_results():
    """A hand-made gradient check at sizes 2 and 3: a V-shaped sweep (truncation h^2, rounding 1/h)."""
    sweep = tuple((10.0 ** -e, 10.0 ** (-2 * e) + 1e-16 * 10.0 ** e) for e in range(1, 13))
    return tuple(GradientCheckResult("dL/ds_j = p_j - y_j", size, 3e-10, 3e-10, 5, True, atol=1e-6, rtol=1e-6,
                                     max_excess=3e-4, step=1e-6, sweep=sweep) for size in (2, 3))


@pytest.fixture(scope="module")
def no_tex_reports(tmp_path_factory):
    """Reports written with TeX hidden (shutil.which -> None), twice, in two directories."""
    mp = pytest.MonkeyPatch()
    mp.setattr(shutil, "which", lambda name, *a, **k: None)
    try:
        docs = [build_documents()]
        first = tmp_path_factory.mktemp("first")
        second = tmp_path_factory.mktemp("second")
        outcome = report.write_reports(docs, first)
        outcome2 = report.write_reports(docs, second, require_pdf=True)
    finally:
        mp.undo()
    return first, second, outcome, outcome2


def _tex(directory: Path) -> str:
    return (directory / "000_softmax_ce.tex").read_text(encoding="utf-8")


# ---------------------------------------------------------------- escaping


@pytest.mark.parametrize(
    "char, expected",
    [
        ("\\", r"\textbackslash{}"), ("{", r"\{"), ("}", r"\}"), ("$", r"\$"), ("&", r"\&"),
        ("#", r"\#"), ("%", r"\%"), ("_", r"\scus{}"), ("~", r"\sctilde{}"),
        ("^", r"\sccaret{}"), ("<", r"\textless{}"), (">", r"\textgreater{}"),
        ("|", r"\textbar{}"), ("[", "{[}"), ("]", "{]}"),
    ],
)
def test_escape_each_special_character(char, expected):
    assert latexdoc.escape_text(f"a{char}b") == f"a{expected}b"


def test_escape_unicode_and_control_characters():
    out = latexdoc.escape_text("x → y ① é\x00\n≠ 中")
    assert r"\ensuremath{\rightarrow}" in out
    assert "(1)" in out and "e" in out and r"\ensuremath{\neq}" in out
    assert out.isascii()
    assert "\x00" not in out and "\n" not in out
    assert "?" in out  # a character with no equivalent


def test_escaped_text_has_no_live_command():
    out = latexdoc.escape_text(EVIL_TITLE)
    # every backslash left is one of ours: the escapes themselves
    stripped = (out.replace(r"\textbackslash{}", "").replace(r"\sctilde{}", "")
                .replace(r"\sccaret{}", "").replace(r"\scus{}", ""))
    for escaped in (r"\{", r"\}", r"\$", r"\&", r"\#", r"\%"):
        stripped = stripped.replace(escaped, "")
    assert "\\" not in stripped


def test_title_with_input_is_inert(no_tex_reports):
    first, _, _, _ = no_tex_reports
    tex = _tex(first)
    assert r"\input{/etc/passwd}" not in tex
    assert r"\write18" not in tex
    assert r"\textbackslash{}input\{/etc/passwd\}" in tex


@pytest.mark.parametrize(
    "formula",
    [
        r"\input{/etc/passwd}", r"\include{x}", r"\write18{ls}", r"\immediate\write1{x}",
        r"\openout1=x", r"\read16 to \x", r"\catcode`\a=0", r"\def\x{y}", r"\csname input\endcsname",
        r"a^^5cinput{x}", r"\pdffilesize{x}", r"\newcommand\x{1}", r"\begin{filecontents}{x}",
        r"\end{document}", r"\frac{a}{b", r"\usepackage{x}", r"\let\x\y", r"\special{x}",
        r"\includegraphics{/etc/passwd}", r"\verb|x|", r"\global\x", r"\makeatletter",
    ],
)
def test_dangerous_math_is_rejected(formula):
    with pytest.raises(latexdoc.MathRejected):
        latexdoc.prepare_math(formula)
    shown = latexdoc.MathRenderer().block(formula)
    assert "shown verbatim" in shown
    assert formula not in shown


def test_math_repairs():
    prep = latexdoc.prepare_math
    assert prep("a → b") == r"a {\rightarrow} b"
    assert prep(r"x_{①}") == r"x_{\text{(1)}}"
    assert prep(r"\mathbb{1}_{i=j}") == r"\mathbf{1}_{i=j}"
    assert prep("50% #") == r"50\% \#"
    assert prep(r"$$ x $$") == "x"
    assert prep(r"&= a \\ &= b \\") == r"\begin{aligned}&= a \\ &= b\end{aligned}"
    assert prep(r"\begin{align} a &= b \end{align}") == r"\begin{aligned} a &= b \end{aligned}"
    assert " ".join(prep(r"x \label{eq:1} \nonumber y").split()) == "x y"
    assert prep(r"\text{if $i = j$,}") == r"\text{if $i = j$,}"


# ---------------------------------------------------------------- layout


def test_verdict_marks_distinct_with_legend():
    marks = [latexdoc.verdict_mark(v) for v in Verdict]
    words = [latexdoc.verdict_word(v) for v in Verdict]
    assert len(set(marks)) == len(Verdict) and len(set(words)) == len(Verdict)
    legend = latexdoc.legend()
    for mark, word in zip(marks, words):
        assert mark in legend and word in legend
    for mark in marks:  # each mark command has its own definition
        assert latexdoc.PREAMBLE.count("\\newcommand" + mark + "{") == 1
    bodies = [line.split("{", 1)[1] for line in latexdoc.PREAMBLE.splitlines()
              if line.startswith(r"\newcommand\mark")]
    assert len(set(bodies)) == len(Verdict)


def test_every_verdict_appears_in_document(no_tex_reports):
    tex = _tex(no_tex_reports[0])
    for verdict in Verdict:
        assert latexdoc.verdict_mark(verdict) + "~\\textbf{" + latexdoc.verdict_word(verdict) in tex


def test_counterexample_is_typeset_with_document_names(no_tex_reports):
    tex = _tex(no_tex_reports[0])
    assert "\\textbf{Counterexample} at" in tex
    assert r"\mathinline{{s}_{1} = \frac{1}{2}}" in tex  # s[1] as the document writes it
    assert r"\mathinline{{y}_{2} = 0}" in tex
    assert r"\mathinline{g{\left(x \right)} = x^{2} + 1}" in tex  # x**2 + 1 typeset, no **
    assert r"left side \mathinline{-0.817574476194}" in tex  # 12 digits shown


def test_chain_printed_whole_with_first_member(no_tex_reports):
    tex = _tex(no_tex_reports[0])
    chain = tex.split(r"\subsectionhead{\mathinline{dL/ds_j}}")[1].split(r"\end{longtable}")[0]
    first = chain.index(r"\fitmath{\frac{\partial L}{\partial s_j}}")
    assert first < chain.index("first member") < chain.index(r"\fitmath{= p_j \sum_k y_k - y_j}")
    assert chain.count(r"\\" + "\n") >= 4  # first member and three steps, each its own row


def test_erratum_as_written_and_intended(no_tex_reports):
    tex = _tex(no_tex_reports[0])
    assert tex.count("as written}") == 2 and tex.count("intended}") == 2
    written, intended = tex.split("as written}")[1].split("intended}")[:2]
    assert "\\markrefuted" in written and "\\markproved" in intended.split("\\\\")[0]
    assert r"\textbf{Erratum:} index slip: \mathinline{s_j} for \mathinline{s_k}" in tex
    assert "sign: the quotient rule subtracts" in tex


def test_claims_section_and_condition(no_tex_reports):
    tex = _tex(no_tex_reports[0])
    claims = tex.split("\\sectionhead{General claims}")[1]
    assert "quotient rule" in claims
    assert r"Holds only when \mathinline{i = j}" in tex
    assert "\\textbf{unexpected}" in tex


def test_conditions_and_notes_are_math():
    math = latexdoc.MathRenderer()
    assert math.relation("i != j") == r"\mathinline{i \neq j}"
    assert math.prose("D_jS_i when i != j (lines 71-76)") == (
        r"\mathinline{D_jS_i} when \mathinline{i \neq j} (lines 71-76)")
    assert math.prose(r"see $x^2 \neq 1$, here") == r"see \mathinline{x^2 \neq 1}, here"
    assert math.prose(r"evil $\input{/etc/passwd}$").count(r"\input") == 0


@pytest.mark.parametrize("value, expected", [
    ("-E/(1 + E)**2 ≈ -0.19661193324148185254", r"- \frac{e}{\left(1 + e\right)^{2}} \approx -0.196611933241"),
    ("1/3", r"\frac{1}{3}"), ("> 0", "> 0"), ("1.0e-50", r"1 \times 10^{-50}"),
])
def test_values_typeset_through_sympy_latex(value, expected):
    assert prose.value_tex(value) == expected


@pytest.mark.parametrize("value", ["__import__('os').system('ls')", "9**9**9**9**9", "x.y", "[1, 2]", "lambda: 1",
                                   "(" * 500 + ")" * 500])
def test_values_that_are_not_plain_expressions_are_text(value):
    shown = latexdoc.MathRenderer().value(value)
    assert shown.startswith(r"\texttt{") or "mathinline" in shown


def test_point_names_of_the_engine_are_resolved():
    from symcheck.report.points import point_items

    items = point_items({"entry": "(l, 1)", "l": "2", "K": "3", "s[1]": "1/3"}, frozenset({"K", "s"}))
    assert items == [("entry", "(2, 1)"), ("K", "3"), ("s[1]", "1/3")]


def test_bad_math_shown_verbatim_in_document(no_tex_reports):
    tex = _tex(no_tex_reports[0])
    assert "\\input{/etc/passwd}" not in tex
    assert "shown verbatim: command \\textbackslash{}input is not allowed" in tex
    # the repaired unicode formula is typeset as math
    assert r"\cancel{x} \oslash \intercal \text{(1)} {\rightarrow} \mathbf{1} \boxed{1}" in tex


def test_summary_counts(no_tex_reports):
    tex = _tex(no_tex_reports[0])
    summary = tex.split("\\sectionhead{Summary}")[1].split("\\end{longtable}")[0]
    # proved 1, sizes 1, numeric 1, conditional 1, refuted 3, unknown 1; 2 errata; 1 unexpected
    assert "& 1 & 1 & 1 & 1 & 3 & 1 & 2 & 1 & 2/2 & 4.50\\,s" in summary
    combined = (no_tex_reports[0] / "symcheck-report.tex").read_text()
    assert "\\sectionhead{Summary}" in combined and "\\clearpage" in combined


def test_evidence_table_prints_every_point(no_tex_reports):
    tex = _tex(no_tex_reports[0])
    evidence = tex.split("\\sectionhead{Numeric evidence}")[1]
    for role in ("numeric", "audit", "search"):
        assert f"{role} & " in evidence
    assert r"\textcolor{screfuted}{no}" in evidence and r"\textcolor{scproved}{yes}" in evidence
    assert "Decided without evaluating at points: line 12" in evidence


def test_gradient_checks_named_with_tolerance_and_plotted(no_tex_reports):
    tex = _tex(no_tex_reports[0])
    section = tex.split("\\sectionhead{Gradient checks (finite differences)}")[1]
    assert r"\mathrm{atol} + \mathrm{rtol}\,|fd|" in section and "torch.autograd.gradcheck" in section
    assert r"\subsectionhead{\mathinline{dL/ds_j = p_j - y_j}}" in section
    assert "000-softmax-ce-grad-1.pdf" in section and "order 2 observed" in section


def test_sweep_caption_measures_the_curve():
    from symcheck.report.plots import sweep_caption

    v_shape = [(10.0 ** -e, 10.0 ** (-2 * e) + 1e-16 * 10.0 ** e) for e in range(1, 13)]
    assert "order 2 observed" in sweep_caption(v_shape, 1e-6)
    quadratic = [(10.0 ** -e, 1e-16 * 10.0 ** e) for e in range(1, 13)]  # rounding error only
    assert "no V" in sweep_caption(quadratic, 1e-6)
    fourth = [(10.0 ** -e, 10.0 ** (-4 * e) + 1e-16 * 10.0 ** e) for e in range(1, 13)]
    assert "order 4 observed" in sweep_caption(fourth, 1e-6)


# ---------------------------------------------------------------- outputs, determinism, no TeX


def test_no_tex_path(no_tex_reports):
    first, second, outcome, outcome_required = no_tex_reports
    assert outcome.ok and outcome.pdfs == []
    for pkg in ("texlive-latex-base", "texlive-latex-recommended", "latexmk"):
        assert pkg in outcome.message
    assert "\n" not in outcome.message
    names = {p.name for p in outcome.written}
    assert {"000_softmax_ce.tex", "000_softmax_ce.csv", "000_softmax_ce.json", "symcheck-report.tex",
            "000-softmax-ce-grad-1.pdf", "000-softmax-ce-overview.pdf"} <= names
    assert not outcome_required.ok


def test_deterministic_bytes(no_tex_reports):
    first, second, _, _ = no_tex_reports
    for name in ("000_softmax_ce.tex", "000_softmax_ce.csv", "000_softmax_ce.json",
                 "symcheck-report.tex", "000-softmax-ce-grad-1.pdf", "000-softmax-ce-overview.pdf"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_no_timestamps_in_tex(no_tex_reports):
    tex = _tex(no_tex_reports[0])
    assert "\\today" not in tex and "\\date" not in tex


def test_data_files_hold_the_evidence(no_tex_reports):
    first = no_tex_reports[0]
    rows = list(csv.DictReader(io.StringIO((first / "000_softmax_ce.csv").read_text())))
    points = [r for r in rows if r["role"]]
    assert [(r["line"], r["role"], r["agrees"]) for r in points] == [
        ("51", "numeric", "True"), ("51", "audit", "True"), ("52", "search", "False")]
    assert [r["size"] for r in rows if r["kind"] == "gradient-check"] == ["2", "3"]
    assert len([r for r in rows if r["kind"] == "fd-sweep"]) == 24
    data = json.loads((first / "000_softmax_ce.json").read_text())
    step = data["chains"][0]["steps"][1]
    assert [p["role"] for p in step["evidence"]] == ["numeric", "audit"]
    assert len(data["gradient_checks"][0]["sweep"]) == 12 and data["gradient_checks"][0]["atol"] == 1e-6


def test_stems_are_safe_and_unique(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    result, compiled = build_documents("plain")
    weird = DocumentResult(path="derivations/my file;rm -rf.toml", source="x.txt", title="t",
                           definitions=(), chains=(), claims=())
    same = DocumentResult(path="other/000_softmax_ce.toml", source="y.txt", title="t2",
                          definitions=(), chains=(), claims=())
    outcome = report.write_reports([(weird, None), (result, compiled), (same, None)], tmp_path)
    names = sorted(p.name for p in outcome.written if p.suffix == ".tex")
    assert names == ["000_softmax_ce-2.tex", "000_softmax_ce.tex", "my-file-rm-rf.tex",
                     "symcheck-report.tex"]


def test_report_imports_nothing_from_the_engine():
    import ast

    package = Path(report.__file__).parent
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("symcheck.engine"), path.name


def test_a_suggested_repair_is_printed_under_its_step():
    from symcheck.model import Repair
    from symcheck.report.document import CalcBlock

    refuted = Decision(Verdict.REFUTED, "sample", 0.1, reason="the sides differ")
    repaired = Decision(Verdict.PROVED, "expand", 0.1)
    repair = Repair(latex="g'(x)h(x) - g(x)h'(x)", kind="sign", description="sign of the second term",
                    written="+", replacement="-", offset=9, decision=repaired)
    step = StepResult("step", "quotient", "s.md", 44, "g'(x)h(x) + g(x)h'(x)", refuted, False, repair=repair)
    rows = CalcBlock(render.MathRenderer(), frozenset()).step(step)
    assert rows.index("g'(x)h(x) + g(x)h'(x)") < rows.index("did you mean") < rows.index("Suggested repair")
    assert "g'(x)h(x) - g(x)h'(x)" in rows and "\\markproved" in rows.split("did you mean")[1]
    without = CalcBlock(render.MathRenderer(), frozenset()).step(replace(step, repair=None))
    assert "did you mean" not in without


def test_a_step_under_its_stated_case_and_its_remarks_are_printed():
    from symcheck.model import Remark
    from symcheck.report.document import CalcBlock

    proved = Decision(Verdict.PROVED, "expand", 0.1, condition="i = j")
    typo = Remark("warning", "holds only because i = j; write S_i(1-S_i)")
    step = StepResult("step", "case", "s.md", 66, "S_i(1-S_j)", proved, True, remarks=(typo,))
    rows = CalcBlock(render.MathRenderer(), frozenset()).step(step)
    assert r"Under its stated case \mathinline{i = j}" in rows and "Holds only when" not in rows
    assert r"\textbf{Warning:} holds only because \mathinline{i = j}; write \mathinline{S_i(1-S_i)}" in rows
