"""Brackets and environments: parenthesised groups and the entries they index
(``(Xw - y)_i``), list literals ``[a, b]``, matrices (``pmatrix`` ..., with ellipses read by
``symcheck.read.ellipses``) and ``cases``."""

from __future__ import annotations


import sympy

from symcheck.read.nodes import Obj, is_matrix, leaf_is, leaf_text, matrix_valued, split_at
from symcheck.read.reader import ENVIRONMENT, GROUP, Construct
from symcheck.read.tokens import Env, Group, Leaf
from symcheck.read.values import determinant_of, indicator_of

_SET_MARKS = frozenset({",", "|", "\\mid", ":", "=", "<", ">", "\\in", "\\le", "\\leq", "\\ge", "\\geq", "\\neq"})
MATRIX_ENVIRONMENTS = frozenset({"matrix", "pmatrix", "bmatrix", "Bmatrix", "smallmatrix"})


class Brackets(Construct):
    """Reads a bracketed group or an environment (matrix, cases)."""

    HANDLES = {GROUP: "group", ENVIRONMENT: "environment"}

    def group(self, nodes: list, i: int) -> tuple[list, int]:
        group: Group = nodes[i]
        if group.kind == "{" and any(leaf_is(n, "\\over") for n in group.items):
            return self.reader.fractions.over(nodes, i)
        if group.kind == "[" and any(leaf_text(n) in ("=", "\\neq", "\\ne") for n in group.items):
            return self.iverson(nodes, i)
        if group.kind == "[" and any(leaf_is(n, ",") for n in group.items):
            value: object = self.row_vector(group)
            post, j = self.reader.scripts.postfix(nodes, i + 1)
            return [Obj(self.reader.scripts.group_sup(value, post, nodes, j), group.start, nodes[j - 1].end)], j
        if group.kind in ("\\{", "\\lbrace") and not self.braces_grouping_a_matrix(nodes, i):
            raise self.reader.error("set braces \\{...\\} are only read in an indicator 1_{\\{i=j\\}} or around a "
                                    "vector or matrix after a number or a declared scalar (x\\left\\{A b\\right\\})", group.start)
        if group.kind == "(" and any(leaf_is(n, ",") for n in group.items):
            raise self.reader.error("a tuple is not an expression", group.start)
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        kind = self.reader.scripts.sup_kind(post.sup)
        if kind in ("transpose", "star"):
            value = self.reader.value(group.items, group.start)
            return [Obj(self.reader.scripts.group_sup(value, post, nodes, j), group.start, nodes[j - 1].end)], j
        if post.primes or kind == "label":
            raise self.reader.error("a prime or label on a bracket", post.sub_start or post.sup_start)
        value = self.reader.value(group.items, group.start)
        if post.sub is not None:
            value = self.reader.indices.entry(value, post.sub, post.sub_start)
            value = self.reader.scripts.apply_sup(value, post, lambda: None)
            return [Obj(value, group.start, nodes[j - 1].end)], j
        if post.sup is None:
            return [Obj(value, group.start, group.end, paren=True)], j
        raise_to = lambda inner: self.reader.scripts.apply_sup(inner, post, lambda: None)  # noqa: E731
        return [Obj(raise_to(value), group.start, nodes[j - 1].end, inner=value, raise_to=raise_to)], j

    def braces_grouping_a_matrix(self, nodes: list, i: int) -> bool:
        """`x\\left\\{\\mathbf{A}\\begin{bmatrix}1\\\\0\\end{bmatrix}\\right\\}`: braces around a vector or a
        matrix right after a number or a declared scalar (a coefficient, which cannot apply to
        them) group it. Anywhere else they stay unread: after a name (`\\mathrm{span}\\{v\\}`,
        `\\mathbb{E}\\{v\\}`, `\\sigma\\{Wv\\}`) they may hold a function's argument, alone a set,
        and around a scalar a fractional part {x}. A shape error inside is the reader's to report."""
        group: Group = nodes[i]
        if not self.coefficient_before(nodes, i) or any(leaf_text(n) in _SET_MARKS for n in group.items):
            return False
        return matrix_valued(self.reader.value(group.items, group.start))

    def coefficient_before(self, nodes: list, i: int) -> bool:
        """The node before `nodes[i]` is a number or a scalar the notation declares."""
        before = nodes[i - 1] if i > 0 else None
        if not isinstance(before, Leaf):
            return False
        token = before.token
        name = token.arg if token.kind == "name" else token.text if token.kind == "letter" else None
        return token.kind == "number" or name in self.table.scalars

    def iverson(self, nodes: list, i: int) -> tuple[list, int]:
        """[i = j], [i \\neq j]: Iverson's bracket, 1 when the condition holds, else 0."""
        group: Group = nodes[i]
        value = indicator_of(self.reader.conditions.condition(group.items, group.start))
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        return [Obj(self.reader.scripts.group_sup(value, post, nodes, j), group.start, nodes[j - 1].end)], j

    def row_vector(self, group: Group) -> object:
        entries = []
        for part in split_at(group.items, frozenset({","})):
            value = self.reader.value(part, group.start)
            if matrix_valued(value):
                raise self.reader.error("a list literal [a, b, c] holds scalars", group.start)
            entries.append(value)
        return sympy.ImmutableMatrix([entries])

    def environment(self, nodes: list, i: int) -> tuple[list, int]:
        env: Env = nodes[i]
        if env.name in MATRIX_ENVIRONMENTS:
            value: object = self.matrix(env)
        elif env.name == "vmatrix":  # |a b; c d|: the determinant of the matrix written out
            value = determinant_of(self.matrix(env))
        elif env.name == "cases":
            value = self.cases(env)
        else:
            raise self.reader.error(f"the environment {env.name} is not an expression", env.start)
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        return [Obj(self.reader.scripts.group_sup(value, post, nodes, j), env.start, nodes[j - 1].end)], j

    def rows(self, env: Env) -> list[list[list]]:
        rows = [split_at(row, frozenset({"&"})) for row in split_at(env.items, frozenset({"\\\\"}))]
        while rows and rows[-1] == [[]]:
            rows.pop()
        if not rows:
            raise self.reader.error("an empty environment", env.start)
        return rows

    def matrix(self, env: Env) -> object:
        rows = self.rows(env)
        if any(dots_in(cell) for row in rows for cell in row):
            return self.reader.ellipses.matrix(rows, env.start)
        if len({len(row) for row in rows}) != 1:
            raise self.reader.error("matrix rows of different lengths", env.start)
        cells = [[self.reader.value(cell, env.start) for cell in row] for row in rows]
        if any(is_matrix(c) for row in cells for c in row):
            try:
                blocks = sympy.BlockMatrix(cells)
            except Exception:  # scalars among blocks, shapes that do not tile
                raise self.reader.error(
                    "matrix blocks do not fit: blocks in a row need as many rows, blocks in a column as many "
                    "columns, and a block cannot sit beside a scalar", env.start
                ) from None
            if all(isinstance(c, sympy.MatrixBase) for row in cells for c in row):
                return sympy.ImmutableMatrix(blocks.as_explicit())
            return blocks
        return sympy.ImmutableMatrix(cells)

    def cases(self, env: Env) -> object:
        pieces = []
        for row in self.rows(env):
            for cell in row:
                if dots_in(cell):
                    raise self.reader.error("cannot read cases written with an ellipsis", dots_in(cell)[0].start)
            if len(row) != 2 or not row[0]:
                raise self.reader.error("a case needs 'value & condition'", env.start)
            value = self.reader.value(_unpunctuated(row[0]), env.start)
            condition_nodes = self.reader.conditions.condition_nodes(_unpunctuated(row[1]))
            pieces.append((value, self.reader.conditions.condition(condition_nodes, env.start)))
        return sympy.Piecewise(*pieces)



def _unpunctuated(cell: list) -> list:
    """A case's value or condition without the comma or full stop that ends it in prose
    (`1, & x > 0,`)."""
    end = len(cell)
    while end and isinstance(cell[end - 1], Leaf) and leaf_text(cell[end - 1]) in (",", "."):
        end -= 1
    return cell[:end]


def dots_in(cell: list) -> list:
    """The ellipses (\\cdots, \\vdots, \\ddots ...) among a cell's nodes."""
    return [node for node in cell if isinstance(node, Leaf) and node.token.kind == "dots"]
