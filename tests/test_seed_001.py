"""Seed 001: the softmax derivative by the log-derivative trick and the cross-entropy gradient.

The document has real errors (lines 47, 59, 61, 69). Every step must come out as its file
expects, and the steps the engine flags must be exactly the declared errata, whether or not
the errata are declared.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from symcheck.load import load_derivation
from symcheck.model import format_line
from symcheck.verify import holds, verify_document

ROOT = Path(__file__).resolve().parents[1]
DERIVATION = ROOT / "derivations" / "001_log_derivative_softmax.toml"
SEEDS = Path(__file__).parents[2] / "shared" / "seeds"


@pytest.fixture(scope="module")
def document():
    return load_derivation(DERIVATION)


@pytest.fixture(scope="module")
def result(document):
    return verify_document(document)


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
    step's own case condition."""
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
    first, last = line if isinstance(line, tuple) else (line, line)
    assert 1 <= first <= last <= len(source_lines), f"line {line} is outside the source"
    return " ".join(source_lines[first - 1:last])


def test_every_step_is_as_expected(result):
    unexpected = [(r.kind, r.name, r.line, r.latex, r.decision.verdict.value, r.decision.reason)
                  for r in result.all_results() if not r.expected]
    assert not unexpected


def test_gradient_checks_pass(result):
    assert result.gradient_checks
    assert all(check.passed for check in result.gradient_checks), result.gradient_checks


def test_flagged_steps_are_the_errata(document, result):
    assert _flagged(document, result) == _with_errata(document)


def test_errata_are_declared_where_the_author_erred(document):
    lines = sorted(eq.line for eq in document.equations() if eq.intended is not None)
    assert lines == [47, 59, 61, 69]


def test_errata_intended_forms_hold(result):
    with_errata = [r for r in result.all_results() if r.erratum is not None]
    assert with_errata
    assert all(r.erratum.decision.verdict.holds for r in with_errata)


def test_flags_do_not_depend_on_declared_errata(document, result):
    stripped = _stripped(document)
    assert not _with_errata(stripped)
    assert _flagged(stripped, verify_document(stripped)) == _flagged(document, result)


def test_steps_quote_the_source(document):
    derivation = document.derivation
    source_lines = (SEEDS / derivation.source).read_text(encoding="utf-8").splitlines()
    quoted = [(d.line, d.latex) for d in derivation.definitions]
    quoted += [(step.line, step.latex) for chain in derivation.chains for step in chain.steps]
    quoted += [(c.line, c.latex) for c in derivation.claims if not c.why.startswith("prose:")]
    misquoted = [(line, latex) for line, latex in quoted if _squash(latex) not in _squash(_cited(source_lines, line))]
    assert not misquoted
    for claim in derivation.claims:  # a prose claim still cites a line of the source
        _cited(source_lines, claim.line)
