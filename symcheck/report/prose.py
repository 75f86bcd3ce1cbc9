r"""Text that holds math, and values that SymPy printed, as LaTeX through one safe math path.

- `prose_tex`: titles, erratum notes, chain and gradient-check names. ``$...$`` segments
  are math; outside them, runs of words that read as math (``e^{a_j}``, ``D_jS_i``,
  ``i != j``, ``dL/ds = p - y``) are math too, everything else is escaped text.
- `value_tex`: a value as the engine reports it (``-E/(1 + E)**2 ≈ -0.19661``, ``1/3``,
  ``> 0``): parsed with `ast` into SymPy objects built node by node, large powers left
  unevaluated (never `eval` or `sympify` of the string), printed with `sympy.latex`.
- `name_tex`: a point's name (``s[1]``, ``Y[1, 2]``, ``g(x)``) as the document writes it.

Every piece of math still goes through `MathRenderer` (static check, compile check).
"""

from __future__ import annotations

import ast
import re
from typing import Callable, Mapping, Optional

import sympy

from symcheck.report.escape import escape_text

MAX_VALUE_LENGTH = 2000
MAX_NODES = 400
SIGNIFICANT_DIGITS = 12

_CONSTANTS = {"E": sympy.E, "pi": sympy.pi, "I": sympy.I, "oo": sympy.oo, "zoo": sympy.zoo, "nan": sympy.nan}
_FUNCTIONS = {
    "exp": sympy.exp, "log": sympy.log, "sqrt": sympy.sqrt, "Abs": sympy.Abs, "sin": sympy.sin,
    "cos": sympy.cos, "tan": sympy.tan, "tanh": sympy.tanh, "sinh": sympy.sinh, "cosh": sympy.cosh,
}


class ValueSyntax(ValueError):
    """A value string that is not a plain SymPy expression."""


# ---------------------------------------------------------------- values


class _Builder:
    """ast node -> SymPy object, one method per node type; arithmetic is evaluated, powers
    only when small (see `_small_power`)."""

    def __init__(self, source: str, names: Mapping[str, str]):
        self.source = source
        self.names = names

    def build(self, node: ast.AST) -> sympy.Basic:
        method = getattr(self, f"_build_{type(node).__name__}", None)
        if method is None:
            raise ValueSyntax(f"{type(node).__name__} is not part of a value")
        return method(node)

    def _build_Expression(self, node: ast.Expression) -> sympy.Basic:
        return self.build(node.body)

    def _build_Constant(self, node: ast.Constant) -> sympy.Basic:
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ValueSyntax("not a number")
        if isinstance(node.value, int):
            return sympy.Integer(node.value)
        return sympy.Float(ast.get_source_segment(self.source, node) or repr(node.value), SIGNIFICANT_DIGITS)

    def _build_Name(self, node: ast.Name) -> sympy.Basic:
        return _CONSTANTS.get(node.id) or self.symbol(node.id)

    def symbol(self, name: str) -> sympy.Symbol:
        return sympy.Symbol(name)

    def _build_UnaryOp(self, node: ast.UnaryOp) -> sympy.Basic:
        operand = self.build(node.operand)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise ValueSyntax("unsupported unary operator")

    def _build_BinOp(self, node: ast.BinOp) -> sympy.Basic:
        left, right = self.build(node.left), self.build(node.right)
        operations: dict[type, Callable[[], sympy.Basic]] = {
            ast.Add: lambda: left + right,
            ast.Sub: lambda: left - right,
            ast.Mult: lambda: left * right,
            ast.Div: lambda: left / right,
            ast.Pow: lambda: sympy.Pow(left, right, evaluate=_small_power(left, right)),
        }
        operation = operations.get(type(node.op))
        if operation is None:
            raise ValueSyntax("unsupported operator")
        return operation()

    def _build_Call(self, node: ast.Call) -> sympy.Basic:
        if not isinstance(node.func, ast.Name) or node.keywords:
            raise ValueSyntax("unsupported call")
        args = [self.build(arg) for arg in node.args]
        known = _FUNCTIONS.get(node.func.id)
        if known is not None:
            return known(*args, evaluate=False)
        return sympy.Function(node.func.id)(*args)

    def _build_Subscript(self, node: ast.Subscript) -> sympy.Basic:
        if not isinstance(node.value, ast.Name):
            raise ValueSyntax("unsupported subscript")
        index = node.slice
        indices = index.elts if isinstance(index, ast.Tuple) else [index]
        return sympy.Indexed(sympy.IndexedBase(self.symbol(node.value.id)), *(self.build(i) for i in indices))

    def _build_Tuple(self, node: ast.Tuple) -> sympy.Basic:
        return sympy.Tuple(*(self.build(e) for e in node.elts))


def _small_power(base: sympy.Basic, exponent: sympy.Basic) -> bool:
    """Powers are evaluated only when that is cheap (no 9**9**9 from a value string)."""
    small_base = not base.is_Integer or abs(int(base)) < 10**6
    return bool(exponent.is_Integer and abs(int(exponent)) <= 64 and small_base)


def _parse(text: str, names: Mapping[str, str]) -> sympy.Basic:
    if len(text) > MAX_VALUE_LENGTH:
        raise ValueSyntax("too long")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise ValueSyntax(str(error)) from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ValueSyntax("too large")
    try:
        return _Builder(text.strip(), names).build(tree)
    except (TypeError, ValueError, ArithmeticError, RecursionError) as error:
        raise ValueSyntax(str(error)) from None


def _latex(expr: sympy.Basic, names: Mapping[str, str]) -> str:
    symbol_names = {s: names[s.name] for s in expr.atoms(sympy.Symbol) if s.name in names}
    try:
        return sympy.latex(expr, symbol_names=symbol_names)
    except (ValueError, OverflowError, RecursionError) as error:
        raise ValueSyntax(str(error)) from None


def _short_decimal(text: str, digits: int = SIGNIFICANT_DIGITS) -> str:
    try:
        shown = f"{float(text):.{digits}g}"
    except ValueError:
        raise ValueSyntax("not a decimal") from None
    mantissa, _, exponent = shown.partition("e")
    return f"{mantissa} \\times 10^{{{int(exponent)}}}" if exponent else shown


_RELATION = re.compile(r"^\s*(<=|>=|!=|<|>|=)\s*")
_RELATION_TEX = {"<=": r"\leq ", ">=": r"\geq ", "!=": r"\neq ", "<": "< ", ">": "> ", "=": "= "}


def value_tex(text: str, names: Mapping[str, str] = {}, digits: int = SIGNIFICANT_DIGITS) -> str:
    """LaTeX math for a value string: "exact ≈ decimal" keeps the exact form when it is
    short; long decimals are cut to 12 significant digits. Raises `ValueSyntax`."""
    text = str(text).strip()
    relation = _RELATION.match(text)
    if relation:
        return _RELATION_TEX[relation.group(1)] + value_tex(text[relation.end():], names, digits)
    if "≈" in text:
        exact, approx = (part.strip() for part in text.split("≈", 1))
        decimal = _short_decimal(approx, digits)
        shown = _latex(_parse(exact, names), names)
        return decimal if len(shown) > 80 else f"{shown} \\approx {decimal}"
    expr = _parse(text, names)
    if isinstance(expr, sympy.Float):
        return _short_decimal(text, digits)
    return _latex(expr, names)


def name_tex(name: str, names: Mapping[str, str] = {}) -> str:
    """A point's name (``s[1]``, ``Y[1, 2]``, ``g(x)``, ``K``) as LaTeX math."""
    return _latex(_parse(name, names), names)


_RELATION_WORDS = (("!=", r"\neq "), ("<=", r"\leq "), (">=", r"\geq "), ("**", "^"), (" & ", r" \land "),
                   (" | ", r" \lor "))


_RELATION_UNICODE = (("!=", "≠"), ("<=", "≤"), (">=", "≥"), ("**", "^"))


def relation_tex(text: str, unicode: bool = False) -> str:
    """A condition as the engine prints it ("i != j", "i = j & k != 1") in LaTeX, or with
    `unicode` the operators as characters (for text that is escaped, not typeset as math)."""
    for word, tex in _RELATION_UNICODE if unicode else _RELATION_WORDS:
        text = text.replace(word, tex)
    return text


# ---------------------------------------------------------------- prose

_FUNCTION_WORDS = {"sum": r"\sum", "log": r"\log", "exp": r"\exp", "ln": r"\ln", "softmax": r"\operatorname{softmax}"}
_OPERATOR_WORDS = {"!=": r"\neq", "<=": r"\leq", ">=": r"\geq", "=": "=", "<": "<", ">": ">", "+": "+", "-": "-",
                   "/": "/", "*": r"\cdot", "x": r"\times", "->": r"\to"}
_TRAILING = ",;:."
_MATHISH = re.compile(r"[_^\\{}]|!=|<=|>=|=|\w/\w|\w\(\w")
_ATOM = re.compile(r"^(?:[A-Za-z]|\d+(?:\.\d+)?|[+\-/*<>]|log|exp|ln)$")
_LETTER = re.compile(r"^[A-Za-z]$")
_WORD_FUNCTION = re.compile(r"(?<![A-Za-z\\])(sum|log|exp|ln|softmax)(?![A-Za-z])")
_TEXT_WORDS = {"a", "A", "I"}


def _math_of_run(tokens: list[str]) -> str:
    pieces = []
    for n, token in enumerate(tokens):
        between_numbers = 0 < n < len(tokens) - 1 and tokens[n - 1].isdigit() and tokens[n + 1].isdigit()
        if token in _OPERATOR_WORDS and (token != "x" or between_numbers):
            pieces.append(_OPERATOR_WORDS[token])
        else:
            token = token.replace("!=", r" \neq ").replace("<=", r" \leq ").replace(">=", r" \geq ")
            pieces.append(_WORD_FUNCTION.sub(lambda m: _FUNCTION_WORDS[m.group(1)] + " ", token))
    return " ".join(pieces)


def _split_token(token: str) -> tuple[str, str, str]:
    """(leading "(", core, trailing punctuation) when the brackets do not balance."""
    core, tail = token, ""
    while core and (core[-1] in _TRAILING or (core[-1] == ")" and core.count(")") > core.count("("))):
        core, tail = core[:-1], core[-1] + tail
    head = ""
    while core.startswith("(") and core.count("(") > core.count(")"):
        core, head = core[1:], head + "("
    return head, core, tail


def _is_math(core: str) -> bool:
    if core in _TEXT_WORDS:
        return False
    return bool(_MATHISH.search(core)) and bool(re.search(r"[A-Za-z0-9]", core)) or core in ("!=", "<=", ">=", "=") \
        or bool(_LETTER.match(core))


def _is_atom(core: str) -> bool:
    return bool(_ATOM.match(core)) and core not in _TEXT_WORDS


def _plain_prose(text: str, inline: Callable[[str], str]) -> str:
    """Runs of math-looking words as math, the rest as escaped text."""
    out: list[str] = []
    run: list[str] = []
    run_has_math = False

    def flush(after: str = "") -> None:
        nonlocal run, run_has_math
        if run:
            out.append(inline(_math_of_run(run)) if run_has_math else escape_text(" ".join(run)))
        run, run_has_math = [], False
        if after:
            out.append(escape_text(after))

    for token in text.split():
        head, core, tail = _split_token(token)
        if core and (_is_math(core) or _is_atom(core)):
            if head:
                flush()
                out.append(escape_text(head))
            run.append(core)
            run_has_math = run_has_math or _is_math(core) or (len(run) > 1 and core in _OPERATOR_WORDS and core != "x")
            if tail:
                flush(tail)
            continue
        flush()
        out.append(escape_text(token))
    flush()
    return _join(out)


def _join(pieces: list[str]) -> str:
    text = ""
    for piece in pieces:
        if text and not (piece[:1] in _TRAILING or piece.startswith(")") or text.endswith("(")):
            text += " "
        text += piece
    return text


def prose_tex(text: Optional[str], inline: Callable[[str], str]) -> str:
    """`text` as LaTeX: ``$...$`` segments and math-looking runs through `inline`."""
    parts = re.split(r"(?<!\\)\$([^$]+)\$", text or "")
    out = []
    for n, part in enumerate(parts):
        if n % 2:
            out.append(inline(part))
        elif part.strip():
            out.append(_plain_prose(part, inline))
    return _join(out)
