"""Function commands (``\\log``, ``\\sin^2``, ``\\sqrt[n]``), ``diag`` and ``tr``, and element-wise
operators (``\\odot``, ``\\oslash``, ``\\otimes``)."""

from __future__ import annotations


import sympy

from symcheck.read.guards import note
from symcheck.read.nodes import Func, Obj, leaf_text, matrix_valued, one_by_one_entry, split_at
from symcheck.read.reader import Construct
from symcheck.read.environments import MATRIX_ENVIRONMENTS
from symcheck.read.tokens import Env, Group
from symcheck.read.values import (
    ELEMENTWISE, MATRIX_FUNCTIONS, TRIGONOMETRY, describe, mismatch, vector_of_entries,
)

SET_BRACES = frozenset({"\\{", "\\lbrace"})
FUNCTION_COMMANDS = frozenset({"\\ln", "\\log", "\\exp", *TRIGONOMETRY})


_MATRIX_WORDS = {"det": "determinant", "tr": "trace", "Tr": "trace"}


class Functions(Construct):
    """Reads function commands, \\sqrt, diag, and the element-wise operators."""

    HANDLES = {
        "\\sqrt": "sqrt",
        "\\binom": "binomial",
        "\\dbinom": "binomial",
        "\\tbinom": "binomial",
        "\\det": "determinant",
        "\\max": "extremum",
        "\\min": "extremum",
        **{name: "function_command" for name in FUNCTION_COMMANDS},
    }

    def function_command(self, nodes: list, i: int) -> tuple[list, int]:
        """\\log, \\ln, \\exp, \\sin ...: left to latex2sympy2, \\log meaning the natural log."""
        token = nodes[i].token
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        self.reader.scripts.no_primes(post)
        base = self.reader.value(post.sub, post.sub_start) if post.sub is not None else None
        power = self.reader.value(post.sup, post.sup_start) if post.sup is not None else None
        func = Func(token.text, token.start, nodes[j - 1].end, base, power)
        if j < len(nodes) and isinstance(nodes[j], Group) and nodes[j].kind in SET_BRACES:
            return [func, self.braced_argument(nodes, j)], j + 1
        return [func], j

    def braced_argument(self, nodes: list, j: int) -> Obj:
        """\\exp \\left\\{ x \\right\\}: braces after a function group its argument, as parentheses do.
        A script after them is refused: it could be the function's or the argument's."""
        group: Group = nodes[j]
        post, _ = self.reader.scripts.postfix(nodes, j + 1)
        if post.sub is not None or post.sup is not None or post.primes:
            raise self.reader.error("a script after the braces of a function's argument: put the whole in brackets", group.end)
        return Obj(self.reader.value(group.items, group.start), group.start, group.end, paren=True)

    def extremum(self, nodes: list, i: int) -> tuple[list, int]:
        """\\max(x, y), \\min(a, b, c): the largest (smallest) of two or more scalars. A maximum
        over an index (\\max_k o_k) is not read: its range and terms are not written."""
        token = nodes[i].token
        j = i + 1
        if j >= len(nodes) or not isinstance(nodes[j], Group) or nodes[j].kind not in ("(", "\\{", "\\lbrace"):
            raise self.reader.error(f"{token.text} is read only of a list in brackets ({token.text}(x, y)); "
                                    "over an index its range and terms are not written", token.start)
        parts = split_at(nodes[j].items, frozenset({","}))
        if len(parts) < 2 or any(not part for part in parts):
            raise self.reader.error(f"{token.text} needs two or more values: {token.text}(x, y)", nodes[j].start)
        values = [one_by_one_entry(self.reader.value(part, nodes[j].start)) for part in parts]
        if any(matrix_valued(value) for value in values):
            raise self.reader.error(f"{token.text} of a vector or matrix: it is read of scalars only", nodes[j].start)
        function = sympy.Max if token.text == "\\max" else sympy.Min
        post, k = self.reader.scripts.postfix(nodes, j + 1)
        value = self.reader.scripts.group_sup(function(*values), post, nodes, k)
        return [Obj(value, token.start, nodes[k - 1].end)], k

    def binomial(self, nodes: list, i: int) -> tuple[list, int]:
        """\\binom{n}{k}: n choose k, of scalars."""
        token = nodes[i].token
        top = self.reader.value(self.reader.argument(nodes, i + 1, "argument of \\binom"), token.start)
        bottom = self.reader.value(self.reader.argument(nodes, i + 2, "second argument of \\binom"), token.start)
        if matrix_valued(top) or matrix_valued(bottom):
            raise self.reader.error("\\binom needs two scalars", token.start)
        post, j = self.reader.scripts.postfix(nodes, i + 3)
        value = self.reader.scripts.group_sup(sympy.binomial(top, bottom), post, nodes, j)
        return [Obj(value, token.start, nodes[j - 1].end)], j

    def sqrt(self, nodes: list, i: int) -> tuple[list, int]:
        token = nodes[i].token
        j = i + 1
        degree: object = 2
        if j < len(nodes) and isinstance(nodes[j], Group) and nodes[j].kind == "[":
            degree = self.reader.value(nodes[j].items, nodes[j].start)
            j += 1
        radicand = one_by_one_entry(self.reader.value(self.reader.argument(nodes, j, "argument of \\sqrt"), token.start))
        if matrix_valued(radicand):
            raise self.reader.error("a square root of a matrix", token.start)
        post, k = self.reader.scripts.postfix(nodes, j + 1)  # \\sqrt{x}^2: a power of the root
        value = self.reader.scripts.group_sup(note(sympy.root(radicand, degree)), post, nodes, k)
        return [Obj(value, token.start, nodes[k - 1].end)], k

    def determinant(self, nodes: list, i: int) -> tuple[list, int]:
        """\\det(A): the determinant of the bracket after it."""
        return self.matrix_function(nodes, i, "det")

    def matrix_function(self, nodes: list, i: int, word: str = "") -> tuple[list, int]:
        """\\operatorname{diag}(p), \\operatorname{tr}(A), \\det(A): a matrix function of the bracket after it."""
        token = nodes[i].token
        word = word or (token.arg or "").strip()
        j = i + 1
        if j < len(nodes) and isinstance(nodes[j], Env) and nodes[j].name in MATRIX_ENVIRONMENTS:
            argument_value = self.reader.environments.matrix(nodes[j])  # \det\begin{pmatrix} ... \end{pmatrix}
        elif j >= len(nodes) or not isinstance(nodes[j], Group) or nodes[j].kind not in ("(", "{", "["):
            raise self.reader.error(f"{word} needs its argument in brackets: {token.text}(A)", token.start)
        else:
            argument_value = self.reader.value(nodes[j].items, nodes[j].start)
        if word != "diag":
            self.reader.refuse_as_number(argument_value, f"the {_MATRIX_WORDS.get(word, word)}", token.start)
        try:
            value = MATRIX_FUNCTIONS[word](self.along_index(argument_value, word, token.start))
        except ValueError as error:
            raise self.reader.error(str(error), token.start) from None
        post, k = self.reader.scripts.postfix(nodes, j + 1)
        if post.sub is not None and not post.primes:  # diag(p)_{ij}: an entry
            value = self.reader.indices.entry(value, post.sub, post.sub_start)
            return [Obj(self.reader.scripts.apply_sup(value, post, lambda: None), token.start, nodes[k - 1].end)], k
        return [Obj(self.reader.scripts.group_sup(value, post, nodes, k), token.start, nodes[k - 1].end)], k

    def along_index(self, value: object, word: str, where: int) -> object:
        """diag(s_i (1 - s_i)): a scalar with one free declared index is the vector of its
        values over that index's range; other values are left as they are."""
        if word != "diag" or matrix_valued(value):
            return value
        free = sorted((s for s in value.free_symbols if s in self.table.index_ranges), key=str)
        if len(free) != 1:
            which = "no declared index" if not free else "several indices (" + ", ".join(map(str, free)) + ")"
            raise self.reader.error(f"diag of {describe(value)} with {which}: diag needs a vector, or an entry with one index", where)
        return vector_of_entries(value, free[0], *self.table.index_ranges[free[0]])

    def elementwise(self, items: list) -> list:
        """a \\odot b, a \\oslash b, a \\otimes b, left to right, binding tighter than *."""
        k = 0
        while k < len(items):
            op = leaf_text(items[k])
            if op not in ELEMENTWISE:
                k += 1
                continue
            if k == 0 or not isinstance(items[k - 1], Obj):
                raise self.reader.error(f"{op} needs a left operand", items[k].start)
            left = items[k - 1].value
            right, end = self.reader.operand(items, k + 1, items[k].end)
            try:
                value = ELEMENTWISE[op](left, right)
            except Exception as error:  # SymPy: TypeError, ShapeError, NotImplementedError ...
                raise self.reader.error(mismatch(f"apply {op} to", left, right, error), items[k].start) from None
            # the new Obj sits at k - 1; items[k] is what follows it
            items = items[: k - 1] + [Obj(value, items[k - 1].start, items[end - 1].end)] + items[end:]
        return items

