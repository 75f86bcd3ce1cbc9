"""The seeds' reports as a reader sees them: PDFs rendered to PNG pages and read back as text.

Builds `symcheck report derivations/` once and checks every document: its pages render
(pdftoppm), no line sticks out of the text by more than 1 pt (the LaTeX log), the first
member of every chain is printed (pdftotext), and no SymPy or ASCII notation (`!=`, `**`)
reaches the page.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from symcheck.cli import cli
from symcheck.load.derivation import derivation_files, read_derivation
from symcheck.report import write as report
from symcheck.report.mathsafe import prepare_math

try:
    from test_report_derivations import exit_code_of
except ImportError:  # tests collected as a package
    from tests.test_report_derivations import exit_code_of

ROOT = Path(__file__).resolve().parents[1]
DERIVATIONS = ROOT / "derivations"
MISSING = report.missing_tools(pdftotext=True) + ([] if shutil.which("pdftoppm") else ["pdftoppm"])

pytestmark = pytest.mark.skipif(
    bool(MISSING), reason=f"seed report tests need {', '.join(MISSING)} (run: bash .ci/install-tex)"
)


@pytest.fixture(scope="module")
def report_run(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("seed-reports")
    result = CliRunner().invoke(cli, ["report", str(DERIVATIONS), "-o", str(out), "--require-pdf", "-j", "2"],
                                catch_exceptions=False)
    assert result.exit_code == exit_code_of(out), result.output
    return out, result.output


@pytest.fixture(scope="module")
def built(report_run) -> Path:
    return report_run[0]


def _documents() -> list[Path]:
    return derivation_files([DERIVATIONS])


def _pages(pdf: Path, out: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(out / pdf.stem)], check=True, timeout=300)
    return sorted(out.glob(f"{pdf.stem}-*.png"))


def test_every_page_renders(built, tmp_path):
    for path in _documents():
        pages = _pages(built / f"{path.stem}.pdf", tmp_path)
        assert 2 <= len(pages) <= 40, (path.name, len(pages))
        assert all(page.stat().st_size > 1000 for page in pages)


def test_no_line_is_wider_than_the_text(report_run):
    """`report` warns of every line wider than the text by more than 1 pt (from the LaTeX logs)."""
    out, output = report_run
    assert len(list(out.glob("*.pdf"))) > len(_documents())  # the PDFs were built, so logs were read
    assert "wider than the text" not in output, output


def test_no_raw_operators_on_the_page(built):
    for path in _documents():
        text = report.pdf_text(built / f"{path.stem}.pdf")
        assert "!=" not in text and "**" not in text, path.name


def test_the_first_member_of_every_chain_is_printed(built):
    for path in _documents():
        derivation = read_derivation(path)
        tex = (built / f"{path.stem}.tex").read_text(encoding="utf-8")
        text = " ".join(report.pdf_text(built / f"{path.stem}.pdf").split())
        for chain in derivation.chains:
            first = prepare_math(chain.steps[0].erratum.intended if chain.steps[0].erratum else chain.steps[0].latex)
            assert f"\\fitmath{{{first}}} & {{\\footnotesize first member}}" in tex, (path.name, chain.name)
        assert text.count("first member") == len(derivation.chains), path.name
