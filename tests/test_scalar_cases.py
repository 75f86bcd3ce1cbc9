"""Verdicts under a stated case on scalars (issue 12, point 3): `u = 0` is substituted,
`x > 0`, `0 < p < 1`, `x \\neq 0` restrict the domain; a step true in its case is proved
with the case as its condition, a counterexample always lies inside the case, and an empty
case decides nothing. Every rule on a small note or derivation file written for it."""

from __future__ import annotations

import json
import random
from types import SimpleNamespace
from pathlib import Path

import pytest
import sympy
from click.testing import CliRunner

from symcheck.cli import cli
from symcheck.engine.scalarcase import EMPTY_CASE, Interval, RefusedCase, _branches_zero, scalar_case, split_case
from symcheck.engine.sampling import _Exact, _Random
from symcheck.engine.settings import Settings
from symcheck.model import Domain, Verdict
from symcheck.notes.casemath import CASE_MATH, case_condition, qualifier_case
from symcheck.verify.notes import check_note

SETTINGS = Settings(step_timeout=30.0)


def note_steps(tmp_path: Path, text: str) -> list:
    note = tmp_path / "note.md"
    note.write_text(text, encoding="utf-8")
    return [step for chain in check_note(note, None, SETTINGS).result.chains for step in chain.steps]


def only_step(tmp_path: Path, text: str):
    (step,) = note_steps(tmp_path, text)
    return step


def check(*args: str):
    return CliRunner().invoke(cli, ["check", *args], catch_exceptions=False)


def point_value(step, name: str) -> sympy.Rational:
    return sympy.Rational(step.decision.counterexample.point[name])


# ---------------------------------------------------------------- notes: the case applied


def test_a_supposed_value_is_substituted_and_recorded_as_the_condition(tmp_path):
    step = only_step(tmp_path, "Suppose $u = 0$. Then $$u(u+7) = 0$$\n")
    assert step.decision.verdict is Verdict.PROVED
    assert step.decision.condition == "u = 0"


def test_the_supposed_value_ends_where_the_text_says_in_general(tmp_path):
    text = "Suppose $u = 0$. Then $$u(u+7) = 0$$\n\nIn general, $$u^2 = 0$$\n"
    held, general = note_steps(tmp_path, text)
    assert held.decision.verdict is Verdict.PROVED
    assert general.decision.verdict is Verdict.REFUTED and general.decision.condition is None


def test_the_case_ends_at_the_next_heading(tmp_path):
    text = "For $x > 0$,\n\n$$ \\sqrt{x^2} = x $$\n\n# Next\n\n$$ \\sqrt{x^2} = x $$\n"
    inside, after = note_steps(tmp_path, text)
    assert (inside.decision.verdict, inside.decision.condition) == (Verdict.PROVED, "x > 0")
    assert after.decision.verdict is Verdict.REFUTED
    assert point_value(after, "x") < 0


def test_an_order_condition_proves_under_sympy_assumptions(tmp_path):
    step = only_step(tmp_path, "For $x > 0$, $$\\sqrt{x^2} = x$$\n")
    assert step.decision.verdict is Verdict.PROVED and step.decision.strategy.startswith("symbolic")


def test_an_exclusion_is_a_case(tmp_path):
    step = only_step(tmp_path, "If $x \\neq 0$:\n\n$$ \\frac{x^3}{x} = x^2 $$\n")
    assert (step.decision.verdict, step.decision.condition) == (Verdict.PROVED, "x != 0")


@pytest.mark.parametrize("case, display", [("0 < p < 1", "|p - 1| = 1 - p"), ("p > 2", "|p - 1| = p - 1"),
                                           ("p \\le -1", "|p + 1| = -1 - p")])
def test_a_bound_the_assumptions_cannot_say_is_proved_by_writing_the_name_onto_it(tmp_path, case, display):
    step = only_step(tmp_path, f"For ${case}$:\n\n$$ {display} $$\n")
    assert step.decision.verdict is Verdict.PROVED and "written onto" in step.decision.strategy


@pytest.mark.parametrize("display, verdict", [
    ("\\sqrt{x^2} = x \\quad \\text{if } x \\ge 0", Verdict.PROVED),
    ("|x| = -x \\quad \\text{if } x < 0", Verdict.PROVED),
    ("|x| = x \\quad \\text{if } x \\le 0", Verdict.REFUTED),
])
def test_a_trailing_qualifier_on_a_scalar_is_the_chains_case(tmp_path, display, verdict):
    step = only_step(tmp_path, f"$$ {display} $$\n")
    assert step.decision.verdict is verdict
    if verdict is Verdict.REFUTED:
        assert point_value(step, "x") <= 0


def test_a_counterexample_always_lies_inside_the_case(tmp_path):
    step = only_step(tmp_path, "For $x > 2$:\n\n$$ |x - 3| = x - 3 $$\n")
    assert step.decision.verdict is Verdict.REFUTED and step.decision.condition == "x > 2"
    assert 2 < point_value(step, "x") < 3


def test_a_wrong_step_in_a_fixed_value_shows_the_value(tmp_path):
    step = only_step(tmp_path, "Suppose $u = 1$. Then $$u(u+7) = 0$$\n")
    assert step.decision.verdict is Verdict.REFUTED
    assert step.decision.counterexample.point["u"] == "1"


def test_check_exits_0_on_steps_true_in_their_case(tmp_path):
    note = tmp_path / "note.md"
    note.write_text("Suppose $u = 0$. Then $$u(u+7) = 0$$\n\nFor $x > 0$, $$\\sqrt{x^2} = x$$\n", encoding="utf-8")
    result = check(str(note), "--strict")
    assert result.exit_code == 0, result.output


# ---------------------------------------------------------------- derivation files

SCALARS = """\
title = "scalar cases"
source = "cases.md"
[symbols]
u = {}
x = {}
q = { domain = "positive" }
k = { domain = "integer" }
"""


def chain(name: str, condition: str, *steps: str) -> str:
    written = "".join(f"[[chains.steps]]\nline = {n}\nlatex = '{latex}'\n" for n, latex in enumerate(steps, 1))
    return f"[[chains]]\nname = \"{name}\"\ncondition = '{condition}'\n{written}"


def verified(tmp_path: Path, *chains: str) -> list[dict]:
    path = tmp_path / "cases.toml"
    path.write_text(SCALARS + "".join(chains), encoding="utf-8")
    result = CliRunner().invoke(cli, ["verify", str(path), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return [step for c in json.loads(result.output)["documents"][0]["chains"] for step in c["steps"]]


def test_a_chain_condition_fixing_a_value_proves_with_the_case_as_condition(tmp_path):
    steps = verified(tmp_path, chain("zero", "u = 0", "u(u+7)", "0"))
    assert {(s["verdict"], s["condition"]) for s in steps} == {("proved", "u = 0")}


def test_a_value_is_put_in_after_the_derivative_is_taken(tmp_path):
    square, line = verified(tmp_path, chain("square", "u = 0", "\\frac{d}{du} u^2", "0"),
                            chain("line", "u = 0", "\\frac{d}{du} u", "0"))[::2]
    assert square["verdict"] == "proved"
    assert line["verdict"] == "refuted"  # d/du u = 1 at u = 0, not d/du 0


def test_a_value_in_other_names_is_substituted(tmp_path):
    (step, _) = verified(tmp_path, chain("other", "u = x + 1", "u^2 - 2u + 1", "x^2"))
    assert (step["verdict"], step["condition"]) == ("proved", "u = x + 1")


@pytest.mark.parametrize("condition", ["x > 0, x < 0", "x \\ge 1, x < 1", "q = 0", "q < 0", "u = 0, u \\neq 0"])
def test_an_empty_case_proves_nothing_and_is_warned(tmp_path, condition):
    for step in verified(tmp_path, chain("empty", condition, "x^2", "-1")):
        assert step["verdict"] == "unknown" and step["strategy"] == EMPTY_CASE
        assert step["remarks"] == [{"severity": "warning", "message": "the stated case is empty: nothing in it is checked"}]


def test_a_case_comparing_two_expressions_is_refused_not_guessed(tmp_path):
    (step, _) = verified(tmp_path, chain("two names", "x > u", "|x - u|", "x - u"))
    assert step["verdict"] == "unknown" and "cannot apply the case" in step["reason"]


# ---------------------------------------------------------------- the reading and the engine's parts


@pytest.mark.parametrize("math, condition", [
    ("u = 0", "u = 0"), ("x > 0.", "x > 0"), ("x \\ge -1", "x \\ge -1"), ("0 < p < 1", "0 < p < 1"),
    ("x \\neq 0", "x \\neq 0"), ("\\lambda_1 \\le \\frac{1}{2}", "\\lambda_1 \\le \\frac{1}{2}"), ("i = j", "i = j"),
])
def test_case_math_is_a_name_against_a_number_or_two_letters(math, condition):
    assert case_condition(CASE_MATH.fullmatch(math)) == condition


@pytest.mark.parametrize("math", ["x > y", "a + b = 0", "x^2 < 1", "\\left(x > 0"])
def test_case_math_is_not_a_comparison_of_expressions(math):
    assert CASE_MATH.fullmatch(math) is None


def test_a_qualifier_reads_either_way_of_writing_it():
    assert qualifier_case("\\text{if } x \\ge 0") == "x \\ge 0"
    assert qualifier_case("\\text{if $u = 2$}") == "u = 2"
    assert qualifier_case("\\text{if } x \\ge y") is None


def test_only_relations_about_scalars_are_split_off():
    i, j, x = sympy.symbols("i j x", real=True)
    index_part, scalars = split_case(sympy.And(sympy.Eq(i, j), x > 0), lambda s: s == x)
    assert index_part == sympy.Eq(i, j) and scalars == [x > 0]


def test_bounds_meet_the_declared_domain():
    x = sympy.Symbol("x", real=True)
    case = scalar_case([x < 1], lambda s: Interval(sympy.Integer(0), True))  # declared positive
    ((_, interval),) = case.intervals
    assert (interval.lower, interval.upper) == (0, 1)
    assert case.renamed()[x].is_positive


def test_a_one_point_interval_becomes_a_substitution():
    x = sympy.Symbol("x", real=True)
    case = scalar_case([x >= 2, x <= 2], lambda s: Interval())
    assert case.substitution == ((x, 2),) and not case.intervals


def test_a_relation_between_two_names_is_refused():
    x, y = sympy.symbols("x y", real=True)
    with pytest.raises(RefusedCase):
        scalar_case([x > y], lambda s: Interval())


@pytest.mark.parametrize("interval", [
    Interval(sympy.Integer(2), True), Interval(None, True, sympy.Integer(-1), False),
    Interval(sympy.Integer(0), True, sympy.Rational(1, 3), True), Interval(excluded=frozenset({sympy.Integer(0)})),
    Interval(sympy.Integer(6), True, integer=True), Interval(sympy.Rational(1, 2), False, sympy.Integer(4), True, integer=True),
    Interval(None, True, sympy.Integer(-7), False, integer=True, excluded=frozenset({sympy.Integer(-7)})),
    Interval(sympy.Integer(0), True, values=(sympy.Integer(0), sympy.Integer(1))),
])
def test_values_are_drawn_inside_the_interval(interval):
    choosers = [_Random(random.Random(5), ()) for _ in range(40)] + [_Exact(attempt) for attempt in range(12)]
    draws = [interval.draw(lambda domain: chooser.scalar(domain, 0)) for chooser in choosers]
    assert all(interval.contains(value) for value in draws)


def test_a_value_is_a_case_only_where_the_words_make_it_one(tmp_path):
    text = "We have $u = 0$, so $$u(u+7) = 0$$\n\nCase $u = 0$: $$u(u+7) = 0$$\n"
    *stated, case = note_steps(tmp_path, text)
    assert all(step.decision.condition is None and step.decision.verdict is Verdict.REFUTED for step in stated)
    assert (case.decision.verdict, case.decision.condition) == (Verdict.PROVED, "u = 0")


SIZED = """\
title = "size cases"
source = "sizes.md"
[sizes]
N = { min = 2 }
[indices]
i = { range = [1, "N"] }
"""


def sized(tmp_path: Path, condition: str, rhs: str, lhs: str = "\\sum_{i=1}^N i") -> dict:
    path = tmp_path / "sizes.toml"
    path.write_text(SIZED + chain("sum", condition, lhs, rhs), encoding="utf-8")
    result = CliRunner().invoke(cli, ["verify", str(path), "--format", "json"])
    return json.loads(result.output)["documents"][0]["chains"][0]["steps"][0]


def test_a_case_fixing_a_size_fixes_it_as_a_chains_sizes_do(tmp_path):
    assert (sized(tmp_path, "N = 3", "6")["verdict"], sized(tmp_path, "N = 3", "6")["condition"]) == ("proved", "N = 3")
    assert sized(tmp_path, "N = 3", "7")["verdict"] == "refuted"


def test_a_lower_bound_on_a_size_raises_its_minimum(tmp_path):
    """|i - 3| has no closed form in SymPy, and the sum's holds from N = 2 on only."""
    step = sized(tmp_path, "N > 3", "3 + \\frac{(N-3)(N-2)}{2}", "\\sum_{i=1}^N |i - 3|")
    assert (step["verdict"], step["condition"]) == ("proved-for-sizes", "N > 3")
    assert min(step["sizes"]) == 4


@pytest.mark.parametrize("condition", ["N = 1", "N < 1"])
def test_a_size_below_its_minimum_is_an_empty_case(tmp_path, condition):
    assert sized(tmp_path, condition, "0")["strategy"] == EMPTY_CASE


def test_an_upper_bound_on_a_size_is_refused(tmp_path):
    step = sized(tmp_path, "N < 5", "\\frac{N(N+1)}{2}")
    assert step["verdict"] == "unknown" and "only from below" in step["reason"]


def test_a_sum_over_a_bounded_name_keeps_its_own_variable():
    x, y = sympy.symbols("x y", real=True)
    case = scalar_case([x > 0], lambda s: Interval())
    total = case.apply(sympy.Sum(sympy.Abs(x), (x, -2, y)) + x)
    (bound,) = total.atoms(sympy.Sum)
    assert list(bound.variables) == [x] and bound.variables[0].is_positive is None  # runs over -2..y, whatever x > 0 says
    assert (total - bound).is_positive


def test_a_value_that_is_not_real_everywhere_is_refused(tmp_path):
    (step, _) = verified(tmp_path, chain("root", "u = \\sqrt{x}", "u^2", "x"))
    assert step["verdict"] == "unknown" and "not real everywhere" in step["reason"]


# ---------------------------------------------------------------- a case split on a piecewise


@pytest.mark.parametrize("display, verdict", [
    ("|x| = \\begin{cases} x & \\text{if } x \\ge 0 \\\\ -x & \\text{otherwise}\\end{cases}", Verdict.PROVED),
    ("|x - 1| = \\begin{cases} x - 1 & \\text{if } x > 1 \\\\ 0 & \\text{if } x = 1 \\\\ 1 - x & \\text{otherwise}\\end{cases}",
     Verdict.PROVED),
    ("|x| = \\begin{cases} x & \\text{if } x > 1 \\\\ -x & \\text{otherwise}\\end{cases}", Verdict.REFUTED),
])
def test_a_piecewise_on_a_scalar_is_proved_case_by_case(tmp_path, display, verdict):
    step = only_step(tmp_path, f"$$ {display} $$\n")
    assert step.decision.verdict is verdict
    if verdict is Verdict.PROVED:
        assert "case split on" in step.decision.strategy


def test_a_piecewise_on_a_summation_variable_is_not_split():
    k, n = sympy.Symbol("k", integer=True), sympy.Symbol("n", integer=True, positive=True)
    piece = sympy.Piecewise((k, k > 0), (-k, True))
    total = sympy.Sum(piece, (k, -n, n))  # 2 * (1 + ... + n), though each branch sums to 0
    work = SimpleNamespace(universe=None, guarded=lambda label, run, share: run())
    assert _branches_zero(work, total, lambda s: Interval(), 3) is False


def test_two_names_said_distinct_stay_the_index_calculus_case(tmp_path):
    text = "When $i \\neq j$:\n\n$$ \\delta_{ij} = 0 $$\n"
    assert only_step(tmp_path, text).decision.verdict.holds


def test_an_integer_is_drawn_among_the_integers_of_its_case(tmp_path):
    held, _, wrong, _ = verified(tmp_path, chain("held", "k > 5", "|k - 5|", "k - 5"), chain("wrong", "k > 5", "|k - 7|", "k - 7"))
    assert held["verdict"] in ("proved", "numeric")
    assert wrong["verdict"] == "refuted" and sympy.Integer(wrong["counterexample"]["point"]["k"]) in (6,)


def test_an_empty_case_in_a_note_is_a_warning_and_fails_strict(tmp_path):
    note = tmp_path / "note.md"
    note.write_text("Suppose $u = 0$. Then $$u^2 = 5$$\n", encoding="utf-8")
    note.with_suffix(".toml").write_text('[symbols]\nu = { domain = "positive" }\n', encoding="utf-8")
    result = check(str(note))
    assert "warning: the stated case is empty: nothing in it is checked" in result.output
    assert "refuted" not in result.output and "proved" not in result.output
    assert check(str(note), "--strict").exit_code == 1


@pytest.mark.parametrize("case, display", [("0 \\le p \\le 1", "|p - 1| = 1 - p"), ("p \\ge 1", "|p - 1| = p - 1")])
def test_a_closed_bound_is_proved_on_the_interior_and_at_each_end(tmp_path, case, display):
    step = only_step(tmp_path, f"Assume ${case}$. Then $$ {display} $$\n")
    assert step.decision.verdict is Verdict.PROVED and "written onto" in step.decision.strategy


def test_a_covering_takes_the_interval_and_nothing_else():
    x, p = sympy.Symbol("x", real=True), sympy.Symbol("p", real=True)
    interior, lower, upper = Interval(sympy.Integer(0), False, sympy.Integer(1), False).covering(p)
    (t,) = interior.free_symbols
    assert (lower, upper) == (0, 1) and t.is_positive and sympy.limit(interior, t, sympy.oo) == 1
    assert Interval(sympy.Integer(2), True, excluded=frozenset({sympy.Integer(3)})).covering(x)[1:] == []


@pytest.mark.parametrize("text, verdict, condition", [
    # the sentence draws its consequence in words and ends: the display after it is general
    ("If $p = 1/2$, then the four outcomes are equally likely. Let us compute:\n\n$$4p - 2 = 0$$\n",
     Verdict.REFUTED, None),
    ("When $x > 0$ the function grows. Now\n$$\\sqrt{x^2} = x$$\n", Verdict.REFUTED, None),
    # the sentence runs into the display (a blank line between them included): the case holds
    ("If $p = 1/2$, then\n\n$$4p - 2 = 0$$\n", Verdict.PROVED, "p = 1/2"),
    # a hypothesis holds on past its sentence
    ("Suppose $p = 1/2$. Then\n$$4p - 2 = 0$$\n", Verdict.PROVED, "p = 1/2"),
])
def test_an_if_case_whose_sentence_ends_in_words_does_not_reach_the_next_display(tmp_path, text, verdict, condition):
    step = only_step(tmp_path, text)
    assert (step.decision.verdict, step.decision.condition) == (verdict, condition)


def test_verbose_check_lists_each_step_that_holds_in_a_stated_case(tmp_path):
    note = tmp_path / "note.md"
    note.write_text("Suppose $u = 0$. Then $$u(u+7) = 0$$\n\n# Next\n\n$$u + u = 2u$$\n", encoding="utf-8")
    result = check("-v", str(note))
    assert result.exit_code == 0, result.output
    assert f"{note}:1:34: holds in the stated case u = 0" in result.output
    assert result.output.count("holds in the stated case") == 1
