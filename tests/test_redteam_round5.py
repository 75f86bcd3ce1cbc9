"""Round 5 of the red team: readings and false alarms found on material nobody here wrote,
each on a small note written for it; each test fails on the code before its fix."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest
import sympy

from symcheck.engine.sampling import free_symbols
from symcheck.load.derivation import load_derivation
from symcheck.model import UNPARSABLE, Verdict
from symcheck.notes.casemath import fixed_values
from symcheck.verify import relations as relations_module
from symcheck.verify.documents import verify_document

from .note_fixtures import SETTINGS, checked, steps, verdicts


# -- y' of a name defined as an expression of one variable -----------------------------

def test_a_prime_on_a_name_defined_by_one_variable_is_its_derivative_and_listed(tmp_path):
    result = checked(tmp_path, "Let $y = x^2$. Then\n\n$$y' = 2x$$\n\nand $$y'' = 3$$\n")
    assert [step.decision.verdict for step in steps(result)] == [Verdict.PROVED, Verdict.REFUTED]
    readings = [a for a in result.adopted if a.kind == "reading"]
    assert [(a.name, a.line) for a in readings] == [("y'", 3)]
    assert "dy/dx" in readings[0].latex


def test_a_wrong_derivative_written_with_a_prime_is_refuted(tmp_path):
    assert verdicts(tmp_path, "Let $y = x^3$. Then $$y' = 3x$$\n") == [Verdict.REFUTED]


def test_a_prime_on_a_name_of_two_variables_is_not_read(tmp_path):
    (step,) = steps(checked(tmp_path, "Let $y = a x^2$. Then\n\n$$y' = 2ax$$\n"))
    assert step.decision.strategy == UNPARSABLE and "given by an equation" in step.decision.reason


def test_a_prime_on_a_name_the_note_never_defines_stays_a_name_of_its_own(tmp_path):
    # b' is a name of its own: b' = b' holds, and b' = b is not a derivative claim
    assert verdicts(tmp_path, "$$b' + 1 = 1 + b'$$\n") == [Verdict.PROVED]


# -- relations merged among a note's chains in one pass ---------------------------------

def _placed(line: int, column: int):
    return SimpleNamespace(steps=(SimpleNamespace(line=line, column=column),), name=f"{line}:{column}")


def _merged_by_insertion(results: list, relations: list) -> list:
    """The former quadratic rule, the reference: each relation inserted before the first
    member of the list so far that starts after it."""
    out = list(results)
    for relation in relations:
        where = relations_module._start(relation)
        index = next((k for k, r in enumerate(out) if relations_module._start(r) > where), len(out))
        out.insert(index, relation)
    return out


def test_relations_merge_as_insertion_would_place_them():
    rng = random.Random(5)
    for _ in range(300):
        results = [_placed(rng.randint(1, 30), rng.randint(0, 3)) for _ in range(rng.randint(0, 8))]
        relations = sorted((_placed(rng.randint(1, 30), rng.randint(0, 3)) for _ in range(rng.randint(0, 6))),
                           key=relations_module._start)
        assert relations_module.merged(results, relations) == _merged_by_insertion(results, relations)


def test_relations_of_a_long_note_merge_in_linear_work(monkeypatch):
    calls = []
    start = relations_module._start
    monkeypatch.setattr(relations_module, "_start", lambda result: calls.append(1) or start(result))
    results = [_placed(2 * k, 0) for k in range(2000)]
    relations = [_placed(2 * k + 1, 0) for k in range(2000)]
    out = relations_module.merged(results, relations)
    assert [r.name for r in out[:4]] == ["0:0", "1:0", "2:0", "3:0"] and len(out) == 4000
    assert len(calls) <= 3 * (len(results) + len(relations))  # the insertion rule made ~4 million


# -- a derivative's variable bound by a sum around it is not free ------------------------

BOUND_DERIVATIVE = """\
source = "written for tests/test_redteam_round5.py"
title = "a derivative under a sum"

[sizes]
n = { min = 2 }

[indices]
k = { range = [1, "n"] }

[symbols]
x = { kind = "vector", shape = ["n"] }
a = { kind = "vector", shape = ["n"] }

[[claims]]
name = "the claim"
line = 1
given = ['a_k = 1']
latex = 'LATEX'
"""


@pytest.mark.parametrize("latex, verdict", [
    # the given fixes every a_k: k is the sum's, not a free index of the claim (was refuted)
    (r"\sum_{k=1}^{n} \frac{\partial}{\partial x_k} (a_k x_k^2) = 2 \sum_{k=1}^{n} x_k", Verdict.PROVED),
    (r"\sum_{k=1}^{n} \frac{\partial}{\partial x_k} (a_k x_k^2) = 3 \sum_{k=1}^{n} x_k", Verdict.REFUTED),
])
def test_a_given_entry_rule_applies_under_a_sum_that_binds_a_derivatives_variable(tmp_path, latex, verdict):
    path = tmp_path / "bound.toml"
    path.write_text(BOUND_DERIVATIVE.replace("LATEX", latex), encoding="utf-8")
    (result,) = verify_document(load_derivation(path), SETTINGS).all_results()
    assert result.decision.verdict is verdict


def test_free_symbols_leave_out_a_derivative_variable_bound_around_it():
    x, k, j, n = sympy.IndexedBase("x"), *sympy.symbols("k j n", integer=True)
    under_sum = sympy.Sum(sympy.Derivative(x[k] ** 2, x[k]), (k, 1, n))
    assert k not in free_symbols(under_sum) and n in free_symbols(under_sum)
    outside = sympy.Derivative(sympy.Sum(x[k] * x[j], (k, 1, n)), x[j])
    assert j in free_symbols(outside) and k not in free_symbols(outside)
    t = sympy.Symbol("_t")
    substituted = sympy.Subs(sympy.Derivative(sympy.Function("f")(t), t), t, x[j])
    assert t not in free_symbols(substituted) and j in free_symbols(substituted)


# -- the vector of ones -----------------------------------------------------------------

ONES = """\
[sizes]
n = {}
m = {}
[indices]
i = { range = [1, "n"] }
j = { range = [1, "n"] }
[symbols]
x = { kind = "vector", shape = ["n"], latex = '\\mathbf{x}' }
z = { kind = "vector", shape = ["m"], latex = '\\mathbf{z}' }
"""


@pytest.mark.parametrize("latex, verdict", [
    (r"\mathbf{1}^\top \mathbf{x} = \sum_{i=1}^{n} x_i", Verdict.PROVED),
    (r"\mathbf{1}^\top \mathbf{x} = \sum_{i=1}^{n} x_i + 1", Verdict.REFUTED),
    (r"\mathbf{x}^\top \mathbb{1} = \mathbf{1}^\top \mathbf{x}", Verdict.PROVED),
    (r"\mathbf{1}_n^\top \mathbf{1}_n = n", Verdict.PROVED),
    (r"\mathbf{1}_m^\top \mathbf{1}_m = n", Verdict.REFUTED),
    (r"(\mathbf{1}\mathbf{1}^\top \mathbf{x})_i = \sum_{j=1}^{n} x_j", Verdict.PROVED),
    (r"\mathbf{1}^\top \mathbf{z} = \sum_{i=1}^{n} x_i", Verdict.REFUTED),  # sized m by z, not n
])
def test_a_bold_one_without_a_condition_is_a_vector_of_ones_sized_by_its_context(tmp_path, latex, verdict):
    assert verdicts(tmp_path, f"$${latex}$$\n", ONES) == [verdict]


@pytest.mark.parametrize("latex, verdict", [
    (r"\frac{\partial}{\partial \mathbf{x}} \mathbf{1}^\top \mathbf{x} = \mathbf{1}", Verdict.PROVED),
    (r"\frac{\partial}{\partial \mathbf{x}} \mathbf{1}^\top \mathbf{x} = 2 \cdot \mathbf{1}", Verdict.REFUTED),
])
def test_a_lone_vector_of_ones_takes_the_one_declared_size(tmp_path, latex, verdict):
    one_size = "\n".join(line for line in ONES.splitlines() if not line.startswith(("m =", "z =")))
    assert verdicts(tmp_path, f"$${latex}$$\n", one_size) == [verdict]


def test_a_vector_of_ones_whose_size_the_context_leaves_open_is_not_read(tmp_path):
    (step,) = steps(checked(tmp_path, "$$\\mathbf{1}^\\top \\mathbf{1} = n$$\n", ONES))
    assert step.decision.strategy == UNPARSABLE and "not clear" in step.decision.reason


def test_a_bold_one_with_a_condition_is_still_an_indicator(tmp_path):
    text = "$$\\mathbb{1}_{\\{i = j\\}} x_i = \\mathbf{1}_{i = j} x_j$$\n"
    assert verdicts(tmp_path, text, ONES) == [Verdict.PROVED]


# -- derivatives of a function the note defines, read as the author means them -----------

XY = "[symbols]\nx = {}\ny = {}\n[functions]\nf = {}\n"


def test_a_bare_function_in_a_partial_is_applied_to_the_parameters_it_was_defined_with(tmp_path):
    text = ("$$f(x,y) = x y \\hspace{0.5in} \\rightarrow \\hspace{0.5in} \\frac{\\partial f}{\\partial x} = y "
            "\\hspace{0.5in} \\frac{\\partial f}{\\partial y} = x$$\n\n"
            "$$f(x,y) = x + y \\rightarrow \\frac{\\partial f}{\\partial x} = 1 \\hspace{0.5in} "
            "\\frac{\\partial f}{\\partial y} = y$$\n")
    # every consequence on the premise's row holds under it; a wrong one is still refuted
    assert verdicts(tmp_path, text, XY) == [Verdict.PROVED, Verdict.PROVED, Verdict.PROVED, Verdict.REFUTED]


def test_a_premise_does_not_reach_past_its_row(tmp_path):
    text = "$$f(x,y) = x y \\rightarrow \\frac{\\partial f}{\\partial x} = y$$\n\n$$\\frac{\\partial f}{\\partial x} = y$$\n"
    assert verdicts(tmp_path, text, XY)[0] is Verdict.PROVED
    assert verdicts(tmp_path, text, XY)[1] is not Verdict.PROVED  # f is no longer the product there


@pytest.mark.parametrize("latex, verdict", [
    (r"\nabla g(x) = 3x^2", Verdict.PROVED),
    (r"\nabla g(x) = 2x^2", Verdict.REFUTED),
])
def test_nabla_without_a_subscript_differentiates_in_the_one_argument_of_its_function(tmp_path, latex, verdict):
    assert verdicts(tmp_path, f"Let $g(x) = x^3$. Then $${latex}$$\n", "[symbols]\nx = {}\n") == [verdict]


def test_nabla_of_an_expression_without_a_subscript_is_still_not_read(tmp_path):
    (step,) = steps(checked(tmp_path, "$$\\nabla (x^2 y) = 2xy$$\n", "[symbols]\nx = {}\ny = {}\n"))
    assert step.decision.strategy == UNPARSABLE and "needs the variable" in step.decision.reason


def test_a_function_named_with_an_adjective_before_it_is_defined_not_claimed(tmp_path):
    result = checked(tmp_path, "We construct an objective function $f(x)=x^2+2$ here. Then $$f(x) - 2 = x^2$$\n")
    assert [step.decision.verdict for step in steps(result)] == [Verdict.PROVED]
    assert [a.name for a in result.adopted] == ["f"]


def test_a_stated_definition_the_reader_cannot_adopt_is_not_refuted(tmp_path):
    notation = '[sizes]\nd = { min = 2 }\n[symbols]\nx = { kind = "vector", shape = ["d"], latex = "\\\\mathbf{x}" }\n'
    text = "Let us construct an objective function $f(\\mathbf{x})=x_1^2+2x_2^2$ for the example.\n"
    (step,) = steps(checked(tmp_path, text, notation))
    assert step.decision.verdict is Verdict.UNKNOWN and "cannot adopt" in step.decision.reason


# -- several values given at once --------------------------------------------------------

def test_a_case_of_several_values_holds_for_the_rest_of_its_sentence(tmp_path):
    text = "Let $f(x,y) = xy$. For example, if $x = 4, y = -3$ then $f(x,y) = -12$ and $f(x, y) = 12$.\n"
    result = checked(tmp_path, text)
    assert [step.decision.verdict for step in steps(result)] == [Verdict.PROVED, Verdict.REFUTED]
    assert all(chain.condition == "x = 4, y = -3" for chain in result.chains)


def test_a_list_of_values_in_prose_is_not_a_chain(tmp_path):
    # `x = 4,y = 2` split at its '=' would be the chain x = (4, y) = 2: a false alarm
    assert verdicts(tmp_path, "If the inputs are $x = 4,y = 2$, then the max is 4.\n") == []


def test_a_list_of_values_stated_as_a_result_is_checked(tmp_path):
    # values given need a word that gives them; "then $a = 2, b = 4$" states results, and a
    # wrong one must not vanish as if it were a case
    for text in ("Let $a = 2$ and $b = 3$. Then $a = 2, b = 4$.\n", "We find $a = 2, b = 4$.\n",
                 "Let $p = 1/2$. Solving gives $p = 1/3, q = 2$.\n"):
        assert Verdict.REFUTED in verdicts(tmp_path, text), text


def test_a_list_of_expressions_is_not_a_list_of_values(tmp_path):
    # only names given numbers make a case; `x = y + 1, y = 2` stays a claim (not read whole)
    assert verdicts(tmp_path, "If $x = 4$ then $2x = 8$.\n") == [Verdict.PROVED]
    assert fixed_values("x = 4, y = -3") == "x = 4, y = -3"
    assert fixed_values("x = y + 1, y = 2") is None and fixed_values("x = 4") is None


# -- the chain rule's notation, and a function named by what is done to it -----------------

GH = "[symbols]\nx = {}\n[functions]\ng = {}\nh = {}\n"


@pytest.mark.parametrize("latex", [r"\frac{dg}{dh} = 1", r"\frac{dg}{dh}(x) = 1", r"\frac{dg}{dh}(h(x)) = 1"])
def test_dg_dh_is_not_read(tmp_path, latex):
    # g' at x, or at h(x)? and with g defined through h (g = h^2), the author means dg/dh = 2h,
    # while g' at h(x) is 2 h(h(x)) h'(h(x)): a reading that proves what the author did not write
    (step,) = steps(checked(tmp_path, f"$${latex}$$\n", GH))
    assert step.decision.strategy == UNPARSABLE


def test_the_function_whose_derivative_is_found_is_defined_not_claimed(tmp_path):
    text = "We compute the derivative of $f(x) = \\log(1 + x^2)$ below. $$f(0) = 0$$\n"
    result = checked(tmp_path, text, "[symbols]\nx = {}\n")
    assert [a.name for a in result.adopted] == ["f"]
    assert [step.decision.verdict for step in steps(result)] == [Verdict.PROVED]


def test_a_function_used_after_the_premise_that_defined_it_is_undecided_not_refuted(tmp_path):
    text = ("$$f(x,y) = x y \\rightarrow \\frac{\\partial f}{\\partial x} = y$$\n\n"
            "so that $\\frac{\\partial f}{\\partial y} = x$ as well.\n")
    first, after = steps(checked(tmp_path, text, XY))
    assert first.decision.verdict is Verdict.PROVED
    assert after.decision.verdict is Verdict.UNKNOWN and "only under the premise at line 1" in after.decision.reason


def test_an_arbitrary_function_no_premise_defined_is_still_refuted(tmp_path):
    assert verdicts(tmp_path, "$$\\frac{\\partial f}{\\partial x} = y$$\n", XY) == [Verdict.REFUTED]


def test_a_step_false_for_the_premises_function_too_stays_refuted(tmp_path):
    text = ("$$f(x,y) = x y \\rightarrow \\frac{\\partial f}{\\partial x} = y$$\n\n"
            "so that $\\frac{\\partial f}{\\partial y} = y$ as well.\n")
    assert verdicts(tmp_path, text, XY) == [Verdict.PROVED, Verdict.REFUTED]


@pytest.mark.parametrize("text", [
    "Let $a$ and $b$ be real numbers. Trivially $a = 0 \\Rightarrow a b = 0$; for any $a$ we also have $(a+1)^2 = a^2 + 1$.\n",
    "Let $a$ and $b$ be real numbers.\n$$a = 0 \\Rightarrow a b = 0 \\qquad (a+1)^2 = a^2 + 1$$\n",
])
def test_a_premise_fixing_a_value_holds_for_its_own_consequence_only(tmp_path, text):
    # under a = 0 the false (a+1)^2 = a^2 + 1 holds: it must not pass under the premise unseen
    assert verdicts(tmp_path, text) == [Verdict.PROVED, Verdict.REFUTED]
