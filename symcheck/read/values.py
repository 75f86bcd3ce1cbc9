"""Operations on values already read: transpose, element-wise products and quotients,
outer products, diag, powers, indicators, and the named functions (\\log, \\sin ...).

Each refuses what it cannot do soundly (a power of a non-square matrix, division by a
matrix) with a ValueError the construct readers turn into a LatexError with a column.
"""

from __future__ import annotations

import operator
from typing import Callable

import sympy

from symcheck.read.nodes import Func, is_matrix, matrix_valued


def transpose(value: object) -> object:
    if is_matrix(value):
        return value.T
    if matrix_valued(value):
        return sympy.transpose(value)
    return value


def _elementwise(a: object, b: object, combine: Callable) -> object:
    if isinstance(a, sympy.MatrixBase) and isinstance(b, sympy.MatrixBase):
        if a.shape != b.shape:
            raise ValueError(f"shapes {a.shape} and {b.shape} differ")
        return sympy.ImmutableMatrix(a.shape[0], a.shape[1], [combine(x, y) for x, y in zip(a, b)])
    return None


def _hadamard(a: object, b: object) -> object:
    if not is_matrix(a) or not is_matrix(b):
        return a * b
    explicit = _elementwise(a, b, operator.mul)
    return explicit if explicit is not None else sympy.HadamardProduct(a, b)


def _divide(a: object, b: object) -> object:
    if not is_matrix(b):
        return a / b
    if isinstance(b, sympy.MatrixBase):
        inverse = b.applyfunc(lambda x: 1 / x)
    else:
        inverse = sympy.HadamardPower(b, -1)
    return _hadamard(a, inverse) if is_matrix(a) else a * inverse


def _column(value: object) -> object:
    rows, cols = value.shape
    if cols == 1:
        return value
    if rows == 1:
        return value.T
    raise ValueError("the outer product \\otimes needs vectors")


def _outer(a: object, b: object) -> object:
    if not is_matrix(a) or not is_matrix(b):
        return a * b
    product = _column(a) * _column(b).T
    return sympy.ImmutableMatrix(product) if isinstance(product, sympy.MatrixBase) else product


def diag_of(value: object) -> object:
    if isinstance(value, sympy.MatrixBase):
        if 1 not in value.shape:
            raise ValueError("diag needs a vector")
        return sympy.ImmutableMatrix(sympy.diag(*list(value)))
    if isinstance(value, sympy.MatrixExpr):
        if value.shape[1] != 1 and value.shape[0] == 1:
            value = value.T
        return sympy.DiagMatrix(value)
    raise ValueError("diag needs a vector")


def divide_values(a: object, b: object) -> object:
    if matrix_valued(b):
        raise ValueError("division by a matrix (\\oslash divides element-wise)")
    return a / b


def power(base: object, exponent: object) -> object:
    if is_matrix(base):
        rows, cols = base.shape
        if rows != cols:
            raise ValueError(f"a power of a {rows} x {cols} matrix")
    return base**exponent


ELEMENTWISE = {"\\odot": _hadamard, "\\circ": _hadamard, "\\oslash": _divide, "\\otimes": _outer}


def indicator_of(condition: object) -> object:
    """1 where the condition holds, 0 elsewhere: Kronecker deltas for (in)equalities."""
    if isinstance(condition, sympy.Eq):
        return sympy.KroneckerDelta(condition.lhs, condition.rhs)
    if isinstance(condition, sympy.Ne):
        return 1 - sympy.KroneckerDelta(condition.lhs, condition.rhs)
    if isinstance(condition, sympy.And):
        return sympy.Mul(*[indicator_of(c) for c in condition.args])
    if condition is sympy.true:
        return sympy.Integer(1)
    if condition is sympy.false:
        return sympy.Integer(0)
    return sympy.Piecewise((1, condition), (0, True))


TRIGONOMETRY = {
    "\\sin": (sympy.sin, sympy.asin), "\\cos": (sympy.cos, sympy.acos), "\\tan": (sympy.tan, sympy.atan),
    "\\sinh": (sympy.sinh, sympy.asinh), "\\cosh": (sympy.cosh, sympy.acosh), "\\tanh": (sympy.tanh, sympy.atanh),
    "\\arcsin": (sympy.asin, None), "\\arccos": (sympy.acos, None), "\\arctan": (sympy.atan, None),
}


def apply_function(func: Func, argument: object) -> object:
    """\\log is the natural log unless a base is written; \\sin^{-1} is arcsin."""
    if func.name in ("\\ln", "\\log"):
        value = sympy.log(argument) if func.base is None else sympy.log(argument, func.base)
    elif func.name == "\\exp":
        value = sympy.exp(argument)
    else:
        direct, inverse = TRIGONOMETRY[func.name]
        if func.power == -1 and inverse is not None:
            return inverse(argument)
        value = direct(argument)
    return value if func.power is None else value**func.power

