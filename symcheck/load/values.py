"""Entries given by value in a notation file: `values = [1, 3]` on a vector of size 2, or
`values = [['\\frac{p}{2}', '\\frac{1-p}{2}'], ...]` on a 2x2 matrix.

"X takes the values 1 and 3" with the i-th value written x_i; a table of probabilities p_ij.
Each entry is a number (read exactly, never evaluated) or LaTeX read by the reader. The
symbol becomes a definition of every entry: x_k := 1 [k = 1] + 3 [k = 2] (Kronecker deltas),
so the engine unfolds x_1 to 1 and a sum over the entries to its terms.
"""

from __future__ import annotations

from itertools import product
from math import prod
from typing import Any, Callable, Optional

import sympy

from symcheck.model import SymbolDecl, SymbolKind
from symcheck.model.indexranges import axis_lower
from symcheck.model.symbols import CompiledDefinition

MAX_VALUES = 64  # entries of one symbol given by value
MAX_VALUE_LATEX = 200  # characters of one entry's LaTeX


def values_problem(values: Any, decl: SymbolDecl) -> str:
    """Why `values` cannot give the entries of `decl` ("" when it can)."""
    if decl.kind is SymbolKind.SCALAR:
        return "only a vector or a matrix has values (declare a scalar's value as a constant)"
    if not all(isinstance(axis, int) for axis in decl.shape):
        return "a symbol given by values needs a shape of whole numbers"
    if _shape_of(values, len(decl.shape)) != tuple(decl.shape):
        return f"'values' must be {_layout(decl)} with the declared shape {list(decl.shape)}"
    entries = list(_flat(values, len(decl.shape)))
    if len(entries) > MAX_VALUES:
        return f"at most {MAX_VALUES} values"
    for entry in entries:
        if isinstance(entry, bool) or not isinstance(entry, (int, float, str)):
            return "each value must be a number or a LaTeX string"
        if isinstance(entry, str) and not 0 < len(entry.strip()) <= MAX_VALUE_LATEX:
            return f"a LaTeX value must be 1 to {MAX_VALUE_LATEX} characters"
    return ""


def values_definition(decl: SymbolDecl, base: sympy.IndexedBase, value_of: Callable[[Any], sympy.Expr]
                      ) -> CompiledDefinition:
    """base[k...] := the sum of each value times the Kronecker deltas of its position."""
    axes = len(decl.shape)
    params = tuple(sympy.Symbol(f"_entry{axis}", integer=True) for axis in range(axes))  # no declared name starts with _
    entries = list(_flat(decl.values, axes))
    positions = product(*(range(1, size + 1) for size in decl.shape))
    body = sympy.Add(*(value_of(entry) * sympy.Mul(*(sympy.KroneckerDelta(param, at) for param, at in zip(params, where)))
                       for entry, where in zip(entries, positions)))
    return CompiledDefinition(base, params, body)


def written_out_definition(target: Any, body: Any, table: Any) -> Optional[CompiledDefinition]:
    """`A = \\begin{bmatrix} a & b \\\\ c & d \\end{bmatrix}`, `v = [x, y]^\\top` in a note: a declared
    matrix or vector of whole-number shape written out entry by entry is defined entry by
    entry, as `values` in a notation file defines it. None when the shapes differ or the
    entries mention the name itself."""
    name = getattr(target, "name", None)
    if not isinstance(target, sympy.MatrixSymbol) or name not in table.bases or not isinstance(body, sympy.MatrixBase):
        return None
    shape = table.shape(name)
    if not all(sympy.sympify(axis).is_Integer for axis in shape):
        return None
    entries = list(body) if len(shape) == 1 and 1 in body.shape else list(body) if body.shape == tuple(shape) else None
    if entries is None or len(entries) != prod(int(axis) for axis in shape) or any(
            e.has(target) or e.has(table.bases[name]) for e in entries):
        return None
    params = tuple(sympy.Symbol(f"_entry{axis}", integer=True) for axis in range(len(shape)))
    lowers = [axis_lower(table, axis) for axis in shape]
    positions = product(*(range(int(lower), int(lower) + int(axis)) for lower, axis in zip(lowers, shape)))
    body = sympy.Add(*(entry * sympy.Mul(*(sympy.KroneckerDelta(param, at) for param, at in zip(params, where)))
                       for entry, where in zip(entries, positions)))
    return CompiledDefinition(table.bases[name], params, body)


def frozen_values(values: Any, axes: int) -> tuple:
    """The values as nested tuples (a declaration is immutable)."""
    return tuple(frozen_values(row, axes - 1) for row in values) if axes > 1 else tuple(values)


def _shape_of(values: Any, axes: int) -> tuple:
    if not isinstance(values, (list, tuple)):
        return ()
    if axes == 1:
        return (len(values),)
    inner = {_shape_of(row, axes - 1) for row in values}
    return (len(values), *next(iter(inner))) if len(inner) == 1 and () not in inner else ()


def _flat(values: Any, axes: int):
    for entry in values:
        if axes > 1:
            yield from _flat(entry, axes - 1)
        else:
            yield entry


def _layout(decl: SymbolDecl) -> str:
    return "a list of numbers or LaTeX strings" if len(decl.shape) == 1 else "a list of rows (lists)"
