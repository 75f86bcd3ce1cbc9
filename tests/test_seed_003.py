"""Seed 003, "X crossed Smigh": the negative log-likelihood, dJ/dw_j, the gradient as an outer product and a worked example.

The document has errors of its own (see the errata in the derivation file). Every result
must be what the file expects; the steps the engine flags (refuted, or conditional on
anything but the step's own case condition) must be exactly the steps with an erratum,
whether or not the errata are declared; every step quotes the source it cites.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from symcheck.coverage import coverage_of
from symcheck.engine import Settings
from symcheck.load import load_derivation
from symcheck.model import format_line
from symcheck.verify import holds, verify_document

ROOT = Path(__file__).resolve().parents[1]
DERIVATION = ROOT / "derivations" / "003_x_crossed_smigh.toml"
SEEDS = Path(__file__).parents[2] / "shared" / "seeds"
# The engine's rungs have wall-clock budgets (fractions of the step time limit); under a
# parallel test run the default 10 s leaves some sampling rungs short, so allow more.
SETTINGS = Settings(step_timeout=60.0)


@pytest.fixture(scope="module")
def document():
    return load_derivation(DERIVATION)


@pytest.fixture(scope="module")
def result(document):
    return verify_document(document, SETTINGS)


@pytest.fixture(scope="module")
def source_lines(document):
    return (SEEDS / document.derivation.source).read_text(encoding="utf-8").splitlines()


def _key(eq):
    return (eq.kind, eq.name, format_line(eq.line), eq.latex)


def _pairs(document, result):
    """(compiled equation, its result) for every checked definition, chain step and claim."""
    definitions = {(eq.line, eq.latex): eq for eq in document.definitions}
    pairs = [(definitions[(r.line, r.latex)], r) for r in result.definitions]
    assert len(document.chains) == len(result.chains)
    for chain, chain_result in zip(document.chains, result.chains):
        assert len(chain.equations) == len(chain_result.steps)
        pairs.extend(zip(chain.equations, chain_result.steps))
    assert len(document.claims) == len(result.claims)
    pairs.extend(zip(document.claims, result.claims))
    return pairs


def _flagged(document, result):
    """Steps the engine finds wrong as written: refuted, or conditional on anything but the
    step's own case condition (a case chain's steps that hold under its condition are fine)."""
    return {_key(eq) for eq, r in _pairs(document, result) if r.decision.verdict.fails and not holds(eq, r.decision)}


def _with_errata(document):
    return {_key(eq) for eq in document.equations() if eq.intended is not None}


def _stripped(document):
    """The same compiled document with every erratum removed (chains keep their intended links)."""
    clean = lambda eq: dataclasses.replace(eq, intended=None, erratum_note=None)
    return dataclasses.replace(
        document,
        definitions=[clean(eq) for eq in document.definitions],
        chains=[dataclasses.replace(chain, equations=tuple(map(clean, chain.equations))) for chain in document.chains],
        claims=[clean(eq) for eq in document.claims],
        gradient_checks=[],
    )


def _squash(text: str) -> str:
    return "".join(text.split())


def _cited(source_lines, line) -> str:
    assert line is not None, "every step cites a source line"
    first, last = line if isinstance(line, tuple) else (line, line)
    assert 1 <= first <= last <= len(source_lines), f"line {line} is outside the source"
    return " ".join(source_lines[first - 1:last])


def test_every_result_is_expected(result):
    unexpected = [(r.kind, r.name, r.line, r.latex, r.decision.verdict.value, r.decision.reason)
                  for r in result.all_results() if not r.expected]
    assert not unexpected


def test_gradient_checks_pass(result):
    assert result.gradient_checks
    assert all(check.passed for check in result.gradient_checks), result.gradient_checks


def test_flagged_steps_are_the_errata(document, result):
    assert _with_errata(document), "the document has errata"
    assert _flagged(document, result) == _with_errata(document)


def test_errata_intended_forms_hold(document, result):
    for eq, r in _pairs(document, result):
        if eq.intended is not None:
            assert r.erratum is not None and holds(eq.intended, r.erratum.decision), (eq.line, eq.latex, r.erratum)


def test_flags_do_not_depend_on_declared_errata(document, result):
    stripped = _stripped(document)
    assert not _with_errata(stripped)
    assert _flagged(stripped, verify_document(stripped, SETTINGS)) == _flagged(document, result)


def test_steps_quote_the_source(document, source_lines):
    derivation = document.derivation
    quoted = [(d.line, d.latex) for d in derivation.definitions]
    quoted += [(step.line, step.latex) for chain in derivation.chains for step in chain.steps]
    quoted += [(c.line, c.latex) for c in derivation.claims if not c.why.startswith("prose:")]
    misquoted = [(line, latex) for line, latex in quoted if _squash(latex) not in _squash(_cited(source_lines, line))]
    assert not misquoted
    for claim in derivation.claims:  # a prose claim still cites a line of the source
        _cited(source_lines, claim.line)
    for check in derivation.gradient_checks:
        _cited(source_lines, check.line)


def test_every_math_line_is_encoded_or_skipped(document, source_lines):
    report = coverage_of(document.derivation, "\n".join(source_lines) + "\n")
    assert not report.missing
    assert not report.misquoted
    assert all(reason.strip() for reason in report.skipped.values())
