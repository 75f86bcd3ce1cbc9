"""SymPy trees evaluated in floating point with numpy, at many points at once.

No code is generated (no `lambdify`: no user name can reach generated code, and nothing is
compiled per expression): a table maps each SymPy node type to its numpy function, every
value (a scalar, a vector entry, a placeholder) is looked up as a column of numbers, and
an expression holding anything else (a free name, an unevaluated sum, an undefined
function, a matrix) raises `NotEvaluable`. Used by the float screen (`screen`) and the
finite-difference gradient check (`gradcheck`).
"""

from __future__ import annotations

import functools
from typing import Callable, Mapping, Optional

import numpy
import sympy
from sympy import Expr


class NotEvaluable(Exception):
    """The expression holds something the float evaluator does not know."""


def _sum(*args):
    return functools.reduce(numpy.add, args)


def _product(*args):
    return functools.reduce(numpy.multiply, args)


NUMPY: dict[type, Callable] = {
    sympy.Add: _sum, sympy.Mul: _product, sympy.Pow: numpy.power, sympy.exp: numpy.exp, sympy.log: numpy.log,
    sympy.Abs: numpy.abs, sympy.sign: numpy.sign, sympy.sin: numpy.sin, sympy.cos: numpy.cos, sympy.tan: numpy.tan,
    sympy.atan: numpy.arctan, sympy.tanh: numpy.tanh, sympy.sinh: numpy.sinh, sympy.cosh: numpy.cosh,
    sympy.asin: numpy.arcsin, sympy.acos: numpy.arccos,
    sympy.Max: lambda *args: functools.reduce(numpy.maximum, args),
    sympy.Min: lambda *args: functools.reduce(numpy.minimum, args),
}


def evaluate(expr: Expr, columns: Mapping, done: Optional[dict] = None):
    """`expr` at every point at once: values from `columns` (numbers or arrays of one
    length), operations from `NUMPY` (each shared subexpression once); anything else
    raises NotEvaluable."""
    done = {} if done is None else done
    if expr in done:
        return done[expr]
    if expr in columns:
        value = columns[expr]
    elif isinstance(expr, (sympy.Number, sympy.NumberSymbol)) and expr.is_real:
        value = float(expr)
    elif type(expr) in NUMPY:
        value = NUMPY[type(expr)](*(evaluate(arg, columns, done) for arg in expr.args))
    else:
        raise NotEvaluable(type(expr).__name__)
    done[expr] = value
    return value
