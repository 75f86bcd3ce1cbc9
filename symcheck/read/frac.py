"""Fractions and derivatives: ``\\frac{a}{b}``, ``{a \\over b}``, ``\\frac{d}{dx}``,
``\\frac{\\partial L}{\\partial w}``, gradients and Hessians ``\\nabla_{\\mathbf w} L``, ``\\nabla^2_{\\mathbf w} L``."""

from __future__ import annotations

from typing import Optional

import sympy
from sympy.core.function import AppliedUndef
from sympy.matrices.expressions.matexpr import MatrixElement

from symcheck.read.arithmetic import terms_of
from symcheck.read.nodes import Obj, call_group, leaf_is, matrix_valued
from symcheck.read.reader import Construct
from symcheck.read.tokens import Group, Leaf
from symcheck.read.values import divide_values, mismatch


class Fractions(Construct):
    """Reads a fraction: a quotient, or a derivative when its parts are differentials."""

    HANDLES = {
        "\\frac": "frac", "\\dfrac": "frac", "\\tfrac": "frac", "\\cfrac": "frac", "\\partial": "partial", "\\nabla": "nabla",
    }

    def nabla(self, nodes: list, i: int) -> tuple[list, int]:
        """\\nabla_{\\mathbf w} L: the gradient of a scalar (the column of its partials, as
        \\frac{\\partial L}{\\partial \\mathbf{w}}); \\nabla^2_{\\mathbf w} L: its Hessian."""
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        self.reader.scripts.no_primes(post)
        order = self.order_of(post.sup, post.sup_start) if post.sup is not None else 1
        if order > 2:
            raise self.reader.error("\\nabla^k is read for k = 1 (gradient) and 2 (Hessian)", post.sup_start)
        items = self.reader.reduce(nodes[j:])
        if not items:
            raise self.reader.error("\\nabla without a function to differentiate", nodes[i].start)
        operand, end = self.whole_term(items, nodes[i].start)
        if post.sub is None:
            counts = [(self.argument_of(operand, nodes[i].start), order)]
        else:
            counts = self.counts(order, [(post.sub, order, post.sub_start)], nodes[i].start)
        if matrix_valued(operand) and tuple(getattr(operand, "shape", ())) != (1, 1):
            raise self.reader.error(
                "\\nabla of a vector or matrix: the gradient is read of a scalar; write the Jacobian as \\frac{\\partial f}{\\partial x}",
                nodes[i].start,
            )
        return [Obj(self._derivative(operand, counts, nodes[i].start), nodes[i].start, items[end - 1].end), *items[end:]], len(nodes)

    def argument_of(self, operand: object, where: int) -> object:
        """The variable of \\nabla f(\\mathbf{x}) written without a subscript: the one argument of
        the function it is applied to, when that argument is a variable; otherwise refused."""
        arguments = getattr(operand, "args", ()) if isinstance(operand, AppliedUndef) else ()
        if len(arguments) == 1 and getattr(arguments[0], "_diff_wrt", False) and not isinstance(arguments[0], MatrixElement):
            return arguments[0]
        raise self.reader.error("\\nabla needs the variable it differentiates by: \\nabla_{\\mathbf{w}} L "
                                "(or a function of one variable after it, \\nabla f(\\mathbf{x}))", where)

    def partial(self, nodes: list, i: int) -> tuple[list, int]:
        """\\partial_{x} f, \\partial_x^2 f: the partial derivative of the operand that follows
        (its next factor, as \\frac{\\partial}{\\partial x} f); a bare \\partial is left as it is."""
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        if post.sub is None:
            return [nodes[i]], i + 1
        self.reader.scripts.no_primes(post)
        order = self.order_of(post.sup, post.sup_start) if post.sup is not None else 1
        variable = (post.sub, order, post.sub_start)
        return self.derivative(order, [], [variable], nodes[i].start, nodes[j - 1].end, nodes[j:])[0], len(nodes)

    def frac(self, nodes: list, i: int) -> tuple[list, int]:
        numerator = self.reader.argument(nodes, i + 1, "numerator")
        denominator = self.reader.argument(nodes, i + 2, "denominator")
        produced, took_rest = self.fraction(numerator, denominator, nodes[i].start, nodes[i + 2].end, nodes[i + 3 :])
        return produced, len(nodes) if took_rest else i + 3

    def fraction(self, numerator: list, denominator: list, start: int, end: int, rest: list) -> tuple[list, bool]:
        """An ordinary fraction or a derivative (d/dx, \\partial^2/\\partial x \\partial y, of
        any order); True when a derivative operator took its operand from ``rest``."""
        top = self.numerator_differential(numerator)
        variables = self.denominator_differentials(denominator) if top is not None else None
        if top is not None and variables:
            order, operand = top
            return self.derivative(order, operand, variables, start, end, rest)
        top_value = self.reader.value(numerator, start)
        bottom_value = self.reader.value(denominator, start)
        try:
            value = divide_values(top_value, bottom_value)
        except Exception as error:  # SymPy: TypeError, ShapeError, NotImplementedError ...
            raise self.reader.error(mismatch("divide", top_value, bottom_value, error), start) from None
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

    def numerator_differential(self, nodes: list) -> Optional[tuple[int, list]]:
        """(order, operand nodes) of ``d``, ``d^2 y``, ``\\partial^2 L``; None if not a differential."""
        if not nodes or not is_differential(nodes[0]) or (len(nodes) > 1 and leaf_is(nodes[1], "_")):
            return None  # d_i, \delta_{ij}: a name, not a differential
        if len(nodes) > 1 and leaf_is(nodes[1], "^"):
            order = self.order(nodes, 2)
            return order, nodes[3:]
        return 1, nodes[1:]

    def denominator_differentials(self, nodes: list) -> Optional[list[tuple[list, int, int]]]:
        """(variable nodes, order, offset) of each ``dx^2``/``\\partial w_j`` of a denominator."""
        if not nodes or not is_differential(nodes[0]) or (len(nodes) > 1 and leaf_is(nodes[1], "_")):
            return None
        first = nodes[0].token.text
        cuts = [k for k, node in enumerate(nodes) if is_differential(node) and node.token.text == first]
        found = []
        for cut, end in zip(cuts, cuts[1:] + [len(nodes)]):
            variable = nodes[cut + 1 : end]
            if not variable:
                return [] if len(cuts) == 1 else None  # \frac{dq}{d}: a quotient
            order = 1
            if len(variable) > 2 and leaf_is(variable[-2], "^"):
                order = self.order(variable, len(variable) - 1)
                variable = variable[:-2]
            found.append((variable, order, nodes[cut].start))
        return found

    def order(self, nodes: list, k: int) -> int:
        """The order written at nodes[k] (after a '^'): a positive integer."""
        return self.order_of(self.reader.argument(nodes, k, "order"), nodes[k - 1].start)

    def order_of(self, written: list, where: int) -> int:
        value = self.reader.value(written, where)
        if not (isinstance(value, sympy.Integer) and value > 0):
            raise self.reader.error("the order of a derivative must be a positive integer", where)
        return int(value)

    def derivative(self, order: int, top: list, variables: list, start: int, end: int, rest: list) -> tuple[list, bool]:
        """The derivative, and whether it took its operand (or its point) from ``rest``."""
        counts = self.counts(order, variables, start)
        function = self.reader.names.function_of(top)
        if function is not None and (len(counts) == 1 or self.mixed_partial(function, counts, rest)):
            return self.function_derivative(function, counts, start, end, rest)
        if top:
            expr = self.reader.value(top, top[0].start)
            return [Obj(self._derivative(expr, counts, start), start, end)], False
        items = self.reader.reduce(rest)
        operand, k = self.whole_term(items, start)
        return [Obj(self._derivative(operand, counts, start), start, items[k - 1].end), *items[k:]], True

    def whole_term(self, items: list, start: int) -> tuple[object, int]:
        """The operand of d/dx, \\partial_x, \\nabla, and the index of the item after it: the
        whole term that follows, as for a sum (\\frac{d}{d\\theta} \\theta^9 (1-\\theta)^4 is
        the derivative of the product), unless brackets close the operand
        (\\frac{d}{dx}(x^2) y, \\frac{\\partial}{\\partial s} \\left( L \\right) * s); another
        derivative, or a factor holding one, ends it (\\frac{d}{dx} f(x) \\frac{d^3}{dx^3} f(x) and
        \\frac{d}{dx} f(x) (\\frac{d^3}{dx^3} f(x))^2 are products, as SymPy prints them)."""
        if not items:
            raise self.reader.error("an operator without an operand", start)
        first, k = self.reader.operand(items, 0, start)
        term_end = terms_of(items)[0][2]
        end = next((n for n in range(k, term_end) if _is_derivative(items[n])), term_end)
        bracketed = isinstance(items[k - 1], Obj) and items[k - 1].paren
        if k >= end or bracketed:
            return first, k
        return self.reader.combine(items[:end], items[0].start), end

    def counts(self, order: int, variables: list, start: int) -> list[tuple[object, int]]:
        """(variable, count) of each differential, their counts adding up to the order."""
        counts = []
        for nodes, count, where in variables:
            wrt = self.reader.value(nodes, where)
            if not getattr(wrt, "_diff_wrt", False):
                raise self.reader.error("one can only differentiate by a variable or an entry", where)
            counts.append((wrt, count))
        if sum(count for _, count in counts) != order:
            raise self.reader.error(
                f"the order {order} above differs from the {sum(c for _, c in counts)} differentials below", start
            )
        return counts

    def function_derivative(self, function: object, counts: list, start: int, end: int, rest: list) -> tuple[list, bool]:
        """\\frac{dg}{dx} with g a function: g's derivative in x (g of the parameters the document
        defines it with, when x is one: \\frac{\\partial f}{\\partial x} after f(x, y) = xy, and
        \\frac{\\partial^2 f}{\\partial x \\partial y} too); \\frac{dg}{dx}(a) is it at a."""
        call = call_group(rest, 0)
        if call is None:
            parameters = self.reader.notation.function_parameters.get(str(function), ())
            variables = tuple(variable for variable, _ in counts)
            arguments = parameters if set(variables) <= set(parameters) else variables  # \\partial f of f(x, y): f(x, y)
            value = sympy.Derivative(function(*arguments), *counts, evaluate=False)
            return [Obj(value, start, end)], False
        value = self.reader.names.application(function, counts[0][1], call)
        return [Obj(value, start, rest[0].end), *self.reader.reduce(rest[1:])], True

    def mixed_partial(self, function: object, counts: list, rest: list) -> bool:
        """A derivative in several variables, all parameters the document defines the function
        with, and no point after it."""
        parameters = self.reader.notation.function_parameters.get(str(function), ())
        return call_group(rest, 0) is None and all(variable in parameters for variable, _ in counts)

    def _derivative(self, expr: object, counts: list, where: int) -> object:
        try:
            return sympy.Derivative(expr, *counts, evaluate=False)
        except (ValueError, TypeError):
            raise self.reader.error("cannot differentiate this expression", where) from None


def is_differential(node: object) -> bool:
    """d (also a declared d: it never breaks d/dx), \\mathrm{d}, \\partial, \\delta."""
    if not isinstance(node, Leaf):
        return False
    token = node.token
    return token.is_("\\partial", "\\delta") or (token.kind in ("letter", "name") and token.text == "d")


def _is_derivative(item: object) -> bool:
    """A factor that is or holds a derivative: (\\frac{d}{dx} f)^2 and \\sqrt{\\frac{d}{dx} f}
    end an operand as \\frac{d}{dx} f does."""
    return isinstance(item, Obj) and isinstance(item.value, sympy.Basic) and item.value.has(sympy.Derivative)
