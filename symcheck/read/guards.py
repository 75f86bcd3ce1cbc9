"""What SymPy simplifies away while a formula is read, and with it where the formula is defined.

A logarithm is defined (as a real number) for a positive argument only, a root or a
non-integer power for a nonnegative base only. SymPy simplifies such a value away as soon
as it is combined: e^{\\ln x} is x, (\\sqrt{x})^2 is x, \\ln x - \\ln x is 0. The engine
then sees a side defined everywhere where the author's is defined for x > 0 only, and
would prove `e^{\\ln x} = x` of a real x, which fails (is undefined) for every x < 0.

While one side is read (`collecting`), every logarithm and root built of an argument not
known to be positive, an arithmetic expression of variables, is noted (`note`); `vanished`
lists those the value no longer holds.
The reader refuses such a side (see `identity.attempt`): declaring the quantity positive,
or writing the step without the simplified part, reads it.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Iterator

import sympy

_LOCAL = threading.local()


@contextlib.contextmanager
def collecting() -> Iterator[list]:
    """The values noted while the block reads one side (nested blocks note into their own)."""
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
    """`value`, just built, noted when it may be undefined for real arguments; returned as it is."""
    stack = _stack()
    if stack and isinstance(value, sympy.Basic):
        stack[-1].extend(part for part in _restricted_parts(value))
    return value


def _restricted_parts(value: sympy.Basic) -> list:
    """The logarithm or root `value` is (a base-10 log is a quotient of two: both), when
    its argument is not known to be positive (nonnegative for a root)."""
    parts = [value] if isinstance(value, (sympy.log, sympy.Pow)) else list(value.atoms(sympy.log))
    return [part for part in parts if _may_be_undefined(part)]


def _may_be_undefined(part: sympy.Basic) -> bool:
    """Of an argument built of variables and numbers by arithmetic only, that SymPy does not
    know to be positive (nonnegative for a root). The sign of a function's value (a density,
    a variance, an expectation) is what the author knows by its meaning, not a slip: it is
    left to the engine's sampling of the function."""
    if isinstance(part, sympy.log):
        argument, sign = part.args[0], part.args[0].is_positive
    else:
        argument, exponent = part.as_base_exp()
        if exponent.is_integer is True:
            return False
        sign = argument.is_nonnegative
    return sign is not True and _arithmetic_of_variables(argument)


def _arithmetic_of_variables(expr: sympy.Basic) -> bool:
    return all(isinstance(node, _ARITHMETIC) or not node.args or isinstance(node, sympy.Indexed)
               for node in sympy.preorder_traversal(expr))


_ARITHMETIC = (sympy.Add, sympy.Mul, sympy.Pow)


def vanished(value: object, noted: list) -> list:
    """The noted values `value` no longer holds, in the order they were built."""
    holds = getattr(value, "has", None)
    return [part for part in dict.fromkeys(noted) if holds is None or not holds(part)]


def condition(part: sympy.Basic) -> str:
    """What `part` needs to be defined, in words."""
    if isinstance(part, sympy.log):
        return f"{sympy.latex(part.args[0])} > 0"
    return f"{sympy.latex(part.as_base_exp()[0])} \\geq 0"
