"""The assumptions of entries deduced once per set of assumptions are SymPy's own; queries run in a fixed order."""

from __future__ import annotations

import sys

import pytest
import sympy
from sympy import IndexedBase, Symbol

import symcheck.engine.walk  # noqa: F401 - installs the faster deduction
from symcheck.engine import facts
from symcheck.engine.facts import _SYMPYS

k = Symbol("k", integer=True)
ASSUMPTIONS = [{}, {"real": True}, {"positive": True}, {"integer": True, "nonnegative": True},
               {"commutative": False}, {"extended_real": True, "finite": True}, {"negative": False, "real": True}]
QUERIES = ["positive", "nonnegative", "real", "integer", "finite", "commutative", "zero", "extended_negative"]


def _sympys_entry(base: IndexedBase, index) -> sympy.Indexed:
    entry = base[index]
    _SYMPYS(entry, base.assumptions0)  # the facts SymPy itself deduces, replacing the installed ones
    return entry


@pytest.mark.parametrize("assumptions", ASSUMPTIONS, ids=str)
def test_the_same_facts_as_sympy(assumptions):
    assert IndexedBase.__dict__["_set_assumptions"].__func__ is facts.set_assumptions  # installed
    base = IndexedBase("a", **assumptions)
    first, again, sympys = base[k], base[k + 1], _sympys_entry(base, k + 1)
    for entry in (first, again):  # the first deduces the facts, the second copies them
        assert dict(entry._assumptions) == dict(sympys._assumptions)
        assert entry._assumptions.generator == sympys._assumptions.generator
    for entry in (first, again):
        assert [getattr(entry, f"is_{q}") for q in QUERIES] == [getattr(sympys, f"is_{q}") for q in QUERIES]


def test_a_base_built_on_a_symbol_keeps_its_assumptions():
    base = IndexedBase(Symbol("w", positive=True))
    assert base[k].is_positive and base[k + 2].is_positive and not base[k].is_zero


def test_facts_learned_by_one_entry_stay_with_it():
    base = IndexedBase("b", real=True)
    first, second = base[k], base[k + 1]
    assert first._assumptions is not second._assumptions
    first.is_positive  # noqa: B018 - asking records the answer in the entry's own facts
    assert "positive" in first._assumptions and "positive" not in second._assumptions


def test_installing_twice_keeps_one_function():
    installed = IndexedBase.__dict__["_set_assumptions"]
    facts.install()
    assert IndexedBase.__dict__["_set_assumptions"] is installed


def test_queries_try_the_deciding_facts_in_sorted_order():
    queue = ["real", "finite", "commutative", "zero"]
    sys.modules["sympy.core.assumptions"].shuffle(queue)  # what SymPy's _ask calls
    assert queue == sorted(queue)
    x = Symbol("x", positive=True)
    assert (x - 1 + 1).is_positive and (x**2 + 1).is_nonnegative and (-x).is_negative
