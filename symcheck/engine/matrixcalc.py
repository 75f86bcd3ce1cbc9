"""Matrix expressions as shapes and as entries in index notation.

`shape_of` computes shapes itself (SymPy builds ``MatMul(p, p)`` for two column vectors
without complaint) and raises `ShapeMismatch` naming the shapes. `entry` writes entry
(row, col) of a matrix expression with the document's indices: a column vector ``p``
(``MatrixSymbol("p", N, 1)``) gives ``p[row]`` of the IndexedBase of the same name, so
that definitions and domains apply; products become sums over a fresh bound index.
Entry positions follow the document's convention (``Universe.axis_lower``, usually 1).

Derivatives by a matrix symbol follow the numerator layout of the sources:
d(scalar)/d(vector x) is a column with entries d/dx_r; d(vector p)/d(vector s) is the
Jacobian with entries dp_r/ds_c. A matrix-valued ``Derivative`` is not a SymPy matrix
expression, so products with it arrive as a commutative ``Mul`` (and its transpose as
the function ``transpose``): the order of such a product is the only order in which the
shapes fit; if several fit, the product is ambiguous and left undecided.
"""

from __future__ import annotations

from itertools import count, permutations
from typing import Callable, Iterator, Sequence

import sympy
from sympy import Derivative, Expr, Integer, KroneckerDelta, MatrixBase, MatrixExpr, Sum, Symbol
from sympy.functions.elementary.complexes import transpose as TransposeFunction
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction
from sympy.matrices.expressions.hadamard import HadamardPower, HadamardProduct
from sympy.matrices.expressions.matexpr import MatrixElement

from symcheck.engine.sampling import Universe
from symcheck.model.symbols import MatrixSum, Row

Shape = tuple[Expr, Expr]
EXPLICIT_LIMIT = 16  # inner dimensions up to this are written out term by term
INVERSE_LIMIT = 3  # inverses are written out (adjugate over determinant) up to this size


class ShapeMismatch(ValueError):
    """Matrix shapes that do not fit, with a message naming them."""


class Unsupported(ValueError):
    """A matrix construct the engine cannot write entry-wise."""


class NeedsConcreteSizes(Unsupported):
    """A construct written entry-wise only once its sizes are numbers (an inverse)."""


def show(shape: Shape) -> str:
    return "×".join(map(str, shape))


def is_matrix(expr: object) -> bool:
    """Matrix-valued: a matrix expression, or a derivative, transpose, product or sum
    involving one."""
    if isinstance(expr, (MatrixExpr, MatrixBase)):
        return True
    if isinstance(expr, Derivative):
        return any(is_matrix(part) for part in (expr.expr, *expr.variables))
    if isinstance(expr, (TransposeFunction, sympy.Mul, sympy.Add)):
        return any(is_matrix(arg) for arg in expr.args)
    return False


# ---------------------------------------------------------------- shapes


def shape_of(expr: Expr) -> Shape:
    """The shape of a matrix expression (scalars are 1×1)."""
    if not is_matrix(expr):
        return (Integer(1), Integer(1))
    for kind, rule in _SHAPES.items():
        if isinstance(expr, kind):
            return rule(expr)
    if isinstance(expr, (MatrixExpr, MatrixBase)):
        return tuple(map(sympy.sympify, expr.shape))
    raise Unsupported(f"cannot tell the shape of {type(expr).__name__}")


def _same(first: Expr, second: Expr) -> bool:
    return sympy.expand(sympy.sympify(first) - sympy.sympify(second)) == 0


def _add_shape(expr: Expr) -> Shape:
    shapes = [shape_of(arg) for arg in expr.args]
    for shape in shapes[1:]:
        if not all(_same(a, b) for a, b in zip(shapes[0], shape)):
            raise ShapeMismatch(f"cannot add {show(shapes[0])} and {show(shape)}")
    return shapes[0]


def _chain_shape(factors: Sequence[Expr]) -> Shape:
    shapes = [shape_of(factor) for factor in factors]
    rows, cols = shapes[0]
    for shape in shapes[1:]:
        if not _same(cols, shape[0]):
            raise ShapeMismatch(f"cannot multiply {show((rows, cols))} by {show(shape)}")
        cols = shape[1]
    return rows, cols


def matrix_factors(expr: Expr) -> list[Expr]:
    """The matrix factors of a product in multiplication order (see the module doc)."""
    factors = [arg for arg in expr.args if is_matrix(arg)]
    if isinstance(expr, sympy.MatMul) or len(factors) < 2:
        return factors
    fitting = []
    for order in dict.fromkeys(permutations(factors)):
        try:
            _chain_shape(order)
        except ShapeMismatch:
            continue
        fitting.append(list(order))
    if not fitting:
        shapes = ", ".join(show(shape_of(f)) for f in factors)
        raise ShapeMismatch(f"cannot multiply {shapes} in any order")
    if len(fitting) > 1:
        raise Unsupported("the order of a matrix product with a derivative is ambiguous")
    return fitting[0]


def has_inferred_order(expr: Expr) -> bool:
    """Whether some product's order had to be inferred from the shapes (see the module doc)."""
    return any(
        isinstance(node, sympy.Mul) and not isinstance(node, sympy.MatMul)
        and sum(is_matrix(arg) for arg in node.args) > 1
        for node in sympy.preorder_traversal(expr)
    )


def _mul_shape(expr: Expr) -> Shape:
    return _chain_shape(matrix_factors(expr))


def _transpose_shape(expr: Expr) -> Shape:
    rows, cols = shape_of(expr.args[0])
    return cols, rows


def _diag_shape(expr: Expr) -> Shape:
    rows, cols = shape_of(expr.args[0])
    length = cols if _same(rows, 1) else rows
    return length, length


def _scalar_shape(shape: Shape) -> bool:
    return _same(shape[0], 1) and _same(shape[1], 1)


def _is_hessian(expr: Derivative) -> bool:
    """d²f/dx dy of a scalar f by two column vectors (or scalars): the matrix of second partials."""
    return (len(expr.variables) == 2 and _scalar_shape(shape_of(expr.expr))
            and all(_same(shape_of(v)[1], 1) for v in expr.variables))


def _derivative_shape(expr: Derivative) -> Shape:
    if _is_hessian(expr):
        first, second = expr.variables
        return shape_of(first)[0], shape_of(second)[0]
    if len(expr.variables) != 1:
        raise Unsupported("a matrix derivative by more than one variable")
    numerator, variable = shape_of(expr.expr), shape_of(expr.variables[0])
    if _scalar_shape(numerator):
        return variable
    if _scalar_shape(variable):
        return numerator
    if _same(numerator[1], 1) and _same(variable[1], 1):
        return numerator[0], variable[0]
    raise Unsupported(f"derivative of a {show(numerator)} matrix by a {show(variable)} matrix")


def _hadamard_shape(expr: Expr) -> Shape:
    shapes = [shape_of(arg) for arg in expr.args]
    for shape in shapes[1:]:
        if not all(_same(a, b) for a, b in zip(shapes[0], shape)):
            raise ShapeMismatch(f"element-wise product of {show(shapes[0])} and {show(shape)}")
    return shapes[0]


_SHAPES: dict[type, Callable[[Expr], Shape]] = {
    sympy.MatAdd: _add_shape,
    sympy.Add: _add_shape,
    sympy.MatMul: _mul_shape,
    sympy.Mul: _mul_shape,
    sympy.Transpose: _transpose_shape,
    TransposeFunction: _transpose_shape,
    sympy.DiagMatrix: _diag_shape,
    HadamardProduct: _hadamard_shape,
    HadamardPower: lambda e: shape_of(e.base),
    ElementwiseApplyFunction: lambda e: shape_of(e.expr),
    Derivative: _derivative_shape,
}


# ---------------------------------------------------------------- entries


class EntryWriter:
    """Writes entries of matrix expressions over a universe (names, domains, offsets)."""

    def __init__(self, universe: Universe):
        self.universe = universe
        self._fresh: Iterator[int] = count()

    def lower(self, size: Expr) -> Expr:
        return self.universe.axis_lower(sympy.sympify(size))

    def entry(self, expr: Expr, row: Expr, col: Expr) -> Expr:
        if not is_matrix(expr):
            return expr
        for kind, rule in _ENTRIES.items():
            if isinstance(expr, kind):
                return rule(self, expr, row, col)
        raise Unsupported(f"cannot write entries of {type(expr).__name__}")

    def symbol_entry(self, expr: sympy.MatrixSymbol, row: Expr, col: Expr) -> Expr:
        name = str(expr.name)
        base = self.universe.table.bases.get(name, sympy.IndexedBase(name))
        rows, cols = expr.shape
        if _same(cols, 1):
            return base[row]
        if _same(rows, 1):
            return base[col]
        return base[row, col]

    def explicit_entry(self, expr: MatrixBase, row: Expr, col: Expr) -> Expr:
        rows, cols = expr.shape
        r, c = sympy.sympify(row - self.lower(rows)), sympy.sympify(col - self.lower(cols))
        if not (r.is_Integer and c.is_Integer):
            raise Unsupported("an explicit matrix indexed by a symbolic position")
        return expr[int(r), int(c)]

    def fresh_index(self) -> Symbol:
        return Symbol(f"_m{next(self._fresh)}", integer=True)

    def derivative_entry(self, expr: Derivative, row: Expr, col: Expr) -> Expr:
        shape_of(expr)  # raises Unsupported for layouts other than those below
        first = self.lower(1)
        if _is_hessian(expr):
            numerator, (by_row, by_col) = self.entry(expr.expr, first, first), expr.variables
            return Derivative(numerator, self.entry(by_row, row, first), self.entry(by_col, col, first))
        numerator, (variable,) = expr.expr, expr.variables
        if not is_matrix(variable):
            return Derivative(self.entry(numerator, row, col), variable)
        if _scalar_shape(shape_of(numerator)):
            return Derivative(self.entry(numerator, first, first), self.entry(variable, row, col))
        return Derivative(self.entry(numerator, row, first), self.entry(variable, col, first))

    def diag_entry(self, expr: sympy.DiagMatrix, row: Expr, col: Expr) -> Expr:
        vector = expr.args[0]
        rows, _ = shape_of(vector)
        lower = self.lower(1)
        along = (row, lower) if not _same(rows, 1) else (lower, row)
        return KroneckerDelta(row, col) * self.entry(vector, *along)


def _product(writer: EntryWriter, expr: Expr, row: Expr, col: Expr) -> Expr:
    scalars = [arg for arg in expr.args if not is_matrix(arg)]
    return sympy.Mul(*scalars) * _chain_entry(writer, matrix_factors(expr), row, col)


def _chain_entry(writer: EntryWriter, factors: Sequence[Expr], row: Expr, col: Expr) -> Expr:
    """Entry of A1 ... An: the product of all but the last contracted with the last."""
    if len(factors) == 1:
        return writer.entry(factors[0], row, col)
    left, right = factors[:-1], factors[-1]
    inner = _chain_shape(left)[1]
    lower = writer.lower(inner)
    term = lambda k: _chain_entry(writer, left, row, k) * writer.entry(right, k, col)
    if inner.is_Integer and inner <= EXPLICIT_LIMIT:
        return sympy.Add(*[term(lower + n) for n in range(int(inner))])
    k = writer.fresh_index()
    return Sum(term(k), (k, lower, lower + inner - 1))


def _power_entry(writer: EntryWriter, expr: sympy.MatPow, row: Expr, col: Expr) -> Expr:
    """A^k for a whole k >= 1 as the product A ... A."""
    exponent = expr.exp
    if not (exponent.is_Integer and 1 <= exponent <= EXPLICIT_LIMIT):
        raise Unsupported("a matrix power other than a small whole one")
    return _chain_entry(writer, [expr.base] * int(exponent), row, col)


def _inverse_entry(writer: EntryWriter, expr: sympy.Inverse, row: Expr, col: Expr) -> Expr:
    """An entry of the inverse of a matrix of a small whole size: its adjugate over its
    determinant (a matrix singular at that size has no inverse there)."""
    size = sympy.sympify(shape_of(expr.arg)[0])
    if not size.is_Integer:
        raise NeedsConcreteSizes("the inverse of a matrix of a general size is written at concrete sizes only")
    if size > INVERSE_LIMIT:
        raise Unsupported(f"the inverse of a matrix larger than {INVERSE_LIMIT}×{INVERSE_LIMIT}")
    lower = writer.lower(size)
    explicit = sympy.Matrix(int(size), int(size), lambda r, c: writer.entry(expr.arg, lower + r, lower + c))
    determinant = explicit.det(method="berkowitz")
    if sympy.expand(determinant) == 0:
        raise Unsupported(f"the inverse of a matrix that is singular at size {size}")
    adjugate = explicit.adjugate(method="berkowitz")
    return _entry_at(adjugate, row - lower, col - lower) / determinant


def _entry_at(matrix: MatrixBase, row: Expr, col: Expr) -> Expr:
    """matrix[row, col] at a position that may be symbolic (an index): a sum of Kronecker deltas."""
    rows = [row] if sympy.sympify(row).is_Integer else range(matrix.rows)
    cols = [col] if sympy.sympify(col).is_Integer else range(matrix.cols)
    return sympy.Add(*[KroneckerDelta(row, r) * KroneckerDelta(col, c) * matrix[int(r), int(c)] for r in rows for c in cols])


_ENTRIES: dict[type, Callable[[EntryWriter, Expr, Expr, Expr], Expr]] = {
    sympy.Inverse: _inverse_entry,  # before MatPow: an Inverse is a MatPow
    sympy.MatrixSymbol: EntryWriter.symbol_entry,
    Row: lambda w, e, r, c: w.entry(e.matrix, e.index, r),
    MatrixSum: lambda w, e, r, c: Sum(w.entry(e.function, r, c), *e.limits),
    MatrixBase: EntryWriter.explicit_entry,
    sympy.MatAdd: lambda w, e, r, c: sympy.Add(*[w.entry(arg, r, c) for arg in e.args]),
    sympy.Add: lambda w, e, r, c: sympy.Add(*[w.entry(arg, r, c) for arg in e.args]),
    sympy.MatMul: _product,
    sympy.Mul: _product,
    sympy.Transpose: lambda w, e, r, c: w.entry(e.args[0], c, r),
    TransposeFunction: lambda w, e, r, c: w.entry(e.args[0], c, r),
    sympy.DiagMatrix: EntryWriter.diag_entry,
    HadamardProduct: lambda w, e, r, c: sympy.Mul(*[w.entry(arg, r, c) for arg in e.args]),
    HadamardPower: lambda w, e, r, c: w.entry(e.base, r, c) ** e.exp,
    ElementwiseApplyFunction: lambda w, e, r, c: e.function(w.entry(e.expr, r, c)),
    sympy.FunctionMatrix: lambda w, e, r, c: e.lamda(r - w.lower(e.shape[0]), c - w.lower(e.shape[1])),
    sympy.MatPow: lambda w, e, r, c: _power_entry(w, e, r, c),
    sympy.Identity: lambda w, e, r, c: KroneckerDelta(r, c),
    sympy.ZeroMatrix: lambda w, e, r, c: Integer(0),
    sympy.OneMatrix: lambda w, e, r, c: Integer(1),
    Derivative: EntryWriter.derivative_entry,
}


def index_elements(expr: Expr, writer: EntryWriter) -> Expr:
    """SymPy's 0-based ``MatrixElement(p, i, 0)`` as the document's entry ``p[i + 1]``
    (the IndexedBase of the same name, so definitions and domains apply); a trace as the
    sum of the diagonal entries."""
    if not expr.has(MatrixElement, sympy.Trace):
        return expr

    def document_entry(element: MatrixElement) -> Expr:
        matrix, row, col = element.args
        rows, cols = shape_of(matrix)
        return writer.entry(matrix, row + writer.lower(rows), col + writer.lower(cols))

    def diagonal_sum(trace: sympy.Trace) -> Expr:
        matrix = trace.arg
        rows, cols = shape_of(matrix)
        if not _same(rows, cols):
            raise ShapeMismatch(f"the trace of a {show((rows, cols))} matrix")
        lower = writer.lower(rows)
        if rows.is_Integer and rows <= EXPLICIT_LIMIT:
            return sympy.Add(*[writer.entry(matrix, lower + n, lower + n) for n in range(int(rows))])
        k = writer.fresh_index()
        return Sum(writer.entry(matrix, k, k), (k, lower, lower + rows - 1))

    expr = expr.replace(lambda e: isinstance(e, sympy.Trace), diagonal_sum)
    return expr.replace(lambda e: isinstance(e, MatrixElement), document_entry)
