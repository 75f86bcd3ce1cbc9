"""Limits: ``\\lim_{x \\to a} f``, ``\\lim\\limits_{...}``, ``\\underset{x \\to a}{\\lim} f``, read as
an unevaluated ``sympy.Limit`` (two-sided unless the point says ``0^+``, ``0^-``, ``0+`` or the
arrow is ``\\downarrow``/``\\uparrow``). The body is the product that follows, as for a sum."""

from __future__ import annotations

from typing import Optional

import sympy

from symcheck.read.arithmetic import product_end
from symcheck.read.nodes import Obj, leaf_is, leaf_text, matrix_valued
from symcheck.read.reader import Construct
from symcheck.read.tokens import Group

# the arrow of x \to a, and the side it approaches from ('+-': both)
ARROWS = {
    "\\to": "+-", "\\rightarrow": "+-", "\\longrightarrow": "+-",
    "\\downarrow": "+", "\\searrow": "+", "\\uparrow": "-", "\\nearrow": "-",
}
SIDES = {"+": "+", "-": "-"}


class Limits(Construct):
    """Reads \\lim with its variable, point and side, and the product that is its body."""

    HANDLES = {"\\lim": "limit", "\\underset": "under_limit"}

    def limit(self, nodes: list, i: int) -> tuple[list, int]:
        token = nodes[i].token
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        if post.sub is None or post.sup is not None or post.primes:
            raise self.reader.error("a limit needs its variable and point: \\lim_{x \\to a}", token.start)
        return self.body(nodes, j, post.sub, post.sub_start, token.start)

    def under_limit(self, nodes: list, i: int) -> tuple[list, int]:
        """\\underset{x \\to a}{\\lim} or \\underset{x \\to a}\\lim (\\underset is read over \\lim only)."""
        token = nodes[i].token
        below = self.reader.argument(nodes, i + 1, "\\underset's subscript")
        over = self.reader.argument(nodes, i + 2, "\\underset's operator")
        if len(over) != 1 or not leaf_is(over[0], "\\lim"):
            raise self.reader.error("\\underset is read only over \\lim", token.start)
        return self.body(nodes, i + 3, below, nodes[i + 1].start, token.start)

    def body(self, nodes: list, j: int, approach: list, approach_start: int, start: int) -> tuple[list, int]:
        variable, point, side = self.approach(approach, approach_start)
        items = self.reader.reduce(nodes[j:])
        k = self.next_limit(items, product_end(items, 0))
        if k == 0:
            raise self.reader.error("a limit without a body", nodes[j - 1].end)
        value = self.reader.combine(items[:k], items[0].start)
        if matrix_valued(value):
            raise self.reader.error("the limit of a matrix is not read", start)
        limit = sympy.Limit(value, variable, point, "+-" if point.is_infinite else side)
        return [Obj(limit, start, items[k - 1].end), *items[k:]], len(nodes)

    @staticmethod
    def next_limit(items: list, end: int) -> int:
        """The body ends before another limit: \\lim f \\, \\lim g is (\\lim f)(\\lim g)."""
        return next((k for k in range(1, end) if isinstance(items[k], Obj) and isinstance(items[k].value, sympy.Limit)), end)

    def approach(self, nodes: list, where: int) -> tuple[sympy.Symbol, sympy.Expr, str]:
        """x \\to a, x \\to a^+, x \\downarrow a: the variable, the point and the side."""
        arrow = next((k for k, node in enumerate(nodes) if leaf_text(node) in ARROWS), None)
        if arrow is None or arrow == 0 or arrow == len(nodes) - 1:
            raise self.reader.error("a limit's subscript must read x \\to a", where)
        variable = self.reader.value(nodes[:arrow], where)
        if not isinstance(variable, sympy.Symbol):
            raise self.reader.error("the variable of a limit must be a single name", nodes[0].start)
        point_nodes, side = nodes[arrow + 1:], ARROWS[leaf_text(nodes[arrow])]
        marked, taken = self.side_mark(point_nodes)
        if marked is not None:
            if side != "+-":
                raise self.reader.error("a limit's side is given twice", nodes[arrow].start)
            point_nodes, side = point_nodes[:-taken], marked
        point = self.reader.value(point_nodes, nodes[arrow].end)
        if not isinstance(point, sympy.Expr) or point.has(variable) or point is sympy.zoo:
            raise self.reader.error("a limit's point must be a scalar without its variable", nodes[arrow].end)
        if point.is_infinite and side != "+-":
            raise self.reader.error("a one-sided limit at infinity", nodes[arrow].end)
        return variable, point, side

    @staticmethod
    def side_mark(nodes: list) -> tuple[Optional[str], int]:
        """'+' or '-' for a point written a^+, a^{-} or a+ (None otherwise), and how many
        nodes the mark takes."""
        if len(nodes) >= 2 and leaf_text(nodes[-1]) in SIDES and not leaf_is(nodes[-2], "^"):
            return SIDES[leaf_text(nodes[-1])], 1
        if len(nodes) < 3 or not leaf_is(nodes[-2], "^"):
            return None, 0
        mark = nodes[-1]
        if isinstance(mark, Group) and mark.kind == "{" and len(mark.items) == 1:
            mark = mark.items[0]
        side = SIDES.get(leaf_text(mark))
        return side, (2 if side else 0)
