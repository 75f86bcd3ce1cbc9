"""Every math line of every source document is encoded or skipped with a reason, and steps quote it."""

from pathlib import Path

import pytest

from symcheck.load.coverage import coverage_of, find_source, is_quoted
from symcheck.load.derivation import derivation_files, read_derivation

ROOT = Path(__file__).resolve().parents[1]
DERIVATIONS = derivation_files([ROOT / "derivations"])


@pytest.fixture(params=DERIVATIONS, ids=lambda path: path.stem)
def report(request):
    derivation = read_derivation(request.param)
    try:
        source = find_source(derivation)
    except Exception as error:  # noqa: BLE001 - a missing source is a visible skip, not a pass
        pytest.skip(str(error))
    return coverage_of(derivation, source.read_text(encoding="utf-8"))


def test_every_math_line_is_accounted_for(report):
    assert report.math_lines, "the extractor found no math at all"
    assert report.missing == ()


def test_every_step_quotes_its_source(report):
    assert report.misquoted == ()


def test_quote_check_can_fail():
    lines = [r"$$S_j = {e^{a_i} \over \sum_{k=1}^N e^{a_k}}$$"]
    assert is_quoted(r"S_j = {e^{a_i} \over \sum_{k=1}^N e^{a_k}}", lines, 1)
    assert not is_quoted(r"S_j = {e^{a_j} \over \sum_{k=1}^N e^{a_k}}", lines, 1)


def test_display_delimiters_are_not_math_lines():
    from symcheck.model import Derivation

    text = "intro\n$$\\begin{align}\nx &= 1 \\\\\n\\end{align}$$\n"
    report = coverage_of(Derivation(path="d.toml", source="n.md", title="t"), text)
    assert report.math_lines == (3,) and report.missing == (3,)
