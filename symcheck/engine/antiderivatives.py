"""Indefinite integrals: `\\int f\\,dx = F + C` says that F is an antiderivative of f, so it
holds up to a constant, and is decided as `f = F'` (both sides differentiated in x). Read as
an equation of numbers it could not be evaluated at any point, so no step with one was ever
decided, and a constant of integration made a true step fail."""

from __future__ import annotations

from typing import Optional

import sympy
from sympy import Expr, Integral, Symbol


def integration_variable(lhs: Expr, rhs: Expr) -> Optional[Symbol]:
    """The variable of the indefinite integrals of an equation, when they have one between them
    and each stands as a term, times a constant (`2\\int f\\,dx + x`): in `(\\int x\\,dx)^2` the
    constant of integration does not drop out of the derivative, so no such reading holds."""
    integrals = {integral for side in (lhs, rhs) if isinstance(side, sympy.Basic) for integral in side.atoms(Integral)
                 if any(len(limit) == 1 for limit in integral.limits)}
    variables = {limit[0] for integral in integrals for limit in integral.limits if len(limit) == 1}
    if len(variables) != 1:
        return None
    (variable,) = variables
    return variable if all(_as_terms(side, integrals, variable) for side in (lhs, rhs)) else None


def _as_terms(side: Expr, integrals: set, variable: Symbol) -> bool:
    stand_ins = {integral: sympy.Dummy() for integral in integrals}
    written = sympy.sympify(side).xreplace(stand_ins)
    coefficients = [sympy.diff(written, dummy) for dummy in stand_ins.values()]
    return all(not coefficient.has(variable, *stand_ins.values()) for coefficient in coefficients)


def differentiated(lhs: Expr, rhs: Expr, variable: Symbol) -> tuple[Expr, Expr]:
    """Both sides' derivatives in `variable`: an indefinite integral's is its integrand."""
    return sympy.diff(lhs, variable), sympy.diff(rhs, variable)


def as_antiderivatives(reason: str, variable: Symbol) -> str:
    return (f"indefinite integrals are equal up to a constant: both sides differentiated in {variable} "
            f"(values below are of those derivatives); {reason}")
