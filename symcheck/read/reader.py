"""The reader's core: reads a node tree as one expression by dispatching each node to the
construct that reads it, then combining what is left as arithmetic.

Constructs (``symcheck.read.constructs``) are small classes with one job each: names,
scripts (``_ ^ '``), indices, numbers, fractions and derivatives, big operators, ellipsis
sums, functions, brackets and environments, conditions. Each declares the nodes it reads
in ``HANDLES``, keyed on the construct: a token kind (``letter``, ``number``, ``name``,
``word``), a command (``\\frac``), or ``GROUP``/``ENVIRONMENT`` for bracketed nodes. The
reader looks a node up in that table, as SymPy's printers look up ``_print_<Class>``.
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence

import sympy

from symcheck.read.arithmetic import Arithmetic, ambiguous_division, rebuild
from symcheck.read.backend import LatexError, parse_latex
from symcheck.read.emit import Emitter
from symcheck.read.nodes import ADD_OPS, Func, Obj, leaf_text, matrix_valued
from symcheck.read.tokens import Env, Group

GROUP = "(group)"
ENVIRONMENT = "(environment)"


def construct_key(node: object) -> Optional[str]:
    """The key a node is dispatched on (None: an operator or a piece already read)."""
    if isinstance(node, (Obj, Func)):
        return None
    if isinstance(node, Group):
        return GROUP
    if isinstance(node, Env):
        return ENVIRONMENT
    token = node.token
    return token.text if token.kind in ("cmd", "char") else token.kind


class Reader:
    """Reads the node tree of one string (errors point into ``latex``).

    ``constructs``: (attribute, class) pairs; each class is built with this reader and
    becomes ``self.<attribute>``, so constructs reach one another through the reader."""

    def __init__(
        self, notation: object, latex: str, constructs: Sequence[tuple[str, type]], index_letters: frozenset = frozenset()
    ) -> None:
        self.notation = notation
        self.table = notation.table
        self.latex = latex
        self.index_letters = index_letters  # undeclared letters used as indices here: not constants
        self.handlers: dict[str, Callable] = {}
        for attribute, construct in constructs:
            reader = construct(self)
            setattr(self, attribute, reader)
            for key, method in construct.HANDLES.items():
                self.handlers[key] = getattr(reader, method)

    def error(self, message: str, where: int) -> LatexError:
        return LatexError(message, self.latex, where)

    def refuse_as_number(self, value: object, what: str, where: int) -> None:
        """`what` (a transpose, a determinant, a trace) of a number written with names nothing
        declares says those names are vectors or matrices: read as numbers, `(AB)^T = A^T B^T` and
        `\\det(A + B) = \\det A + \\det B` would be proved. Refused, saying what to declare."""
        if not isinstance(value, sympy.Basic) or matrix_valued(value):
            return
        known = {*self.table.declarations, *self.table.sizes, *self.table.indices, *self.table.constants,
                 *self.notation.defined_names}
        names = sorted(name for name in {s.name for s in value.free_symbols if isinstance(s, sympy.Symbol)}
                       if name not in known and name.split("_")[0] not in known)  # w_1 of a declared scalar w
        if names:
            raise self.error(f"{what} of {', '.join(names)}, which nothing declares: a vector or a matrix? Read as "
                             "a number, it would be the number itself (declare its kind and shape in a notation file)",
                             where)

    def value(self, nodes: list, start: int) -> object:
        """Read nodes as one expression."""
        if not nodes:
            raise self.error("empty expression", start)
        return self.combine(self.reduce(nodes), start)

    def combine(self, items: list, start: int) -> object:
        items = self.prepare(items)
        if not items:
            raise self.error("empty expression", start)
        if len(items) == 1 and isinstance(items[0], Obj):
            return items[0].value
        divided = ambiguous_division(items)
        if divided is not None:
            raise self.error("a / b c divides by a product written side by side: (a/b) c or a/(b c)? "
                             "Write \\frac{a}{b} c or a/(b c)", divided)
        if self.notation.fast:
            value = Arithmetic(items, self.error).whole()
            if value is not None:
                return value
        emitted = Emitter(self.error).emit(items)
        try:
            tree = parse_latex(emitted.text, evaluate=False)
        except LatexError as error:
            raise self.error(error.message, emitted.source(error.column, items[0].start)) from None
        try:
            return rebuild(tree, emitted.placeholders, emitted.order)
        except Exception:  # SymPy: TypeError, ShapeError, NotImplementedError ...
            raise self.error("cannot combine these: their shapes or kinds do not fit together", items[0].start) from None

    def prepare(self, items: list) -> list:
        """Ellipsis sums and element-wise operators, over already reduced items."""
        return self.functions.elementwise(self.ellipses.ellipsis(items))

    def reduce(self, nodes: list) -> list:
        """Replace atoms and constructs by Obj (their value); operators stay leaves."""
        out: list = []
        i = 0
        while i < len(nodes):
            handler = self.handlers.get(construct_key(nodes[i]))
            if handler is None:
                out.append(nodes[i])
                i += 1
                continue
            produced, i = handler(nodes, i)
            out.extend(produced)
        return out

    def argument(self, nodes: list, j: int, what: str) -> list:
        if j >= len(nodes):
            raise self.error(f"missing {what}", nodes[-1].end if nodes else 0)
        node = nodes[j]
        if isinstance(node, Group) and node.kind == "{":
            return node.items
        if leaf_text(node) in ("^", "_", "'"):
            raise self.error(f"missing {what}", node.start)
        return [node]

    def operand(self, items: list, k: int, where: int) -> tuple[object, int]:
        """The item at k (with a leading sign) as a value: an operand of an operator."""
        sign = 1
        while k < len(items) and leaf_text(items[k]) in ADD_OPS:
            sign = -sign if leaf_text(items[k]) == "-" else sign
            k += 1
        if k >= len(items) or not isinstance(items[k], (Obj, Func)):
            raise self.error("an operator without an operand", items[k].start if k < len(items) else where)
        arithmetic = Arithmetic(items, self.error, k)
        value = arithmetic.primary()
        return (value if sign == 1 else -value), arithmetic.k


class Construct:
    """One construct's reader: ``HANDLES`` maps dispatch keys to its method names."""

    HANDLES: dict[str, str] = {}

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.table = reader.table
