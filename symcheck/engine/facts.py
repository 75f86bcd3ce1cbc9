"""SymPy's assumptions, found with less work and in a fixed order.

Entries. Every `Indexed` SymPy builds (`a[k]`, and each rebuild by `xreplace`, `subs` or
`func(*args)` when an index changes) gets a new fact base: its base's assumptions, with
all their consequences deduced afresh (`IndexedBase._set_assumptions`). The engine builds
entries by the thousand (a point's values, bound variables renamed, indices substituted),
always with the same few sets of assumptions, and that deduction was about a twentieth of
a cold `verify`. `install` replaces it by one that deduces each set once and gives every
object its own copy of the result: the same facts, in a fact base of its own (SymPy adds
what it learns later to the object's base, so none is shared).

Queries. To find a fact it does not know, SymPy's `_ask` tries the facts that can decide it,
shuffled with a random generator of its own (to shake out handlers that contradict the
inference rules, in SymPy's tests). The shuffle was a twentieth of the unfolding and index
calculus, and it makes the order of the queries differ from run to run. `install` sorts
them instead: one of the orders the shuffle could draw, the same in every run.
"""

from __future__ import annotations

import importlib

from sympy import IndexedBase
from sympy.core.assumptions import StdFactKB

_SYMPYS = IndexedBase._set_assumptions
_ASK = importlib.import_module("sympy.core.assumptions")  # the module (sympy.core.assumptions is also a function)
_DEDUCED: dict[tuple, tuple[dict, dict]] = {}  # assumptions -> (all facts, as given)


def set_assumptions(obj, assumptions: dict) -> None:
    """`IndexedBase._set_assumptions`, the facts deduced once per set of assumptions."""
    key = tuple(sorted(assumptions.items()))
    known = _DEDUCED.get(key)
    if known is None:
        _SYMPYS(obj, assumptions)
        _DEDUCED[key] = known = (dict(obj._assumptions), dict(obj._assumptions._generator))
        return
    facts, given = known
    assumptions["commutative"] = facts["commutative"]  # as SymPy's does, for a caller that reads it back
    base = StdFactKB()  # empty: nothing deduced
    base.update(facts)
    base._generator = dict(given)
    obj._assumptions = base


def install() -> None:
    """Once per process (idempotent); `walk` installs it on import, so every decision runs with it."""
    if IndexedBase.__dict__["_set_assumptions"].__func__ is _SYMPYS:
        IndexedBase._set_assumptions = staticmethod(set_assumptions)
    _ASK.shuffle = list.sort  # the facts to try next, in place: sorted, not shuffled
