"""Sums written with an ellipsis: ``a_1 + a_2 + \\dots + a_n``."""

from __future__ import annotations

from typing import Optional

import sympy

from symcheck.read.arithmetic import terms_of
from symcheck.read.nodes import Obj
from symcheck.read.reader import Construct
from symcheck.read.tokens import Leaf


class EllipsisSums(Construct):
    """Finds ``t_1 + t_2 + \\dots + t_n`` among reduced items and reads it as a Sum."""

    def ellipsis(self, items: list) -> list:
        """t_1 + t_2 + \\dots + t_n -> Sum(t(k), (k, 1, n)), found from the first and last terms."""
        dots = [k for k, item in enumerate(items) if isinstance(item, Leaf) and item.token.kind == "dots"]
        if not dots:
            return items
        terms = terms_of(items)
        for position, (sign, start, end) in enumerate(terms):
            if end - start == 1 and start in dots:
                return self.ellipsis(self.read_ellipsis(items, terms, position))
        raise self.reader.error("cannot read this ellipsis (only 'a_1 + a_2 + \\dots + a_n' is read)", items[dots[0]].start)

    def read_ellipsis(self, items: list, terms: list, position: int) -> list:
        dots = items[terms[position][1]]
        if position == 0 or position + 1 >= len(terms) or terms[position][0] != "+" or terms[position + 1][0] != "+":
            raise self.reader.error("an ellipsis must sit between '+' terms: a_1 + \\dots + a_n", dots.start)
        last_sign, last_start, last_end = terms[position + 1]
        last = self.reader.combine(items[last_start:last_end], items[last_start].start)
        before = []
        for sign, start, end in reversed(terms[:position]):
            if sign == "-":
                break
            before.insert(0, self.reader.combine(items[start:end], items[start].start))
            if not sign:
                break
        found = ellipsis_sum(last, before)
        if found is None:
            raise self.reader.error("cannot find the pattern of this ellipsis sum", dots.start)
        value, used = found
        first_start = terms[position - used][1]
        obj = Obj(value, items[first_start].start, items[last_end - 1].end)
        return items[:first_start] + [obj] + items[last_end:]


def ellipsis_sum(last: object, before: list) -> Optional[tuple[object, int]]:
    """Sum(body, (t, s, upper)) when the terms before the ellipsis are body(s), body(s+1)..."""
    candidates: list = []
    for indexed in sympy.preorder_traversal(last):
        if isinstance(indexed, sympy.Indexed):
            candidates.extend(i for i in indexed.indices if not i.is_number)
    candidates.extend(s for s in getattr(last, "free_symbols", ()) if s.is_integer)
    taken = {s.name for s in getattr(last, "free_symbols", ())}
    bound = sympy.Symbol(next(n for n in ("t", "u", "v", "r", "q", "t_0") if n not in taken), integer=True)
    for upper in dict.fromkeys(candidates):
        body = last.xreplace({upper: bound})
        if body == last:
            continue
        for used in range(len(before), 0, -1):
            run = before[len(before) - used :]
            for first in (1, 0):
                if all(_same(body.xreplace({bound: first + n}), term) for n, term in enumerate(run)):
                    return sympy.Sum(body, (bound, first, upper)), used
    return None


def _same(a: object, b: object) -> bool:
    if a == b:
        return True
    try:
        return sympy.expand(a - b) == 0
    except (TypeError, ValueError, sympy.ShapeError):
        return False

