"""Subscripts as indices: ``a_k``, ``W_{ij}``, ``W_{i,j}``, shape annotations
``A_{n \\times m}``, labels ``J_{softmax}``, argument indices ``x^{(j)}``, index pairs."""

from __future__ import annotations

from typing import Optional, Union

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement

from symcheck.model.indexranges import axis_lower
from symcheck.read.nodes import is_matrix, matrix_valued, split_at
from symcheck.read.reader import Construct
from symcheck.read.tokens import Group, Leaf
from symcheck.read.values import describe, value_shape


class Indices(Construct):
    """Reads subscripts and call arguments as indices of a declared vector or matrix."""

    def arguments(self, call: Group) -> list:
        parts = split_at(call.items, frozenset({",", ";", "\\mid"}))
        return [self.reader.value(part, call.start) for part in parts]

    def call_indices(self, call: Group) -> list:
        found: list = []
        for arg in self.arguments(call):
            if isinstance(arg, sympy.Indexed):
                found.extend(arg.indices)
            elif isinstance(arg, sympy.Symbol):
                found.append(arg)
            else:
                raise self.reader.error("the argument of an indexed name must be indexed (x^{(j)})", call.start)
        return found

    def label_indices(self, sup: list) -> list:
        group = sup[0]
        return [self.index_value(part, group.start) for part in split_at(group.items, frozenset({","}))]

    def index_value(self, nodes: list, where: int) -> object:
        value = self.reader.value(nodes, where)
        if matrix_valued(value):
            raise self.reader.error("an index must be a scalar", where)
        return value

    def indices(self, sub: list, rank: int) -> Union[list, str]:
        where = sub[0].start if sub else 0
        parts = split_at(sub, frozenset({","}))
        if len(parts) > 1:
            return [self.index_value(part, where) for part in parts]
        if self.shape_annotation(sub) is not None:
            return "shape"
        atoms = [node for node in sub if isinstance(node, Leaf) and node.token.kind in ("letter", "name", "number")]
        if rank >= 2 and len(sub) == 1 and atoms and atoms[0].token.text.isdigit() and len(atoms[0].token.text) == rank:
            return [sympy.Integer(digit) for digit in atoms[0].token.text]  # a_{12}: row 1, column 2
        if rank >= 2 and len(sub) == rank and len(atoms) == rank:
            return [self.index_value([node], node.start) for node in sub]
        if len(sub) >= 2 and all(isinstance(n, Leaf) and n.token.kind in ("letter", "name") for n in sub):
            return "label"  # J_{softmax}: a name, not an index
        return [self.index_value(sub, where)]

    def entry(self, value: object, sub: list, where: int) -> object:
        """(Xw - y)_i, (X^\\top)_{ki}: the entry of the vector or matrix a bracket holds, as
        SymPy's 0-based MatrixElement (the engine writes it in the document's indices);
        (\\nabla_{\\mathbf w} L)_k, (\\nabla^2_{\\mathbf w} L)_{kl}: the partial derivatives."""
        shape = value_shape(value)
        if shape is None:
            raise self.reader.error(f"a subscript on a bracket picks an entry of a vector or matrix; this bracket holds {describe(value)}", where)
        rows, cols = (sympy.sympify(n) for n in shape)
        axes = [axis for axis, size in enumerate((rows, cols)) if size != 1] or [0]
        found = self.indices(sub, len(axes))
        if isinstance(found, str) or len(found) != len(axes):
            raise self.reader.error(f"{describe(value)} needs {len(axes)} {'index' if len(axes) == 1 else 'indices'} here", where)
        position = [sympy.Integer(0), sympy.Integer(0)]
        for axis, index in zip(axes, found):
            size = (rows, cols)[axis]
            lower = axis_lower(self.table, size)
            self.check_on_axis(index, lower, size, value, where)
            position[axis] = index - lower
        if isinstance(value, sympy.Derivative):
            return self.partial_entry(value, found, where)
        return MatrixElement(value, *position)

    def partial_entry(self, derivative: sympy.Derivative, found: list, where: int) -> object:
        """Entry k of a gradient by a declared vector: the partial by its entry k (and for a
        Hessian, entry (k, l): the second partial by entries k and l)."""
        numerator = derivative.expr
        if is_matrix(numerator):
            numerator = MatrixElement(numerator, 0, 0)
        entries = []
        for variable, index in zip(derivative.variables, found if len(derivative.variables) == len(found) else found * 2):
            base = self.table.bases.get(str(getattr(variable, "name", "")))
            if base is None or not isinstance(variable, sympy.MatrixSymbol):
                raise self.reader.error("an entry of a derivative by something other than a declared vector", where)
            entries.append(base[index])
        return sympy.Derivative(numerator, *entries)

    def check_on_axis(self, index: object, lower: object, size: object, value: object, where: int) -> None:
        """An index must stay on its axis: a literal within it, a declared index over exactly it."""
        last = lower + size - 1
        bounds = self.table.index_ranges.get(index)
        if index.is_Integer:
            fits = index >= lower and (not last.is_Integer or index <= last)
        elif bounds is not None:
            fits = sympy.sympify(bounds[0]) == lower and sympy.expand(sympy.sympify(bounds[1]) - last) == 0
        else:
            return
        if not fits:
            runs = f"runs over {bounds[0]}..{bounds[1]}" if bounds is not None else "is outside its axis"
            raise self.reader.error(f"index {index} {runs}: this axis of {describe(value)} runs over {lower}..{last}", where)

    def index_pair(self, sub: list) -> Optional[tuple]:
        parts = split_at(sub, frozenset({","}))
        if len(parts) == 2 and all(parts):
            return tuple(self.index_value(part, part[0].start) for part in parts)
        atoms = [n for n in sub if isinstance(n, Leaf) and n.token.kind in ("letter", "name", "number")]
        if len(sub) == 2 and len(atoms) == 2:
            return tuple(self.index_value([n], n.start) for n in sub)
        return None

    def shape_annotation(self, sub: Optional[list]) -> Optional[tuple]:
        if not sub:
            return None
        parts = split_at(sub, frozenset({"\\times"}))
        if len(parts) != 2 or not all(len(part) == 1 for part in parts):
            return None
        sizes = [self.reader.value(part, part[0].start) for part in parts]
        if all(isinstance(s, (sympy.Symbol, sympy.Integer)) for s in sizes):
            return tuple(sizes)
        return None

