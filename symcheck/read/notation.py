"""The notation layer: a document's LaTeX, as its author wrote it, to SymPy objects.

Pipeline for one string (every token keeps its offset into the caller's string, so
every ``LatexError`` points into the original LaTeX):

1. tokenize (``symcheck.read.tokens``) and apply the document's rewrite rules;
2. fold text-argument commands (``\\text{..}``, ``\\mathcal{L}``, ``\\begin{..}``);
3. tidy: drop what is not math (``&=``, tags, ``\\boxed``, ``\\left``/``\\right`` ...);
4. mark declared names (``\\mathcal{L}`` -> L, ``a`` -> a ...) as single tokens;
5. build a bracket tree, then *reduce* it: every atom and every construct latex2sympy2
   gets wrong (subscripts, sums, derivatives, indicators, matrices, transposes,
   element-wise operators, ellipsis sums) is read here and replaced by a placeholder
   holding the SymPy object;
6. what is left is arithmetic over those values: + - * / \\cdot \\times, juxtaposition,
   unary minus, \\ln/\\log/\\exp/trigonometric functions, !. It is combined here with
   latex2sympy2's precedence (``_Arithmetic``; juxtaposition binds tighter than * and /,
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

import functools
import operator
import re
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence, Union

import sympy

from symcheck.read.backend import LatexError, bounded_factorial, bounded_power, parse_latex
from symcheck.model import RewriteRule
from symcheck.model.symbols import SymbolTable
from symcheck.read.tokens import (
    ACCENTS,
    Env,
    Group,
    Leaf,
    Token,
    argument,
    brace_group_end,
    build_tree,
    collapse,
    join,
    next_solid,
    tokenize,
)

__all__ = ["Notation", "LatexError"]

GREEK = frozenset(
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu "
    "nu xi omicron varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega ell".split()
)
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
FUNCTION_COMMANDS = frozenset(
    "\\ln \\log \\exp \\sin \\cos \\tan \\sinh \\cosh \\tanh \\arcsin \\arccos \\arctan".split()
)
FUNCTION_WORDS = {"log": "\\log", "ln": "\\ln", "exp": "\\exp"}
TRANSPOSE_MARKS = frozenset({"T", "\\top", "\\intercal", "\\mathsf{T}", "\\mathrm{T}", "\\text{T}"})
STAR_MARKS = frozenset({"*", "\\ast", "\\star"})
SIZING = frozenset(
    "\\left \\right \\big \\Big \\bigg \\Bigg \\bigl \\bigr \\Bigl \\Bigr \\biggl \\biggr "
    "\\Biggl \\Biggr \\middle".split()
)
DROPPED = frozenset(
    "\\, \\; \\: \\! \\displaystyle \\textstyle \\limits \\nolimits \\nonumber \\notag ~ $".split()
    + ["\\ "]
)
UNWRAPPED = frozenset({"\\boxed", "\\cancel", "\\bcancel", "\\xcancel", "\\cancelto"})
LEADING = frozenset(
    "& = \\Rightarrow \\rightarrow \\therefore \\implies \\Longrightarrow \\longrightarrow \\to "
    "\\hookrightarrow \\leftarrow \\iff \\because → ⇒ ∴ ↳ ⟹".split()
)
TRAILING = frozenset({"\\\\", ".", ",", ";"})
MATRIX_ENVIRONMENTS = frozenset({"matrix", "pmatrix", "bmatrix", "Bmatrix", "smallmatrix"})
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9'\-]*$")
MAX_REWRITES = 200


# ---------------------------------------------------------------- nodes made while reading


@dataclass
class Obj:
    """A piece already read: its SymPy value (``paren``: it was a bracketed group)."""

    value: object
    start: int
    end: int
    paren: bool = False


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
class _Atom:
    """What a name stands for while its postfix is read."""

    kind: str  # base | scalar | index | size | function | free
    name: str  # declared name, or the display name of an undeclared one
    start: int
    end: int
    value: object = None


@dataclass
class _Emitted:
    text: str
    placeholders: dict
    order: dict
    offsets: list = field(default_factory=list)  # (emitted offset, source offset)

    def source(self, column: int, default: int) -> int:
        best = default
        for emitted, source in self.offsets:
            if emitted <= column:
                best = source
            else:
                break
        return best


def _is(node: object, *texts: str) -> bool:
    return isinstance(node, Leaf) and node.token.is_(*texts)


def _leaf_text(node: object) -> Optional[str]:
    if isinstance(node, Leaf) and node.token.kind not in ("word", "name", "begin", "end"):
        return node.token.text
    return None


def _source(nodes: Sequence[object]) -> str:
    """The LaTeX of nodes, without spaces (how latex2sympy2 names subscripts)."""
    out = []
    for node in nodes:
        if isinstance(node, Leaf):
            out.append(node.token.text)
        elif isinstance(node, Group):
            out.append(node.open.text + _source(node.items) + node.close.text)
        elif isinstance(node, Env):
            out.append(node.begin.text + _source(node.items) + node.close.text)
        else:
            out.append("?")
    return "".join(out).replace(" ", "")


def _split(nodes: Sequence[object], separators: frozenset) -> list[list]:
    parts: list[list] = [[]]
    for node in nodes:
        if _leaf_text(node) in separators:
            parts.append([])
        else:
            parts[-1].append(node)
    return parts


def _is_matrix(value: object) -> bool:
    return isinstance(value, (sympy.MatrixBase, sympy.MatrixExpr))


def _matrix_valued(value: object) -> bool:
    if _is_matrix(value):
        return True
    if isinstance(value, sympy.Derivative):
        return any(_matrix_valued(v) for v in (value.expr, *value.variables))
    return False


# ---------------------------------------------------------------- element-wise operations


def _transpose(value: object) -> object:
    if _is_matrix(value):
        return value.T
    if _matrix_valued(value):
        return sympy.transpose(value)
    return value


def _elementwise(a: object, b: object, combine: Callable) -> object:
    if isinstance(a, sympy.MatrixBase) and isinstance(b, sympy.MatrixBase):
        if a.shape != b.shape:
            raise ValueError(f"shapes {a.shape} and {b.shape} differ")
        return sympy.ImmutableMatrix(a.shape[0], a.shape[1], [combine(x, y) for x, y in zip(a, b)])
    return None


def _hadamard(a: object, b: object) -> object:
    if not _is_matrix(a) or not _is_matrix(b):
        return a * b
    explicit = _elementwise(a, b, operator.mul)
    return explicit if explicit is not None else sympy.HadamardProduct(a, b)


def _divide(a: object, b: object) -> object:
    if not _is_matrix(b):
        return a / b
    if isinstance(b, sympy.MatrixBase):
        inverse = b.applyfunc(lambda x: 1 / x)
    else:
        inverse = sympy.HadamardPower(b, -1)
    return _hadamard(a, inverse) if _is_matrix(a) else a * inverse


def _column(value: object) -> object:
    rows, cols = value.shape
    if cols == 1:
        return value
    if rows == 1:
        return value.T
    raise ValueError("the outer product \\otimes needs vectors")


def _outer(a: object, b: object) -> object:
    if not _is_matrix(a) or not _is_matrix(b):
        return a * b
    product = _column(a) * _column(b).T
    return sympy.ImmutableMatrix(product) if isinstance(product, sympy.MatrixBase) else product


def _diag(value: object) -> object:
    if isinstance(value, sympy.MatrixBase):
        if 1 not in value.shape:
            raise ValueError("diag needs a vector")
        return sympy.ImmutableMatrix(sympy.diag(*list(value)))
    if isinstance(value, sympy.MatrixExpr):
        if value.shape[1] != 1 and value.shape[0] == 1:
            value = value.T
        return sympy.DiagMatrix(value)
    raise ValueError("diag needs a vector")


def _divide_values(a: object, b: object) -> object:
    if _matrix_valued(b):
        raise ValueError("division by a matrix (\\oslash divides element-wise)")
    return a / b


def _power(base: object, exponent: object) -> object:
    if _is_matrix(base):
        rows, cols = base.shape
        if rows != cols:
            raise ValueError(f"a power of a {rows} x {cols} matrix")
    return bounded_power(base, exponent)


ELEMENTWISE = {"\\odot": _hadamard, "\\circ": _hadamard, "\\oslash": _divide, "\\otimes": _outer}


def _indicator(condition: object) -> object:
    """1 where the condition holds, 0 elsewhere: Kronecker deltas for (in)equalities."""
    if isinstance(condition, sympy.Eq):
        return sympy.KroneckerDelta(condition.lhs, condition.rhs)
    if isinstance(condition, sympy.Ne):
        return 1 - sympy.KroneckerDelta(condition.lhs, condition.rhs)
    if isinstance(condition, sympy.And):
        return sympy.Mul(*[_indicator(c) for c in condition.args])
    if condition is sympy.true:
        return sympy.Integer(1)
    if condition is sympy.false:
        return sympy.Integer(0)
    return sympy.Piecewise((1, condition), (0, True))


# ---------------------------------------------------------------- rewrite rules


@dataclass(frozen=True)
class _Rule:
    pattern: tuple[Token, ...]
    replacement: tuple[Token, ...]

    @classmethod
    def compile(cls, rule: RewriteRule) -> "_Rule":
        pattern = tuple(t for t in tokenize(rule.pattern, params=True) if t.kind != "space")
        if not pattern:
            raise LatexError("empty rewrite pattern", rule.pattern, 0)
        return cls(pattern, tuple(tokenize(rule.replacement, params=True)))

    def match(self, tokens: Sequence[Token], i: int) -> Optional[tuple[dict, int]]:
        binds: dict[str, list[Token]] = {}
        k = i
        for p in self.pattern:
            k = next_solid(tokens, k)
            if k >= len(tokens):
                return None
            t = tokens[k]
            if p.kind == "param":
                if t.is_("}"):
                    return None
                if t.is_("{"):
                    end = brace_group_end(tokens, k)
                    binds[p.text] = list(tokens[k + 1 : end - 1])
                    k = end
                else:
                    binds[p.text] = [t]
                    k += 1
            elif t.kind != p.kind or t.text != p.text:
                return None
            else:
                k += 1
        return binds, k

    def expand(self, binds: dict, start: int, end: int) -> list[Token]:
        out: list[Token] = []
        for t in self.replacement:
            if t.kind == "param":
                out.extend(binds.get(t.text, []))
            else:
                out.append(Token(t.kind, t.text, start, end))
        return out


def _apply_rules(rules: Sequence[_Rule], tokens: list[Token]) -> list[Token]:
    for _ in range(MAX_REWRITES):
        for rule in rules:
            found = _first_match(rule, tokens)
            if found is not None:
                i, binds, k = found
                tokens = tokens[:i] + rule.expand(binds, tokens[i].start, tokens[k - 1].end) + tokens[k:]
                break
        else:
            return tokens
    raise LatexError("rewrite rules keep applying", "", tokens[0].start if tokens else 0)


def _first_match(rule: _Rule, tokens: list[Token]) -> Optional[tuple[int, dict, int]]:
    for i, t in enumerate(tokens):
        if t.kind == "space":
            continue
        found = rule.match(tokens, i)
        if found is not None:
            return i, found[0], found[1]
    return None


# ---------------------------------------------------------------- tidy (token level)


def _unwrap(tokens: list[Token]) -> list[Token]:
    """\\boxed{x} -> x, \\cancel{x} -> x; sizing (\\left, \\right, \\big) and spacing dropped."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.kind == "cmd" and t.text in UNWRAPPED:
            k = next_solid(tokens, i + 1)
            if t.text == "\\cancelto" and k < len(tokens) and tokens[k].is_("{"):
                k = next_solid(tokens, brace_group_end(tokens, k))
            if k < len(tokens) and tokens[k].is_("{"):
                end = brace_group_end(tokens, k)
                tokens = tokens[:i] + tokens[k + 1 : end - 1] + tokens[end:]
                continue
            i += 1
            continue
        if t.kind == "cmd" and t.text in SIZING:
            k = next_solid(tokens, i + 1)
            i = k + 1 if k < len(tokens) and tokens[k].is_(".") else i + 1
            continue
        if t.text in DROPPED and t.kind in ("cmd", "char"):
            i += 1
            continue
        if t.kind == "cmd" and t.text in ("\\tag", "\\label"):
            _, i = argument(tokens, i + 1)
            continue
        if t.kind == "word" and not (t.arg or "").strip():
            i += 1
            continue
        out.append(t)
        i += 1
    return out


def _depths(tokens: Sequence[Token]) -> list[int]:
    """Nesting depth (braces and environments) before each token."""
    depth, out = 0, []
    for t in tokens:
        if t.is_("}") or t.kind == "end":
            depth -= 1
        out.append(depth)
        if t.is_("{") or t.kind == "begin":
            depth += 1
    return out


def _is_tag(t: Token) -> bool:
    content = (t.arg or "").strip()
    return t.kind == "word" and t.cmd == "\\text" and (
        content[:1] in ("-", "(", "[", "—", "–") or (content and not content[0].isascii())
    )


def _is_prose(t: Token) -> bool:
    """\\text{So, } or \\text{ when }: words, not a name (names have no spaces around)."""
    raw = t.arg or ""
    return t.kind == "word" and t.cmd in ("\\text", "\\textrm", "\\textit", "\\textbf") and (
        raw != raw.strip() or not IDENTIFIER.match(raw)
    )


def _trim_end(tokens: list[Token]) -> list[Token]:
    while True:
        solid = [k for k, t in enumerate(tokens) if t.kind != "space"]
        if not solid:
            return []
        depth = _depths(tokens)
        top = [k for k in solid if depth[k] == 0]
        foralls = [k for k in top if tokens[k].is_("\\forall")]
        last = tokens[solid[-1]]
        if foralls:
            tokens = tokens[: foralls[0]]
        elif last.text in TRAILING and last.kind in ("char", "cmd"):
            tokens = tokens[: solid[-1]]
        elif last.kind == "word" and len(solid) > 1 and (
            _is_tag(last) or tokens[solid[-2]].is_("\\quad", "\\qquad")
        ):
            tokens = tokens[: solid[-1]]
        elif last.is_("\\quad", "\\qquad"):
            tokens = tokens[: solid[-1]]
        else:
            return tokens


def _trim_start(tokens: list[Token]) -> list[Token]:
    while True:
        k = next_solid(tokens, 0)
        if k >= len(tokens):
            return []
        t = tokens[k]
        after = next_solid(tokens, k + 1)
        if (t.kind in ("cmd", "char") and t.text in LEADING) or (
            _is_prose(t) and after < len(tokens) and not tokens[after].is_("=")
        ):
            tokens = tokens[k + 1 :]
        else:
            return tokens


def _drop_alignment(tokens: list[Token]) -> list[Token]:
    depth = _depths(tokens)
    return [t for t, d in zip(tokens, depth) if not (t.is_("&") and d == 0) and not t.is_("\\quad", "\\qquad")]


def tidy_tokens(tokens: list[Token]) -> list[Token]:
    """Drop what is not math: alignment, tags, wrappers, sizing, leading arrows."""
    tokens = _unwrap(tokens)
    tokens = _trim_start(_trim_end(tokens))
    return _drop_alignment(tokens)


# ---------------------------------------------------------------- the notation


class Notation:
    """Reads one document's LaTeX with its declared symbols and rewrite rules."""

    def __init__(self, table: SymbolTable, rewrites: Sequence[RewriteRule] = (), fast: bool = True) -> None:
        """``fast``: combine arithmetic over placeholders here (same precedence as
        latex2sympy2, about 100x faster); False sends every compound to latex2sympy2."""
        self.table = table
        self.fast = fast
        self.rules = [_Rule.compile(rule) for rule in rewrites]
        self.names = self._name_patterns()

    # ------------------------------------------------------------ public API

    def tidy(self, latex: str) -> str:
        """The LaTeX without what is not math (alignment, tags, \\boxed, arrows, \\left)."""
        return self._guard(latex, lambda: join(tidy_tokens(collapse(tokenize(latex)))).strip())

    def expression(self, latex: str) -> object:
        """One expression: an Expr, a MatrixExpr or an explicit (immutable) Matrix."""

        def read() -> object:
            nodes = self._tree(latex)
            for node in nodes:
                if _leaf_text(node) in RELATIONS:
                    raise LatexError("a relation where an expression is expected", latex, node.start)
            return self._final(_Reader(self, latex).value(nodes, 0), latex, 0)

        return self._guard(latex, read)

    def equation(self, latex: str) -> list:
        """The sides of ``a = b = c`` (split at top-level '='), each read as an expression."""

        def read() -> list:
            sides = self._sides(self._tree(latex), latex)
            reader = _Reader(self, latex)
            return [self._final(reader.value(nodes, start), latex, start) for nodes, start in sides]

        return self._guard(latex, read)

    def condition(self, latex: str) -> sympy.Basic:
        """A case condition: ``i = j``, ``i \\neq j``, conjunctions joined by ',' or 'and'."""

        def read() -> sympy.Basic:
            return _Reader(self, latex).condition(self._tree(latex, condition=True), 0)

        return self._guard(latex, read)

    # ------------------------------------------------------------ pipeline

    def _guard(self, latex: str, work: Callable) -> object:
        if not isinstance(latex, str):
            raise LatexError("LaTeX must be a string", repr(latex), 0)
        try:
            return work()
        except LatexError as error:
            raise LatexError(error.message, latex, min(error.column, len(latex))) from None
        except RecursionError:
            raise LatexError("expression nested too deeply", latex, 0) from None
        except Exception as error:  # a safety net: callers only ever see LatexError
            raise LatexError(f"cannot read this: {type(error).__name__}: {_why(error)}", latex, 0) from None

    def _tokens(self, latex: str, condition: bool = False) -> list[Token]:
        tokens = _apply_rules(self.rules, tokenize(latex)) if self.rules else tokenize(latex)
        tokens = collapse(tokens)
        if condition:
            tokens = _condition_text(tokens)
        tokens = tidy_tokens(tokens)
        return self._mark_names(_function_words(tokens))

    def _tree(self, latex: str, condition: bool = False) -> list:
        nodes = build_tree(self._tokens(latex, condition), latex)
        if not nodes:
            raise LatexError("empty expression", latex, 0)
        return nodes

    @staticmethod
    def _sides(nodes: list, latex: str) -> list[tuple[list, int]]:
        sides: list[tuple[list, int]] = [([], nodes[0].start)]
        previous = None
        for node in nodes:
            current = sides[-1][0]
            if _is(node, "=", "\\coloneqq"):
                if current and _is(current[-1], ":"):
                    current.pop()  # ':=' is '='
                elif not current and previous is not None and _is(previous, "=") and previous.end == node.start:
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

    @staticmethod
    def _final(value: object, latex: str, start: int) -> object:
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
        for group in (table.declarations, table.scalars, table.bases, table.indices, table.sizes, table.functions):
            names.update(dict.fromkeys(group))
        patterns: dict[tuple, str] = {}
        for name in names:
            decl = table.declarations.get(name)
            if decl is not None and decl.latex:
                key = tuple(_key(t) for t in collapse(tokenize(decl.latex)) if t.kind != "space")
                patterns.setdefault(key, name)
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

    def _mark_names(self, tokens: list[Token]) -> list[Token]:
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

    def kinds_of(self, name: str) -> tuple[str, ...]:
        """What a declared name is (a name can be both a function and a symbol: g(x), g_i)."""
        table = self.table
        groups = (
            ("base", table.bases),
            ("scalar", table.scalars),
            ("index", table.indices),
            ("size", table.sizes),
            ("function", table.functions),
        )
        return tuple(kind for kind, group in groups if name in group) or ("free",)


def _key(t: Token) -> tuple:
    if t.kind == "word":
        return ("word", t.cmd, (t.arg or "").strip())
    return (t.kind, t.text)


def _default_keys(name: str) -> list[tuple]:
    keys: list[tuple] = []
    if len(name) == 1 and name.isascii() and name.isalpha():
        keys.append((("letter", name),))
    if name in GREEK:
        keys.append((("cmd", "\\" + name),))
    for cmd in ("\\text", "\\mathrm", "\\operatorname", "\\mathit", "\\textrm"):
        keys.append((("word", cmd, name),))
    return keys


def _function_words(tokens: list[Token]) -> list[Token]:
    """log(x) written with letters, \\text{log}, \\mathrm{d} -> the commands they mean."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.kind == "word" and (t.arg or "").strip() in FUNCTION_WORDS and t.cmd not in ACCENTS:
            out.append(Token("cmd", FUNCTION_WORDS[(t.arg or "").strip()], t.start, t.end))
            i += 1
            continue
        if t.kind == "word" and t.cmd in ("\\mathrm", "\\text", "\\operatorname") and (t.arg or "").strip() == "d":
            out.append(Token("letter", "d", t.start, t.end))
            i += 1
            continue
        word = _letter_word(tokens, i)
        if word and (not out or out[-1].kind != "letter"):
            end = i + len(word)
            k = next_solid(tokens, end)
            if k < len(tokens) and tokens[k].is_("("):
                out.append(Token("cmd", FUNCTION_WORDS[word], t.start, tokens[end - 1].end))
                i = end
                continue
        out.append(t)
        i += 1
    return out


def _letter_word(tokens: list[Token], i: int) -> Optional[str]:
    for word in ("log", "exp", "ln"):
        chunk = tokens[i : i + len(word)]
        if len(chunk) == len(word) and all(t.kind == "letter" for t in chunk) and join(chunk) == word:
            return word
    return None


def _condition_text(tokens: list[Token]) -> list[Token]:
    """\\text{if $i = j$,} -> i = j; 'and' words become ','; 'otherwise' stays a word."""
    out: list[Token] = []
    for t in tokens:
        content = (t.arg or "").strip() if t.kind == "word" else ""
        if t.kind == "word" and "$" in content:
            raw = t.arg or ""
            for index, piece in enumerate(raw.split("$")):
                offset = t.arg_start + sum(len(p) + 1 for p in raw.split("$")[:index])
                if index % 2 == 1:
                    out.extend(_trim_end(tokenize(piece, offset)))
                elif piece.strip().strip(",.").strip() in ("and", "&"):
                    out.append(Token("char", ",", offset, offset + len(piece)))
        elif t.kind == "word" and content in ("and", "&", ","):
            out.append(Token("char", ",", t.start, t.end))
        elif t.kind == "word" and content in ("if", "when", "for", "where"):
            continue
        elif t.kind == "cmd" and t.text in ("\\land", "\\wedge"):
            out.append(Token("char", ",", t.start, t.end))
        else:
            out.append(t)
    return out


# ---------------------------------------------------------------- the reader


class _Reader:
    """Reads the node tree of one string (errors point into ``latex``)."""

    def __init__(self, notation: Notation, latex: str) -> None:
        self.notation = notation
        self.table = notation.table
        self.latex = latex

    def error(self, message: str, where: int) -> LatexError:
        return LatexError(message, self.latex, where)

    # ------------------------------------------------------------ whole expressions

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
        if self.notation.fast:
            value = _Arithmetic(self, items).whole()
            if value is not None:
                return value
        emitted = self.emit(items)
        try:
            tree = parse_latex(emitted.text, evaluate=False)
        except LatexError as error:
            raise self.error(error.message, emitted.source(error.column, items[0].start)) from None
        try:
            return _rebuild(tree, emitted.placeholders, emitted.order)
        except Exception as error:  # SymPy: TypeError, ShapeError, NotImplementedError ...
            raise self.error(f"cannot combine these: {_why(error)}", items[0].start) from None

    def prepare(self, items: list) -> list:
        """Ellipsis sums and element-wise operators, over already reduced items."""
        return self.elementwise(self.ellipsis(items))

    def reduce(self, nodes: list) -> list:
        """Replace atoms and constructs by Obj (their value); operators stay leaves."""
        out: list = []
        i = 0
        while i < len(nodes):
            handler = self.handler(nodes[i])
            if handler is None:
                out.append(nodes[i])
                i += 1
                continue
            produced, i = handler(nodes, i)
            out.extend(produced)
        return out

    def handler(self, node: object) -> Optional[Callable]:
        if isinstance(node, (Obj, Func)):
            return None
        if isinstance(node, Group):
            return self.group
        if isinstance(node, Env):
            return self.environment
        token = node.token
        if token.kind in KIND_HANDLERS:
            return functools.partial(KIND_HANDLERS[token.kind], self)
        if token.kind == "cmd":
            if token.text in COMMAND_HANDLERS:
                return functools.partial(COMMAND_HANDLERS[token.text], self)
            if token.text[1:] in GREEK or token.text in ("\\pi", "\\infty"):
                return self.greek
        return None

    # ------------------------------------------------------------ emitting for latex2sympy2

    def emit(self, items: list) -> _Emitted:
        emitted = _Emitted("", {}, {})
        pieces: list[str] = []
        self._emit_into(items, emitted, pieces)
        emitted.text = "".join(pieces)
        return emitted

    def _emit_into(self, items: list, emitted: _Emitted, pieces: list[str]) -> None:
        previous = None
        for item in items:
            if isinstance(item, Obj):
                placeholder = self._placeholder(emitted, item.value)
                # parentheses matter after a function only; elsewhere latex2sympy2 would
                # read 'a(b)' as a call of a
                text = f"({placeholder})" if item.paren and isinstance(previous, Func) else placeholder
                self._piece(emitted, pieces, text, item.start)
            elif isinstance(item, Func):
                text = "\\ln" if item.name == "\\log" and item.base is None else item.name
                if item.base is not None:
                    text += "_{" + self._placeholder(emitted, item.base) + "}"
                if item.power is not None:
                    text += "^{" + self._placeholder(emitted, item.power) + "}"
                self._piece(emitted, pieces, text + " ", item.start)
            else:
                self._piece(emitted, pieces, self._leaf_emission(item), item.start)
            previous = item

    @staticmethod
    def _placeholder(emitted: _Emitted, value: object) -> str:
        name = f"\\mathit{{zz{len(emitted.placeholders)}}}"
        emitted.placeholders[name] = value
        emitted.order[name] = len(emitted.order)
        return name

    @staticmethod
    def _piece(emitted: _Emitted, pieces: list[str], text: str, source: int) -> None:
        emitted.offsets.append((sum(len(p) for p in pieces), source))
        pieces.append(text)

    def _leaf_emission(self, item: object) -> str:
        text = _leaf_text(item)
        if text in EMITTED:
            return EMITTED[text]
        if isinstance(item, Leaf) and item.token.kind == "dots":
            raise self.error("cannot read this ellipsis (only 'a_1 + a_2 + \\dots + a_n' is read)", item.start)
        if text in RELATIONS:
            raise self.error("a relation where an expression is expected", item.start)
        if text in ("\\partial", "d"):
            raise self.error("a differential outside a derivative fraction", item.start)
        if isinstance(item, (Group, Env)):
            raise self.error("cannot read this group", item.start)
        shown = text if text is not None else item.token.text
        raise self.error(f"unexpected '{shown}'", item.start)

    # ------------------------------------------------------------ postfix: _ ^ '

    def argument(self, nodes: list, j: int, what: str) -> list:
        if j >= len(nodes):
            raise self.error(f"missing {what}", nodes[-1].end if nodes else 0)
        node = nodes[j]
        if isinstance(node, Group) and node.kind == "{":
            return node.items
        if _leaf_text(node) in ("^", "_", "'"):
            raise self.error(f"missing {what}", node.start)
        return [node]

    def postfix(self, nodes: list, j: int) -> tuple[Postfix, int]:
        post = Postfix()
        while j < len(nodes):
            node = nodes[j]
            if _is(node, "_"):
                if post.sub is not None:
                    raise self.error("double subscript", node.start)
                post.sub, post.sub_start = self.argument(nodes, j + 1, "subscript"), node.start
                j += 2
            elif _is(node, "^"):
                sup = self.argument(nodes, j + 1, "superscript")
                if len(sup) == 1 and _is(sup[0], "\\prime"):
                    post.primes += 1
                elif post.sup is not None:
                    raise self.error("double superscript", node.start)
                else:
                    post.sup, post.sup_start = sup, node.start
                j += 2
            elif _is(node, "'"):
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
            return _transpose(value)
        if kind == "star":
            return value if self._declared_real(value) else sympy.conjugate(value)
        if kind == "label":
            return label()
        if kind == "power":
            exponent = self.value(post.sup, post.sup_start)
            try:
                return _power(value, exponent)
            except Exception as error:  # SymPy: TypeError, ShapeError, NotImplementedError ...
                raise self.error(f"cannot raise to this power: {_why(error)}", post.sup_start) from None
        return value

    def _declared_real(self, value: object) -> bool:
        """Declared symbols are real: their conjugate (y^*) is themselves."""
        names = {getattr(s, "name", None) for s in getattr(value, "free_symbols", ())}
        if isinstance(value, sympy.MatrixSymbol):
            names.add(value.name)
        if isinstance(value, sympy.Indexed):
            names.add(value.base.label.name)
        return bool(names) and all(n in self.table.declarations or n in self.table.indices for n in names if n)

    # ------------------------------------------------------------ atoms

    def name(self, nodes: list, i: int) -> tuple[list, int]:
        token = nodes[i].token
        kinds = self.notation.kinds_of(token.arg)
        post, j = self.postfix(nodes, i + 1)
        called = j < len(nodes) and isinstance(nodes[j], Group) and nodes[j].kind == "("
        kind = kinds[0]
        if "function" in kinds and (called and post.sub is None or len(kinds) == 1):
            kind = "function"
        return self.atom(nodes, i, _Atom(kind, token.arg, token.start, token.end))

    def letter(self, nodes: list, i: int) -> tuple[list, int]:
        token = nodes[i].token
        if token.text == "e":
            post, j = self.postfix(nodes, i + 1)
            if post.sub is None and post.primes == 0:
                if post.sup is None:
                    return [Obj(sympy.E, token.start, token.end)], j
                exponent = self.value(post.sup, post.sup_start)
                return [Obj(sympy.exp(exponent), token.start, nodes[j - 1].end)], j
        return self.atom(nodes, i, _Atom("free", token.text, token.start, token.end))

    def greek(self, nodes: list, i: int) -> tuple[list, int]:
        token = nodes[i].token
        constants = {"\\pi": sympy.pi, "\\infty": sympy.oo}
        if token.text in constants:
            return [Obj(constants[token.text], token.start, token.end)], i + 1
        if token.text == "\\delta":
            post, j = self.postfix(nodes, i + 1)
            pair = self.index_pair(post.sub) if post.sub is not None and post.sup is None else None
            if pair is not None and not (j < len(nodes) and isinstance(nodes[j], Group) and nodes[j].kind == "("):
                return [Obj(sympy.KroneckerDelta(*pair), token.start, nodes[j - 1].end)], j
        return self.atom(nodes, i, _Atom("free", token.text[1:], token.start, token.end))

    def word(self, nodes: list, i: int) -> tuple[list, int]:
        token = nodes[i].token
        content = (token.arg or "").strip()
        if token.cmd in ("\\mathbb", "\\mathbf", "\\mathbbm") and content == "1":
            return self.indicator(nodes, i)
        if content == "diag" and token.cmd not in ACCENTS:
            return self.diag(nodes, i)
        if token.cmd == "\\mathbb":
            raise self.error(f"a set ({token.text}) is not an expression", token.start)
        if _is_prose(token) or (token.cmd not in ACCENTS and not IDENTIFIER.match(content)):
            raise self.error("text that is not math", token.start)
        display = f"{token.cmd}{{{content}}}"
        return self.atom(nodes, i, _Atom("free", display, token.start, token.end))

    def atom(self, nodes: list, i: int, atom: _Atom) -> tuple[list, int]:
        post, j = self.postfix(nodes, i + 1)
        call = nodes[j] if j < len(nodes) and isinstance(nodes[j], Group) and nodes[j].kind == "(" else None
        builder = ATOM_BUILDERS[atom.kind]
        value, consumed = builder(self, atom, post, call)
        end = j + 1 if consumed else j
        if consumed:
            post2, end = self.postfix(nodes, end)
            if post2.sub is not None or post2.primes:
                raise self.error("unexpected subscript after a call", nodes[end - 1].start)
            value = self.apply_sup(value, post2, lambda: self._label_error(post2))
        return [Obj(value, atom.start, nodes[end - 1].end)], end

    def _label_error(self, post: Postfix) -> object:
        raise self.error("a parenthesised superscript here is not an index", post.sup_start)

    def display(self, atom: _Atom, post: Postfix) -> str:
        """The Symbol name latex2sympy2 gives: a_k, y_{n,k}, theta_n, \\mathcal{L}_i."""
        name = atom.name
        if post.sub is None:
            return name
        sub = _source(post.sub)
        return f"{name}_{sub}" if len(sub) == 1 else f"{name}_{{{sub}}}"

    def no_primes(self, post: Postfix) -> None:
        if post.primes:
            raise self.error("a prime (') needs a function and its argument", post.sub_start or post.sup_start)

    # -- builders: (atom, postfix, call group or None) -> (value, call consumed)

    def build_base(self, atom: _Atom, post: Postfix, call: Optional[Group]) -> tuple[object, bool]:
        self.no_primes(post)
        base = self.table.bases[atom.name]
        rank = len(self.table.shape(atom.name))
        indices = self.indices(post.sub, rank) if post.sub is not None else []
        if indices == "shape":
            value: object = self.table.matrix_symbol(atom.name)
            indices = []
        elif indices == "label":
            value = sympy.Symbol(self.display(atom, post))
            return self.apply_sup(value, post, lambda: self._label_error(post)), False
        kind = self.sup_kind(post.sup)
        if kind == "label":
            indices = list(indices) + self.label_indices(post.sup)
        if indices:
            value = base[tuple(indices)]
        elif post.sub is None:
            value = self.table.matrix_symbol(atom.name)
        if call is not None and indices and len(indices) < rank:
            arguments = self.call_indices(call)
            if len(indices) + len(arguments) != rank:
                raise self.error(
                    f"{atom.name} has {rank} indices; this gives {len(indices) + len(arguments)}", call.start
                )
            return self.sup_only(base[tuple(indices) + tuple(arguments)], post), True
        if call is not None and not indices and self.is_signature(call):
            return self.sup_only(value, post), True
        return self.sup_only(value, post), False

    def sup_only(self, value: object, post: Postfix) -> object:
        if self.sup_kind(post.sup) == "label":
            return value
        return self.apply_sup(value, post, lambda: self._label_error(post))

    def build_scalar(self, atom: _Atom, post: Postfix, call: Optional[Group]) -> tuple[object, bool]:
        self.no_primes(post)
        groups = {"scalar": self.table.scalars, "index": self.table.indices, "size": self.table.sizes}
        value: object = groups[atom.kind][atom.name]
        if post.sub is not None:
            value = self.subscripted_free(atom, post)
        label = lambda: sympy.Symbol(f"{self.display(atom, post)}^{_source(post.sup)}")  # noqa: E731
        value = self.apply_sup(value, post, label)
        if call is not None and self.is_signature(call):
            return value, True
        return value, False

    def build_function(self, atom: _Atom, post: Postfix, call: Optional[Group]) -> tuple[object, bool]:
        function = self.table.functions[atom.name]
        if post.sub is not None and call is None:
            return self.build_free(atom, post, None)  # g_i: a name of its own
        if post.sub is not None:
            function = sympy.Function(self.display(atom, post))
        if call is None:
            raise self.error(f"the function {atom.name} needs an argument", atom.start)
        if post.sup is not None:
            raise self.error("a superscript on a function name is not supported", post.sup_start)
        return self.application(function, post.primes, call), True

    def build_free(self, atom: _Atom, post: Postfix, call: Optional[Group]) -> tuple[object, bool]:
        if call is not None and post.sup is None:
            function = sympy.Function(self.display(atom, post))
            return self.application(function, post.primes, call), True
        self.no_primes(post)
        value = self.subscripted_free(atom, post) if post.sub is not None else sympy.Symbol(atom.name)
        label = lambda: sympy.Symbol(f"{self.display(atom, post)}^{_source(post.sup)}")  # noqa: E731
        return self.apply_sup(value, post, label), False

    def subscripted_free(self, atom: _Atom, post: Postfix) -> object:
        shape = self.shape_annotation(post.sub)
        if shape is not None:
            return sympy.MatrixSymbol(atom.name, *shape)
        return sympy.Symbol(self.display(atom, post))

    # -- calls, indices

    def arguments(self, call: Group) -> list:
        parts = _split(call.items, frozenset({","}))
        return [self.value(part, call.start) for part in parts]

    def application(self, function: object, primes: int, call: Group) -> object:
        args = self.arguments(call)
        applied = function(*args)
        if not primes:
            return applied
        if len(args) != 1:
            raise self.error("a prime (') needs a function of one argument", call.start)
        (arg,) = args
        if getattr(arg, "_diff_wrt", False):
            return sympy.Derivative(applied, (arg, primes), evaluate=False)
        dummy = sympy.Symbol("_t")  # a Dummy would differ between two parses
        return sympy.Subs(sympy.Derivative(function(dummy), (dummy, primes), evaluate=False), dummy, arg)

    def is_signature(self, call: Group) -> bool:
        """L(y, p): a declared symbol followed by its argument list (it names the symbol)."""
        return len(_split(call.items, frozenset({","}))) > 1

    def call_indices(self, call: Group) -> list:
        found: list = []
        for arg in self.arguments(call):
            if isinstance(arg, sympy.Indexed):
                found.extend(arg.indices)
            elif isinstance(arg, sympy.Symbol):
                found.append(arg)
            else:
                raise self.error("the argument of an indexed name must be indexed (x^{(j)})", call.start)
        return found

    def label_indices(self, sup: list) -> list:
        group = sup[0]
        return [self.index_value(part, group.start) for part in _split(group.items, frozenset({","}))]

    def index_value(self, nodes: list, where: int) -> object:
        value = self.value(nodes, where)
        if _matrix_valued(value):
            raise self.error("an index must be a scalar", where)
        return value

    def indices(self, sub: list, rank: int) -> Union[list, str]:
        where = sub[0].start if sub else 0
        parts = _split(sub, frozenset({","}))
        if len(parts) > 1:
            return [self.index_value(part, where) for part in parts]
        if self.shape_annotation(sub) is not None:
            return "shape"
        atoms = [node for node in sub if isinstance(node, Leaf) and node.token.kind in ("letter", "name", "number")]
        if rank >= 2 and len(sub) == rank and len(atoms) == rank:
            return [self.index_value([node], node.start) for node in sub]
        if len(sub) >= 2 and all(isinstance(n, Leaf) and n.token.kind in ("letter", "name") for n in sub):
            return "label"  # J_{softmax}: a name, not an index
        return [self.index_value(sub, where)]

    def index_pair(self, sub: list) -> Optional[tuple]:
        parts = _split(sub, frozenset({","}))
        if len(parts) == 2 and all(parts):
            return tuple(self.index_value(part, part[0].start) for part in parts)
        atoms = [n for n in sub if isinstance(n, Leaf) and n.token.kind in ("letter", "name", "number")]
        if len(sub) == 2 and len(atoms) == 2:
            return tuple(self.index_value([n], n.start) for n in sub)
        return None

    def shape_annotation(self, sub: Optional[list]) -> Optional[tuple]:
        if not sub:
            return None
        parts = _split(sub, frozenset({"\\times"}))
        if len(parts) != 2 or not all(len(part) == 1 for part in parts):
            return None
        sizes = [self.value(part, part[0].start) for part in parts]
        if all(isinstance(s, (sympy.Symbol, sympy.Integer)) for s in sizes):
            return tuple(sizes)
        return None

    # ------------------------------------------------------------ numbers, indicators

    def number(self, nodes: list, i: int) -> tuple[list, int]:
        token = nodes[i].token
        if token.text == "1" and self.indicator_follows(nodes, i + 1):
            return self.indicator(nodes, i)
        post, j = self.postfix(nodes, i + 1)
        if post.sub is not None:
            raise self.error("a subscript on a number", post.sub_start)
        self.no_primes(post)
        if post.sup is not None and self.sup_kind(post.sup) != "power":
            raise self.error("this superscript on a number", post.sup_start)
        value = self.apply_sup(sympy.Rational(token.text), post, lambda: None)
        return [Obj(value, token.start, nodes[j - 1].end)], j

    def indicator_follows(self, nodes: list, j: int) -> bool:
        if j >= len(nodes):
            return False
        node = nodes[j]
        if _is(node, "_") or (isinstance(node, Group) and node.kind == "\\{"):
            return True
        if isinstance(node, Group) and node.kind == "(":
            return any(_leaf_text(n) in RELATIONS for n in node.items)
        return False

    def indicator(self, nodes: list, i: int) -> tuple[list, int]:
        """1_{\\{i=j\\}}, 1\\{i=j\\}, 1(i=j), \\mathbb{1}_{i=j} -> KroneckerDelta(i, j)."""
        start = nodes[i].start
        j = i + 1
        if j < len(nodes) and _is(nodes[j], "_"):
            inner = self.argument(nodes, j + 1, "condition")
            j += 2
        elif j < len(nodes) and isinstance(nodes[j], Group) and nodes[j].kind in ("\\{", "("):
            inner = [nodes[j]]
            j += 1
        else:
            raise self.error("an indicator needs a condition: 1_{\\{i=j\\}}", start)
        if len(inner) == 1 and isinstance(inner[0], Group) and inner[0].kind in ("\\{", "(", "{"):
            inner = inner[0].items
        condition = self.condition(inner, start)
        return [Obj(_indicator(condition), start, nodes[j - 1].end)], j

    # ------------------------------------------------------------ conditions

    def condition(self, nodes: list, start: int) -> sympy.Basic:
        if not nodes:
            raise self.error("empty condition", start)
        if len(nodes) == 1 and isinstance(nodes[0], Leaf) and nodes[0].token.kind == "word":
            if (nodes[0].token.arg or "").strip().rstrip(".,") in ("otherwise", "else", "otherwise (as const)"):
                return sympy.true
        if any(isinstance(n, Leaf) and n.token.kind == "word" and "otherwise" in (n.token.arg or "") for n in nodes):
            return sympy.true
        clauses = [part for part in _split(nodes, frozenset({",", ";"})) if part]
        if not clauses:
            raise self.error("empty condition", start)
        return sympy.And(*[self.relation(clause) for clause in clauses])

    def relation(self, nodes: list) -> sympy.Basic:
        where = nodes[0].start
        sides: list[list] = [[]]
        ops: list[str] = []
        for node in nodes:
            text = _leaf_text(node)
            if text in RELATION_BUILDERS:
                if text == "=" and ops and not sides[-1] and ops[-1] == "=":
                    continue  # '==' is '='
                if text == "=" and sides[-1] and _is(sides[-1][-1], "!"):
                    sides[-1].pop()
                    text = "\\neq"  # '!='
                ops.append(text)
                sides.append([])
            else:
                sides[-1].append(node)
        if not ops:
            raise self.error("a condition needs a relation (=, \\neq, <, ...)", where)
        values = [self.value(side, where) for side in sides]
        parts = [RELATION_BUILDERS[op](a, b) for op, a, b in zip(ops, values, values[1:])]
        return sympy.And(*parts)

    # ------------------------------------------------------------ groups and environments

    def group(self, nodes: list, i: int) -> tuple[list, int]:
        group: Group = nodes[i]
        if group.kind == "{" and any(_is(n, "\\over") for n in group.items):
            return self.over(nodes, i)
        if group.kind == "[" and any(_is(n, ",") for n in group.items):
            value: object = self.row_vector(group)
            post, j = self.postfix(nodes, i + 1)
            return [Obj(self.group_sup(value, post, nodes, j), group.start, nodes[j - 1].end)], j
        if group.kind in ("\\{", "\\lbrace"):
            raise self.error("set braces \\{...\\} are only read in an indicator 1_{\\{i=j\\}}", group.start)
        if group.kind == "(" and any(_is(n, ",") for n in group.items):
            raise self.error("a tuple is not an expression", group.start)
        post, j = self.postfix(nodes, i + 1)
        kind = self.sup_kind(post.sup)
        if kind in ("transpose", "star"):
            value = self.value(group.items, group.start)
            return [Obj(self.group_sup(value, post, nodes, j), group.start, nodes[j - 1].end)], j
        if post.sub is not None or post.primes or kind == "label":
            raise self.error("a subscript, prime or label on a bracket", post.sub_start or post.sup_start)
        value = self.value(group.items, group.start)
        if post.sup is None:
            return [Obj(value, group.start, group.end, paren=True)], j
        return [Obj(self.apply_sup(value, post, lambda: None), group.start, nodes[j - 1].end)], j

    def group_sup(self, value: object, post: Postfix, nodes: list, j: int) -> object:
        if post.sub is not None or post.primes:
            raise self.error("a subscript or prime on a bracket", post.sub_start or post.sup_start)
        return self.apply_sup(value, post, lambda: self._label_error(post))

    def row_vector(self, group: Group) -> object:
        entries = []
        for part in _split(group.items, frozenset({","})):
            value = self.value(part, group.start)
            if _matrix_valued(value):
                raise self.error("a list literal [a, b, c] holds scalars", group.start)
            entries.append(value)
        return sympy.ImmutableMatrix([entries])

    def over(self, nodes: list, i: int) -> tuple[list, int]:
        """{a \\over b} is \\frac{a}{b}."""
        group: Group = nodes[i]
        cut = next(k for k, n in enumerate(group.items) if _is(n, "\\over"))
        numerator, denominator = group.items[:cut], group.items[cut + 1 :]
        if not numerator or not denominator:
            raise self.error("\\over needs a numerator and a denominator", group.items[cut].start)
        produced, _ = self.fraction(numerator, denominator, group.start, group.end, [])
        return produced, i + 1

    def environment(self, nodes: list, i: int) -> tuple[list, int]:
        env: Env = nodes[i]
        if env.name in MATRIX_ENVIRONMENTS:
            value: object = self.matrix(env)
        elif env.name == "cases":
            value = self.cases(env)
        else:
            raise self.error(f"the environment {env.name} is not an expression", env.start)
        post, j = self.postfix(nodes, i + 1)
        return [Obj(self.group_sup(value, post, nodes, j), env.start, nodes[j - 1].end)], j

    def rows(self, env: Env) -> list[list[list]]:
        rows = [_split(row, frozenset({"&"})) for row in _split(env.items, frozenset({"\\\\"}))]
        while rows and rows[-1] == [[]]:
            rows.pop()
        if not rows:
            raise self.error("an empty environment", env.start)
        for row in rows:
            for cell in row:
                for node in cell:
                    if isinstance(node, Leaf) and node.token.kind == "dots":
                        raise self.error("cannot read a matrix written with ellipses", node.start)
        return rows

    def matrix(self, env: Env) -> object:
        rows = self.rows(env)
        if len({len(row) for row in rows}) != 1:
            raise self.error("matrix rows of different lengths", env.start)
        cells = [[self.value(cell, env.start) for cell in row] for row in rows]
        if any(_is_matrix(c) for row in cells for c in row):
            try:
                blocks = sympy.BlockMatrix(cells)
            except Exception as error:  # scalars among blocks, shapes that do not tile
                raise self.error(f"matrix blocks do not fit: {_why(error)}", env.start) from None
            if all(isinstance(c, sympy.MatrixBase) for row in cells for c in row):
                return sympy.ImmutableMatrix(blocks.as_explicit())
            return blocks
        return sympy.ImmutableMatrix(cells)

    def cases(self, env: Env) -> object:
        pieces = []
        for row in self.rows(env):
            if len(row) != 2 or not row[0]:
                raise self.error("a case needs 'value & condition'", env.start)
            value = self.value(row[0], env.start)
            condition_nodes = self.condition_nodes(row[1])
            pieces.append((value, self.condition(condition_nodes, env.start)))
        return sympy.Piecewise(*pieces)

    def condition_nodes(self, nodes: list) -> list:
        tokens = _flatten(nodes)
        cleaned = self.notation._mark_names(_function_words(_condition_text(tokens)))
        return build_tree(cleaned, self.latex)

    # ------------------------------------------------------------ \frac, derivatives

    def frac(self, nodes: list, i: int) -> tuple[list, int]:
        numerator = self.argument(nodes, i + 1, "numerator")
        denominator = self.argument(nodes, i + 2, "denominator")
        produced, took_rest = self.fraction(numerator, denominator, nodes[i].start, nodes[i + 2].end, nodes[i + 3 :])
        return produced, len(nodes) if took_rest else i + 3

    def fraction(self, numerator: list, denominator: list, start: int, end: int, rest: list) -> tuple[list, bool]:
        """An ordinary fraction (left to latex2sympy2) or a derivative (read here); True
        when a derivative operator took its operand from ``rest``."""
        top, bottom = self.differential(numerator), self.differential(denominator)
        if top is not None and bottom:
            return self.derivative(top, bottom, start, end, rest), not top
        top_value = self.value(numerator, start)
        bottom_value = self.value(denominator, start)
        try:
            value = _divide_values(top_value, bottom_value)
        except Exception as error:  # SymPy: TypeError, ShapeError, NotImplementedError ...
            raise self.error(f"cannot divide these: {_why(error)}", start) from None
        return [Obj(value, start, end)], False

    def differential(self, nodes: list) -> Optional[list]:
        """The nodes after a leading d, \\partial or \\delta (None if there is none)."""
        if not nodes:
            return None
        first = nodes[0]
        if len(nodes) > 1 and _is(nodes[1], "_"):
            return None  # d_i, \delta_{ij}: a name, not a differential
        if _is(first, "\\partial", "\\delta") or (isinstance(first, Leaf) and first.token.kind == "letter" and first.token.text == "d"):
            if len(nodes) > 1 and _is(nodes[1], "^"):
                raise self.error("higher-order derivatives are not supported", nodes[1].start)
            return nodes[1:]
        return None

    def derivative(self, top: list, bottom: list, start: int, end: int, rest: list) -> list:
        wrt = self.value(bottom, bottom[0].start)
        if not getattr(wrt, "_diff_wrt", False):
            raise self.error(f"cannot differentiate by {wrt}", bottom[0].start)
        if top:
            expr = self.value(top, top[0].start)
            return [Obj(self._derivative(expr, wrt, start), start, end)]
        items = self.reduce(rest)
        operand, k = self.operand(items, 0, start)
        return [Obj(self._derivative(operand, wrt, start), start, items[k - 1].end), *items[k:]]

    def operand(self, items: list, k: int, where: int) -> tuple[object, int]:
        """The item at k (with a leading sign) as a value: an operand of an operator."""
        sign = 1
        while k < len(items) and _leaf_text(items[k]) in ADD_OPS:
            sign = -sign if _leaf_text(items[k]) == "-" else sign
            k += 1
        if k >= len(items) or not isinstance(items[k], (Obj, Func)):
            raise self.error("an operator without an operand", items[k].start if k < len(items) else where)
        arithmetic = _Arithmetic(self, items, k)
        value = arithmetic.primary()
        return (value if sign == 1 else -value), arithmetic.k

    def _derivative(self, expr: object, wrt: object, where: int) -> object:
        try:
            return sympy.Derivative(expr, wrt, evaluate=False)
        except (ValueError, TypeError) as error:
            raise self.error(f"cannot build this derivative: {_why(error)}", where) from None

    # ------------------------------------------------------------ sums and products

    def big_operator(self, nodes: list, i: int) -> tuple[list, int]:
        token = nodes[i].token
        post, j = self.postfix(nodes, i + 1)
        if post.sub is None:
            raise self.error(f"{token.text} needs an index: {token.text}_{{k=1}}^N", token.start)
        self.no_primes(post)
        index, lower, upper, excluded = self.limits(post, token.start)
        items = self.reduce(nodes[j:])
        k = _product_end(items, 0)
        if k == 0:
            raise self.error(f"{token.text} without a body", nodes[j - 1].end if j else token.end)
        body = self.combine(items[:k], items[0].start)
        if excluded is not None:
            body = body * (1 - sympy.KroneckerDelta(index, excluded))
        build = sympy.Sum if token.text == "\\sum" else sympy.Product
        try:
            value = build(body, (index, lower, upper))
        except (ValueError, TypeError) as error:
            raise self.error(f"cannot build this {token.text[1:]}: {_why(error)}", token.start) from None
        return [Obj(value, token.start, items[k - 1].end), *items[k:]], len(nodes)

    def limits(self, post: Postfix, where: int) -> tuple:
        sub = post.sub
        split = next((k for k, n in enumerate(sub) if _leaf_text(n) in ("=", "\\neq", "\\ne")), None)
        head = sub if split is None else sub[:split]
        index = self.value(head, post.sub_start) if head else None
        if not isinstance(index, sympy.Symbol):
            raise self.error("the summation index must be a single name", post.sub_start)
        declared = self.table.range_of(index)
        lower = upper = excluded = None
        if split is not None and _leaf_text(sub[split]) == "=":
            lower = self.value(sub[split + 1 :], sub[split].start)
        elif split is not None:
            excluded = self.value(sub[split + 1 :], sub[split].start)
        if post.sup is not None:
            upper = self.value(post.sup, post.sup_start)
        if (lower is None or upper is None) and declared is None:
            raise self.error(f"no range for {index}: give the limits or declare the index", sub[0].start)
        lower = declared[0] if lower is None else lower
        upper = declared[1] if upper is None else upper
        return index, lower, upper, excluded

    # ------------------------------------------------------------ other constructs

    def function_command(self, nodes: list, i: int) -> tuple[list, int]:
        """\\log, \\ln, \\exp, \\sin ...: left to latex2sympy2, \\log meaning the natural log."""
        token = nodes[i].token
        post, j = self.postfix(nodes, i + 1)
        self.no_primes(post)
        base = self.value(post.sub, post.sub_start) if post.sub is not None else None
        power = self.value(post.sup, post.sup_start) if post.sup is not None else None
        return [Func(token.text, token.start, nodes[j - 1].end, base, power)], j

    def sqrt(self, nodes: list, i: int) -> tuple[list, int]:
        token = nodes[i].token
        j = i + 1
        degree: object = 2
        if j < len(nodes) and isinstance(nodes[j], Group) and nodes[j].kind == "[":
            degree = self.value(nodes[j].items, nodes[j].start)
            j += 1
        radicand = self.value(self.argument(nodes, j, "argument of \\sqrt"), token.start)
        if _matrix_valued(radicand):
            raise self.error("a square root of a matrix", token.start)
        return [Obj(sympy.root(radicand, degree), token.start, nodes[j].end)], j + 1

    def diag(self, nodes: list, i: int) -> tuple[list, int]:
        token = nodes[i].token
        j = i + 1
        if j >= len(nodes) or not isinstance(nodes[j], Group) or nodes[j].kind not in ("(", "{"):
            raise self.error("diag needs an argument: \\text{diag}(p)", token.start)
        argument_value = self.value(nodes[j].items, nodes[j].start)
        try:
            value = _diag(argument_value)
        except ValueError as error:
            raise self.error(str(error), token.start) from None
        post, k = self.postfix(nodes, j + 1)
        return [Obj(self.group_sup(value, post, nodes, k), token.start, nodes[k - 1].end)], k

    def elementwise(self, items: list) -> list:
        """a \\odot b, a \\oslash b, a \\otimes b, left to right, binding tighter than *."""
        k = 0
        while k < len(items):
            op = _leaf_text(items[k])
            if op not in ELEMENTWISE:
                k += 1
                continue
            if k == 0 or not isinstance(items[k - 1], Obj):
                raise self.error(f"{op} needs a left operand", items[k].start)
            left = items[k - 1].value
            right, end = self.operand(items, k + 1, items[k].end)
            try:
                value = ELEMENTWISE[op](left, right)
            except Exception as error:  # SymPy: TypeError, ShapeError, NotImplementedError ...
                raise self.error(f"cannot apply {op}: {_why(error)}", items[k].start) from None
            # the new Obj sits at k - 1; items[k] is what follows it
            items = items[: k - 1] + [Obj(value, items[k - 1].start, items[end - 1].end)] + items[end:]
        return items

    def ellipsis(self, items: list) -> list:
        """t_1 + t_2 + \\dots + t_n -> Sum(t(k), (k, 1, n)), found from the first and last terms."""
        dots = [k for k, item in enumerate(items) if isinstance(item, Leaf) and item.token.kind == "dots"]
        if not dots:
            return items
        terms = _terms(items)
        for position, (sign, start, end) in enumerate(terms):
            if end - start == 1 and start in dots:
                return self.ellipsis(self.read_ellipsis(items, terms, position))
        raise self.error("cannot read this ellipsis (only 'a_1 + a_2 + \\dots + a_n' is read)", items[dots[0]].start)

    def read_ellipsis(self, items: list, terms: list, position: int) -> list:
        dots = items[terms[position][1]]
        if position == 0 or position + 1 >= len(terms) or terms[position][0] != "+" or terms[position + 1][0] != "+":
            raise self.error("an ellipsis must sit between '+' terms: a_1 + \\dots + a_n", dots.start)
        last_sign, last_start, last_end = terms[position + 1]
        last = self.combine(items[last_start:last_end], items[last_start].start)
        before = []
        for sign, start, end in reversed(terms[:position]):
            if sign == "-":
                break
            before.insert(0, self.combine(items[start:end], items[start].start))
            if not sign:
                break
        found = _ellipsis_sum(last, before)
        if found is None:
            raise self.error("cannot find the pattern of this ellipsis sum", dots.start)
        value, used = found
        first_start = terms[position - used][1]
        obj = Obj(value, items[first_start].start, items[last_end - 1].end)
        return items[:first_start] + [obj] + items[last_end:]


class _Decline(Exception):
    """The fast arithmetic leaves this to latex2sympy2 (which reports errors with columns)."""


class _Arithmetic:
    """Arithmetic over reduced items, with latex2sympy2's precedence: a sum of terms; a
    term is factors joined by * / \\cdot \\times \\div; a factor is a signed run of
    juxtaposed primaries (so ``a / b c`` is a / (b c), ``-a b`` is -(a b)); a function
    without parentheses takes a whole term (``\\log x y`` is log(x y)).

    Products are built in the order written, so matrix products keep their order."""

    def __init__(self, reader: "_Reader", items: list, k: int = 0) -> None:
        self.reader = reader
        self.items = items
        self.k = k

    def whole(self) -> object:
        """The value of all items, or None when latex2sympy2 should read them."""
        try:
            value = self.expression()
        except _Decline:
            return None
        return value if self.k == len(self.items) else None

    def peek(self) -> Optional[str]:
        return _leaf_text(self.items[self.k]) if self.k < len(self.items) else None

    def expression(self) -> object:
        value = self.term()
        while self.peek() in ADD_OPS:
            op, where = self.peek(), self.items[self.k].start
            self.k += 1
            value = self.apply(operator.add if op == "+" else operator.sub, value, self.term(), where)
        return value

    def term(self) -> object:
        value = self.factor()
        while self.peek() in MUL_OPS:
            op, where = self.peek(), self.items[self.k].start
            self.k += 1
            combine = _divide_values if op in ("/", "\\div") else operator.mul
            value = self.apply(combine, value, self.factor(), where)
        return value

    def factor(self) -> object:
        if self.peek() in ADD_OPS:
            op, where = self.peek(), self.items[self.k].start
            self.k += 1
            value = self.factor()
            return self.apply(operator.mul, sympy.Integer(-1), value, where) if op == "-" else value
        value = self.primary()
        while self.k < len(self.items) and isinstance(self.items[self.k], (Obj, Func)):
            where = self.items[self.k].start
            value = self.apply(operator.mul, value, self.primary(), where)
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
        return value

    def function(self, func: Func) -> object:
        following = self.items[self.k] if self.k < len(self.items) else None
        if isinstance(following, Obj) and following.paren:
            self.k += 1
            argument = following.value
        else:
            argument = self.term()
        if _matrix_valued(argument):
            raise self.reader.error(f"{func.name} of a matrix", func.start)
        return _apply_function(func, argument)

    def apply(self, combine: Callable, a: object, b: object, where: int) -> object:
        try:
            return combine(a, b)
        except Exception as error:  # SymPy: TypeError, ShapeError, NotImplementedError ...
            raise self.reader.error(f"cannot combine these: {_why(error)}", where) from None


TRIGONOMETRY = {
    "\\sin": (sympy.sin, sympy.asin), "\\cos": (sympy.cos, sympy.acos), "\\tan": (sympy.tan, sympy.atan),
    "\\sinh": (sympy.sinh, sympy.asinh), "\\cosh": (sympy.cosh, sympy.acosh), "\\tanh": (sympy.tanh, sympy.atanh),
    "\\arcsin": (sympy.asin, None), "\\arccos": (sympy.acos, None), "\\arctan": (sympy.atan, None),
}


def _apply_function(func: Func, argument: object) -> object:
    """\\log is the natural log unless a base is written; \\sin^{-1} is arcsin."""
    if func.name in ("\\ln", "\\log"):
        value = sympy.log(argument) if func.base is None else sympy.log(argument, func.base)
    elif func.name == "\\exp":
        value = sympy.exp(argument)
    else:
        direct, inverse = TRIGONOMETRY[func.name]
        if func.power == -1 and inverse is not None:
            return inverse(argument)
        value = direct(argument)
    return value if func.power is None else value**func.power


def _flatten(nodes: Sequence[object]) -> list[Token]:
    """Tree nodes back to tokens."""
    tokens: list[Token] = []
    for node in nodes:
        if isinstance(node, Leaf):
            tokens.append(node.token)
        elif isinstance(node, Group):
            tokens += [node.open, *_flatten(node.items), node.close]
        elif isinstance(node, Env):
            tokens += [node.begin, *_flatten(node.items), node.close]
    return tokens


def _product_end(items: list, k: int) -> int:
    """End of the product starting at k (a sum body, as latex2sympy2's 'mp' rule)."""
    expect = True
    while k < len(items):
        text = _leaf_text(items[k])
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


def _terms(items: list) -> list[tuple[str, int, int]]:
    """(sign, start, end) of each additive term of reduced items."""
    terms = []
    k = 0
    while k < len(items):
        sign = ""
        if _leaf_text(items[k]) in ADD_OPS:
            sign = _leaf_text(items[k])
            k += 1
        start = k
        if k < len(items) and isinstance(items[k], Leaf) and items[k].token.kind == "dots":
            k += 1
        else:
            k = max(_product_end(items, k), k + 1)
        terms.append((sign, start, min(k, len(items))))
    return terms


def _ellipsis_sum(last: object, before: list) -> Optional[tuple[object, int]]:
    """Sum(body, (t, s, upper)) when the terms before the ellipsis are body(s), body(s+1)..."""
    candidates: list = []
    for indexed in sympy.preorder_traversal(last):
        if isinstance(indexed, sympy.Indexed):
            candidates.extend(i for i in indexed.indices if not i.is_number)
    candidates.extend(s for s in getattr(last, "free_symbols", ()) if s.is_integer)
    taken = {s.name for s in getattr(last, "free_symbols", ())}
    bound = sympy.Symbol(next(n for n in ("t", "u", "v", "r", "q", "t_0") if n not in taken), integer=True)
    for upper in dict.fromkeys(candidates):
        body = last.xreplace({upper: bound})
        if body == last:
            continue
        for used in range(len(before), 0, -1):
            run = before[len(before) - used :]
            for first in (1, 0):
                if all(_same(body.xreplace({bound: first + n}), term) for n, term in enumerate(run)):
                    return sympy.Sum(body, (bound, first, upper)), used
    return None


def _why(error: Exception) -> str:
    return str(error) or type(error).__name__


def _same(a: object, b: object) -> bool:
    if a == b:
        return True
    try:
        return sympy.expand(a - b) == 0
    except (TypeError, ValueError, sympy.ShapeError):
        return False


def _rebuild(tree: object, placeholders: dict, order: dict) -> object:
    """latex2sympy2's tree with placeholders put back, rebuilt with SymPy's operators."""
    if isinstance(tree, sympy.Symbol):
        return placeholders.get(tree.name, tree)
    if not getattr(tree, "args", ()) or isinstance(tree, sympy.MatrixBase):
        return tree
    args = [_rebuild(arg, placeholders, order) for arg in tree.args]
    if isinstance(tree, sympy.Add):
        return functools.reduce(operator.add, args)
    if isinstance(tree, sympy.Mul):
        # latex2sympy2 may reorder factors; matrices must stay in the order written
        keyed = sorted(zip(tree.args, args), key=lambda pair: _first_placeholder(pair[0], order))
        return functools.reduce(operator.mul, [value for _, value in keyed])
    if isinstance(tree, sympy.Pow):
        if args[1] == -1:  # latex2sympy2 writes a / b as a * b**-1
            return _divide_values(sympy.Integer(1), args[0])
        return _power(args[0], args[1])
    if isinstance(tree, sympy.log) and len(args) == 2:
        return sympy.log(args[0]) if args[1] == sympy.E else sympy.log(args[0], args[1])
    return tree.func(*args)


def _first_placeholder(tree: object, order: dict) -> int:
    positions = [order[s.name] for s in getattr(tree, "free_symbols", ()) if s.name in order]
    return min(positions) if positions else -1


RELATION_BUILDERS: dict[str, Callable] = {
    "=": sympy.Eq,
    "\\neq": sympy.Ne,
    "\\ne": sympy.Ne,
    "<": sympy.Lt,
    "\\lt": sympy.Lt,
    ">": sympy.Gt,
    "\\gt": sympy.Gt,
    "\\le": sympy.Le,
    "\\leq": sympy.Le,
    "\\leqslant": sympy.Le,
    "\\ge": sympy.Ge,
    "\\geq": sympy.Ge,
    "\\geqslant": sympy.Ge,
}

KIND_HANDLERS: dict[str, Callable] = {
    "name": _Reader.name,
    "letter": _Reader.letter,
    "number": _Reader.number,
    "word": _Reader.word,
}

ATOM_BUILDERS: dict[str, Callable] = {
    "base": _Reader.build_base,
    "scalar": _Reader.build_scalar,
    "index": _Reader.build_scalar,
    "size": _Reader.build_scalar,
    "function": _Reader.build_function,
    "free": _Reader.build_free,
}

COMMAND_HANDLERS: dict[str, Callable] = {
    "\\frac": _Reader.frac,
    "\\dfrac": _Reader.frac,
    "\\tfrac": _Reader.frac,
    "\\sum": _Reader.big_operator,
    "\\prod": _Reader.big_operator,
    "\\sqrt": _Reader.sqrt,
    **{name: _Reader.function_command for name in FUNCTION_COMMANDS},
}
