"""Edits of the written LaTeX of a true step, for bench_mutation.py: what a slip of the pen
does to the text (sign, index letter, dropped factor or term, summation limit, exponent,
brackets). A mutant is read again as the loader reads the file; one it cannot read is a
parse error, which counts (bad input gets exit 2, never a verdict).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator

from symcheck.load.derivation import Compiler, read_derivation
from symcheck.model.compiled import Equation

TEX_KINDS = ("tex-sign", "tex-index", "tex-drop", "tex-limit", "tex-exponent", "tex-bracket")
PER_KIND = 4  # edits of each kind per step, the first ones in the text

_SIGN = re.compile(r"(?<=[^\s{(=,^_])\s*([+-])\s*(?=\S)")
_SUBSCRIPT_LETTER = re.compile(r"_\{?([a-z])\b")
_FACTOR = re.compile(r"(?<=\s)(?:[A-Za-z]_\{[^{}]*\}|[A-Za-z]_[A-Za-z0-9])(?=\s*[A-Za-z\\(])")
_TERM = re.compile(r"\s[+-]\s[^+\-=]+?(?=\s[+-]\s|$)")
_LOWER_LIMIT = re.compile(r"(\\(?:sum|prod)_\{[a-z]=)(\d+)\}")
_UPPER_LIMIT = re.compile(r"(\\(?:sum|prod)_\{[^{}]*\}\^)(\{[^{}]*\}|[A-Za-z0-9])")
_EXPONENT = re.compile(r"\^(\d)")
_BRACKETS = (r"\left(", r"\right)")


@dataclass(frozen=True)
class LatexMutant:
    """The written LaTeX of one equation, edited; compiled as the loader would."""

    path: Path
    eq: Equation
    latex: str


def _each(pattern: re.Pattern, text: str, new) -> Iterator[str]:
    for n, match in enumerate(pattern.finditer(text)):
        if n >= PER_KIND:
            return
        yield text[:match.start()] + new(match) + text[match.end():]


def _signs(text: str, letters) -> Iterator[str]:
    flip = {"+": "-", "-": "+"}
    yield from _each(_SIGN, text, lambda m: m.group(0).replace(m.group(1), flip[m.group(1)]))


def _indices(text: str, letters) -> Iterator[str]:
    def other(match):
        choices = [letter for letter in letters if letter != match.group(1)]
        return match.group(0).replace(match.group(1), choices[0]) if choices else match.group(0)
    yield from _each(_SUBSCRIPT_LETTER, text, other)


def _drops(text: str, letters) -> Iterator[str]:
    yield from _each(_FACTOR, text, lambda m: "")
    yield from _each(_TERM, text, lambda m: "")


def _limits(text: str, letters) -> Iterator[str]:
    yield from _each(_LOWER_LIMIT, text, lambda m: f"{m.group(1)}{int(m.group(2)) + 1}}}")
    yield from _each(_UPPER_LIMIT, text, lambda m: f"{m.group(1)}{{{m.group(2).strip('{}')}-1}}")


def _exponents(text: str, letters) -> Iterator[str]:
    yield from _each(_EXPONENT, text, lambda m: f"^{int(m.group(1)) + 1}")


def _brackets(text: str, letters) -> Iterator[str]:
    """One bracket of a pair dropped (a parse error), or the pair moved past the next term."""
    for bracket in _BRACKETS:
        at = text.find(bracket)
        if at >= 0:
            yield text[:at] + text[at + len(bracket):]
    opening, closing = text.find("("), text.find(")")
    if 0 <= opening < closing:
        yield text[:opening] + text[opening + 1:closing] + text[closing + 1:]


_EDITS = {"tex-sign": _signs, "tex-index": _indices, "tex-drop": _drops,
          "tex-limit": _limits, "tex-exponent": _exponents, "tex-bracket": _brackets}


def latex_mutants(path: Path, where: str, eq: Equation, letters: list[str]) -> list[tuple[str, str, LatexMutant]]:
    """(file:line, kind, mutant) for every edit of the equation's written LaTeX."""
    found, seen = [], {eq.latex}
    for kind, edit in _EDITS.items():
        for text in edit(eq.latex, letters):
            if text not in seen:
                seen.add(text)
                found.append((where, kind, LatexMutant(path, eq, text)))
    return found


@functools.lru_cache(maxsize=16)
def _compiler(path: Path) -> Compiler:
    return Compiler.for_file(read_derivation(path))


def compiled(mutant: LatexMutant) -> Equation:
    """The mutant read as the loader reads the file (raises InputError as it would)."""
    compiler, eq = _compiler(mutant.path), mutant.eq
    fix = _size_values(compiler, eq)
    if eq.kind == "step":
        return replace(eq, rhs=fix(compiler.expression(mutant.latex)), latex=mutant.latex)
    lhs, rhs = (fix(side) for side in compiler.sides(mutant.latex))
    return replace(eq, lhs=lhs, rhs=rhs, latex=mutant.latex)


def _size_values(compiler: Compiler, eq: Equation):
    """The sizes the equation's chain or claim fixes to numbers (`sizes = { K = 3 }`)."""
    fixed = {symbol: eq.scope.table.sizes[name] for name, symbol in compiler.table.sizes.items()
             if eq.scope.table.sizes.get(name) != symbol}
    return lambda expr: expr.xreplace(fixed) if hasattr(expr, "xreplace") else expr


def letters_of(compiler_table: Any) -> list[str]:
    return sorted(name for name in compiler_table.indices if len(name) == 1)
