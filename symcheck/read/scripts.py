"""Sub- and superscripts after an atom: ``_``, ``^``, primes; what a superscript
means (a power, a transpose ``^\\top``, a conjugate ``^*``, a label ``^{(j)}``)."""

from __future__ import annotations

from typing import Callable, Optional

import sympy

from symcheck.read.nodes import Postfix, leaf_is
from symcheck.read.reader import Construct
from symcheck.read.tokens import Group, Leaf
from symcheck.read.values import mismatch, power, transpose

TRANSPOSE_MARKS = frozenset({"T", "\\top", "\\intercal", "\\mathsf{T}", "\\mathrm{T}", "\\text{T}"})
STAR_MARKS = frozenset({"*", "\\ast", "\\star"})


class Scripts(Construct):
    """Reads the ``_ ^ '`` after an atom and applies a superscript to a value."""

    def postfix(self, nodes: list, j: int) -> tuple[Postfix, int]:
        post = Postfix()
        while j < len(nodes):
            node = nodes[j]
            if leaf_is(node, "_"):
                if post.sub is not None:
                    raise self.reader.error("double subscript", node.start)
                post.sub, post.sub_start = self.reader.argument(nodes, j + 1, "subscript"), node.start
                j += 2
            elif leaf_is(node, "^"):
                sup = self.reader.argument(nodes, j + 1, "superscript")
                if len(sup) == 1 and leaf_is(sup[0], "\\prime"):
                    post.primes += 1
                elif len(sup) == 1 and leaf_is(sup[0], "'"):
                    raise self.reader.error("a prime inside a superscript (n^{'}) is not read: a derivative, or a name "
                                            "of its own (n', a new value)?", node.start)
                elif post.sup is not None:
                    raise self.reader.error("double superscript", node.start)
                else:
                    post.sup, post.sup_start = sup, node.start
                j += 2
            elif leaf_is(node, "'"):
                post.primes += 1
                j += 1
            else:
                break
        return post, j

    @staticmethod
    def sup_kind(sup: Optional[list]) -> str:
        if sup is None:
            return "none"
        if len(sup) == 1:
            node = sup[0]
            text = node.token.text if isinstance(node, Leaf) else None
            if text in TRANSPOSE_MARKS or (isinstance(node, Leaf) and node.token.kind == "name" and node.token.arg == "T"):
                return "transpose"
            if text in STAR_MARKS:
                return "star"
            if isinstance(node, Group) and node.kind == "(":
                return "label"
        return "power"

    def apply_sup(self, value: object, post: Postfix, label: Callable[[], object]) -> object:
        kind = self.sup_kind(post.sup)
        if kind == "transpose":
            self.reader.refuse_as_number(value, "a transpose", post.sup_start)
            return transpose(value)
        if kind == "star":
            return self.starred(value, post)
        if kind == "label":
            return label()
        if kind == "power":
            exponent = self.reader.value(post.sup, post.sup_start)
            try:
                return power(value, exponent)
            except Exception as error:  # SymPy: TypeError, ShapeError, NotImplementedError ...
                raise self.reader.error(mismatch("raise", value, exponent, error), post.sup_start) from None
        return value

    def starred(self, value: object, post: Postfix) -> object:
        """x^*: the conjugate of a value written with the imaginary unit. Names are sampled
        as reals, where a conjugate is the value itself, so on them the star is a decoration
        (the optimum w^* of a note), never the value: a scalar name becomes a name of its
        own, and anything else is refused with what to declare."""
        if isinstance(value, sympy.Basic) and value.has(sympy.I):
            return sympy.conjugate(value)
        if isinstance(value, sympy.Symbol):
            return sympy.Symbol(f"{value.name}^*", **value.assumptions0)
        raise self.reader.error(
            f"{sympy.latex(value)}^* is real, so its star is not a conjugate: declare the starred name as a "
            "symbol of its own (its spelling in latex = [...])", post.sup_start)

    def group_sup(self, value: object, post: Postfix, nodes: list, j: int) -> object:
        if post.sub is not None or post.primes:
            raise self.reader.error("a subscript or prime on a bracket", post.sub_start or post.sup_start)
        return self.apply_sup(value, post, lambda: self.label_error(post))

    def sup_only(self, value: object, post: Postfix) -> object:
        if self.sup_kind(post.sup) == "label":
            return value
        return self.apply_sup(value, post, lambda: self.label_error(post))

    def no_primes(self, post: Postfix) -> None:
        if post.primes:
            raise self.reader.error("a prime (') needs a function and its argument", post.sub_start or post.sup_start)

    def label_error(self, post: Postfix) -> object:
        raise self.reader.error("a parenthesised superscript here is not an index", post.sup_start)

