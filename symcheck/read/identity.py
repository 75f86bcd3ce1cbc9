"""The identity matrix: ``I``, ``\\mathbf{I}`` (when the notation does not declare I), and the
vector of ones ``\\mathbf{1}`` (``\\mathbb{1}`` without a condition after it), sized by a
subscript (``I_n``, ``\\mathbf{I}_3``, ``\\mathbf{1}_n``) or by the context it is written in.

Sized by context: a side is read once with I as a name; a bold I, or a plain I in a side that
is a vector or matrix (or that cannot be read with I as a number), is read again with I the
identity of each declared size (and every unsized ones vector a column of ones of that size). The one size that fits is I's size; none or several is an
error asking for ``I_n``. A plain I among scalars stays a name (an integral, a current)."""

from __future__ import annotations

from typing import Optional

import sympy

from symcheck.read import guards
from symcheck.read.backend import LatexError
from symcheck.read.nodes import Atom, Obj, is_matrix
from symcheck.read.reader import Construct
from symcheck.read.tokens import Leaf
from symcheck.read.values import same_shape, value_shape

BOLD = frozenset({"\\mathbf", "\\boldsymbol", "\\bm", "\\mathbb"})
ZERO_VECTOR = frozenset({"\\mathbf", "\\boldsymbol", "\\bm", "\\vec"})
ONES = frozenset({"\\mathbf", "\\boldsymbol", "\\bm", "\\mathbb", "\\mathbbm"})  # \\mathbf{1}; with a condition, an indicator


class IdentityMatrix(Construct):
    """Reads I as the identity; ``side`` finds the size of the unsized ones."""

    def __init__(self, reader) -> None:
        super().__init__(reader)
        self.size: Optional[object] = None  # the size tried for unsized I's (None: I is a name)
        self.seen: set[str] = set()  # "plain" / "bold" / "ones": unsized I's and ones read in this side

    def applies(self, name: str) -> bool:
        return name == "I" and self.reader.notation.kinds_of("I") == ("free",) and "I" not in self.reader.index_letters

    def read(self, nodes: list, i: int, atom: Atom, bold: bool) -> Optional[tuple[list, int]]:
        """The identity at nodes[i], or None when I is a name here (I_i, I')."""
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        if post.primes:
            return None
        if post.sub is not None:
            size = self.reader.value(post.sub, post.sub_start)
            if not (size in self.table.sizes.values() or (isinstance(size, sympy.Integer) and size > 0)):
                return None
        elif self.size is None:
            self.seen.add("bold" if bold else "plain")
            return None
        else:
            size = self.size
        value = self.reader.scripts.apply_sup(sympy.Identity(size), post, lambda: self.reader.scripts.label_error(post))
        return [Obj(value, atom.start, nodes[j - 1].end)], j

    def ones(self, nodes: list, i: int) -> tuple[list, int]:
        """The column of ones at nodes[i] (``\\mathbf{1}``, ``\\mathbf{1}_n``), its size from its
        subscript or, unsized, from the context (the first reading, without a size, fails)."""
        start = nodes[i].start
        post, j = self.reader.scripts.postfix(nodes, i + 1)
        self.reader.scripts.no_primes(post)
        if post.sub is not None:
            size = self.reader.value(post.sub, post.sub_start)
            if not (size in self.table.sizes.values() or (isinstance(size, sympy.Integer) and size > 0)):
                raise self.reader.error("the vector of ones takes a declared size or a number as its subscript", post.sub_start)
        elif self.size is None:
            self.seen.update({"bold", "ones"})
            raise self.reader.error("the size of the vector of ones is not clear here: write \\mathbf{1}_n", start)
        else:
            size = self.size
        value = self.reader.scripts.apply_sup(sympy.OneMatrix(size, 1), post, lambda: self.reader.scripts.label_error(post))
        return [Obj(value, start, nodes[j - 1].end)], j

    def sides(self, sides: list[tuple[list, int]]) -> list:
        """The sides of an equation: an unsized I takes its size from its own side, else
        from the shape of the other sides (``\\nabla^2 f = 2 I``)."""
        zeros = [is_zero_side(nodes) for nodes, _ in sides]
        first = [(sympy.Integer(0), None, False) if zero else self.attempt(nodes, start, None) for zero, (nodes, start) in zip(zeros, sides)]
        shapes = [value_shape(value) for value, _, _ in first if value is not None]
        shape = next((shape for shape in shapes if shape is not None), None)
        values = []
        for (nodes, start), (value, error, seen), zero in zip(sides, first, zeros):
            if seen and shape is not None:
                value, error, _ = self.attempt(nodes, start, shape)
            if error is not None:
                raise error
            values.append(sympy.ZeroMatrix(*shape) if zero and shape is not None and not same_shape(shape, (1, 1)) else value)
        return values

    def side(self, nodes: list, start: int) -> object:
        """One expression read, with the size of its unsized identities found."""
        value, error, _ = self.attempt(nodes, start, None)
        if error is not None:
            raise error
        return value

    def attempt(self, nodes: list, start: int, shape: Optional[tuple]) -> tuple[object, Optional[LatexError], bool]:
        """(value, error, whether an unsized I was seen); ``shape``: the shape the value must have."""
        self.size, self.seen = None, set()
        try:
            value, error = self.defined_value(nodes, start), None
        except LatexError as caught:
            value, error = None, caught
        seen = bool(self.seen)
        scalar_name = "bold" not in self.seen and error is None and not _has_matrix(value)
        if not seen or (scalar_name and shape is None):
            return value, error, seen
        fits = {}
        for size in self.candidates():
            self.size = size
            try:
                candidate = self.defined_value(nodes, start)
            except LatexError:
                continue
            finally:
                self.size = None
            if _fits(candidate) and (shape is None or same_shape(getattr(candidate, "shape", (1, 1)), shape)):
                fits[size] = candidate
        if len(fits) == 1:
            return next(iter(fits.values())), None, seen
        what = "the vector of ones" if "ones" in self.seen else "the identity matrix I"
        written = "\\mathbf{1}_n" if "ones" in self.seen else "I_n"
        if fits:
            sizes = ", ".join(map(str, fits))
            return None, self.reader.error(f"the size of {what} is not clear here ({sizes} all fit): write {written}", start), seen
        if scalar_name or (error is not None and "bold" not in self.seen):
            return value, error, seen
        return None, self.reader.error(f"{what} fits none of the declared sizes here: write {written}", start), seen

    def defined_value(self, nodes: list, start: int) -> object:
        """The side's value, refused when SymPy simplified away a part that is not defined
        everywhere (`symcheck.read.guards`): the value would be defined where the side is not."""
        with guards.collecting() as noted:
            value = self.reader.value(nodes, start)
        lost = guards.vanished(value, noted)
        if lost:
            guard = lost[0]
            raise self.reader.error(
                f"SymPy simplifies {guard.shown()} away here, and with it "
                f"the condition {guard.condition()} that the side needs: {guard.remedy()}", start)
        return value

    def candidates(self) -> list:
        """Declared sizes, and the literal sizes in declared shapes."""
        found = dict.fromkeys(s for s in self.table.sizes.values())
        for name in self.table.declarations:
            found.update(dict.fromkeys(sympy.sympify(axis) for axis in self.table.shape(name)))
        return list(found)


def is_zero_side(nodes: list) -> bool:
    """A side written as 0, \\mathbf{0} or \\vec{0}: the zero of the other sides' shape (the zero
    vector beside a vector, a scalar beside a scalar)."""
    if len(nodes) != 1 or not isinstance(nodes[0], Leaf):
        return False
    token = nodes[0].token
    return (token.kind == "number" and token.text == "0") or is_bold_zero(token)


def is_bold_zero(token: object) -> bool:
    return token.kind == "word" and token.cmd in ZERO_VECTOR and (token.arg or "").strip() == "0"


def _fits(value: object) -> bool:
    """Every sum adds equal shapes and every product chains (SymPy builds A + I_p for an
    n x n matrix A without a word)."""
    for node in sympy.preorder_traversal(value):
        if isinstance(node, (sympy.MatAdd, sympy.HadamardProduct)):
            shapes = [arg.shape for arg in node.args if is_matrix(arg)]
            if any(not same_shape(shape, shapes[0]) for shape in shapes):
                return False
        elif isinstance(node, sympy.MatMul):
            shapes = [arg.shape for arg in node.args if is_matrix(arg)]
            if any(not same_shape((a[1],), (b[0],)) for a, b in zip(shapes, shapes[1:])):
                return False
    return True


def _has_matrix(value: object) -> bool:
    return any(is_matrix(node) for node in sympy.preorder_traversal(value))
