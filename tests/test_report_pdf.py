"""Building real PDFs with latexmk and reading them back with pdftotext.

Skips (with the reason shown in the summary) when latexmk, pdflatex or pdftotext is
missing: run `bash .ci/install-tex` to get them.
"""

from __future__ import annotations

import dataclasses

import pytest

from symcheck.report import render
from symcheck.report import tex as tex_sandbox

from symcheck.report import write as report
from symcheck.model import ChainResult, Decision, DocumentResult, StepResult, Verdict

try:
    from test_report import build_documents
except ImportError:  # tests collected as a package
    from tests.test_report import build_documents

MISSING = report.missing_tools(pdftotext=True)
pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"PDF tests need {', '.join(MISSING)} (run: bash .ci/install-tex)",
)


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf")
    outcome, texts = report.compile_and_read([build_documents()], out)
    return out, outcome, texts


def test_pdfs_are_built(built):
    out, outcome, texts = built
    assert outcome.ok and not outcome.errors, outcome.errors
    assert sorted(texts) == ["000_softmax_ce.pdf", "symcheck-report.pdf"]
    assert (out / "000_softmax_ce.pdf").stat().st_size > 10_000


def test_pdf_text(built):
    _, _, texts = built
    for name, raw in texts.items():
        text = _squash(raw)
        assert "Softmax & CE: 100%" in text, name
        assert "\\input{/etc/passwd}" in text  # shown as text, not run
        assert "root:x:0" not in text
        for word in ("proved", "proved for sizes", "numeric", "conditional", "refuted", "unknown"):
            assert word in text, (name, word)
        assert "Counterexample at" in text and "first member" in text
        assert "left side" in text and "0.817574476194" in text
        assert "as written" in text and "intended" in text
        assert "did you mean" in text and "Suggested repair: sign of the difference" in text
        assert "Erratum: index slip:" in text
        assert "sign: the quotient rule subtracts" in text
        assert "General claims" in text and "Gradient checks" in text and "passed" in text
        assert "Holds only when" in text
        assert "shown verbatim" in text
        assert "Numeric evidence" in text and "Full data:" in text


def test_combined_report_has_summary_and_legend(built):
    _, _, texts = built
    text = _squash(texts["symcheck-report.pdf"])
    assert text.index("Summary") < text.index("Meaning") < text.index("Definitions")
    assert "holds only under the condition shown" in text


def test_pdf_bytes_are_deterministic(built, tmp_path):
    out, _, _ = built
    again = report.write_reports([build_documents()], tmp_path, require_pdf=True)
    assert again.ok
    for name in ("000_softmax_ce.pdf", "symcheck-report.pdf", "000_softmax_ce.tex"):
        assert (out / name).read_bytes() == (tmp_path / name).read_bytes(), name


def _nasty_document() -> DocumentResult:
    formulas = [
        r"\undefinedmacro{x} + 1",
        r"a $ b",
        r"\left( x",
        r"x^{2} \end{cases}",
        r"\begin{align} a &= b \\ &= c \\ \end{align}",
        r"& = \frac{1}{2} \\ & = 0.5",
        "x → y ⇒ z ① \\mathbb{1}_{i=j} \\cancel{s_i} \\oslash \\intercal \\boxed{1} \\hookrightarrow",
        r"\text{if $i = j$,} \quad \dfrac{a}{b}",
        r"100% \# & _ ^ ~",
        r"\csname input\endcsname{/etc/passwd}",
        r"\catcode`\^^5c=0",
        "x" * 3000,
    ]
    decision = Decision(Verdict.PROVED, "simplify", 0.01)
    steps = tuple(
        StepResult("step", "nasty", "n.txt", n, f, decision, True) for n, f in enumerate(formulas)
    )
    return DocumentResult(
        path="derivations/nasty_doc.toml", source="n_%$#.txt",
        title=r"Nasty \end{document} } { $$ \\ % # \verb|x|",
        definitions=(), chains=(ChainResult("nasty & evil_chain", "i \\neq j", steps),), claims=(),
    )


def test_nasty_math_never_breaks_the_build(tmp_path):
    outcome = report.write_reports([(_nasty_document(), None)], tmp_path, require_pdf=True)
    assert outcome.ok and not outcome.errors, outcome.errors
    text = _squash(report.pdf_text(tmp_path / "nasty_doc.pdf"))
    assert "Nasty \\end{document}" in text
    assert text.count("shown verbatim") >= 5
    tex = (tmp_path / "nasty_doc.tex").read_text()
    assert r"\fitmath{\begin{aligned} a &= b \\ &= c \\ \end{aligned}}" in tex  # repaired
    assert r"\text{(1)}" in tex and r"\mathbf{1}_{i=j}" in tex


def test_failed_build_falls_back_to_verbatim(tmp_path, monkeypatch):
    """If a formula slips through validation and breaks the document, the report is
    rebuilt with every formula verbatim instead of failing."""
    monkeypatch.setattr(render.MathValidator, "ok", lambda self, body: True)
    monkeypatch.setattr(render.MathValidator, "validate", lambda self, bodies: None)
    outcome = report.write_reports([(_nasty_document(), None)], tmp_path, require_pdf=True)
    assert outcome.ok, outcome.errors
    assert any("shown verbatim after a failed build" in e for e in outcome.errors)
    text = _squash(report.pdf_text(tmp_path / "nasty_doc.pdf"))
    assert "(shown verbatim: safe mode)" in text


def test_require_pdf_fails_when_latex_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(
        report, "compile_tex", lambda tex, **kw: tex_sandbox.CompileResult(False, None, "boom")
    )
    outcome = report.write_reports([build_documents()], tmp_path, require_pdf=True)
    assert not outcome.ok and outcome.pdfs == []
    assert "could not be built" in outcome.message
    relaxed = report.write_reports([build_documents()], tmp_path, require_pdf=False)
    assert relaxed.ok


def test_helper_for_real_derivations_signature():
    """The integration test calls compile_and_read(results, out_dir) -> (outcome, texts)."""
    import inspect

    params = inspect.signature(report.compile_and_read).parameters
    assert list(params)[:2] == ["results", "out_dir"]
    assert dataclasses.is_dataclass(report.ReportOutcome)
