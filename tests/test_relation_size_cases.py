"""A relation in a stated case on a size is decided in that case, as an equation is: the
size the case fixes is put in, and a counterexample never lies outside the case."""

import sympy

from symcheck.engine.relations import decide_relation
from symcheck.model import Verdict

from .engine_fixtures import softmax_world


def _size():
    world = softmax_world()
    return world, world.table.sizes["N"]


def test_an_order_that_holds_in_a_fixed_size_is_not_refuted_outside_it():
    world, n = _size()
    decision = decide_relation("ge", n, 5, world.scope, condition=sympy.Eq(n, 5))
    assert decision.verdict.holds, decision


def test_a_refuted_order_in_a_fixed_size_is_refuted_at_that_size():
    world, n = _size()
    decision = decide_relation("le", n, 3, world.scope, condition=sympy.Eq(n, 5))
    assert decision.verdict is Verdict.REFUTED
    assert decision.counterexample.point.get("N", "5") == "5" and decision.counterexample.lhs == "5"


def test_a_counterexample_under_a_least_size_respects_it():
    world, n = _size()
    decision = decide_relation("le", n, 4, world.scope, condition=sympy.Gt(n, 3))
    assert decision.verdict is Verdict.REFUTED
    assert int(decision.counterexample.point["N"]) > 3
