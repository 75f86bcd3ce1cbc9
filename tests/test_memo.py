"""The engine's bounded memo (`engine.memo`) and what keeps answers in it."""

import sympy

from symcheck.engine import indexcalc
from symcheck.engine.memo import Memo
from symcheck.engine.walk import entry


def test_an_answer_is_computed_once_even_when_it_is_none_and_the_oldest_goes_first():
    memo, calls = Memo(2), []

    def answer(key):
        return memo.get(key, lambda: calls.append(key))  # None, as an unknown sign is

    assert [answer(k) for k in ("a", "a", "b", "a")] == [None] * 4 and calls == ["a", "b"]
    answer("c")  # full: "a", the oldest, is dropped
    answer("b")
    answer("a")
    assert calls == ["a", "b", "c", "a"]


def test_an_unhashable_key_is_computed_every_time():
    memo, calls = Memo(4), []
    key = (sympy.Matrix([1]),)
    assert [memo.get(key, lambda: calls.append(1) or len(calls)) for _ in range(2)] == [1, 2]


def test_an_unknown_sign_is_asked_once(monkeypatch):
    asked = []
    real = indexcalc._sign_of
    monkeypatch.setattr(indexcalc, "_SIGNS", Memo(16))
    monkeypatch.setattr(indexcalc, "_sign_of", lambda expr, facts: asked.append(expr) or real(expr, facts))
    n = sympy.Symbol("n", integer=True)
    facts = indexcalc.IndexFacts()
    assert indexcalc.sign_of(n - 3, facts) is None and indexcalc.sign_of(n - 3, facts) is None
    assert asked == [n - 3]


def test_an_entry_is_built_from_the_base_it_is_asked_of():
    one = sympy.Integer(1)
    first, second = sympy.IndexedBase("x"), sympy.IndexedBase("x")  # equal, not the same object
    assert entry(first, (one,)) is entry(first, (one,))
    assert entry(first, (one,)).base is first and entry(second, (one,)).base is second
    assert entry(second, (one,)) == first[one]
