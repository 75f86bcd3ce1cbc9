"""What SymPy simplifies away while a formula is read, and with it where the formula is defined.

A logarithm is defined (as a real number) for a positive argument only, a root or another
non-integer power for a nonnegative base only, \\arcsin and \\arccos between -1 and 1.
SymPy simplifies such a value away as soon as it is combined: e^{\\ln x} is x,
(\\sqrt{x})^2 is x, \\ln x - \\ln x is 0, \\sin(\\arcsin x) is x. The engine then sees a side
defined everywhere where the author's is not, and would prove `e^{\\ln x} = x` of a real x,
which fails (is undefined) for every x < 0.

While one side is read (`collecting`), every such value built of an argument that is an
arithmetic expression of variables, not known to be in its range, is noted (`note`) as a
`Guard`; `vanished` lists those no longer in the value (a logarithm of the same argument,
a power of the same base with a non-integer exponent: 1/\\sqrt{x} keeps \\sqrt{x}'s).
"""

from __future__ import annotations

import contextlib
import threading
from typing import Callable, Iterator, NamedTuple, Optional

import sympy

_LOCAL = threading.local()


class Guard(NamedTuple):
    """A value that needs a condition on its argument: (what it is, the argument)."""

    what: str
    argument: sympy.Basic

    def condition(self) -> str:
        """What the argument needs, in LaTeX."""
        return _CONDITIONS[self.what](sympy.latex(self.argument))

    def shown(self) -> str:
        """The value, in LaTeX (a root as a square root: what matters is its argument)."""
        argument = sympy.latex(self.argument)
        return {"logarithm": f"\\ln({argument})", "root": f"\\sqrt{{{argument}}}"}.get(self.what, f"{self.what}({argument})")

    def remedy(self) -> str:
        declare = 'declare what it is of as positive (domain = "positive"), or ' if self.what in ("logarithm", "root") else ""
        return f"{declare}write the step without it"


_CONDITIONS: dict[str, Callable[[str], str]] = {
    "logarithm": lambda a: f"{a} > 0",
    "root": lambda a: f"{a} \\geq 0",
    "\\arcsin": lambda a: f"-1 \\leq {a} \\leq 1",
    "\\arccos": lambda a: f"-1 \\leq {a} \\leq 1",
    "\\artanh": lambda a: f"-1 < {a} < 1",
    "\\arcosh": lambda a: f"{a} \\geq 1",
}
_INVERSES = {sympy.asin: "\\arcsin", sympy.acos: "\\arccos", sympy.atanh: "\\artanh", sympy.acosh: "\\arcosh"}
_ARITHMETIC = (sympy.Add, sympy.Mul, sympy.Pow)


@contextlib.contextmanager
def collecting() -> Iterator[list]:
    """The guards noted while the block reads one side (nested blocks note into their own)."""
    stack = _stack()
    noted: list = []
    stack.append(noted)
    try:
        yield noted
    finally:
        stack.pop()


def _stack() -> list:
    if not hasattr(_LOCAL, "stack"):
        _LOCAL.stack = []
    return _LOCAL.stack


def note(value: object) -> object:
    """`value`, just built, returned as it is; its guards (its own, or its factors': 2\\sqrt{x})
    noted when their arguments may be out of range."""
    stack = _stack()
    if stack and isinstance(value, sympy.Basic):
        parts = [value, *value.args] if isinstance(value, sympy.Mul) else [value]
        stack[-1].extend(guard for guard in map(guard_of, parts) if guard is not None and _may_be_undefined(guard))
    return value


def guard_of(node: sympy.Basic) -> Optional[Guard]:
    if isinstance(node, sympy.log):
        return Guard("logarithm", node.args[0])
    if isinstance(node, sympy.Pow) and node.exp.is_integer is not True and not isinstance(node.exp, sympy.Symbol):
        return Guard("root", node.base)
    what = _INVERSES.get(type(node))
    return None if what is None else Guard(what, node.args[0])


def _may_be_undefined(guard: Guard) -> bool:
    """Of an argument built of variables and numbers by arithmetic only, not known to be in
    range. The sign of a function's value (a density, a variance, an expectation) is what
    the author knows by its meaning, not a slip: it is left to the engine's sampling."""
    argument = guard.argument
    known = {"logarithm": argument.is_positive, "root": argument.is_nonnegative}.get(guard.what)
    return known is not True and _arithmetic_of_variables(argument)


def _arithmetic_of_variables(expr: sympy.Basic) -> bool:
    return all(isinstance(node, _ARITHMETIC) or not node.args or isinstance(node, sympy.Indexed)
               for node in sympy.preorder_traversal(expr))


def vanished(value: object, noted: list) -> list[Guard]:
    """The noted guards `value` no longer holds, in the order they were noted."""
    if not noted:
        return []
    kept = {guard_of(node) for node in sympy.preorder_traversal(value)} if isinstance(value, sympy.Basic) else set()
    return [guard for guard in dict.fromkeys(noted) if guard not in kept]
