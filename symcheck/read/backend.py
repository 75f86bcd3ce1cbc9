"""The one door to latex2sympy2: parse one LaTeX *expression* to SymPy, safely.

latex2sympy2 keeps module-global state and has traps this module neutralises:

- ``x = 3`` is an *assignment*: it returns 3 and stores x in its ``var``/``variances``
  tables, which ``latex2latex`` substitutes later; ``i`` and ``j`` are bound to the
  imaginary unit at import. Every parse here starts from empty tables and a fixed
  real/complex flag, and relations (``=``, ``<``, ``\\neq``, ``\\in``...) are refused before
  conversion, so nothing is ever assigned and the same text always gives the same result.
- a differential atom (``dx``) rebinds its global ``var`` table to a Symbol, after which
  every later parse of a subscripted atom fails with TypeError (reset here too).
- its errors are bare ``Exception``s (or TypeError, RecursionError, ...): all become
  ``LatexError`` with a column when the parser knows one.
- it silently drops input it did not consume (``x )`` gives x): refused here.
- it can return lists (``a, b``), relations, tuples: refused here. Explicit matrices come
  back immutable (``ImmutableMatrix``) so that results are hashable SymPy objects.
- the capital letter ``I`` is the imaginary unit there; here it is ``Symbol("I")``.

Bounds (input is untrusted): a formula longer than `MAX_LATEX` characters is refused; a
numeric subexpression whose value would need more than `MAX_BITS` bits (``10^{10^9}``,
``2^{2^{40}}``, ``(10^{12})!``) is refused before anything evaluates it, since one such
big-integer operation runs in C, where no time limit can interrupt it; every parse runs
under `runtime.limits.parse_seconds()` and a memory error becomes a `LatexError`.

Parsing uses ANTLR's SLL prediction first (about 40x faster on this grammar) and falls
back to full LL when SLL reports an error, so errors and their columns come from LL.
"""

from __future__ import annotations

import functools
import math
import threading
from typing import Any, Optional

import sympy

from symcheck.runtime.limits import parse_seconds, run_limited

__all__ = ["LatexError", "bounded_factorial", "bounded_power", "parse_latex"]


class LatexError(Exception):
    """LaTeX symcheck cannot read; ``column`` is a 0-based offset into ``latex``."""

    def __init__(self, message: str, latex: str = "", column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.latex = latex
        self.column = max(0, int(column))

    def __reduce__(self):
        return type(self), (self.message, self.latex, self.column)

    def __str__(self) -> str:
        if not self.latex:
            return self.message
        return f"{self.message}\n{self.caret()}"

    def caret(self) -> str:
        """The line of ``latex`` holding ``column``, and a ``^`` under that column."""
        text = self.latex
        column = min(self.column, len(text))
        line_start = text.rfind("\n", 0, column) + 1
        line_end = text.find("\n", column)
        if line_end < 0:
            line_end = len(text)
        line = text[line_start:line_end]
        pad = "".join("\t" if ch == "\t" else " " for ch in line[: column - line_start])
        return f"{line}\n{pad}^"


class SignsDisagree(LatexError):
    """Terms around an ellipsis that follow one pattern but with different signs
    (-a_1 + a_2 \\cdots - a_n): ambiguous as written, a warning, not merely unread."""


class ShapeMismatch(LatexError):
    """Math read whole whose vectors and matrices cannot be combined as written (a product
    of an n x n matrix and a d-vector): wrong as written, not unreadable."""


# ---------------------------------------------------------------- latex2sympy2, imported once

_lock = threading.RLock()


@functools.lru_cache(maxsize=1)
def _backend() -> Any:
    """latex2sympy2 and its ANTLR classes, imported on first use."""
    import latex2sympy2
    from antlr4 import CommonTokenStream, InputStream, Token
    from antlr4.atn.PredictionMode import PredictionMode
    from antlr4.error.ErrorListener import ErrorListener
    from antlr4.tree.Tree import TerminalNode

    parser_cls = latex2sympy2.PSParser

    class Backend:
        module = latex2sympy2
        lexer = latex2sympy2.PSLexer
        parser = parser_cls
        stream = CommonTokenStream
        input = InputStream
        eof = Token.EOF
        sll = PredictionMode.SLL
        ll = PredictionMode.LL
        listener_base = ErrorListener
        terminal = TerminalNode
        relations = frozenset(
            getattr(parser_cls, name)
            for name in ("IN", "ASSIGNMENT", "EQUAL", "LT", "LTE", "GT", "GTE", "UNEQUAL")
        )
        # a relation token is fine inside these (\sum_{k=1}, evaluation bars)
        relation_hosts = tuple(
            getattr(parser_cls, name)
            for name in ("SubeqContext", "SupeqContext", "Eval_at_subContext", "Eval_at_supContext")
            if hasattr(parser_cls, name)
        )

    return Backend


def _reset_state(module: Any) -> None:
    """Forget everything latex2sympy2 remembers between calls."""
    module.var = {}
    module.variances = {}
    module.VARIABLE_VALUES = {}
    module.is_real = None
    module.frac_type = r"\frac"


class _SyntaxFailure(Exception):
    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def _make_listener(backend: Any, text: str) -> Any:
    starts = _line_starts(text)

    class Listener(backend.listener_base):
        def syntaxError(self, recognizer, offending, line, column, msg, e):  # noqa: N802
            if offending is not None and getattr(offending, "start", -1) >= 0:
                where = offending.start
            else:
                where = starts[min(max(line, 1), len(starts)) - 1] + column
            if msg.startswith("no viable") or msg.startswith("mismatched") or msg.startswith("extraneous"):
                message = "unexpected input"
            elif msg.startswith("missing"):
                message = msg.split(" at ")[0]
            elif msg.startswith("token recognition"):
                message = "character not understood"
            else:
                message = "cannot read this"
            raise _SyntaxFailure(message, where)

    return Listener()


def _syntax_tree(backend: Any, text: str, mode: Any) -> Any:
    listener = _make_listener(backend, text)
    lexer = backend.lexer(backend.input(text))
    lexer.removeErrorListeners()
    lexer.addErrorListener(listener)
    parser = backend.parser(backend.stream(lexer))
    parser.removeErrorListeners()
    parser.addErrorListener(listener)
    parser._interp.predictionMode = mode
    tree = parser.math()
    leftover = parser.getCurrentToken()
    if leftover is not None and leftover.type != backend.eof:
        raise _SyntaxFailure("unexpected input (not part of the expression)", leftover.start)
    return tree


def _parse_tree(backend: Any, text: str) -> Any:
    try:
        return _syntax_tree(backend, text, backend.sll)
    except _SyntaxFailure:
        pass
    except RecursionError:
        raise LatexError("expression nested too deeply", text, 0) from None
    try:
        return _syntax_tree(backend, text, backend.ll)
    except _SyntaxFailure as failure:
        raise LatexError(failure.message, text, failure.column) from None
    except RecursionError:
        raise LatexError("expression nested too deeply", text, 0) from None


def _first_relation(backend: Any, tree: Any) -> Optional[Any]:
    """The first relation token (=, <, \\neq, \\in ...) outside sum limits, or None."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, backend.terminal):
            if node.symbol.type in backend.relations and not _hosted(backend, node):
                return node.symbol
            continue
        if isinstance(node, backend.relation_hosts):
            continue
        children = list(node.getChildren())
        stack.extend(reversed(children))
    return None


def _hosted(backend: Any, node: Any) -> bool:
    parent = node.parentCtx
    while parent is not None:
        if isinstance(parent, backend.relation_hosts):
            return True
        parent = parent.parentCtx
    return False


def _checked(result: Any, text: str) -> sympy.Basic:
    if isinstance(result, (list, tuple, dict, set, str)) or result is None:
        raise LatexError("not a single expression", text, 0)
    if isinstance(result, sympy.MatrixBase):
        result = sympy.ImmutableMatrix(result)
    if not isinstance(result, sympy.Basic):
        raise LatexError("not a SymPy expression", text, 0)
    boolalg = sympy.logic.boolalg
    if isinstance(result, (sympy.core.relational.Relational, boolalg.BooleanFunction, boolalg.BooleanAtom)):
        raise LatexError("a relation where an expression is expected", text, 0)
    _refuse_huge_numbers(result, text)
    if result.has(sympy.I):
        result = result.xreplace({sympy.I: sympy.Symbol("I")})
    return result


MAX_LATEX = 20_000
MAX_BITS = 100_000
#: functions whose value at an integer n has about n log2 n bits (factorials and kin)
_FACTORIAL_LIKE = (
    sympy.factorial, sympy.factorial2, sympy.subfactorial, sympy.gamma, sympy.binomial,
    sympy.RisingFactorial, sympy.FallingFactorial, sympy.fibonacci, sympy.lucas, sympy.catalan,
    sympy.bell, sympy.bernoulli, sympy.euler, sympy.harmonic,
)


def _bits(expr: Any) -> Optional[float]:
    """About log2 of |value| for a numeric subexpression (None when it is not a number)."""
    if isinstance(expr, sympy.Rational):
        return float(max(abs(expr.p).bit_length(), expr.q.bit_length()))
    if isinstance(expr, (sympy.Float, sympy.NumberSymbol)) or expr in (sympy.I, sympy.zoo, sympy.oo, -sympy.oo):
        return 2.0
    if not isinstance(expr, sympy.Basic) or not expr.args:
        return None
    parts = [_bits(arg) for arg in expr.args]
    if any(part is None for part in parts):
        return None
    if isinstance(expr, sympy.Pow):
        return parts[0] * _size(parts[1])
    if isinstance(expr, _FACTORIAL_LIKE):
        return max(_size(part) * max(part, 1.0) for part in parts)
    if isinstance(expr, sympy.Mul):
        return sum(parts)
    return max(parts) + 1.0


def _size(bits: float) -> float:
    return math.inf if bits > 1000 else 2.0**bits


MAX_PRODUCT = 10_000


def _long_product(product: sympy.Product) -> bool:
    """True when a product's numeric limits span more than MAX_PRODUCT factors (it would
    evaluate to a factorial-sized integer)."""
    for _variable, *bounds in product.limits:
        bits = [_bits(bound) for bound in bounds]
        if all(b is not None for b in bits) and (max(bits) > 64 or abs(bounds[1] - bounds[0]) > MAX_PRODUCT):
            return True
    return False


def _refuse_huge_numbers(expr: sympy.Basic, text: str) -> None:
    """LatexError when a numeric part of `expr` would evaluate to more than MAX_BITS bits."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, sympy.Product) and _long_product(node):
            raise LatexError(f"a product of more than {MAX_PRODUCT} factors", text, 0)
        bits = _bits(node)
        if bits is not None:
            if bits > MAX_BITS:
                raise LatexError(f"a number too large to check ({sympy.sstr(node)[:60]})", text, 0)
            continue
        stack.extend(arg for arg in node.args if isinstance(arg, sympy.Basic))


def bounded_power(base: Any, exponent: Any) -> Any:
    """base**exponent, refused (LatexError) when it would evaluate to a huge number."""
    if isinstance(base, sympy.Expr) and isinstance(exponent, sympy.Expr):
        _refuse_huge_numbers(sympy.Pow(base, exponent, evaluate=False), "")
    return base**exponent


def bounded_factorial(value: Any) -> Any:
    """value!, refused (LatexError) when it would evaluate to a huge number."""
    if isinstance(value, sympy.Expr):
        _refuse_huge_numbers(sympy.factorial(value, evaluate=False), "")
    return sympy.factorial(value)


def _evaluated(expr: sympy.Basic) -> sympy.Basic:
    """latex2sympy2 builds with evaluate=False; rebuild so results compare structurally."""
    if isinstance(expr, sympy.MatrixBase):
        return sympy.ImmutableMatrix(expr.applyfunc(_evaluated))
    if not expr.args or isinstance(expr, (sympy.Symbol, sympy.Number)):
        return expr
    return expr.func(*[_evaluated(arg) for arg in expr.args])


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str) -> sympy.Basic:
    backend = _backend()
    with _lock:
        module = backend.module
        _reset_state(module)
        try:
            tree = _parse_tree(backend, text)
            if tree.relation_list() is not None:
                raise LatexError("a list where an expression is expected", text, 0)
            relation = _first_relation(backend, tree)
            if relation is not None:
                raise LatexError("a relation where an expression is expected", text, relation.start)
            result = module.convert_relation(tree.relation())
        except LatexError:
            raise
        except RecursionError:
            raise LatexError("expression nested too deeply", text, 0) from None
        except Exception as error:  # latex2sympy2 raises bare Exception, TypeError, ...
            message = str(error).split("\n")[0] or type(error).__name__
            raise LatexError(f"latex2sympy2 cannot convert this: {message}", text, 0) from None
        finally:
            _reset_state(module)
    return _checked(result, text)


def parse_latex(text: str, evaluate: bool = True) -> sympy.Basic:
    """One LaTeX expression (no top-level relation) as a SymPy object.

    With ``evaluate=False`` the tree is latex2sympy2's own (built with evaluate=False, so
    factors keep the order written); otherwise it is rebuilt with evaluation so results
    compare structurally. Raises LatexError for anything latex2sympy2 cannot read, does
    not fully consume, or reads as something other than an expression.
    """
    if not isinstance(text, str):
        raise LatexError("LaTeX must be a string", repr(text), 0)
    if not text.strip():
        raise LatexError("empty expression", text, 0)
    if len(text) > MAX_LATEX:
        raise LatexError(f"formula longer than {MAX_LATEX} characters", text[:80], 0)
    seconds = parse_seconds()
    try:
        finished, result = run_limited(lambda: _parse_and_evaluate(text, evaluate), seconds)
    except MemoryError:
        raise LatexError("too large to read (memory limit reached)", text, 0) from None
    if not finished:
        raise LatexError(f"took longer than {seconds:g} s to read", text, 0)
    return result


def _parse_and_evaluate(text: str, evaluate: bool) -> sympy.Basic:
    result = _parse_cached(text)
    if not evaluate:
        return result
    try:
        return _evaluated(result)
    except Exception as error:  # SymPy refuses to combine what latex2sympy2 built unevaluated
        raise LatexError(f"cannot evaluate this: {error or type(error).__name__}", text, 0) from None


def parse_raw(text: str) -> sympy.Basic:
    """latex2sympy2 exactly as it reads ``text`` on its own (from a clean state, none of
    this module's corrections): for comparing symcheck's reader with the raw library
    (differential tests, the naive baseline of the benchmarks). Raises LatexError."""
    backend = _backend()
    with _lock:
        module = backend.module
        _reset_state(module)
        try:
            result = module.latex2sympy(text)
        except RecursionError:
            raise LatexError("expression nested too deeply", text, 0) from None
        except Exception as error:  # latex2sympy2 raises bare Exception, TypeError, ...
            raise LatexError(f"latex2sympy2 cannot convert this: {str(error).splitlines()[0] if str(error) else type(error).__name__}", text, 0) from None
        finally:
            _reset_state(module)
    if not isinstance(result, sympy.Basic):
        raise LatexError("not a SymPy expression", text, 0)
    return result
