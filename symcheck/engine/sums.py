"""SymPy's free symbols of a sum or product, without rebuilding its body.

`ExprWithLimits.free_symbols` first renames apart the variables that are not plain
symbols, with `xreplace`. When every variable is a plain symbol (always, here) that
renaming is the identity, yet `xreplace` rebuilds the whole body: every entry a_k is
built again and its assumptions deduced anew, and SymPy asks for the free symbols of a
sum whenever it asks whether an expression holding it is a number or positive (about a
tenth of a cold `verify`). `install` replaces the property by one that reads the body's
free symbols directly in that case, giving the same set; any other case is SymPy's own.
"""

from __future__ import annotations

from typing import Callable, Iterable

from sympy import Expr
from sympy.concrete.expr_with_limits import ExprWithLimits

_SYMPYS = ExprWithLimits.free_symbols


def free_symbols(self: ExprWithLimits) -> set:
    if not all(limit[0].free_symbols == {limit[0]} for limit in self.limits):
        return _SYMPYS.fget(self)
    return free_over_limits(set(self.function.free_symbols), self.limits, lambda bound: bound.free_symbols)


def free_over_limits(found: set, limits, free_of: Callable[[Expr], Iterable]) -> set:
    """The free symbols of a sum or product over plain variables, from its body's (`found`,
    updated in place), limit by limit as SymPy does: each variable dropped and its bounds'
    symbols added; an indefinite limit leaves its variable free."""
    for variable, *bounds in limits:
        if not bounds:
            found.add(variable)
            continue
        found.discard(variable)
        for bound in bounds:
            found.update(free_of(bound))
    return found


def install() -> None:
    """Once per process (idempotent); `walk` installs it on import, so every decision runs with it."""
    if ExprWithLimits.free_symbols is _SYMPYS:
        ExprWithLimits.free_symbols = property(free_symbols, doc=_SYMPYS.__doc__)
