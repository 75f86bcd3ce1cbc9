"""Conditions of cases and indicators: ``i = j``, ``i \\neq j``, conjunctions,
``otherwise``."""

from __future__ import annotations

from typing import Callable

import sympy

from symcheck.read.nodes import flatten, leaf_is, leaf_text, split_at
from symcheck.read.reader import Construct
from symcheck.read.tokens import Leaf, build_tree
from symcheck.read.tidy import condition_text, function_words

RELATION_BUILDERS: dict[str, Callable] = {
    "=": sympy.Eq,
    "\\neq": sympy.Ne,
    "\\ne": sympy.Ne,
    "<": sympy.Lt,
    "\\lt": sympy.Lt,
    ">": sympy.Gt,
    "\\gt": sympy.Gt,
    "\\le": sympy.Le,
    "\\leq": sympy.Le,
    "\\leqslant": sympy.Le,
    "\\ge": sympy.Ge,
    "\\geq": sympy.Ge,
    "\\geqslant": sympy.Ge,
}


class Conditions(Construct):
    """Reads a condition: relations joined by ',' (and words meaning 'and')."""

    def condition(self, nodes: list, start: int) -> sympy.Basic:
        if not nodes:
            raise self.reader.error("empty condition", start)
        if len(nodes) == 1 and isinstance(nodes[0], Leaf) and nodes[0].token.kind == "word":
            if (nodes[0].token.arg or "").strip().rstrip(".,") in ("otherwise", "else", "otherwise (as const)"):
                return sympy.true
        if any(isinstance(n, Leaf) and n.token.kind == "word" and "otherwise" in (n.token.arg or "") for n in nodes):
            return sympy.true
        alternatives = split_at(nodes, frozenset({"\\lor"}))
        if len(alternatives) > 1:  # `n = 2 \lor n = 1`: either case
            return sympy.Or(*[self.condition(alternative, start) for alternative in alternatives])
        clauses = [part for part in split_at(nodes, frozenset({",", ";"})) if part]
        if not clauses:
            raise self.reader.error("empty condition", start)
        return sympy.And(*[self.relation(clause) for clause in clauses])

    def relation(self, nodes: list) -> sympy.Basic:
        where = nodes[0].start
        sides: list[list] = [[]]
        ops: list[str] = []
        for node in nodes:
            text = leaf_text(node)
            if text in RELATION_BUILDERS:
                if text == "=" and ops and not sides[-1] and ops[-1] == "=":
                    continue  # '==' is '='
                if text == "=" and ops and not sides[-1] and ops[-1] in (">", "<"):
                    ops[-1] = "\\ge" if ops[-1] == ">" else "\\le"  # '>=' is \ge, '<=' is \le
                    continue
                if text == "=" and sides[-1] and leaf_is(sides[-1][-1], "!"):
                    sides[-1].pop()
                    text = "\\neq"  # '!='
                ops.append(text)
                sides.append([])
            else:
                sides[-1].append(node)
        if not ops:
            raise self.reader.error("a condition needs a relation (=, \\neq, <, ...)", where)
        values = [self.reader.value(side, where) for side in sides]
        parts = [RELATION_BUILDERS[op](a, b) for op, a, b in zip(ops, values, values[1:])]
        return sympy.And(*parts)

    def condition_nodes(self, nodes: list) -> list:
        tokens = flatten(nodes)
        cleaned = self.reader.notation.mark_names(function_words(condition_text(tokens)))
        return build_tree(cleaned, self.reader.latex)

