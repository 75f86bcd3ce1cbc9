"""Operations on values already read: transpose, element-wise products and quotients,
outer products, diag, powers, indicators, and the named functions (\\log, \\sin ...).

Each refuses what it cannot do soundly (a power of a non-square matrix, division by a
matrix) with a ValueError the construct readers turn into a LatexError with a column.
"""

from __future__ import annotations

import operator
from typing import Callable, Optional

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement

from symcheck.read.backend import LatexError, bounded_power
from symcheck.read.guards import note
from symcheck.read.nodes import Func, is_matrix, matrix_valued, one_by_one_entry


class Refused(ValueError):
    """An operation refused, with the reason in the user's words."""


def same_shape(first: tuple, second: tuple) -> bool:
    return all(sympy.expand(sympy.sympify(a) - sympy.sympify(b)) == 0 for a, b in zip(first, second))


def value_shape(value: object) -> Optional[tuple]:
    """The shape of a matrix value, of a gradient and of a Hessian (of a scalar by column
    vectors); None for a scalar or a shape not known here."""
    if is_matrix(value):
        return value.shape
    if isinstance(value, (sympy.Add, sympy.Mul)) and matrix_valued(value):  # 2 \\nabla_w L - t w
        return next((shape for shape in map(value_shape, value.args) if shape is not None), None)
    if isinstance(value, sympy.Derivative) and is_matrix(value.expr) and not any(is_matrix(v) for v in value.variables):
        return value.expr.shape  # d/dx of a matrix: entry by entry
    if isinstance(value, sympy.Derivative) and (not is_matrix(value.expr) or same_shape(value.expr.shape, (1, 1))):
        shapes = [v.shape for v in value.variables if is_matrix(v)]
        if len(value.variables) == 1 and shapes:
            return shapes[0]
        if len(value.variables) == 2 and len(shapes) == 2 and all(same_shape((s[1],), (1,)) for s in shapes):
            return shapes[0][0], shapes[1][0]
    return None


def describe(value: object) -> str:
    """A value in the user's words: what it is written as in LaTeX (when short) and its shape or kind."""
    try:
        text = sympy.latex(value)
    except Exception:  # SymPy's printer: a value it cannot print
        text = ""
    shown = text if len(text) <= 30 else "this expression"
    if not matrix_valued(value):
        return f"{shown} (a scalar)"
    if value_shape(value) is None:
        return f"{shown} (a vector or matrix)"
    rows, cols = value_shape(value)
    kind = "column vector" if cols == 1 else "row vector" if rows == 1 else "matrix"
    return f"{shown} (a {rows}x{cols} {kind})"


def mismatch(verb: str, a: object, b: object, error: Exception) -> str:
    """Why a and b cannot be combined, naming both and what was expected (never SymPy's words)."""
    if isinstance(error, Refused):
        return str(error)
    if verb == "raise":
        return f"cannot raise {describe(a)} to the power {describe(b)}"
    message = f"cannot {verb} {describe(a)} and {describe(b)}"
    if verb in ("add", "subtract"):
        return message + ": both need the same shape"
    left, right = value_shape(a), value_shape(b)
    if verb == "multiply" and left is not None and right is not None and not same_shape((left[1],), (right[0],)):
        return message + f": the left has {left[1]} columns, the right {right[0]} rows"
    if isinstance(a, sympy.Derivative) or isinstance(b, sympy.Derivative):
        return message + ": a derivative of a vector or matrix times another is not read; put what is differentiated in brackets"
    return message


def shapes_disagree(verb: str, a: object, b: object) -> bool:
    """Both shapes are known and do not fit: a sum of different shapes, or a product whose
    inner sizes differ (declared sizes are independent: n columns never meet d rows)."""
    left, right = value_shape(a), value_shape(b)
    if left is None or right is None or not matrix_valued(a) or not matrix_valued(b):
        return False
    if verb in ("add", "subtract"):
        return not same_shape(left, right)
    if verb == "multiply":
        return not same_shape((left[1],), (right[0],)) and (1, 1) not in (tuple(left), tuple(right))
    return False


def transpose(value: object) -> object:
    if is_matrix(value):
        return value.T
    if matrix_valued(value):
        return sympy.transpose(value)
    return value


def _elementwise(a: object, b: object, combine: Callable) -> object:
    if isinstance(a, sympy.MatrixBase) and isinstance(b, sympy.MatrixBase):
        if a.shape != b.shape:
            raise Refused(f"shapes {a.shape} and {b.shape} differ")
        return sympy.ImmutableMatrix(a.shape[0], a.shape[1], [combine(x, y) for x, y in zip(a, b)])
    return None


def _hadamard(a: object, b: object) -> object:
    if not is_matrix(a) or not is_matrix(b):
        return a * b
    if a.shape != b.shape:  # SymPy builds HadamardProduct(d x 1, 1 x d) without a word
        raise Refused(f"an element-wise product needs the same shape: {describe(a)} and {describe(b)}")
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
    raise Refused("the outer product \\otimes needs vectors")


def _outer(a: object, b: object) -> object:
    if not is_matrix(a) or not is_matrix(b):
        return a * b
    product = _column(a) * _column(b).T
    return sympy.ImmutableMatrix(product) if isinstance(product, sympy.MatrixBase) else product


def diag_of(value: object) -> object:
    if isinstance(value, sympy.MatrixBase):
        if 1 not in value.shape:
            raise Refused("diag needs a vector")
        return sympy.ImmutableMatrix(sympy.diag(*list(value)))
    if isinstance(value, sympy.MatrixExpr):
        if value.shape[1] != 1 and value.shape[0] == 1:
            value = value.T
        return sympy.DiagMatrix(value)
    raise Refused("diag needs a vector")


def trace_of(value: object) -> object:
    """The trace of a square matrix (of a scalar: the scalar, a 1x1 matrix)."""
    if not matrix_valued(value):
        return value
    if not is_matrix(value):
        raise Refused(f"the trace of {describe(value)}: write the matrix it is taken of")
    rows, cols = value.shape
    if sympy.expand(rows - cols) != 0:
        raise Refused(f"the trace of {describe(value)}: a trace needs a square matrix")
    if isinstance(value, sympy.MatrixBase):
        return value.trace()
    return sympy.Trace(value)


def determinant_of(value: object) -> object:
    """The determinant of a square matrix (of a scalar: the scalar)."""
    if not matrix_valued(value):
        return value
    rows, cols = value_shape(value) or (None, None)
    if rows is None or sympy.expand(rows - cols) != 0:
        raise Refused(f"the determinant of {describe(value)}: a determinant needs a square matrix")
    if isinstance(value, sympy.MatrixBase):
        return value.det()
    if rows.is_Integer and rows <= 3:  # written out: the engine compares scalars
        return sympy.Matrix(value.as_explicit()).det()
    return sympy.Determinant(value)


def vector_of_entries(entry: object, index: sympy.Symbol, lower: object, upper: object) -> object:
    """The column whose entry at `index` (over lower..upper) is `entry`."""
    row, col = ENTRY_POSITION
    length = sympy.sympify(upper) - sympy.sympify(lower) + 1
    return sympy.FunctionMatrix(length, 1, sympy.Lambda((row, col), entry.xreplace({index: row + lower})))


# the (bound) position of a matrix given by its entries; not a Dummy: two readings must be equal
ENTRY_POSITION = (sympy.Symbol("_r", integer=True), sympy.Symbol("_c", integer=True))
MATRIX_FUNCTIONS = {"diag": diag_of, "tr": trace_of, "Tr": trace_of, "trace": trace_of, "det": determinant_of}


def multiply(a: object, b: object) -> object:
    """a b in the order written; matrices must chain (SymPy would square a vector: w w)."""
    left, right = value_shape(a), value_shape(b)
    if left is not None and right is not None and left[1] != right[0]:
        if (1, 1) not in (left, right):
            raise Refused(mismatch("multiply", a, b, TypeError()))
        a, b = one_by_one_entry(a), one_by_one_entry(b)  # (u^T v) w: the inner product is a scalar
    if matrix_valued(a) != matrix_valued(b) and any(isinstance(v, sympy.Expr) and v.has(MatrixElement) for v in (a, b)):
        return sympy.MatMul(a, b)  # exp(u^T v) u: SymPy's * would expand the inner product 0-based
    return a * b


def _scalars_if_mixed(a: object, b: object) -> tuple[object, object]:
    return (one_by_one_entry(a), one_by_one_entry(b)) if is_matrix(a) != is_matrix(b) else (a, b)


def add(a: object, b: object) -> object:
    a, b = _scalars_if_mixed(a, b)
    _same_shapes("add", a, b)
    if _gradient_beside_matrix(a, b):
        return sympy.Add(a, b, evaluate=False)
    return a + b


def subtract(a: object, b: object) -> object:
    a, b = _scalars_if_mixed(a, b)
    _same_shapes("subtract", a, b)
    if _gradient_beside_matrix(a, b):
        return sympy.Add(a, -b, evaluate=False)
    return a - b


def _gradient_beside_matrix(a: object, b: object) -> bool:
    """\\nabla_w L - 2 t w: SymPy refuses to add a Derivative to a matrix, though both are p x 1;
    the engine reads such a sum entry by entry."""
    if is_matrix(a) and is_matrix(b) or not any(isinstance(v, sympy.Basic) and v.has(sympy.Derivative) for v in (a, b)):
        return False
    left, right = value_shape(a), value_shape(b)
    return left is not None and right is not None and matrix_valued(a) and matrix_valued(b) and same_shape(left, right)


def _same_shapes(verb: str, a: object, b: object) -> None:
    """SymPy adds an n-vector and a d-vector without a word when n and d are symbols."""
    if shapes_disagree(verb, a, b):
        raise Refused(mismatch(verb, a, b, TypeError()))


def divide_values(a: object, b: object) -> object:
    b = one_by_one_entry(b)
    if matrix_valued(b):
        raise Refused("division by a matrix (\\oslash divides element-wise)")
    return a / b


class HugePower(sympy.Expr):
    """(1/2)^{1000000000}: a power of a positive rational too large to evaluate, kept as written.
    Only a logarithm takes it (log of it is exponent * log(base)); anywhere else the reader
    refuses the formula (`refuse_huge_powers`)."""

    def __new__(cls, base: sympy.Rational, exponent: sympy.Integer):
        return sympy.Expr.__new__(cls, base, exponent)

    @property
    def base_and_exponent(self) -> tuple:
        return self.args

    def _latex(self, printer) -> str:
        base, exponent = self.args
        return f"\\left({printer._print(base)}\\right)^{{{printer._print(exponent)}}}"


def refuse_huge_powers(value: object) -> None:
    """Refuses a value that still holds a HugePower (one outside a logarithm)."""
    if isinstance(value, sympy.Basic) and value.has(HugePower):
        huge = next(iter(value.atoms(HugePower)))
        raise Refused(f"cannot evaluate {describe(huge)}: too large (only its logarithm is read)")


def power(base: object, exponent: object) -> object:
    """A power; of a 1x1 matrix expression (an inner product u^T v), the power of its one entry."""
    base = one_by_one_entry(base)
    if is_matrix(base):
        rows, cols = base.shape
        if rows != cols:
            raise Refused(f"a power of a {rows} x {cols} matrix")
    try:
        return note(bounded_power(base, exponent))
    except LatexError:
        if getattr(base, "is_Rational", False) and base.is_positive and getattr(exponent, "is_Integer", False):
            return HugePower(base, exponent)
        raise


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


# function command -> (the function, its inverse for a written ^{-1}, or None)
TRIGONOMETRY = {
    "\\sin": (sympy.sin, sympy.asin), "\\cos": (sympy.cos, sympy.acos), "\\tan": (sympy.tan, sympy.atan),
    "\\sec": (sympy.sec, sympy.asec), "\\csc": (sympy.csc, sympy.acsc), "\\cot": (sympy.cot, sympy.acot),
    "\\sinh": (sympy.sinh, sympy.asinh), "\\cosh": (sympy.cosh, sympy.acosh), "\\tanh": (sympy.tanh, sympy.atanh),
    "\\coth": (sympy.coth, sympy.acoth), "\\sech": (sympy.sech, sympy.asech), "\\csch": (sympy.csch, sympy.acsch),
    "\\arcsin": (sympy.asin, None), "\\arccos": (sympy.acos, None), "\\arctan": (sympy.atan, None),
    "\\arcsec": (sympy.asec, None), "\\arccsc": (sympy.acsc, None), "\\arccot": (sympy.acot, None),
    "\\arsinh": (sympy.asinh, None), "\\arcosh": (sympy.acosh, None), "\\artanh": (sympy.atanh, None),
    "\\arcoth": (sympy.acoth, None), "\\arsech": (sympy.asech, None), "\\arcsch": (sympy.acsch, None),
}
# the words of \operatorname{..} (and \text, \mathrm) that name those functions
FUNCTION_NAMES = {
    **{command[1:]: command for command in TRIGONOMETRY},
    **{name: "\\arc" + name[1:] for name in "asin acos atan asec acsc acot".split()},
    **{name: "\\ar" + name[1:] for name in "asinh acosh atanh acoth asech acsch".split()},
    **{name: "\\ar" + name[3:] for name in "arcsinh arccosh arctanh arccoth arcsech arccsch".split()},
    "log": "\\log", "ln": "\\ln", "exp": "\\exp",
}


def apply_function(func: Func, argument: object) -> object:
    """\\log is the natural log unless a base is written; \\sin^{-1} is arcsin."""
    argument = one_by_one_entry(argument)
    if func.name in ("\\ln", "\\log") and isinstance(argument, HugePower) and func.base is None:
        base, exponent = argument.args
        value = exponent * sympy.log(base)  # base > 0: log(b^n) = n log(b), without evaluating b^n
    elif func.name in ("\\ln", "\\log"):
        value = sympy.log(argument) if func.base is None else sympy.log(argument, func.base)
    elif func.name == "\\exp":
        value = sympy.exp(argument)
    else:
        direct, inverse = TRIGONOMETRY[func.name]
        if func.power == -1 and inverse is not None:
            return note(inverse(argument))
        value = direct(argument)
    note(value)
    return value if func.power is None else value**func.power

