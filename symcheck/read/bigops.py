"""Big operators: ``\\sum`` and ``\\prod`` with their limits (or a declared index range),
and ``\\int`` with or without limits."""

from __future__ import annotations


import sympy

from symcheck.model.symbols import MatrixSum
from symcheck.read.arithmetic import product_end
from symcheck.read.frac import is_differential
from symcheck.read.nodes import Obj, Postfix, leaf_text, matrix_valued, source_text, split_at
from symcheck.read.reader import Construct


class BigOperators(Construct):
    """Reads \\sum and \\prod: index, limits and the product that is the body."""

    HANDLES = {"\\sum": "big_operator", "\\prod": "big_operator", "\\int": "integral"}

    def big_operator(self, nodes: list, i: int) -> tuple[list, int]:
        token = nodes[i].token
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        if post.sub is None:
            raise self.reader.error(f"{token.text} needs an index: {token.text}_{{k=1}}^N", token.start)
        self.reader.scripts.no_primes(post)
        ranges = self.all_limits(post, token.start)
        items = self.reader.reduce(nodes[j:])
        k = product_end(items, 0)
        if k == 0:
            raise self.reader.error(f"{token.text} without a body", nodes[j - 1].end if j else token.end)
        body = self.reader.combine(items[:k], items[0].start)
        build = sympy.Sum if token.text == "\\sum" else sympy.Product
        if build is sympy.Sum and matrix_valued(body):  # a sum of vectors: sum_j c_j u_j
            build = lambda value, limit: MatrixSum(value, limit)  # noqa: E731
        value = body
        for index, lower, upper, excluded in reversed(ranges):
            if excluded is not None:
                value = value * (1 - sympy.KroneckerDelta(index, excluded))
            try:
                value = build(value, (index, lower, upper))
            except (ValueError, TypeError):
                raise self.reader.error(
                    f"cannot build this {token.text[1:]}: its index {index} runs from {lower} to {upper}, which must be scalars",
                    token.start,
                ) from None
        return [Obj(value, token.start, items[k - 1].end), *items[k:]], len(nodes)

    def all_limits(self, post: Postfix, where: int) -> list[tuple]:
        """\\sum_{k=1}^N: one index; \\sum_{i, j}: one sum per declared index, outermost first."""
        names = split_at(post.sub, frozenset({","}))
        if len(names) == 1 or post.sup is not None or any(len(part) != 1 for part in names):
            return [self.limits(post, where)]
        return [self.limits(Postfix(sub=part, sub_start=part[0].start), where) for part in names]

    def limits(self, post: Postfix, where: int) -> tuple:
        sub = post.sub
        split = next((k for k, n in enumerate(sub) if leaf_text(n) in ("=", "\\neq", "\\ne", "\\in")), None)
        head = sub if split is None else sub[:split]
        index = self.reader.value(head, post.sub_start) if head else None
        if not isinstance(index, sympy.Symbol):
            raise self.reader.error("the summation index must be a single name", post.sub_start)
        declared = self.table.range_of(index)
        if split is not None and leaf_text(sub[split]) == "\\in":  # \sum_{i \in \mathcal{V}}: a declared index set
            declared = self.table.set_range(source_text(sub[split + 1 :]))
            if declared is None or post.sup is not None:
                raise self.reader.error("a sum over a set needs the set declared as an index's `set`", sub[split].start)
            split = None
        lower = upper = excluded = None
        if split is not None and leaf_text(sub[split]) == "=":
            lower = self.reader.value(sub[split + 1 :], sub[split].start)
        elif split is not None:
            excluded = self.reader.value(sub[split + 1 :], sub[split].start)
        if post.sup is not None:
            upper = self.reader.value(post.sup, post.sup_start)
        if (lower is None or upper is None) and declared is None:
            raise self.reader.error(f"no range for {index}: give the limits or declare the index", sub[0].start)
        lower = declared[0] if lower is None else lower
        upper = declared[1] if upper is None else upper
        return index, lower, upper, excluded

    def integral(self, nodes: list, i: int) -> tuple[list, int]:
        """\\int_a^b f \\, dx (or \\mathrm{d}x): the last differential closes the integrand."""
        token = nodes[i].token
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        self.reader.scripts.no_primes(post)
        k = next((k for k in range(len(nodes) - 2, j - 1, -1) if is_differential(nodes[k]) and leaf_text(nodes[k]) != "\\partial"), None)
        if k is None:
            raise self.reader.error("an integral needs its differential: \\int f(x) \\, dx", token.start)
        variable = self.reader.value(nodes[k + 1 : k + 2], nodes[k].start)
        if not isinstance(variable, sympy.Symbol):
            raise self.reader.error("the variable of integration must be a single name", nodes[k].start)
        body = self.reader.value(nodes[j:k], token.start) if k > j else sympy.Integer(1)
        if (post.sub is None) != (post.sup is None):
            raise self.reader.error("an integral needs both limits, or none", token.start)
        limits = variable
        if post.sub is not None:
            limits = (variable, self.reader.value(post.sub, post.sub_start), self.reader.value(post.sup, post.sup_start))
        if matrix_valued(body):
            raise self.reader.error("the integral of a matrix is not read", token.start)
        return [Obj(sympy.Integral(body, limits), token.start, nodes[k + 1].end)], k + 2
