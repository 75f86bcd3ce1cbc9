"""Fractions and derivatives: ``\\frac{a}{b}``, ``{a \\over b}``, ``\\frac{d}{dx}``,
``\\frac{\\partial L}{\\partial w}``."""

from __future__ import annotations

from typing import Optional

import sympy

from symcheck.read.nodes import Obj, leaf_is, why
from symcheck.read.reader import Construct
from symcheck.read.tokens import Group, Leaf
from symcheck.read.values import divide_values


class Fractions(Construct):
    """Reads a fraction: a quotient, or a derivative when its parts are differentials."""

    HANDLES = {"\\frac": "frac", "\\dfrac": "frac", "\\tfrac": "frac"}

    def frac(self, nodes: list, i: int) -> tuple[list, int]:
        numerator = self.reader.argument(nodes, i + 1, "numerator")
        denominator = self.reader.argument(nodes, i + 2, "denominator")
        produced, took_rest = self.fraction(numerator, denominator, nodes[i].start, nodes[i + 2].end, nodes[i + 3 :])
        return produced, len(nodes) if took_rest else i + 3

    def fraction(self, numerator: list, denominator: list, start: int, end: int, rest: list) -> tuple[list, bool]:
        """An ordinary fraction (left to latex2sympy2) or a derivative (read here); True
        when a derivative operator took its operand from ``rest``."""
        top, bottom = self.differential(numerator), self.differential(denominator)
        if top is not None and bottom:
            return self.derivative(top, bottom, start, end, rest), not top
        top_value = self.reader.value(numerator, start)
        bottom_value = self.reader.value(denominator, start)
        try:
            value = divide_values(top_value, bottom_value)
        except Exception as error:  # SymPy: TypeError, ShapeError, NotImplementedError ...
            raise self.reader.error(f"cannot divide these: {why(error)}", start) from None
        return [Obj(value, start, end)], False

    def over(self, nodes: list, i: int) -> tuple[list, int]:
        """{a \\over b} is \\frac{a}{b}."""
        group: Group = nodes[i]
        cut = next(k for k, n in enumerate(group.items) if leaf_is(n, "\\over"))
        numerator, denominator = group.items[:cut], group.items[cut + 1 :]
        if not numerator or not denominator:
            raise self.reader.error("\\over needs a numerator and a denominator", group.items[cut].start)
        produced, _ = self.fraction(numerator, denominator, group.start, group.end, [])
        return produced, i + 1

    def differential(self, nodes: list) -> Optional[list]:
        """The nodes after a leading d, \\partial or \\delta (None if there is none)."""
        if not nodes:
            return None
        first = nodes[0]
        if len(nodes) > 1 and leaf_is(nodes[1], "_"):
            return None  # d_i, \delta_{ij}: a name, not a differential
        if leaf_is(first, "\\partial", "\\delta") or (isinstance(first, Leaf) and first.token.kind == "letter" and first.token.text == "d"):
            if len(nodes) > 1 and leaf_is(nodes[1], "^"):
                raise self.reader.error("higher-order derivatives are not supported", nodes[1].start)
            return nodes[1:]
        return None

    def derivative(self, top: list, bottom: list, start: int, end: int, rest: list) -> list:
        wrt = self.reader.value(bottom, bottom[0].start)
        if not getattr(wrt, "_diff_wrt", False):
            raise self.reader.error(f"cannot differentiate by {wrt}", bottom[0].start)
        if top:
            expr = self.reader.value(top, top[0].start)
            return [Obj(self._derivative(expr, wrt, start), start, end)]
        items = self.reader.reduce(rest)
        operand, k = self.reader.operand(items, 0, start)
        return [Obj(self._derivative(operand, wrt, start), start, items[k - 1].end), *items[k:]]

    def _derivative(self, expr: object, wrt: object, where: int) -> object:
        try:
            return sympy.Derivative(expr, wrt, evaluate=False)
        except (ValueError, TypeError) as error:
            raise self.reader.error(f"cannot build this derivative: {why(error)}", where) from None

