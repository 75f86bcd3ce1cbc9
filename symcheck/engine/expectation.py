"""Expectations over declared random quantities: E[.], Var[.], Cov[., .].

A notation file declares which scalars are random (`random = true`); every other declared
scalar is a constant. Undeclared names inside an operator leave the step undecided (is
it random or not? the notation must say).

- proved: both sides, rewritten by identities of expectation that hold for every
  distribution with finite moments (Var[X] = E[X^2] - E[X]^2, Cov[X, Y] = E[XY] - E[X]E[Y],
  linearity, constants pulled out, E[c] = c), expand to the same polynomial in the moments
  E[X^a Y^b ...]; and an evaluation of the original sides in finite distributions agrees;
- refuted: a finite distribution (the random quantities take m values, equally likely; E
  is the mean over them) in which the sides differ exactly, re-checked at 50 digits: a
  sound counterexample, since such a distribution is a distribution;
- numeric: equal in every finite distribution tried (evidence, not proof).
"""

from __future__ import annotations

import random
from typing import Optional, Sequence

import sympy
from sympy import Expr, Rational, Symbol
from sympy.core.function import AppliedUndef

from symcheck.engine.sampling import Universe, _Random, _scalar_domain, atoms_of
from symcheck.model import Counterexample, Decision, Verdict

VARIANCES = frozenset({"Var", "var"})
COVARIANCES = frozenset({"Cov", "cov"})
EXPECTATIONS = frozenset({"E"})
OPERATORS = EXPECTATIONS | VARIANCES | COVARIANCES
OUTCOMES = (2, 3, 4)  # the sizes of the finite distributions tried
MODELS_PER_SIZE = 4
DIGITS = 50
TINY = sympy.Rational(1, 10**30)
MINIMUM_AGREEING = 6  # finite distributions in which the sides must be defined and agree


def operator_name(applied: Expr) -> Optional[str]:
    """E, Var or Cov for an application of one of them as the reader reads E[X], Var[X]
    (E_{x}[.] is not one: its subscript says what is random, which the notation does not)."""
    if isinstance(applied, AppliedUndef) and getattr(applied.func, "operator", False) and applied.func.__name__ in OPERATORS:
        return applied.func.__name__
    return None


def has_operators(exprs: Sequence[Expr]) -> bool:
    return any(operator_name(a) for e in exprs for a in _applied(e))


def _applied(expr: object) -> frozenset:
    """The applied functions in `expr` (asked of every step's sides: once per expression)."""
    if isinstance(expr, sympy.Basic) and expr.__hash__:
        return atoms_of(expr, AppliedUndef)
    return frozenset(getattr(expr, "atoms", lambda *_: ())(AppliedUndef))  # a mutable matrix, or no expression


def decide_expectations(sides: Sequence[Expr], universe: Universe, seed: int = 0) -> Optional[Decision]:
    """The decision on lhs = rhs written with expectations, or None when the step is not one
    this model covers (no random quantity declared, an undeclared name, another function)."""
    present = set().union(*(side.free_symbols for side in sides))
    randoms = frozenset(universe.table.scalars[name] for name in universe.table.random) & present
    if not randoms or not all(_covered(side, universe) for side in sides):
        return None
    agreeing = 0
    for model in _finite_models(sides, randoms, universe, seed):
        values = [_evaluate(side, model, randoms) for side in sides]
        if any(v is None for v in values):
            continue
        if not _agree(*values):
            return _refuted(model, randoms, values)
        agreeing += 1
    if agreeing < MINIMUM_AGREEING:
        return None
    try:
        difference = sympy.expand(_linear(sides[0], randoms) - _linear(sides[1], randoms))
    except _NotPolynomial:
        difference = None
    if difference == 0:
        return Decision(Verdict.PROVED, "expectation", 0.0, (
            "equal by the rules of expectation (linearity, constants pulled out, Var[X] = E[X^2] - E[X]^2), "
            f"confirmed in {agreeing} finite distributions"))
    return Decision(Verdict.NUMERIC, "expectation", 0.0, (
        f"equal in {agreeing} finite distributions of {_names(randoms)} (evidence, not proof)"))


# ---------------------------------------------------------------- what is covered


def _covered(expr: Expr, universe: Universe) -> bool:
    """Only declared scalars, numbers and the operators (no other function, sum or entry)."""
    declared = set(universe.table.scalars.values())
    if not expr.free_symbols <= declared:
        return False
    others = [a for a in expr.atoms(AppliedUndef) if operator_name(a) is None]
    return not others and not expr.has(sympy.Indexed, sympy.Sum, sympy.Derivative, sympy.MatrixSymbol)


# ---------------------------------------------------------------- finite distributions


def _finite_models(sides, randoms: frozenset, universe: Universe, seed: int) -> list[dict]:
    """Models {constant: value, random: (value per outcome)}, every value in its declared domain."""
    rng = random.Random(seed)
    chooser = _Random(rng, ())
    constants = sorted(set().union(*(s.free_symbols for s in sides)) - randoms, key=str)
    models = []
    for outcomes in OUTCOMES:
        for _ in range(MODELS_PER_SIZE):
            model: dict = {c: chooser.scalar(_scalar_domain(c, universe), 0) for c in constants}
            for r in sorted(randoms, key=str):
                model[r] = tuple(chooser.scalar(_scalar_domain(r, universe), 0) for _ in range(outcomes))
            models.append(model)
    return models


def _evaluate(expr: Expr, model: dict, randoms: frozenset) -> Optional[Expr]:
    """The exact value of expr in the model (None where it is undefined or not real)."""
    try:
        value = _value(expr, model, randoms, outcome=None)
    except _Undefined:
        return None
    return value if value.is_real and value.is_finite and value.is_number else None


def _value(expr: Expr, model: dict, randoms: frozenset, outcome: Optional[int]) -> Expr:
    name = operator_name(expr)
    if name is not None:
        return _moment(name, expr.args, model, randoms)
    if expr in randoms:
        if outcome is None:
            raise _Undefined  # a random quantity outside any operator: not a number
        return model[expr][outcome]
    if isinstance(expr, Symbol):
        return model[expr]
    if not expr.args:
        return expr
    value = expr.func(*[_value(arg, model, randoms, outcome) for arg in expr.args])
    if value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise _Undefined
    return value


def _moment(name: str, args: tuple, model: dict, randoms: frozenset) -> Expr:
    def mean(expr: Expr) -> Expr:
        count = len(next(iter(model[r] for r in randoms)))
        return sum((_value(expr, model, randoms, k) for k in range(count)), Rational(0)) / count

    if name in VARIANCES and len(args) == 1:
        return mean(args[0] ** 2) - mean(args[0]) ** 2
    if name in COVARIANCES and len(args) == 2:
        return mean(args[0] * args[1]) - mean(args[0]) * mean(args[1])
    if name in EXPECTATIONS and len(args) == 1:
        return mean(args[0])
    raise _Undefined


def _agree(left: Expr, right: Expr) -> bool:
    """Equal exactly, or (log 4 and 2 log 2) within 10^-30 at 50 digits."""
    return left == right or abs(sympy.N(left - right, DIGITS)) < TINY


def _refuted(model: dict, randoms: frozenset, values: list) -> Decision:
    """The sides differ by more than 10^-30 at 50 digits in this distribution."""
    point = {str(symbol): (", ".join(map(str, value)) + " (equally likely)" if symbol in randoms else str(value))
             for symbol, value in sorted(model.items(), key=lambda item: str(item[0]))}
    counterexample = Counterexample(point, str(values[0]), str(values[1]))
    return Decision(Verdict.REFUTED, "expectation", 0.0, (
        f"the sides differ in a finite distribution of {_names(randoms)}, its values equally likely"),
        counterexample=counterexample)


def _names(randoms: frozenset) -> str:
    return ", ".join(sorted(map(str, randoms)))


class _Undefined(Exception):
    """A value the model cannot give (a random quantity outside E, an undefined operation)."""


# ---------------------------------------------------------------- the rules, symbolically


class _NotPolynomial(Exception):
    """An operator's argument is not a polynomial in the random quantities."""


def _linear(expr: Expr, randoms: frozenset) -> Expr:
    """expr with each operator written as a polynomial in the moments E[monomial]."""
    name = operator_name(expr)
    if name in VARIANCES and len(expr.args) == 1:
        (x,) = expr.args
        return _expectation(x**2, randoms) - _expectation(x, randoms) ** 2
    if name in COVARIANCES and len(expr.args) == 2:
        x, y = expr.args
        return _expectation(x * y, randoms) - _expectation(x, randoms) * _expectation(y, randoms)
    if name in EXPECTATIONS and len(expr.args) == 1:
        return _expectation(expr.args[0], randoms)
    if name is not None:
        raise _NotPolynomial
    if not expr.args:
        return expr
    return expr.func(*[_linear(arg, randoms) for arg in expr.args])


def _expectation(argument: Expr, randoms: frozenset) -> Expr:
    inner = sympy.expand(_linear(argument, randoms))
    # a moment inside (E[X - E[X]]) is a number, not a function of X: set aside while expanding
    numbers = {m: sympy.Dummy() for m in inner.atoms(AppliedUndef) if operator_name(m)}
    inner = inner.xreplace(numbers)
    ordered = sorted(randoms, key=str)
    if not inner.free_symbols & randoms:
        return inner.xreplace({d: m for m, d in numbers.items()})  # E[c] = c
    try:
        poly = sympy.Poly(inner, *ordered)
    except sympy.PolynomialError:
        raise _NotPolynomial from None
    if any(c.free_symbols & randoms for c in poly.coeffs()):
        raise _NotPolynomial
    moment = sympy.Function("E", operator=True)
    total = sympy.Integer(0)
    for powers, coefficient in poly.terms():
        monomial = sympy.Mul(*[r**p for r, p in zip(ordered, powers)])
        total += coefficient * (moment(monomial) if monomial != 1 else 1)
    return total.xreplace({d: m for m, d in numbers.items()})
