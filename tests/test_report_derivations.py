"""`symcheck report derivations/`: real PDFs of every source document, read back with pdftotext."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from symcheck.report import write as report
from symcheck.cli import cli
from symcheck.load.derivation import derivation_files, read_derivation

ROOT = Path(__file__).resolve().parents[1]
DERIVATIONS = ROOT / "derivations"
MISSING = report.missing_tools(pdftotext=True)

pytestmark = pytest.mark.skipif(
    bool(MISSING), reason=f"PDF report tests need {', '.join(MISSING)} (run: bash .ci/install-tex)"
)


def exit_code_of(out: Path) -> int:
    """What `report` must exit with: 1 when some result in the data files is not as expected."""
    return 0 if all(json.loads(f.read_text())["expected"] for f in out.glob("*.json")) else 1


def squash(text: str) -> str:
    """Letters and digits only: pdftotext breaks lines and hyphenates at will."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    out = tmp_path_factory.mktemp("reports")
    # report exits 1 on unexpected results, like verify: allow the steps time on a busy machine
    result = CliRunner().invoke(cli, ["report", str(DERIVATIONS), "-o", str(out), "--require-pdf", "--timeout", "60"],
                                catch_exceptions=False)
    assert result.exit_code == exit_code_of(out), result.output
    texts = {pdf.name: squash(report.pdf_text(pdf)) for pdf in sorted(out.glob("*.pdf"))}
    return out, texts


def test_one_pdf_per_document_and_a_combined_one(built):
    _, texts = built
    expected = {f"{path.stem}.pdf" for path in derivation_files([DERIVATIONS])} | {"symcheck-report.pdf"}
    assert expected <= set(texts)
    assert all(texts[name] for name in expected)


def test_titles_and_verdict_words(built):
    _, texts = built
    combined = " ".join(texts.values())
    for path in derivation_files([DERIVATIONS]):
        assert squash(read_derivation(path).title) in combined
    for word in ("proved", "refuted", "conditional", "counterexample"):
        assert word in combined


def test_every_erratum_note_is_in_its_document(built):
    _, texts = built
    for path in derivation_files([DERIVATIONS]):
        derivation = read_derivation(path)
        text = texts[f"{path.stem}.pdf"]
        notes = [item.erratum.note for item in (*derivation.definitions, *derivation.claims) if item.erratum]
        notes += [step.erratum.note for chain in derivation.chains for step in chain.steps if step.erratum]
        for note in notes:  # the words of the note (its math is typeset, so compare words only)
            words = [squash(w) for w in note.split() if w.isalpha() and len(w) > 3]
            assert all(w in text for w in words), f"{path.name}: erratum note missing from the PDF: {note}"


def test_numeric_files_are_written(built):
    out, _ = built
    for path in derivation_files([DERIVATIONS]):
        assert (out / f"{path.stem}.csv").is_file() or list(out.glob(f"{path.stem}*.csv"))
