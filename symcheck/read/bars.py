"""Bars: ``|x|`` (absolute value) and ``\\|w\\|`` (Euclidean norm), in every spelling
(``\\lvert``, ``\\vert``, ``\\lVert``, ``\\Vert``; ``\\left|`` once sizing is dropped); and
the rounding brackets ``\\lfloor x \\rfloor`` (floor) and ``\\lceil x \\rceil`` (ceiling); and the inner
product ``\\langle a, b \\rangle`` of two vectors."""

from __future__ import annotations

from dataclasses import replace

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement

from symcheck.model.indexranges import axis_lower
from symcheck.read.nodes import Obj, Postfix, is_matrix, leaf_is, matrix_valued, source_text, split_at
from symcheck.read.reader import Construct

# opening bar -> its closing bar
CLOSING = {"|": "|", "\\vert": "\\vert", "\\lvert": "\\rvert", "\\|": "\\|", "\\Vert": "\\Vert", "\\lVert": "\\rVert"}
NORM_BARS = frozenset({"\\|", "\\Vert", "\\lVert"})


class Bars(Construct):
    """Reads the bracket between two bars, then its absolute value or its norm."""

    HANDLES = {bar: "bars" for bar in CLOSING}

    def bars(self, nodes: list, i: int) -> tuple[list, int]:
        opening = nodes[i].token
        close = next((k for k in range(i + 1, len(nodes)) if leaf_is(nodes[k], CLOSING[opening.text])), None)
        if close is None:
            raise self.reader.error(f"'{opening.text}' is never closed", opening.start)
        value = self.reader.value(nodes[i + 1 : close], opening.start)
        value = self.norm(value, opening.start) if opening.text in NORM_BARS else self.absolute(value, opening.start)
        post, j = self.reader.scripts.postfix(nodes, close + 1)
        if opening.text in NORM_BARS:
            post = self.euclidean(post)
        value = self.reader.scripts.group_sup(value, post, nodes, j)
        return [Obj(value, opening.start, nodes[j - 1].end)], j

    def euclidean(self, post: Postfix) -> Postfix:
        """`\\|w\\|_2`: the subscript 2 names the Euclidean norm, the one read; any other
        (`\\|w\\|_1`, `\\|A\\|_F`, `\\|w\\|_\\infty`) is another norm, refused."""
        if post.sub is None:
            return post
        if source_text(post.sub).strip(" {}") != "2":
            raise self.reader.error(f"the norm \\|..\\|_{{{source_text(post.sub)}}} is not read: only the Euclidean norm "
                                    "(\\|..\\| or \\|..\\|_2)", post.sub_start)
        return replace(post, sub=None)

    def absolute(self, value: object, where: int) -> object:
        if matrix_valued(value):
            rows, cols = value.shape
            raise self.reader.error(
                f"|..| of a {rows}x{cols} matrix: an absolute value needs a scalar (a norm is written \\|..\\|)", where
            )
        return sympy.Abs(value)

    def norm(self, value: object, where: int) -> object:
        """The Euclidean norm: |x| of a scalar, sqrt of the sum of squares of a vector."""
        if not matrix_valued(value):
            return sympy.Abs(value)
        if isinstance(value, sympy.MatrixBase) and 1 in value.shape:
            return sympy.sqrt(sum(sympy.Abs(entry) ** 2 for entry in value))
        name = getattr(value, "name", None)
        if isinstance(value, sympy.MatrixSymbol) and name in self.table.bases and len(self.table.shape(name)) == 1:
            base, (size,) = self.table.bases[name], self.table.shape(name)
            taken = set(self.table.declarations) | set(self.table.indices) | set(self.table.sizes)
            bound = sympy.Symbol(next(n for n in ("t", "u", "v", "r", "q", "t_0") if n not in taken), integer=True)
            lower = axis_lower(self.table, size)
            return sympy.sqrt(sympy.Sum(base[bound] ** 2, (bound, lower, lower + size - 1)))
        if is_matrix(value) and 1 in value.shape:  # \|y - Xw\|: the square root of v^T v
            square = value.T * value if value.shape[1] == 1 else value * value.T
            return sympy.sqrt(MatrixElement(square, 0, 0))
        shape = "x".join(map(str, value.shape)) if is_matrix(value) else "matrix"
        raise self.reader.error(
            f"the norm of this {shape} matrix is not read (which norm?): write it with indices", where
        )


# opening rounding bracket -> (its closing bracket, the function)
ROUNDING = {"\\lfloor": ("\\rfloor", sympy.floor), "\\lceil": ("\\rceil", sympy.ceiling)}


class Rounding(Construct):
    """Reads the bracket between ``\\lfloor`` and ``\\rfloor`` (or ``\\lceil``, ``\\rceil``) of a
    scalar, then its floor (ceiling)."""

    HANDLES = {bracket: "rounding" for bracket in ROUNDING}

    def rounding(self, nodes: list, i: int) -> tuple[list, int]:
        opening = nodes[i].token
        closing, function = ROUNDING[opening.text]
        close = _nested_close(self, nodes, i, closing)
        value = self.reader.value(nodes[i + 1 : close], opening.start)
        if matrix_valued(value):
            raise self.reader.error(f"{opening.text}..{closing} of a matrix: rounding needs a scalar", opening.start)
        return _with_postfix(self, function(value), nodes, close, opening.start)


class InnerProduct(Construct):
    """Reads ``\\langle a, b \\rangle``: the dot product of two vectors of one size (a^T b).
    Anything else between the angles (scalars, matrices, one value) is not read."""

    HANDLES = {"\\langle": "inner_product"}

    def inner_product(self, nodes: list, i: int) -> tuple[list, int]:
        opening = nodes[i].token
        close = _nested_close(self, nodes, i, "\\rangle")
        parts = split_at(nodes[i + 1 : close], frozenset({","}))
        if len(parts) != 2 or not all(parts):
            raise self.reader.error("\\langle a, b \\rangle needs two vectors", opening.start)
        left, right = (self.column(self.reader.value(part, opening.start), opening.start) for part in parts)
        if left.shape != right.shape:
            raise self.reader.error(f"\\langle a, b \\rangle of vectors of sizes {left.shape[0]} and {right.shape[0]}",
                                    opening.start)
        return _with_postfix(self, MatrixElement(left.T * right, 0, 0), nodes, close, opening.start)

    def column(self, value: object, where: int) -> object:
        """The value as a column vector; a scalar or a matrix is refused."""
        if not is_matrix(value) or 1 not in value.shape:
            raise self.reader.error("\\langle a, b \\rangle is read only of two vectors (here: "
                                    f"{'a scalar' if not is_matrix(value) else 'a matrix'})", where)
        return value if value.shape[1] == 1 else value.T


def _nested_close(construct: Construct, nodes: list, i: int, closing: str) -> int:
    """Where the bracket opened at `nodes[i]` closes, brackets of its kind nested inside it
    counted (`\\lfloor \\lfloor x \\rfloor / 2 \\rfloor`)."""
    opening = nodes[i].token
    depth = 0
    for k in range(i, len(nodes)):
        depth += leaf_is(nodes[k], opening.text) - leaf_is(nodes[k], closing)
        if depth == 0:
            return k
    raise construct.reader.error(f"'{opening.text}' is never closed", opening.start)


def _with_postfix(construct: Construct, value: object, nodes: list, close: int, start: int) -> tuple[list, int]:
    """`value`, read from a bracket closing at `nodes[close]`, with the scripts written after it."""
    post, j = construct.reader.scripts.postfix(nodes, close + 1)
    return [Obj(construct.reader.scripts.group_sup(value, post, nodes, j), start, nodes[j - 1].end)], j
