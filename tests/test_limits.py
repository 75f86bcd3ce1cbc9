"""Steps with limits, decided by the engine (symcheck.engine.limits) on small notes written
for these tests: a value SymPy gives is used only once evaluations near the point confirm
it; a limit SymPy cannot evaluate, or one not confirmed, is unknown; a closed limit that
does not exist beside a finite side is refuted."""

from __future__ import annotations

import pytest
import sympy

from symcheck.engine.limits import decide_limits, has_limits
from symcheck.engine.sampling import Universe
from symcheck.model import Derivation, SymbolDecl, Verdict
from symcheck.model.symbols import build_symbol_table
from tests.test_note_reader import verdicts_by_line, write

NOTATION = "[symbols]\nx = {}\na = {}\nh = {}\ntheta = { latex = '\\theta' }\nt = { domain = \"positive\" }\n"


def _verdicts(tmp_path, body: str) -> dict[int, list[Verdict]]:
    return verdicts_by_line(write(tmp_path, f"Text.\n\n$$\n{body}\n$$\n", notation=NOTATION))


def _verdict(tmp_path, body: str) -> Verdict:
    (verdicts,) = _verdicts(tmp_path, body).values()
    (verdict,) = verdicts
    return verdict


# (construct, a true statement, a false one)
CONSTRUCTS = [
    ("\\lim_{x \\to a}", "\\lim_{x \\to 0} \\frac{\\sin x}{x} = 1", "\\lim_{x \\to 0} \\frac{\\sin x}{x} = 0"),
    ("\\lim\\limits", "\\lim\\limits_{x \\to 0} \\frac{\\cos x - 1}{x} = 0", "\\lim\\limits_{x \\to 0} \\frac{\\cos x - 1}{x} = 1"),
    ("\\underset", "\\underset{\\theta \\to 0}\\lim \\dfrac{\\tan(\\theta)}{\\theta} = 1",
     "\\underset{\\theta \\to 0}{\\lim} \\dfrac{\\tan(\\theta)}{\\theta} = 2"),
    ("one-sided 0^+", "\\lim_{x \\to 0^+} x \\ln x = 0", "\\lim_{x \\to 0^+} x \\ln x = 1"),
    ("\\downarrow", "\\lim_{x \\downarrow 0} \\frac{|x|}{x} = 1", "\\lim_{x \\downarrow 0} \\frac{|x|}{x} = -1"),
    ("0^-", "\\lim_{x \\to 0^-} \\frac{|x|}{x} = -1", "\\lim_{x \\to 0^-} \\frac{|x|}{x} = 1"),
    ("\\infty", "\\lim_{x \\to \\infty} \\left(1 + \\frac{1}{x}\\right)^x = e", "\\lim_{x \\to \\infty} \\left(1 + \\frac{1}{x}\\right)^x = 1"),
    ("a free parameter", "\\lim_{h \\to 0} \\frac{(a + h)^2 - a^2}{h} = 2a", "\\lim_{h \\to 0} \\frac{(a + h)^2 - a^2}{h} = a"),
    ("a point with a free symbol", "\\lim_{x \\to a} \\frac{\\sin(x - a)}{x - a} = 1", "\\lim_{x \\to a} \\frac{\\sin(x - a)}{x - a} = a"),
    ("a product of limits", "\\lim_{x \\to 0} \\frac{\\sin x}{x} \\, \\lim_{x \\to 0} \\cos x = 1",
     "\\lim_{x \\to 0} \\frac{\\sin x}{x} \\, \\lim_{x \\to 0} \\cos x = 0"),
]


@pytest.mark.parametrize("construct, true, false", CONSTRUCTS, ids=[c[0] for c in CONSTRUCTS])
def test_one_true_and_one_false_statement_per_construct(tmp_path, construct, true, false):
    assert _verdict(tmp_path, true) is Verdict.PROVED
    assert _verdict(tmp_path, false) is Verdict.REFUTED


def test_a_chain_of_limits_with_the_same_value_holds_and_its_wrong_end_is_refuted(tmp_path):
    body = ("\\begin{aligned}\n\\lim_{x \\to 0} \\frac{\\cos x - 1}{x} & = \\lim_{x \\to 0} \\frac{\\cos^2 x - 1}{x (\\cos x + 1)} \\\\\n"
            "& = \\lim_{x \\to 0} \\frac{\\sin x}{x} \\, \\lim_{x \\to 0} \\frac{-\\sin x}{\\cos x + 1} \\\\\n"
            "& = 1\n\\end{aligned}")
    verdicts = _verdicts(tmp_path, body)
    assert verdicts[5] == [Verdict.PROVED] and verdicts[6] == [Verdict.PROVED], verdicts
    assert verdicts[7] == [Verdict.REFUTED], verdicts


def test_a_limit_that_does_not_exist_beside_a_finite_side_is_refuted(tmp_path):
    assert _verdict(tmp_path, "\\lim_{x \\to 0} \\frac{1}{x} = 0") is Verdict.REFUTED
    assert _verdict(tmp_path, "\\lim_{x \\to 0} \\frac{|x|}{x} = 1") is Verdict.REFUTED


def test_limits_that_do_not_exist_on_both_sides_are_unknown(tmp_path):
    assert _verdict(tmp_path, "\\lim_{x \\to 0} \\frac{1}{x} = \\lim_{x \\to 0} \\frac{1}{x}") is Verdict.UNKNOWN
    assert _verdict(tmp_path, "\\lim_{x \\to 0^+} \\frac{1}{x} = \\lim_{x \\to 0^+} \\frac{2}{x}") is Verdict.UNKNOWN


def test_a_limit_sympy_cannot_evaluate_is_unknown_never_proved(tmp_path):
    assert _verdict(tmp_path, "\\lim_{x \\to 0} \\sin\\left(\\frac{1}{x}\\right) = 0") is Verdict.UNKNOWN


def test_a_limit_of_an_undeclared_function_is_unknown(tmp_path):
    assert _verdict(tmp_path, "\\lim_{h \\to 0} \\frac{g(x + h) - g(x)}{h} = g'(x)") is Verdict.UNKNOWN


def test_a_variable_declared_positive_approaches_zero_from_the_right(tmp_path):
    assert _verdict(tmp_path, "\\lim_{t \\to 0} \\frac{|t|}{t} = 1") is Verdict.PROVED


TABLE = build_symbol_table(Derivation(path="t.toml", source="t.txt", title="t", symbols=(SymbolDecl("x"),)))
X = TABLE.scalars["x"]


def _decide(lhs, rhs, ladder_verdict=Verdict.PROVED):
    from symcheck.model import Decision
    calls = []

    def ladder(left, right):
        calls.append((left, right))
        return Decision(ladder_verdict, "ladder", 0.0, "the ladder's reason")

    return decide_limits([lhs, rhs], Universe(TABLE, {}), ladder, lambda run: run()), calls


def test_a_value_not_confirmed_near_the_point_is_unknown(monkeypatch):
    """SymPy's value is checked, not trusted: a wrong value from SymPy is never used."""
    monkeypatch.setattr(sympy.Limit, "doit", lambda self, **hints: sympy.Integer(2))
    decision, calls = _decide(sympy.Limit(sympy.sin(X) / X, X, 0, "+-"), sympy.Integer(2))
    assert decision.verdict is Verdict.UNKNOWN and not calls and "not confirmed" in decision.reason


def test_a_slowly_converging_limit_is_unknown():
    decision, calls = _decide(sympy.Limit(1 / sympy.log(X), X, sympy.oo), sympy.Integer(0))
    assert decision.verdict is Verdict.UNKNOWN and not calls


def test_the_ladder_decides_the_step_with_the_confirmed_values():
    decision, calls = _decide(sympy.Limit(sympy.sin(X) / X, X, 0, "+-") + X, X + 1)
    assert calls == [(1 + X, X + 1)] and decision.verdict is Verdict.PROVED
    assert "sin(x)/x = 1" in decision.reason and decision.strategy == "limit+ladder"


def test_has_limits():
    assert has_limits([X, sympy.Limit(X, X, 0)]) and not has_limits([X, sympy.Integer(1)])
