"""The notation layer: a document's LaTeX, as its author wrote it, to SymPy objects.

Pipeline for one string (every token keeps its offset into the caller's string, so
every ``LatexError`` points into the original LaTeX):

1. tokenize (``symcheck.read.tokens``) and apply the document's rewrite rules;
2. fold text-argument commands (``\\text{..}``, ``\\mathcal{L}``, ``\\begin{..}``);
3. tidy: drop what is not math (``&=``, tags, ``\\boxed``, ``\\left``/``\\right`` ...);
4. mark declared names (``\\mathcal{L}`` -> L, ``a`` -> a ...) as single tokens;
5. build a bracket tree, then *reduce* it (``symcheck.read.reader``): every atom and every
   construct latex2sympy2 gets wrong (subscripts, sums, derivatives, indicators, matrices,
   transposes, element-wise operators, ellipsis sums) is read by its construct reader
   (``CONSTRUCTS`` below, dispatched by a table keyed on the construct) and replaced by a
   placeholder holding the SymPy object;
6. what is left is arithmetic over those values: + - * / \\cdot \\times, juxtaposition,
   unary minus, \\ln/\\log/\\exp/trigonometric functions, !. It is combined here with
   latex2sympy2's precedence (``symcheck.read.arithmetic``; juxtaposition binds tighter than * and /,
   a function without parentheses takes a whole product); anything else, or anything
   malformed, goes to latex2sympy2 (``symcheck.read.backend``) with each value as a placeholder
   ``\\mathit{zzN}``, which then reports the error or the parse, and the placeholders are
   put back with SymPy's own operators. Products are built in the order written, so
   matrix products are MatMul in that order.

   Why not latex2sympy2 for all arithmetic: its ANTLR grammar costs 5-50 ms per new
   expression even in SLL mode (seconds per document cold), while the whole document must
   parse well under a second. ``Notation(..., fast=False)`` sends every compound to
   latex2sympy2; the tests check both paths agree on the seeds' LaTeX.

Representation (see ``symcheck.model.symbols``): a declared vector/matrix ``a`` with a
subscript is ``a[k]`` (Indexed); bare, it is ``table.matrix_symbol("a")``; declared
scalars, indices and sizes are the table's Symbols; undeclared names are plain Symbols
named as latex2sympy2 names them (``a_k``, ``y_{n,k}``, ``theta``, ``\\mathcal{L}``).

``\\text{softmax}_n(x^{(j)})`` on a declared vector/matrix ``softmax`` is the entry
``softmax[n, j]``: the subscripts first, then the indices of the argument (here
``x^{(j)}`` is ``x[j]``), when the declared rank equals that count. When the rank equals
the number of subscripts alone, the parenthesis is a product (``S_i(1-S_j)``).
An undeclared name followed by a parenthesis is a function call (``f(x)``, ``\\delta_n(y)``).
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence

import sympy

from symcheck.model import RewriteRule
from symcheck.model.symbols import SymbolTable
from symcheck.read.backend import LatexError
from symcheck.read.bars import Bars, InnerProduct, Rounding
from symcheck.read.bigops import BigOperators
from symcheck.read.conditions import Conditions
from symcheck.read.einstein import einstein_sums
from symcheck.read.ellipses import EllipsisSums
from symcheck.read.environments import Brackets
from symcheck.read.frac import Fractions
from symcheck.read.functions import Functions
from symcheck.read.identity import IdentityMatrix, is_zero_side
from symcheck.read.indices import Indices
from symcheck.read.limits import Limits
from symcheck.read.names import CONSTANT_LETTERS, GREEK, Names
from symcheck.read.nodes import RELATIONS, leaf_is, leaf_text, split_at
from symcheck.read.numerals import Numbers
from symcheck.read.reader import Reader
from symcheck.read.rules import Rule, apply_rules
from symcheck.read.scripts import Scripts
from symcheck.read.tidy import condition_text, function_words, index_letters, tidy_tokens
from symcheck.read.values import refuse_huge_powers, same_shape, value_shape
from symcheck.read.tokens import Group, Leaf, Token, build_tree, collapse, join, tokenize

__all__ = ["Notation", "LatexError"]

# (reader attribute, construct reader): every construct the reader dispatches to
CONSTRUCTS = (
    ("names", Names),
    ("scripts", Scripts),
    ("indices", Indices),
    ("numbers", Numbers),
    ("fractions", Fractions),
    ("bigops", BigOperators),
    ("limits", Limits),
    ("ellipses", EllipsisSums),
    ("functions", Functions),
    ("environments", Brackets),
    ("conditions", Conditions),
    ("bars", Bars),
    ("rounding", Rounding),
    ("inner_product", InnerProduct),
    ("identity", IdentityMatrix),
)


class Notation:
    """Reads one document's LaTeX with its declared symbols and rewrite rules."""

    def __init__(self, table: SymbolTable, rewrites: Sequence[RewriteRule] = (), fast: bool = True) -> None:
        """``fast``: combine arithmetic over placeholders here (same precedence as
        latex2sympy2, about 100x faster); False sends every compound to latex2sympy2."""
        self.table = table
        self.fast = fast
        self.rules = [Rule.compile(rule) for rule in rewrites]
        self.names = self._name_patterns()
        self.defined_functions: set[str] = set()  # f of a line f(x) = ... read so far
        self.defined_names: set[str] = set()  # y of a line y = ... read so far
        self.named_letters: set[str] = set()  # e, pi that a note names something else: never the constants
        # y of a definition y = (an expression of one variable x) -> x: y' is dy/dx
        self.prime_variables: dict[str, sympy.Symbol] = {}
        # f of a definition f(x, y) = ... -> (x, y): the bare f of \\frac{\\partial f}{\\partial x} is f(x, y)
        self.function_parameters: dict[str, tuple] = {}
        # (kind, LaTeX, names defined so far) -> what it reads as; the reading depends on
        # nothing else, so Notations of the same declarations may share this
        self.readings: dict[tuple, object] = {}

    # ------------------------------------------------------------ public API

    def tidy(self, latex: str) -> str:
        """The LaTeX without what is not math (alignment, tags, \\boxed, arrows, \\left)."""
        return self._guard(latex, lambda: join(tidy_tokens(collapse(tokenize(latex)))).strip())

    def expression(self, latex: str) -> object:
        """One expression: an Expr, a MatrixExpr or an explicit (immutable) Matrix."""
        return self._once("expression", latex, self._read_expression)

    def _once(self, kind: str, latex: str, read: Callable[[str], object]) -> object:
        """`read(latex)`, once per distinct LaTeX of a kind while the names the document
        defines stay the same (notes repeat members and cases); values only, never errors."""
        if not isinstance(latex, str):
            return read(latex)  # refused there
        key = (kind, latex, frozenset(self.defined_functions), frozenset(self.defined_names), frozenset(self.named_letters),
               frozenset(self.prime_variables.items()), frozenset(self.function_parameters.items()))
        known = self.readings.get(key)
        if known is None:
            known = self.readings[key] = read(latex)
        return known

    def _read_expression(self, latex: str) -> object:
        def read() -> object:
            reader, nodes = self._read(latex)
            for node in nodes:
                if leaf_text(node) in RELATIONS:
                    raise LatexError("a relation where an expression is expected", latex, node.start)
            if is_zero_side(nodes):  # 0 or \mathbf{0}: its shape is the one beside it (zero_beside)
                return sympy.Integer(0)
            return self._final(self._einstein(reader.identity.side(nodes, 0)), latex, 0)

        return self._guard(latex, read)

    def equation(self, latex: str) -> list:
        """The sides of ``a = b = c`` (split at top-level '='), each read as an expression."""

        def read() -> list:
            reader, nodes = self._read(latex)
            sides = self._sides(nodes, latex)
            self._note_definition(sides[0][0], len(sides))
            return [self._final(self._einstein(value), latex, start)
                    for value, (_, start) in zip(reader.identity.sides(sides), sides)]

        return self._guard(latex, read)

    def note_function_definition(self, lhs: str) -> None:
        """The left side of a definition read member by member (a note's `Let $p(x) = x^2$`):
        `p(x)` names a function from here on, as in a line `p(x) = ...` read whole."""
        try:
            nodes = build_tree(self._tokens(lhs), lhs)
        except LatexError:
            return
        self._note_function(nodes)

    def zero_beside(self, latex: str, value: object, other: object) -> object:
        """A member written 0 or \\mathbf{0} beside a vector or matrix (a chain's next or previous
        member) is the zero of its shape, as a side of an equation is."""
        shape = value_shape(other)
        if value != 0 or shape is None or same_shape(shape, (1, 1)):
            return value
        try:
            nodes = build_tree(self._tokens(latex), latex)
        except LatexError:
            return value
        return sympy.ZeroMatrix(*shape) if is_zero_side(nodes) else value

    def condition(self, latex: str) -> sympy.Basic:
        """A case condition: ``i = j``, ``i \\neq j``, conjunctions joined by ',' or 'and'."""
        return self._once("condition", latex, self._read_condition)

    def _read_condition(self, latex: str) -> sympy.Basic:
        def read() -> sympy.Basic:
            reader, nodes = self._read(latex, condition=True)
            return reader.conditions.condition(nodes, 0)

        return self._guard(latex, read)

    # ------------------------------------------------------------ pipeline

    def _guard(self, latex: str, work: Callable) -> object:
        if not isinstance(latex, str):
            raise LatexError("LaTeX must be a string", repr(latex), 0)
        try:
            return work()
        except LatexError as error:
            raise type(error)(error.message, latex, min(error.column, len(latex))) from None
        except RecursionError:
            raise LatexError("expression nested too deeply", latex, 0) from None
        except Exception:  # a safety net: callers only ever see LatexError
            raise LatexError("cannot read this formula", latex, 0) from None

    def _tokens(self, latex: str, condition: bool = False) -> list[Token]:
        tokens = apply_rules(self.rules, tokenize(latex)) if self.rules else tokenize(latex)
        tokens = collapse(tokens)
        if condition:
            tokens = condition_text(tokens)
        tokens = tidy_tokens(tokens)
        return self.mark_names(function_words(tokens, self.declared_word))

    def declared_word(self, token: Token) -> bool:
        """A word the notation declares (a function named \\operatorname{tanh}): its name,
        not the built-in function of the same spelling."""
        key = _key(token)
        return any(declared == (key,) for declared, _ in self.names.get(key, ()))

    def _read(self, latex: str, condition: bool = False) -> tuple[Reader, list]:
        """A reader for ``latex`` and its node tree; letters written as indices anywhere in
        it (or every letter, in a condition) are names there, not constants."""
        tokens = self._tokens(latex, condition)
        nodes = build_tree(tokens, latex)
        if not nodes:
            raise LatexError("empty expression", latex, 0)
        indices = frozenset(CONSTANT_LETTERS) if condition else index_letters(tokens)
        return Reader(self, latex, CONSTRUCTS, indices), nodes

    def _note_definition(self, lhs: list, sides: int) -> None:
        """``f(x) = ...``, ``g(u, v) = ...``: the note defines f as a function; ``y = ...``:
        y is given by an equation (so y' is ambiguous: its derivative, in which variable?)."""
        if sides == 2 and len(lhs) == 1 and isinstance(lhs[0], Leaf) and lhs[0].token.kind in ("letter", "name"):
            self.defined_names.add(lhs[0].token.arg if lhs[0].token.kind == "name" else lhs[0].token.text)
        if sides == 2:
            self._note_function(lhs)

    def _note_function(self, lhs: list) -> None:
        if len(lhs) != 2 or not isinstance(lhs[1], Group) or lhs[1].kind != "(":
            return
        head = lhs[0]
        if not isinstance(head, Leaf) or not (head.token.kind == "letter" or head.token.text[1:] in GREEK):
            return
        parameters = split_at(lhs[1].items, frozenset({","}))
        if all(len(p) == 1 and isinstance(p[0], Leaf) and p[0].token.kind in ("letter", "name") for p in parameters):
            self.defined_functions.add(head.token.text.lstrip("\\"))

    @staticmethod
    def _sides(nodes: list, latex: str) -> list[tuple[list, int]]:
        sides: list[tuple[list, int]] = [([], nodes[0].start)]
        previous = None
        for node in nodes:
            current = sides[-1][0]
            if leaf_is(node, "=", "\\coloneqq"):
                if current and leaf_is(current[-1], ":"):
                    current.pop()  # ':=' is '='
                elif not current and previous is not None and leaf_is(previous, "=") and previous.end == node.start:
                    previous = node
                    continue  # '==' is one '='
                sides.append(([], node.end))
            else:
                current.append(node)
            previous = node
        for side, start in sides:
            if not side:
                raise LatexError("empty side of an equation", latex, start)
        return sides

    def _einstein(self, value: object) -> object:
        if isinstance(value, sympy.Basic) and self.table.summed:
            return einstein_sums(value, self.table.summed, self.table.index_ranges)
        return value

    @staticmethod
    def _final(value: object, latex: str, start: int) -> object:
        try:
            refuse_huge_powers(value)
        except ValueError as error:
            raise LatexError(str(error), latex, start) from None
        if isinstance(value, sympy.MatrixBase):
            return sympy.ImmutableMatrix(value)
        if isinstance(value, (sympy.Expr, sympy.MatrixExpr)):
            return value
        raise LatexError("not an expression", latex, start)

    # ------------------------------------------------------------ declared names

    def _name_patterns(self) -> dict[tuple, list[tuple[tuple, str]]]:
        """Token-key sequences of declared names, by their first key, longest first."""
        table = self.table
        names: dict[str, None] = {}
        for group in (table.declarations, table.scalars, table.bases, table.indices, table.sizes, table.functions,
                      table.constants):
            names.update(dict.fromkeys(group))
        patterns: dict[tuple, str] = {}
        for name in names:
            for latex in table.spellings.get(name, ()):
                patterns.setdefault(spelling_key(latex), name)
            for key in _default_keys(name):
                patterns.setdefault(key, name)
            if name in table.functions and len(name) > 1 and name.isascii() and name.isalpha():
                # a declared function may be written in plain letters: softmax(x)
                patterns.setdefault(tuple(("letter", letter) for letter in name), name)
        by_first: dict[tuple, list[tuple[tuple, str]]] = {}
        for key, name in sorted(patterns.items(), key=lambda item: -len(item[0])):
            if key:
                by_first.setdefault(key[0], []).append((key, name))
        return by_first

    def mark_names(self, tokens: list[Token]) -> list[Token]:
        out: list[Token] = []
        i = 0
        solid = [t for t in tokens if t.kind != "space"]
        keys = [_key(t) for t in solid]
        while i < len(solid):
            for key, name in self.names.get(keys[i], ()):
                if tuple(keys[i : i + len(key)]) == key:
                    last = solid[i + len(key) - 1]
                    text = join(solid[i : i + len(key)])
                    out.append(Token("name", text, solid[i].start, last.end, name))
                    i += len(key)
                    break
            else:
                out.append(solid[i])
                i += 1
        return out

    def declared_spelling(self, latex: str) -> Optional[str]:
        """The declared name that ``latex`` spells exactly, if any."""
        key = spelling_key(latex)
        return next((name for pattern, name in self.names.get(key[0], ()) if pattern == key), None) if key else None

    def kinds_of(self, name: str) -> tuple[str, ...]:
        """What a declared name is (a name can be both a function and a symbol: g(x), g_i)."""
        table = self.table
        groups = (
            ("base", table.bases),
            ("scalar", table.scalars),
            ("index", table.indices),
            ("size", table.sizes),
            ("function", table.functions),
            ("constant", table.constants),
        )
        return tuple(kind for kind, group in groups if name in group) or ("free",)


def spelling_key(latex: str) -> tuple:
    """The token keys a declared LaTeX spelling is matched by (spaces ignored)."""
    return tuple(_key(t) for t in collapse(tokenize(latex)) if t.kind != "space")


LETTER_COMMANDS = frozenset({"pi", "imath", "jmath", "ell", "hbar"})  # commands that name a letter, beside GREEK


def spelling_problem(latex: str) -> str | None:
    """Why a declared LaTeX spelling cannot be a name: it must begin with a letter (w, x_1),
    a font or accent on one (\\mathbf{w}, \\hat{y}) or a letter command (\\sigma, \\jmath);
    a number, an operator or a bracket (1, \\cdot, \\frac{1}{2}, +) would change how
    ordinary math reads."""
    tokens = [t for t in collapse(tokenize(latex)) if t.kind != "space"]
    first = tokens[0] if tokens else None
    if first is None or first.kind in ("letter", "word") \
            or first.kind == "cmd" and (first.text[1:] in GREEK or first.text[1:] in LETTER_COMMANDS):
        return None if first is not None else "it is empty"
    return f"it begins with {first.text!r}, not a letter, a font on one or a Greek letter"


def spelling_clash(spellings: dict[str, Sequence[str]], names: Sequence[str],
                   indexed: Sequence[str] = ()) -> tuple[str, str, str] | None:
    """(latex, name, other) when a declared spelling of `name` is also a spelling, or the
    plain name (w, \\sigma, \\text{name}), of another declared name, or an entry or row of a
    declared vector or matrix in `indexed` (w_1, \\mathbf{x}_2): one of the two would be read
    silently as the other."""
    owners: dict[tuple, str] = {key: name for name in names for key in _default_keys(name)}
    for name, latexes in sorted(spellings.items()):
        for latex in latexes:
            other = owners.setdefault(spelling_key(latex), name)
            if other != name:
                return latex, name, other
    subscripted = {key + (("char", "_"),): name for key, name in owners.items() if name in indexed}
    for name, latexes in sorted(spellings.items()):
        for latex in latexes:
            key = spelling_key(latex)
            other = next((subscripted[key[:n]] for n in range(1, len(key)) if key[:n] in subscripted), name)
            if other != name:
                return latex, name, other
    return None


def _key(t: Token) -> tuple:
    if t.kind == "word":
        return ("word", t.cmd, (t.arg or "").strip())
    return (t.kind, t.text)


def _default_keys(name: str) -> list[tuple]:
    keys: list[tuple] = []
    if len(name) == 1 and name.isascii() and name.isalpha():
        keys.append((("letter", name),))
    if name in GREEK or name == "pi":  # a declared pi is a name written \pi, never the number
        keys.append((("cmd", "\\" + name),))
    for cmd in ("\\text", "\\mathrm", "\\operatorname", "\\mathit", "\\textrm"):
        keys.append((("word", cmd, name),))
    return keys

