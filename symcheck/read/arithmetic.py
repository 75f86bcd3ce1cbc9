"""Arithmetic over reduced items (values, function commands, operator leaves), read here
with latex2sympy2's precedence, and latex2sympy2's own tree rebuilt over placeholders
when the fast path declines."""

from __future__ import annotations

import functools
from typing import Callable, Optional

import sympy

from symcheck.read.backend import ShapeMismatch, bounded_factorial
from symcheck.read.nodes import (
    ADD_OPS, ELEMENTWISE_OPS, MUL_OPS, Func, Leaf, Obj, leaf_text, matrix_valued, one_by_one_entry,
)
from symcheck.read.values import (
    add, apply_function, divide_values, mismatch, multiply, power, shapes_disagree, subtract,
)

ErrorAt = Callable[[str, int], Exception]
VERBS = {add: "add", subtract: "subtract", multiply: "multiply", divide_values: "divide", power: "raise"}

class _Decline(Exception):
    """The fast arithmetic leaves this to latex2sympy2 (which reports errors with columns)."""


class Arithmetic:
    """Arithmetic over reduced items: a sum of terms; a term is factors joined by * /
    \\cdot \\times \\div; a factor is a signed run of juxtaposed primaries (``-a b`` is
    -(a b); ``a / b c`` is not read at all, see `ambiguous_division`); a function without
    parentheses takes the factor after it, up to an operator or the next function
    (``\\log x y`` is log(x y), ``\\sin 2x`` is sin(2x), ``\\sin x / x`` is sin(x)/x,
    ``\\ln x \\cdot y`` is ln(x) y, ``\\sec x \\cos x`` is sec(x) cos(x)). latex2sympy2 lets
    the argument run on over * and /, reading sin(x/x); `symcheck.read.emit` brackets the
    argument so that both paths read alike.

    Products are built in the order written, so matrix products keep their order."""

    def __init__(self, items: list, error: ErrorAt, k: int = 0) -> None:
        self.error = error
        self.items = items
        self.k = k
        self.in_argument = False  # reading the argument of a function without parentheses

    def whole(self) -> object:
        """The value of all items, or None when latex2sympy2 should read them."""
        try:
            value = self.expression()
        except _Decline:
            return None
        return value if self.k == len(self.items) else None

    def peek(self) -> Optional[str]:
        return leaf_text(self.items[self.k]) if self.k < len(self.items) else None

    def expression(self) -> object:
        value = self.term()
        while self.peek() in ADD_OPS:
            op, where = self.peek(), self.items[self.k].start
            self.k += 1
            value = self.apply(add if op == "+" else subtract, value, self.term(), where)
        return value

    def term(self) -> object:
        value = self.factor()
        while self.peek() in MUL_OPS:
            op, where = self.peek(), self.items[self.k].start
            self.k += 1
            combine = divide_values if op in ("/", "\\div") else multiply
            value = self.apply(combine, value, self.factor(), where)
        return value

    def function_next(self, k: int) -> bool:
        return k < len(self.items) and isinstance(self.items[k], Func)

    def factor(self) -> object:
        if self.peek() in ADD_OPS:
            op, where = self.peek(), self.items[self.k].start
            self.k += 1
            value = self.factor()
            return self.apply(multiply, sympy.Integer(-1), value, where) if op == "-" else value
        value = self.primary()
        while self.k < len(self.items) and isinstance(self.items[self.k], (Obj, Func)):
            if self.in_argument and self.function_next(self.k):
                break
            where, bracketed = self.items[self.k].start, getattr(self.items[self.k], "paren", False)
            value = self.apply(multiply, value, self.primary(), where, may_be_call=bracketed)
        return value

    def primary(self) -> object:
        if self.k >= len(self.items):
            raise _Decline()
        item = self.items[self.k]
        self.k += 1
        if isinstance(item, Obj):
            value = item.value
        elif isinstance(item, Func):
            value = self.function(item)
        else:
            raise _Decline()
        while self.peek() == "!":
            self.k += 1
            value = bounded_factorial(value)
            if self.peek() == "^":  # x!^{k}: the exponent was read by the factorial's construct
                value = self.apply(power, value, self.items[self.k + 1].value, self.items[self.k].start)
                self.k += 2
        return value

    def function(self, func: Func) -> object:
        following = self.items[self.k] if self.k < len(self.items) else None
        if isinstance(following, Obj) and following.raise_to is not None:
            self.k += 1
            return raised_call(func, following, self.error)
        if isinstance(following, Obj) and following.paren:
            self.k += 1
            argument = following.value
        else:
            outer, self.in_argument = self.in_argument, True
            argument = self.factor()
            self.in_argument = outer
        argument = one_by_one_entry(argument)  # exp(u^T v): a 1x1 product is its one entry
        if matrix_valued(argument):
            raise self.error(f"{func.name} of a matrix", func.start)
        return apply_function(func, argument)

    def apply(self, combine: Callable, a: object, b: object, where: int, may_be_call: bool = False) -> object:
        """combine(a, b); shapes that do not fit are a ShapeMismatch (wrong as written), except
        before a bracket, which may be a call: S(a) of two vectors is S applied to a."""
        try:
            return combine(a, b)
        except Exception as error:  # SymPy: TypeError, ShapeError, NotImplementedError ...
            verb = VERBS.get(combine, "combine")
            found = self.error(mismatch(verb, a, b, error), where)
            if shapes_disagree(verb, a, b) and not may_be_call:
                raise ShapeMismatch(found.message, found.latex, found.column) from None
            raise found from None


DIVIDING = ("/", "\\div")


def raised_call(func: Func, bracket: Obj, error: ErrorAt) -> object:
    """`\\cos(x)^2` is cos(x)^2: the function of what the bracket held, raised."""
    if matrix_valued(one_by_one_entry(bracket.inner)):
        raise error(f"{func.name} of a matrix", func.start)
    return bracket.raise_to(apply_function(func, bracket.inner))


def applied_to_a_bracket(items: list, k: int) -> bool:
    """The function before k is applied to a bracket (`\\sin(x)`, `\\cos(x)^2`)."""
    return k < len(items) and isinstance(items[k], Obj) and (items[k].paren or items[k].raise_to is not None)


def ambiguous_division(items: list) -> Optional[int]:
    """Where `a / b c` divides by a product written by juxtaposition (`1/2 m v^2`, `1/2x`,
    `a/bc`): (a/b) c to one reader, a/(b c) to another. latex2sympy2 reads a/(b c), so
    `E = 1/2 m v^2` was 1/(2 m v^2). The start of the `/`, or None."""
    for k, item in enumerate(items):
        if leaf_text(item) in DIVIDING and _juxtaposed(items, k + 1) > 1:
            return item.start
    return None


def _juxtaposed(items: list, k: int) -> int:
    """How many primaries side by side from k: a function without brackets takes what
    follows it up to the next function (`\\sin x y` is one)."""
    count, in_argument = 0, False
    while k < len(items) and (isinstance(items[k], (Obj, Func)) or leaf_text(items[k]) == "!"):
        item = items[k]
        if isinstance(item, Func):
            count, in_argument = count + 1, True
        elif isinstance(item, Obj) and not in_argument:
            count += 1
        elif isinstance(items[k - 1], Func) and applied_to_a_bracket(items, k):
            in_argument = False  # \sin(x) ends at its bracket
        k += 1
    return count


def product_end(items: list, k: int) -> int:
    """End of the product starting at k (a sum body, as latex2sympy2's 'mp' rule)."""
    expect = True
    while k < len(items):
        text = leaf_text(items[k])
        if text in ADD_OPS:
            if not expect:
                break
        elif text in MUL_OPS or text in ELEMENTWISE_OPS:
            expect = True
        elif isinstance(items[k], Obj) or text == "!":
            expect = False
        elif isinstance(items[k], Func):
            expect = True
        else:
            break
        k += 1
    return k


def terms_of(items: list) -> list[tuple[str, int, int]]:
    """(sign, start, end) of each additive term of reduced items."""
    terms = []
    k = 0
    while k < len(items):
        sign = ""
        if leaf_text(items[k]) in ADD_OPS:
            sign = leaf_text(items[k])
            k += 1
        start = k
        if k < len(items) and isinstance(items[k], Leaf) and items[k].token.kind == "dots":
            k += 1
        else:
            k = max(product_end(items, k), k + 1)
        terms.append((sign, start, min(k, len(items))))
    return terms


def rebuild(tree: object, placeholders: dict, order: dict) -> object:
    """latex2sympy2's tree with placeholders put back, rebuilt with SymPy's operators."""
    if isinstance(tree, sympy.Symbol):
        return placeholders.get(tree.name, tree)
    if not getattr(tree, "args", ()) or isinstance(tree, sympy.MatrixBase):
        return tree
    args = [rebuild(arg, placeholders, order) for arg in tree.args]
    if isinstance(tree, sympy.Add):
        return functools.reduce(add, args)
    if isinstance(tree, sympy.Mul):
        # latex2sympy2 may reorder factors; matrices must stay in the order written
        keyed = sorted(zip(tree.args, args), key=lambda pair: first_placeholder(pair[0], order))
        return functools.reduce(multiply, [value for _, value in keyed])
    if isinstance(tree, sympy.Pow):
        if args[1] == -1:  # latex2sympy2 writes a / b as a * b**-1
            return divide_values(sympy.Integer(1), args[0])
        return power(args[0], args[1])
    if isinstance(tree, sympy.log) and len(args) == 2:
        return sympy.log(args[0]) if args[1] == sympy.E else sympy.log(args[0], args[1])
    return tree.func(*args)


def first_placeholder(tree: object, order: dict) -> int:
    positions = [order[s.name] for s in getattr(tree, "free_symbols", ()) if s.name in order]
    return min(positions) if positions else -1

