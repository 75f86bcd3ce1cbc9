"""A step's sides at a point as written: definitions evaluated where they are used, and
derivatives by forward differentiation, without unfolding anything symbolically first.

`canonical.Unfolder` replaces each defined name by its body and lets SymPy differentiate
the result; for a derivative of a long definition (dL/do_i of a log-likelihood) that is
most of what refuting a step costs. Here the same value is computed at a point: a name
with a definition is evaluated as its body, with its parameters bound to the index values
at hand; a derivative d e / d v carries, through every operation of e, a value and its
derivative with respect to v (the chain rule, node by node). As in the Unfolder, inside a
derivative by an entry of s, the entries of s are independent variables (derivative 1 at
that entry, 0 elsewhere) whose values are their definitions' values.

Two arithmetics share the walk: numpy floats at many points at once (`FLOATS`, for the
screen) and outward-rounded intervals (`INTERVALS`, mpmath `iv`, for the re-check: the true
value and derivative are always inside). Anything else (a second derivative, a case
distinction, a product, a limit, a matrix, an undefined function without a stand-in, a log
of a value not certainly positive) raises `NotDirect`, and the step is decided as before.
"""

from __future__ import annotations

import functools
from typing import Callable, Optional

import numpy
import sympy
from sympy import Derivative, Expr, Indexed, KroneckerDelta, Sum, Symbol
from sympy.core.function import AppliedUndef

from symcheck.engine.canonical import Rule, Rules
from symcheck.engine.enclosure import INTERVAL_CONSTANTS, interval_exp, interval_log, interval_power, rational_interval
from symcheck.engine.sampling import name_of
from symcheck.engine.sums import free_over_limits
from symcheck.engine.walk import NotDirect, Walk

MAX_DEPTH = 8  # definitions inside definitions (as `canonical.MAX_UNFOLD_DEPTH`)


class Floats:
    """numpy floats, one column per value (nan where undefined: never a candidate)."""

    exp, log = staticmethod(numpy.exp), staticmethod(numpy.log)

    @staticmethod
    def number(value: Expr) -> float:
        return value.p / value.q if value.is_Rational else float(value)

    @staticmethod
    def power(base, exponent):
        return numpy.power(base, exponent)


class Intervals:
    """mpmath intervals with outward rounding: an operation never leaves out the true value
    (the arithmetic of `enclosure`)."""

    exp, log = staticmethod(interval_exp), staticmethod(interval_log)

    @staticmethod
    def number(value: Expr):
        if value.is_Rational:
            return rational_interval(value)
        if value in INTERVAL_CONSTANTS:
            return INTERVAL_CONSTANTS[value]()
        raise NotDirect(f"no interval for {value}")

    power = staticmethod(interval_power)


FLOATS, INTERVALS = Floats(), Intervals()


def _plus(a, b):
    return b if a is None else a if b is None else a + b


def _times(a, b):
    return None if a is None or b is None else a * b


class AtPoint:
    """Values (and derivatives) of expressions at one walk's sizes and indices, each value
    taken from `leaf` (a scalar or an entry at concrete indices)."""

    def __init__(self, arithmetic, rules: Rules, walk: Walk, leaf: Callable[[Expr], object]):
        self.math, self.walk, self.leaf = arithmetic, walk, leaf
        self.tables = _tables(rules)
        self.locals: dict[Expr, tuple] = {}  # a function's variables, while its body is evaluated
        self.done: dict[tuple, tuple] = {}
        self.depth = 0

    def value(self, expr: Expr):
        return self.dual(expr, None)[0]

    def dual(self, expr: Expr, seed: Optional[tuple]) -> tuple:
        """(value, derivative by the seed's variable; None for 0) of `expr`."""
        node = _NODES.get(type(expr))  # an operation: never a variable, a size or an index
        if node is not None:
            return node(self, expr, seed)
        if self.locals and expr in self.locals:
            return self.locals[expr]
        walk = self.walk
        if expr in walk.env:
            if isinstance(expr, Symbol) and expr.name in self.tables[Symbol]:
                raise NotDirect(f"{expr} is both a size or index and defined")  # the Unfolder would put its body in
            return self.math.number(walk.env[expr]), None
        if isinstance(expr, (Symbol, Indexed, AppliedUndef)):
            return self._name(expr, seed)
        if expr.is_Number or isinstance(expr, sympy.NumberSymbol):
            return self.math.number(expr), None
        raise NotDirect(f"not evaluated at a point: {type(expr).__name__}")

    # ------------------------------------------------------------ names

    def _name(self, expr: Expr, seed: Optional[tuple]) -> tuple:
        if seed is not None and _target(expr) == seed[0]:  # the variable differentiated by
            return self.dual(expr, None)[0], (1 if self._concrete(expr) == seed[1] else None)
        if isinstance(expr, AppliedUndef):
            return self._applied(expr, seed)
        kind, name = _target(expr)
        rule = self.tables[kind].get(name)
        arguments = expr.indices if isinstance(expr, Indexed) else ()
        if rule is None or len(rule.params) != len(arguments):
            return self.leaf(self.walk.entry(expr) if isinstance(expr, Indexed) else expr), None
        return self._body(rule, {p: sympy.Integer(self.walk.index(a)) for p, a in zip(rule.params, arguments)}, seed)

    def _body(self, rule: Rule, bound: dict, seed: Optional[tuple]) -> tuple:
        """A definition's body with its index parameters bound (as the Unfolder substitutes them)."""
        if self.depth >= MAX_DEPTH:
            raise NotDirect("definitions unfold without end")
        env, saved = self.walk.env, {p: self.walk.env.get(p) for p in bound}
        env.update(bound)
        self.depth += 1
        try:
            return self.dual(rule.body, seed)
        finally:
            self.depth -= 1
            for parameter, outer in saved.items():
                if outer is None:
                    env.pop(parameter, None)
                else:
                    env[parameter] = outer

    def _applied(self, expr: AppliedUndef, seed: Optional[tuple]) -> tuple:
        """f(args): its definition's body, else its stand-in's, with the variables bound to the
        arguments' values and derivatives."""
        rule = self.tables[AppliedUndef].get(str(expr.func))
        if rule is not None and len(rule.params) == len(expr.args):
            variables, body = rule.params, rule.body
        elif expr.func in self.walk.functions:
            stand_in = self.walk.functions[expr.func]
            variables, body = stand_in.variables, stand_in.expr
        else:
            raise NotDirect(f"no stand-in for {expr.func}")
        arguments = [self.dual(argument, seed) for argument in expr.args]
        outer, self.locals = self.locals, dict(zip(variables, arguments))
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise NotDirect("definitions unfold without end")
            return self.dual(body, seed)
        finally:
            self.depth -= 1
            self.locals = outer

    def _concrete(self, expr: Expr) -> tuple:
        if isinstance(expr, Indexed):
            return tuple(self.walk.index(i) for i in expr.indices)
        return ()

    # ------------------------------------------------------------ nodes

    def _derivative(self, expr: Derivative, seed: Optional[tuple]) -> tuple:
        if seed is not None or len(expr.variable_count) != 1 or expr.variable_count[0][1] != 1:
            raise NotDirect("only first derivatives by one variable, not nested")
        if self.locals:  # the Unfolder puts the arguments in first: a derivative by an expression
            raise NotDirect("a derivative inside a function's body")
        variable = expr.variable_count[0][0]
        if not isinstance(variable, (Symbol, Indexed)) or variable in self.walk.env:
            raise NotDirect(f"a derivative by {variable}")
        derivative = self.dual(expr.expr, (_target(variable), self._concrete(variable)))[1]
        return (self.math.number(sympy.Integer(0)) if derivative is None else derivative), None

    def _sum(self, expr: Sum, seed: Optional[tuple]) -> tuple:
        """A sum once per value of what it reads (its free symbols as written, with the indices
        of the variables of derivatives inside); inside a function's body, every time."""
        if self.locals:
            return self._terms(expr, seed)
        key = (expr, seed, tuple(self.walk.env.get(symbol) for symbol in _sorted_free(expr)))
        if key not in self.done:
            self.done[key] = self._terms(expr, seed)
        return self.done[key]

    def _terms(self, expr: Sum, seed: Optional[tuple]) -> tuple:
        return self._total(self.walk.terms(expr.function, list(expr.limits), lambda body: self.dual(body, seed)))

    def _add(self, expr: sympy.Add, seed: Optional[tuple]) -> tuple:
        return self._total(self.dual(argument, seed) for argument in expr.args)

    def _total(self, terms) -> tuple:
        value, derivative = self.math.number(sympy.Integer(0)), None
        for term_value, term_derivative in terms:
            value, derivative = value + term_value, _plus(derivative, term_derivative)
        return value, derivative

    def _multiply(self, expr: sympy.Mul, seed: Optional[tuple]) -> tuple:
        value, derivative = self.dual(expr.args[0], seed)
        for argument in expr.args[1:]:
            factor_value, factor_derivative = self.dual(argument, seed)
            derivative = _plus(_times(derivative, factor_value), _times(value, factor_derivative))
            value = value * factor_value
        return value, derivative

    def _power(self, expr: sympy.Pow, seed: Optional[tuple]) -> tuple:
        base, base_derivative = self.dual(expr.base, seed)
        if expr.exp.is_Integer:
            n = int(expr.exp)
            value = self.math.power(base, n)
            if base_derivative is None:
                return value, None
            return value, base_derivative * (n * self.math.power(base, n - 1) if n != 1 else 1)
        exponent, exponent_derivative = self.dual(expr.exp, seed)
        value = self.math.power(base, exponent)
        if base_derivative is None and exponent_derivative is None:
            return value, None
        rate = _plus(_times(exponent_derivative, self.math.log(base)),
                     _times(base_derivative, exponent * self.math.power(base, -1)))
        return value, value * rate

    def _exp(self, expr: sympy.exp, seed: Optional[tuple]) -> tuple:
        argument, derivative = self.dual(expr.args[0], seed)
        value = self.math.exp(argument)
        return value, _times(derivative, value)

    def _log(self, expr: sympy.log, seed: Optional[tuple]) -> tuple:
        if len(expr.args) != 1:
            raise NotDirect("a log with a base")
        argument, derivative = self.dual(expr.args[0], seed)
        value = self.math.log(argument)
        return value, None if derivative is None else derivative * self.math.power(argument, -1)

    def _delta(self, expr: KroneckerDelta, seed: Optional[tuple]) -> tuple:
        return self.math.number(sympy.Integer(int(self.walk.index(expr.args[0]) == self.walk.index(expr.args[1])))), None


_NODES: dict[type, Callable[[AtPoint, Expr, Optional[tuple]], tuple]] = {
    sympy.Add: AtPoint._add, sympy.Mul: AtPoint._multiply, sympy.Pow: AtPoint._power, sympy.exp: AtPoint._exp,
    sympy.log: AtPoint._log, KroneckerDelta: AtPoint._delta, Sum: AtPoint._sum, Derivative: AtPoint._derivative,
}


@functools.lru_cache(maxsize=65536)
def _target(expr: Expr) -> tuple[type, str]:
    """What a definition or a derivative names: (kind, name), as `canonical` keys them."""
    if isinstance(expr, Indexed):
        return Indexed, name_of(expr.base.label)
    if isinstance(expr, AppliedUndef):
        return AppliedUndef, str(expr.func)
    return Symbol, name_of(expr)


def _tables(rules: Rules) -> dict[type, dict]:
    """The definitions by the kind of name they define (see `_target`)."""
    return {Indexed: rules.indexed, Symbol: rules.symbols, AppliedUndef: rules.functions}


def reachable_rules(exprs, rules: Rules) -> list[Rule]:
    """The definitions `exprs` use, and those their bodies use."""
    tables = _tables(rules)
    found: dict[tuple, Rule] = {}
    pending = list(exprs)
    while pending:
        expr = pending.pop()
        for atom in expr.atoms(Indexed, Symbol, AppliedUndef):
            kind, name = _target(atom)
            rule = tables[kind].get(name)
            if rule is not None and (kind, name) not in found:
                found[kind, name] = rule
                pending.append(rule.body)
    return [found[key] for key in sorted(found, key=lambda key: (key[0].__name__, key[1]))]


@functools.lru_cache(maxsize=4096)
def written_free(expr: Expr) -> frozenset:
    """The free symbols of `expr` as written, including those of the variables a derivative
    is by (d/dO_{j,i} depends on i and j, which SymPy's free symbols leave out), unless a
    sum or product around binds them."""
    if isinstance(expr, Derivative):
        return written_free(expr.expr).union(*(written_free(variable) for variable, _ in expr.variable_count))
    if isinstance(expr, (Sum, sympy.Product)) and all(isinstance(limit[0], Symbol) for limit in expr.limits):
        return frozenset(free_over_limits(set(written_free(expr.function)), expr.limits, written_free))
    if isinstance(expr, Symbol) or not expr.args:
        return frozenset(expr.free_symbols)
    return frozenset().union(*map(written_free, expr.args))


@functools.lru_cache(maxsize=4096)
def _sorted_free(expr: Expr) -> tuple[Symbol, ...]:
    return tuple(sorted(written_free(expr), key=name_of))
