"""SymPy's assumptions of an entry a_k, deduced once per set of assumptions.

Every `Indexed` SymPy builds (`a[k]`, and each rebuild by `xreplace`, `subs` or
`func(*args)` when an index changes) gets a new fact base: its base's assumptions, with
all their consequences deduced afresh (`IndexedBase._set_assumptions`). The engine builds
entries by the thousand (a point's values, bound variables renamed, indices substituted),
always with the same few sets of assumptions, and that deduction was about a twentieth of
a cold `verify`. `install` replaces it by one that deduces each set once and gives every
object its own copy of the result: the same facts, in a fact base of its own (SymPy adds
what it learns later to the object's base, so none is shared).
"""

from __future__ import annotations

from sympy import IndexedBase
from sympy.core.assumptions import StdFactKB

_SYMPYS = IndexedBase._set_assumptions
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
