"""Relations other than `=` in notes (issue 12's last silent class): every one in display math
or beside an equation is checked or said to be unchecked; inline conditions are not claims.
Each rule is tried on a small note written for it."""

from __future__ import annotations

import json

import pytest
from sympy import Rational

from symcheck.model import RELATION_NOT_CHECKED, Verdict
from symcheck.notes.extract import extract_claims
from symcheck.verify.notes import check_note
from symcheck.verify.relations import written_number
from tests.test_note_reader import SETTINGS, VECTORS, run, write

POSITIVE = """
[symbols]
x = {}
y = { domain = "positive" }
"""


def relation_steps(note) -> list:
    return [step for chain in check_note(note, None, SETTINGS).result.chains for step in chain.steps
            if step.relation != "eq"]


def verdict_of(tmp_path, display: str, notation: str = POSITIVE) -> Verdict:
    (step,) = relation_steps(write(tmp_path, f"$${display}$$\n", notation))
    return step.decision.verdict


# ---------------------------------------------------------------- reading


def test_a_relation_ends_a_chain_and_the_chain_after_it_is_read():
    chains, relations = extract_claims("$$a = b \\le c = d$$\n", "n.md")
    assert [[m.latex for m in chain.members] for chain in chains] == [["a", "b"], ["c", "d"]]
    (relation,) = relations
    assert (relation.lhs.latex, relation.relation, relation.rhs.latex, relation.chained) == ("b", "le", "c", True)
    assert (relation.line, relation.col) == (1, 9)


@pytest.mark.parametrize("written, name", [
    ("a < b", "lt"), ("a <= b", "le"), ("a \\leqslant b", "le"), ("a ≥ b", "ge"), ("a \\not= b", "ne"),
    ("a != b", "ne"), ("a \\neq b", "ne"), ("a \\simeq b", "approx"), ("a \\not\\in b", "notin"),
    ("a \\propto b", "propto"), ("a \\stackrel{?}{\\le} b", "le"),
])
def test_each_spelling_of_a_relation_is_recorded_by_its_name(written, name):
    chains, relations = extract_claims(f"$${written}$$\n", "n.md")
    assert chains == [] and [(r.lhs.latex, r.relation, r.rhs.latex) for r in relations] == [("a", name, "b")]


def test_a_relation_in_an_alignment_row_relates_the_last_member_of_the_row_before():
    text = "\\begin{align}\na &= b + 1 \\\\\n  &\\le c \\\\\n  &= d\n\\end{align}\n"
    chains, (relation,) = extract_claims(text, "n.tex")
    assert (relation.lhs.latex, relation.rhs.latex) == ("b + 1", "c")
    assert [[m.latex for m in chain.members] for chain in chains] == [["a", "b + 1"], ["c", "d"]]


# ---------------------------------------------------------------- nothing silent


def test_the_issue_example_is_three_errors_and_the_equation_in_it_still_holds(tmp_path):
    note = write(tmp_path, "$$2 \\le 1$$\n\nAnd $$\\log(1/2) \\approx +0.693$$\n\n"
                           "$$x^2 + 1 = x^2 + 1 \\le x^2$$\n", None)
    result = run("--strict", str(note))
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert [line.split(":")[1] for line in errors] == ["1", "3", "5"]
    assert "relation ≤ is refuted" in errors[0]
    assert "-0.6931" in errors[1] and "half a unit of the last digit" in errors[1]
    assert "counterexample" in errors[2]
    equal = [step for chain in check_note(note, None, SETTINGS).result.chains for step in chain.steps
             if step.relation == "eq"]
    assert [step.decision.verdict for step in equal] == [Verdict.PROVED]


@pytest.mark.parametrize("display, name", [
    ("p(y) \\propto e^{-y^2}", "propto"), ("x \\in \\mathbb{R}^n", "in"), ("a_n \\sim n^2", "sim"),
    ("\\epsilon \\ll 1", "ll"),
])
def test_a_relation_that_is_not_checked_is_a_note_with_its_place_and_strict_fails(tmp_path, display, name):
    note = write(tmp_path, f"Text.\n\n$${display}$$\n", None)
    (step,) = relation_steps(note)
    assert (step.relation, step.decision.strategy, step.line) == (name, RELATION_NOT_CHECKED, 3)
    relaxed, strict = run(str(note)), run("--strict", str(note))
    assert relaxed.exit_code == 0 and strict.exit_code == 1
    lines = relaxed.output.splitlines()
    column = 3 + display.index(display.split()[1])  # where the relation is written
    assert lines[0].startswith(f"{note}:3:{column}: note: relation ") and "is not checked" in lines[0]
    assert lines[2].strip() == "^" and lines[2].index("^") == lines[1].index(display.split()[1])
    assert lines[-1].endswith("1 relation not checked")


def test_json_records_the_relation_of_every_step(tmp_path):
    note = write(tmp_path, "$$a = a \\le a + 1$$\n\n$$y \\propto x$$\n", POSITIVE)
    data = json.loads(run("--format", "json", str(note)).output)
    found = [(step["relation"], step["verdict"]) for document in data["documents"]
             for chain in document["chains"] for step in chain["steps"]]
    assert found == [("eq", "proved"), ("le", "proved"), ("propto", "unknown")]
    assert data["summary"]["relations_not_checked"] == 1


@pytest.mark.parametrize("fmt, expected", [("github", "::error file="), ("junit", "<failure")])
def test_other_printers_name_the_relation(tmp_path, fmt, expected):
    note = write(tmp_path, "$$3 < 2$$\n", None)
    output = run("--format", fmt, str(note)).output
    assert expected in output and ("relation &lt; is refuted" in output or "relation < is refuted" in output)


# ---------------------------------------------------------------- checked: closed sides


@pytest.mark.parametrize("display, verdict", [
    ("\\sqrt{2} < 3/2", Verdict.PROVED),
    ("\\pi > 3.14159", Verdict.PROVED),
    ("\\pi > 3.1416", Verdict.REFUTED),
    ("e^{10^{-40}} > 1", Verdict.PROVED),  # a gap no float sees
    ("\\sqrt{2}^2 \\ge 2", Verdict.PROVED),  # equal: shown by simplification
    ("\\sqrt{2}^2 > 2", Verdict.REFUTED),
    ("\\sqrt{2} \\ne 1.41421356", Verdict.PROVED),
    ("\\sqrt{2}^2 \\ne 2", Verdict.REFUTED),
])
def test_closed_sides_are_compared_by_a_certified_evaluation(tmp_path, display, verdict):
    assert verdict_of(tmp_path, display) is verdict


@pytest.mark.parametrize("display", ["\\log(0) < 1", "\\frac{1}{0} > 1", "\\sqrt{-1} > 0"])
def test_a_side_that_is_no_finite_real_number_is_not_ordered(tmp_path, display):
    assert verdict_of(tmp_path, display) is Verdict.UNKNOWN


# ---------------------------------------------------------------- checked: free symbols


@pytest.mark.parametrize("display, verdict", [
    ("(x - 1)^2 \\ge 0", Verdict.PROVED),  # a square: nonnegative by SymPy's sign rules, and sampled
    ("x^2 \\ge x", Verdict.REFUTED),  # false at x = 1/2
    ("x^2 > 0", Verdict.REFUTED),  # x = 0 is inside the real domain
    ("y^2 > 0", Verdict.PROVED),  # y is declared positive
    ("x^4 - x^2 + 1 > 0", Verdict.NUMERIC),  # true, but no sign rule shows it: evidence only
    ("(x + 1)^2 \\ne x^2 + 2x + 1", Verdict.REFUTED),  # an identity
    ("x \\ne x^2", Verdict.NUMERIC),
])
def test_free_symbols_are_sampled_inside_the_declared_domains(tmp_path, display, verdict):
    assert verdict_of(tmp_path, display) is verdict


RANDOM = """
[symbols]
X = { random = true }
"""


def test_an_order_between_expectations_is_left_undecided(tmp_path):
    assert verdict_of(tmp_path, "\\textrm{Var}[X] \\ge 0", RANDOM) is Verdict.UNKNOWN


def test_a_counterexample_to_an_order_lies_inside_the_declared_domain(tmp_path):
    (step,) = relation_steps(write(tmp_path, "$$y^2 \\ge y$$\n", POSITIVE))
    assert step.decision.verdict is Verdict.REFUTED
    assert 0 < float(eval_rational(step.decision.counterexample.point["y"])) < 1


def eval_rational(text: str) -> float:
    numerator, _, denominator = text.partition("/")
    return int(numerator) / int(denominator or 1)


# ---------------------------------------------------------------- approximations


@pytest.mark.parametrize("written, value, tolerance", [
    ("0.693", "693/1000", "1/2000"), ("+3", "3", "1/2"), ("-301029995.6\\ldots", "-1505149978/5", "1/10"),
])
def test_a_written_number_allows_half_a_unit_of_its_last_digit_or_a_unit_after_an_ellipsis(written, value,
                                                                                           tolerance):
    number = written_number(written)
    assert (str(number.value), str(number.tolerance)) == (value, tolerance)
    assert written_number("x + 1") is None


@pytest.mark.parametrize("display, verdict", [
    ("\\pi \\approx 3.1416", Verdict.PROVED),
    ("\\pi \\approx 3.1415", Verdict.REFUTED),  # cut, not rounded, with nothing saying so
    ("\\pi \\approx 3.1415\\ldots", Verdict.PROVED),
    ("0.33 \\approx \\frac{1}{3}", Verdict.PROVED),  # the number on the left
    ("0.5 \\approx \\frac{1}{3}", Verdict.REFUTED),
])
def test_an_approximation_holds_to_the_digits_written(tmp_path, display, verdict):
    assert verdict_of(tmp_path, display) is verdict


@pytest.mark.parametrize("display", ["e^x \\approx 1 + x", "x \\approx 0.5"])
def test_an_approximation_of_an_expression_is_not_checked(tmp_path, display):
    (step,) = relation_steps(write(tmp_path, f"$${display}$$\n", POSITIVE))
    assert step.decision.strategy == RELATION_NOT_CHECKED


# ---------------------------------------------------------------- inline math and implications


def test_inline_conditions_and_domains_are_not_claims(tmp_path):
    note = write(tmp_path, "Let $x \\in \\mathbb{R}^n$, $0 < \\epsilon < 1$, $i \\neq j$ and $p < 0.05$.\n", None)
    result = run("--strict", str(note))
    assert result.exit_code == 0, result.output
    assert relation_steps(note) == []


def test_inline_relations_between_numbers_are_checked(tmp_path):
    note = write(tmp_path, "We expect $9/13 \\approx 0.7\\ldots$, and $2 > 3$ is a slip.\n", None)
    assert [(step.relation, step.decision.verdict) for step in relation_steps(note)] == [
        ("approx", Verdict.PROVED), ("gt", Verdict.REFUTED)]


def test_an_inline_relation_beside_an_equation_is_checked(tmp_path):
    note = write(tmp_path, "So $x^2 + 1 = 1 + x^2 < x^2$ here.\n", POSITIVE)
    (step,) = relation_steps(note)
    assert step.decision.verdict is Verdict.REFUTED


def test_relations_in_an_implication_are_not_checked_as_claims(tmp_path):
    note = write(tmp_path, "$$x > 1 \\Rightarrow x^2 > 1$$\n", POSITIVE)
    found = relation_steps(note)
    assert [step.decision.strategy for step in found] == [RELATION_NOT_CHECKED] * 2
    assert run(str(note)).exit_code == 0


def test_an_unreadable_side_beside_an_equation_is_reported_once(tmp_path):
    note = write(tmp_path, "$$a = \\frobnicate{b} \\le c$$\n", None)
    messages = [line for line in run(str(note)).output.splitlines() if ": " in line and "symcheck:" not in line]
    assert sum("cannot read the math" in line for line in messages) == 1


def test_a_case_stated_in_prose_holds_for_the_relation_after_it(tmp_path):
    note = write(tmp_path, "When $i \\neq j$:\n\n$$\\delta_{ij} < 1$$\n\n# Later\n\n$$\\delta_{ij} < 1$$\n", VECTORS)
    assert [step.decision.verdict for step in relation_steps(note)] == [Verdict.NUMERIC, Verdict.REFUTED]


@pytest.mark.parametrize("display, verdict", [
    ("\\log(1000) \\approx 6.9", Verdict.PROVED),
    ("\\log(1000) \\approx 3", Verdict.UNKNOWN),  # the value of log base 10: which base is meant is not said
    ("\\ln(1000) \\approx 3", Verdict.REFUTED),
    ("\\log(1000) \\approx -3", Verdict.REFUTED),
])
def test_a_number_that_only_a_logarithm_in_another_base_gives_is_not_an_error(tmp_path, display, verdict):
    assert verdict_of(tmp_path, display) is verdict


# ---------------------------------------------------------------- under a stated case on scalars


@pytest.mark.parametrize("note, verdict, condition", [
    ("For $x > 1$,\n$$x^2 < x$$\n", Verdict.REFUTED, "x > 1"),
    ("Suppose $u = 2$. Then $$u^2 \\le 3$$\n", Verdict.REFUTED, "u = 2"),
    ("Suppose $u = 2$. Then $$u^2 \\le 4$$\n", Verdict.PROVED, "u = 2"),
    # the value is put in after the derivative is taken: d/dv (v^2 + v) = 1 at v = 0
    ("Suppose $v = 0$. Then $$\\frac{d}{dv} (v^2 + v) \\le 0$$\n", Verdict.REFUTED, "v = 0"),
    ("Suppose $v = 0$. Then $$\\frac{d}{dv} v^2 \\ge 0$$\n", Verdict.PROVED, "v = 0"),
])
def test_a_relation_is_decided_inside_the_case_stated_before_it(tmp_path, note, verdict, condition):
    (step,) = relation_steps(write(tmp_path, note, "[symbols]\nx = {}\nu = {}\nv = {}\n"))
    assert (step.decision.verdict, step.decision.condition) == (verdict, condition)


def test_a_counterexample_to_a_relation_respects_its_case(tmp_path):
    (step,) = relation_steps(write(tmp_path, "For $x > 3$,\n$$x^2 < 9$$\n", "[symbols]\nx = {}\n"))
    assert step.decision.verdict is Verdict.REFUTED
    assert Rational(step.decision.counterexample.point["x"]) > 3

