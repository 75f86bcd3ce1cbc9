"""Issue 11: the probability of an event, P(X = 1 \\text{ and } Y = 3), \\Pr(X > 0),
\\mathbb{P}(X \\le 3): a number of its own named by the event (spacing aside), even where P
is declared as something else (an event is no factor). In a note, an equation that gives
it a value is the author stating it: adopted and listed, not a claim."""

from __future__ import annotations

import pytest

from symcheck.model import Derivation, SymbolDecl, SymbolKind
from symcheck.model.symbols import EventProbability, build_symbol_table
from symcheck.read.notation import Notation
from symcheck.verify.notes import check_note

from .engine_fixtures import verdict_of

TABLE = build_symbol_table(Derivation(
    path="t.toml", source="t.txt", title="t",
    symbols=(SymbolDecl("P", SymbolKind.MATRIX, shape=(2, 2)), SymbolDecl("p")),
))


@pytest.fixture(scope="module")
def nt():
    return Notation(TABLE)


@pytest.mark.parametrize("latex, name", [
    (r"P(X = 1 \; \textrm{and} \; Y = -1)", "P(X = 1 and Y = - 1)"),
    (r"P(X=1 \text{ and } Y=-1)", "P(X = 1 and Y = - 1)"),
    (r"\Pr(X > 0)", "P(X > 0)"),
    (r"\mathbb{P}(X \le 3)", r"P(X \le 3)"),
])
def test_an_event_s_probability_is_a_number_named_by_the_event(nt, latex, name):
    value = nt.expression(latex)
    assert isinstance(value, EventProbability) and value.name == name and value.is_nonnegative


def test_without_an_event_p_keeps_its_declared_meaning(nt):
    assert not any(isinstance(s, EventProbability) for s in nt.expression(r"P_{12} + p").free_symbols)


def test_engine_decides_with_event_probabilities(nt):
    assert verdict_of(nt, r"1 - (1 - P(X = 1)) = P(X=1)") == "PROVED"
    assert verdict_of(nt, r"P(X = 1) + P(X = 3) = 1") == "REFUTED"  # nothing says these are all the cases


def test_a_note_stating_probabilities_adopts_them_and_checks_what_follows(tmp_path):
    notation = tmp_path / "n.toml"
    notation.write_text('[symbols]\np = { domain = "unit-interval" }\n')
    note = tmp_path / "n.md"
    note.write_text(
        "Suppose\n\n$$\\begin{aligned}\nP(X = 1) &= p, \\\\\nP(X = 3) &= 1 - p,\n\\end{aligned}$$\n\n"
        "then $P(X = 1) + P(X = 3) = 1$ and $3 P(X = 3) + P(X = 1) = 3 - 2 p$ but $P(X = 1) = 2p$.\n")
    result = check_note(note, notation).result
    assert [a.name for a in result.adopted] == ["P(X = 1)", "P(X = 3)"]
    verdicts = [step.decision.verdict.name for chain in result.chains for step in chain.steps]
    assert verdicts == ["PROVED", "PROVED", "REFUTED"]
