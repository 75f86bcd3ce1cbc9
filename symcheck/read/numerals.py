"""Numbers, and the indicator written with a 1: ``1_{\\{i=j\\}}``, ``\\mathbb{1}_{i=j}``."""

from __future__ import annotations

import re

import sympy

from symcheck.read.nodes import RELATIONS, Obj, leaf_is, leaf_text
from symcheck.read.reader import Construct
from symcheck.read.tokens import Group, Leaf, Token
from symcheck.read.values import indicator_of

# what separates groups of three digits: spaces, \, (thin space), ~, \ (a space)
THOUSANDS_GAP = re.compile(r"(?:\s|\\,|~|\\ |\\thinspace\b)+")


class Numbers(Construct):
    """Reads a number (with its power) or an indicator written with a 1."""

    HANDLES = {"number": "number", "!": "factorial"}

    def factorial(self, nodes: list, i: int) -> tuple[list, int]:
        """``x!^{k}``: a superscript after ``!`` is a power of the factorial (its argument taken by
        TeX's rule: one token or a group); the arithmetic applies ``!`` and then ``^``. ``n!!``
        is left unread: it is the double factorial, never (n!)!, which it was read as."""
        if i + 1 < len(nodes) and isinstance(nodes[i + 1], Leaf) and nodes[i + 1].token.text == "!":
            raise self.reader.error("a double factorial (n!! = n(n-2)(n-4)...) is not read; for the factorial of "
                                    "a factorial write (n!)!", nodes[i].start)
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        if post.sup is None and post.sub is None and not post.primes:
            return [nodes[i]], i + 1
        if post.sub is not None:
            raise self.reader.error("a subscript after a factorial", post.sub_start)
        self.reader.scripts.no_primes(post)
        caret = Leaf(Token("char", "^", post.sup_start - 1, post.sup_start))
        return [nodes[i], caret, Obj(self.reader.value(post.sup, post.sup_start), post.sup_start, nodes[j - 1].end)], j

    def number(self, nodes: list, i: int) -> tuple[list, int]:
        token = nodes[i].token
        if token.text == "1" and self.indicator_follows(nodes, i + 1):
            return self.indicator(nodes, i)
        text, i = self.grouped(nodes, i)
        if self.exponent_follows(nodes, i):
            raise self.reader.error("a number in programming notation (1e-3): write 1 \\times 10^{-3}, "
                                    "or e times a number with a space or \\cdot", nodes[i + 1].start)
        if i + 1 < len(nodes) and isinstance(nodes[i + 1], Leaf) and nodes[i + 1].token.kind == "number":
            raise self.reader.error(
                "two numbers side by side: write \\cdot for a product, or group digits by three (1\\,000)", nodes[i + 1].start
            )
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        if post.sub is not None:
            raise self.reader.error("a subscript on a number", post.sub_start)
        self.reader.scripts.no_primes(post)
        if post.sup is not None and self.reader.scripts.sup_kind(post.sup) != "power":
            raise self.reader.error("this superscript on a number", post.sup_start)
        value = self.reader.scripts.apply_sup(sympy.Rational(text), post, lambda: None)
        return [Obj(value, token.start, nodes[j - 1].end)], j

    def exponent_follows(self, nodes: list, i: int) -> bool:
        """1e-3, 2.5E4: the numeral at `i` runs into an e, an optional sign and digits with
        nothing between them, as programs write 10^{-3}. Read as written it is 1 \\cdot e - 3,
        which nobody means; neither reading is taken."""
        run = [node.token for node in nodes[i : i + 4] if isinstance(node, Leaf)]
        if len(run) > 2 and run[2].text in ("+", "-"):
            run = run[:4]
        else:
            run = run[:3]
        touching = all(a.end == b.start for a, b in zip(run, run[1:]))
        return (len(run) >= 3 and touching and run[1].kind == "letter" and run[1].text in ("e", "E")
                and run[-1].kind == "number")

    def text_numeral(self, nodes: list, i: int, content: str) -> tuple[list, int]:
        """\\text{1 000}: a numeral written in text."""
        token = nodes[i].token
        value = sympy.Integer(re.sub(r"[ ~]", "", content))
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        value = self.reader.scripts.group_sup(value, post, nodes, j)
        return [Obj(value, token.start, nodes[j - 1].end)], j

    def grouped(self, nodes: list, i: int) -> tuple[str, int]:
        """1\\,000 000: digits in groups of three after a group of one to three, apart by a
        space or a thin space, are one numeral (the text, and the index of its last group)."""
        text = nodes[i].token.text
        if not (text.isdigit() and len(text) <= 3):
            return text, i
        while i + 1 < len(nodes) and self.thousands(nodes[i], nodes[i + 1]):
            i += 1
            text += nodes[i].token.text
        return text, i

    def thousands(self, before: object, after: object) -> bool:
        if not (isinstance(after, Leaf) and after.token.kind == "number"):
            return False
        group = after.token.text
        between = self.reader.latex[before.end : after.start]
        return len(group) == 3 and group.isdigit() and THOUSANDS_GAP.fullmatch(between) is not None

    def indicator_follows(self, nodes: list, j: int) -> bool:
        if j >= len(nodes):
            return False
        node = nodes[j]
        if leaf_is(node, "_") or (isinstance(node, Group) and node.kind == "\\{"):
            return True
        if isinstance(node, Group) and node.kind in ("(", "["):
            return any(leaf_text(n) in RELATIONS for n in node.items)
        return False

    def indicator(self, nodes: list, i: int) -> tuple[list, int]:
        """1_{\\{i=j\\}}, 1\\{i=j\\}, 1(i=j), 1[i=j], \\mathbb{1}_{i=j} -> KroneckerDelta(i, j)."""
        start = nodes[i].start
        j = i + 1
        if j < len(nodes) and leaf_is(nodes[j], "_"):
            inner = self.reader.argument(nodes, j + 1, "condition")
            j += 2
        elif j < len(nodes) and isinstance(nodes[j], Group) and nodes[j].kind in ("\\{", "(", "["):
            inner = [nodes[j]]
            j += 1
        else:
            raise self.reader.error("an indicator needs a condition: 1_{\\{i=j\\}}", start)
        if len(inner) == 1 and isinstance(inner[0], Group) and inner[0].kind in ("\\{", "(", "{", "["):
            inner = inner[0].items
        condition = self.reader.conditions.condition(inner, start)
        return [Obj(indicator_of(condition), start, nodes[j - 1].end)], j

