"""The pieces a reading is made of, and small helpers over the node tree.

``Obj`` is a piece already read (its SymPy value), ``Func`` a function command waiting
for its argument, ``Postfix`` the ``_ ^ '`` after an atom, ``Atom`` what a name stands
for while its postfix is read. The vocabularies (operators, relations) are shared by
every construct reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional, Sequence

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement

from symcheck.read.tokens import Env, Group, Leaf, Token

ADD_OPS = frozenset({"+", "-"})
MUL_OPS = frozenset({"*", "\\cdot", "\\times", "/", "\\div", "\\ast"})
ELEMENTWISE_OPS = frozenset({"\\odot", "\\oslash", "\\otimes", "\\circ"})
RELATIONS = frozenset(
    "= < > \\neq \\ne \\le \\leq \\ge \\geq \\lt \\gt \\leqslant \\geqslant \\approx \\equiv "
    "\\sim \\propto \\in \\notin \\subset \\coloneqq \\to \\rightarrow \\Rightarrow \\mapsto "
    "\\leftarrow \\iff \\implies \\Longrightarrow \\longrightarrow".split()
)
# leaves that go to latex2sympy2 as they are (text to emit)
EMITTED = {
    "+": "+", "-": "-", "*": "*", "/": "/", "!": "!",
    "\\cdot": "\\cdot ", "\\times": "\\times ", "\\div": "\\div ", "\\ast": "*",
}


@dataclass
class Obj:
    """A piece already read: its SymPy value (``paren``: it was a bracketed group; a
    bracket with a power keeps what it held and the power, ``raise_to``: after a function,
    ``\\cos(x)^2`` is cos(x)^2)."""

    value: object
    start: int
    end: int
    paren: bool = False
    inner: object = None
    raise_to: Optional[Callable[[object], object]] = None


@dataclass
class Func:
    """\\ln, \\log_b, \\exp, \\sin^2 ...: applied to the argument that follows it."""

    name: str
    start: int
    end: int
    base: object = None
    power: object = None


@dataclass
class Postfix:
    sub: Optional[list] = None
    sup: Optional[list] = None
    primes: int = 0
    sub_start: int = 0
    sup_start: int = 0


@dataclass
class Atom:
    """What a name stands for while its postfix is read."""

    kind: str  # base | scalar | index | size | function | free
    name: str  # declared name, or the display name of an undeclared one
    start: int
    end: int
    spelled: bool = False  # a multi-letter word (\\text{softmax}): a function before '('


def leaf_is(node: object, *texts: str) -> bool:
    return isinstance(node, Leaf) and node.token.is_(*texts)


def leaf_text(node: object) -> Optional[str]:
    if isinstance(node, Leaf) and node.token.kind not in ("word", "name", "begin", "end"):
        return node.token.text
    return None


def source_text(nodes: Sequence[object]) -> str:
    """The LaTeX of nodes, without spaces (how latex2sympy2 names subscripts)."""
    out = []
    for node in nodes:
        if isinstance(node, Leaf):
            out.append(node.token.text)
        elif isinstance(node, Group):
            out.append(node.open.text + source_text(node.items) + node.close.text)
        elif isinstance(node, Env):
            out.append(node.begin.text + source_text(node.items) + node.close.text)
        else:
            out.append("?")
    return "".join(out).replace(" ", "")


def split_at(nodes: Sequence[object], separators: frozenset) -> list[list]:
    parts: list[list] = [[]]
    for node in nodes:
        if leaf_text(node) in separators:
            parts.append([])
        else:
            parts[-1].append(node)
    return parts


def is_matrix(value: object) -> bool:
    return isinstance(value, (sympy.MatrixBase, sympy.MatrixExpr))


def one_by_one_entry(value: object) -> object:
    """A 1x1 matrix expression (an inner product u^T v) as its one entry, a scalar; left
    unevaluated: the engine writes it in the document's indices."""
    if isinstance(value, sympy.MatrixExpr) and value.shape == (1, 1):
        return MatrixElement(value, 0, 0)
    if isinstance(value, sympy.MatrixBase) and value.shape == (1, 1):
        return value[0, 0]
    return value


def matrix_valued(value: object) -> bool:
    if is_matrix(value):
        return True
    if isinstance(value, sympy.Derivative):
        return any(matrix_valued(v) for v in (value.expr, *value.variables))
    if isinstance(value, (sympy.Add, sympy.Mul)) and value.has(sympy.Derivative):  # 2 \\nabla_w L - t w
        return any(matrix_valued(arg) for arg in value.args)
    return False


def flatten(nodes: Sequence[object]) -> list[Token]:
    """Tree nodes back to tokens."""
    tokens: list[Token] = []
    for node in nodes:
        if isinstance(node, Leaf):
            tokens.append(node.token)
        elif isinstance(node, Group):
            tokens += [node.open, *flatten(node.items), node.close]
        elif isinstance(node, Env):
            tokens += [node.begin, *flatten(node.items), node.close]
    return tokens


def call_group(nodes: list, j: int, square: bool = False) -> Optional[Group]:
    """The argument list at j: ``(x)``, or ``{\\left(x\\right)}`` as SymPy prints it, or with
    ``square`` (a function, the expectation) ``[x]``; else None."""
    if j >= len(nodes) or not isinstance(nodes[j], Group):
        return None
    group = nodes[j]
    if group.kind == "{" and len(group.items) == 1 and isinstance(group.items[0], Group):
        group = group.items[0]
    return group if group.kind == "(" or (square and group.kind == "[") else None


def why(error: Exception) -> str:
    return str(error) or type(error).__name__
