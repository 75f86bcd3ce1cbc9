"""Derivation files: TOML -> model.Derivation -> CompiledDocument.

Files are data. Every string is read by the notation layer; nothing is evaluated.
Every problem with a file becomes an `InputError` that names the file and line.
"""

from __future__ import annotations

import math
import re
import tomllib
from fractions import Fraction
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import sympy

from symcheck.model.compiled import CompiledChain, CompiledDocument, CompiledGradientCheck, Equation
from symcheck.read.backend import LatexError, ShapeMismatch, SignsDisagree
from symcheck.model import (
    Chain,
    Claim,
    ConstantDecl,
    Coverage,
    Definition,
    Derivation,
    Domain,
    Erratum,
    FunctionDecl,
    GradientCheckSpec,
    IndexDecl,
    LineRef,
    RewriteRule,
    SizeDecl,
    Step,
    SymbolDecl,
    SymbolKind,
)
from symcheck.load.files import named_files
from symcheck.load.fromnote import expand as expand_from_note
from symcheck.read.nodes import one_by_one_entry
from symcheck.read.notation import Notation, spelling_clash, spelling_problem
from symcheck.load.names import NAME_RULE, bounded_int, name_problem
from symcheck.load.values import frozen_values, values_definition, values_problem
from symcheck.runtime.limits import parse_seconds, run_limited
from symcheck.model.indexranges import bound_subscript_problem, index_range_problem
from symcheck.model.symbols import CompiledDefinition, Scope, build_symbol_table

MAX_LINE = 10**6  # line numbers in files
MAX_SIZE = 64  # a size fixed to a number in a file, and a minimum
MAX_SIZE_LIST = 16  # sizes listed for one gradient check
MAX_ARITY = 8
MAX_SPELLINGS = 8  # LaTeX spellings of one declared name
MAX_CONSTANT = 1e12


class InputError(Exception):
    """Bad input: a file that cannot be read, parsed or understood."""

    def __init__(self, path: str, line: Optional[int], message: str, latex: str = "", column: Optional[int] = None):
        super().__init__(message)
        self.path, self.line, self.message = path, line, message
        self.latex, self.column = latex, column

    def __reduce__(self):
        """Picklable, so that bad input found in a worker process reaches the parent intact."""
        return InputError, (self.path, self.line, self.message, self.latex, self.column)

    def render(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: error: {self.message}"
        if self.latex:
            text += f"\n    {self.latex}"
            if self.column is not None:
                text += "\n    " + " " * self.column + "^"
        return text


class WrongShapes(InputError):
    """Math read whole whose vectors and matrices do not fit together as written."""

    def __reduce__(self):
        return type(self), (self.path, self.line, self.message, self.latex, self.column)


class AmbiguousMath(WrongShapes):
    """Math not read because it is ambiguous as written (signs around an ellipsis that
    disagree): a warning, where other math not read is only unread."""


# what the reader's refusals that are findings become
FINDINGS = ((ShapeMismatch, WrongShapes), (SignsDisagree, AmbiguousMath))


# ---------------------------------------------------------------- reading TOML


class _Reader:
    """Reads one TOML table strictly: unknown keys and wrong types are errors at a line."""

    def __init__(self, path: str, raw: str):
        self.path, self.raw = path, raw

    def line_of(self, needle: str) -> Optional[int]:
        """The derivation-file line where a value is written (best effort for messages)."""
        first = needle.strip().splitlines()[0] if needle.strip() else ""
        if not first:
            return None
        spellings = (first, first.replace("\\", "\\\\"))  # as in literal and in basic strings
        quoted = tuple(quote + spelling for spelling in spellings for quote in "'\"")  # a whole value first
        lines = self.raw.splitlines()
        for candidates in (quoted, spellings):
            for number, text in enumerate(lines, start=1):
                if any(spelling in text for spelling in candidates):
                    return number
        return None

    def fail(self, message: str, near: str = "") -> InputError:
        return InputError(self.path, self.line_of(near), message)

    def table(self, data: Any, where: str, allowed: Sequence[str], required: Sequence[str] = ()) -> dict:
        if not isinstance(data, dict):
            raise self.fail(f"{where} must be a table", data if isinstance(data, str) else "")
        unknown = sorted(set(data) - set(allowed))
        if unknown:
            raise self.fail(f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(allowed)})", unknown[0])
        for key in required:
            if key not in data:
                raise self.fail(f"{where}: missing key {key!r}", where)
        return data

    def string(self, data: dict, key: str, where: str, default: Optional[str] = None) -> Optional[str]:
        value = data.get(key, default)
        if value is not None and not isinstance(value, str):
            raise self.fail(f"{where}: {key!r} must be a string", key)
        return value

    def name(self, name: Any, where: str) -> str:
        """A declared name, checked against the name grammar (`symcheck.load.names`)."""
        problem = name_problem(name)
        if problem:
            raise self.fail(f"{where}: invalid name {str(name)[:40]!r}: {problem} ({NAME_RULE})", str(name))
        return name

    def integer(self, data: dict, key: str, where: str, default: int, low: int, high: int) -> int:
        value = bounded_int(data.get(key, default), low, high)
        if value is None:
            raise self.fail(f"{where}: {key!r} must be an integer from {low} to {high}", key)
        return value

    def line_ref(self, data: dict, where: str) -> Optional[LineRef]:
        value = data.get("line")
        if value is None:
            return None
        lines = line_range(value)
        if lines is None:
            raise self.fail(f"{where}: 'line' must be an int or a range \"a-b\" within 1-{MAX_LINE}", str(value))
        return lines[0] if isinstance(value, int) else lines

    def enum(self, enum_type: type, value: Any, where: str) -> Any:
        try:
            return enum_type(value)
        except ValueError:
            choices = ", ".join(member.value for member in enum_type)
            raise self.fail(f"{where}: {value!r} is not one of: {choices}", str(value)) from None


def line_range(value: Any) -> Optional[tuple[int, int]]:
    """(first, last) for a line number or a "a-b" string within 1..MAX_LINE, else None."""
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{1,7})\s*(?:-\s*(\d{1,7})\s*)?", value)
        if not match:
            return None
        first, last = int(match[1]), int(match[2] or match[1])
    elif bounded_int(value, 1, MAX_LINE) is not None:
        first = last = value
    else:
        return None
    return (first, last) if 1 <= first <= last <= MAX_LINE else None


def require_utf8(path: Path) -> str:
    """The text of `path`; a file that is not UTF-8 is bad input at the line of the first bad byte."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(str(path), None, f"cannot read file: {error.strerror or error}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1)
        raise InputError(str(path), line, f"not UTF-8 text: byte 0x{data[error.start]:02x} at column {column + 1}") \
            from None


def _read_toml(path: Path) -> tuple[dict, "_Reader"]:
    shown = str(path)
    raw = require_utf8(path)
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        line = int(match[1]) if match else len(raw.rstrip().splitlines()) or 1  # "at end of document": the last line
        raise InputError(shown, line, f"invalid TOML: {error}") from None
    return data, _Reader(shown, raw)


def read_derivation(path: Path) -> Derivation:
    """Read and validate a derivation file (no LaTeX is parsed here; a `note` is read for its
    LaTeX, see `symcheck.load.fromnote`)."""
    data, reader = _read_toml(path)
    data, note = expand_from_note(data, path, reader.fail)
    reader.table(data, "derivation file", TOP_LEVEL_KEYS, required=("source",))
    derivation = _derivation_from(data, reader)
    return derivation if note is None else replace(derivation, note=str(note))


NOTATION_KEYS = ("source", "title", "sizes", "indices", "symbols", "functions", "constants", "rewrites", "definitions")


def read_notation(path: Path) -> Derivation:
    """A notation file for `symcheck check`: the declarations of a derivation file, no chains."""
    data, reader = _read_toml(path)
    reader.table(data, "notation file", NOTATION_KEYS)
    return _derivation_from({"source": path.name, **data}, reader)


TOP_LEVEL_KEYS = (
    "source", "title", "sizes", "indices", "symbols", "functions", "constants", "rewrites",
    "definitions", "chains", "claims", "gradient_checks", "coverage",
)


def _derivation_from(data: dict, reader: _Reader) -> Derivation:
    source = reader.string(data, "source", "derivation file")
    sizes = tuple(_sizes(data.get("sizes", {}), reader))
    size_names = {size.name for size in sizes}
    return _distinct_names(Derivation(
        path=reader.path,
        source=source,
        title=reader.string(data, "title", "derivation file", default=source),
        sizes=sizes,
        indices=tuple(_indices(data.get("indices", {}), reader, size_names)),
        symbols=tuple(_symbols(data.get("symbols", {}), reader, size_names)),
        functions=tuple(_functions(data.get("functions", {}), reader)),
        constants=tuple(_constants(data.get("constants", {}), reader)),
        rewrites=tuple(_each(data, "rewrites", reader, _rewrite)),
        definitions=tuple(_each(data, "definitions", reader, _definition)),
        chains=tuple(_each(data, "chains", reader, lambda d, r, w: _chain(d, r, w, source))),
        claims=tuple(_each(data, "claims", reader, lambda d, r, w: _claim(d, r, w, source))),
        gradient_checks=tuple(_each(data, "gradient_checks", reader, _gradient_check)),
        coverage=_coverage(data.get("coverage", {}), reader),
    ), reader)


def _distinct_names(derivation: Derivation, reader: _Reader) -> Derivation:
    """A constant named as another declaration, one LaTeX spelling given to two names, or a
    spelling that is an entry of a declared vector (w_1 for a scalar, w a vector) is bad
    input: one of the two would be read silently as the other."""
    others = [d.name for group in (derivation.sizes, derivation.indices, derivation.symbols, derivation.functions)
              for d in group]
    for constant in derivation.constants:
        if constant.name in others:
            raise reader.fail(f"constants.{constant.name}: {constant.name!r} is also declared as a size, index, "
                              "symbol or function", constant.name)
    spelled = {d.name: ((d.latex,) if d.latex else ()) + d.other_latex
               for group in (derivation.symbols, derivation.functions, derivation.constants) for d in group}
    spelled = {name: latexes for name, latexes in spelled.items() if latexes}
    indexed = [d.name for d in derivation.symbols if d.kind is not SymbolKind.SCALAR]
    clash = spelling_clash(spelled, others + [c.name for c in derivation.constants], indexed)
    if clash is not None:
        latex, name, other = clash
        raise reader.fail(f"{latex!r} spells both {other!r} and {name!r}: give each name its own LaTeX", f"{name} = {{")
    return derivation


def _each(data: dict, key: str, reader: _Reader, build: Callable) -> list:
    items = data.get(key, [])
    if not isinstance(items, list):
        raise reader.fail(f"'{key}' must be an array of tables ([[{key}]])", key)
    return [build(item, reader, f"{key}[{number}]") for number, item in enumerate(items, start=1)]


def _named_tables(data: Any, key: str, reader: _Reader) -> list[tuple[str, Any]]:
    if not isinstance(data, dict):
        raise reader.fail(f"[{key}] must be a table", key)
    return sorted(data.items())


def _sizes(data: Any, reader: _Reader) -> list[SizeDecl]:
    found = []
    for name, spec in _named_tables(data, "sizes", reader):
        where = f"sizes.{reader.name(name, 'sizes')}"
        spec = reader.table(spec, where, ("min", "alias"))
        found.append(SizeDecl(name, reader.integer(spec, "min", where, 1, 1, MAX_SIZE), reader.string(spec, "alias", where)))
    plain = {size.name for size in found if size.alias is None}
    for size in found:
        if size.alias is not None and size.alias not in plain:
            why = "an alias itself (aliases cannot chain or form a cycle)" if size.alias in {s.name for s in found} \
                else "not a declared size"
            raise reader.fail(f"sizes.{size.name}: alias {size.alias!r} is {why}", size.alias)
    return found


def _size_or_int(value: Any, sizes: set[str], reader: _Reader, where: str) -> Any:
    """A bound or an axis: a declared size name or an integer from 0 to MAX_SIZE."""
    if isinstance(value, str) and value in sizes or bounded_int(value, 0, MAX_SIZE) is not None:
        return value
    raise reader.fail(f"{where}: {str(value)[:40]!r} is not a declared size or an integer from 0 to {MAX_SIZE}",
                      str(value))


def _indices(data: Any, reader: _Reader, sizes: set[str]) -> list[IndexDecl]:
    found = []
    for name, spec in _named_tables(data, "indices", reader):
        where = f"indices.{reader.name(name, 'indices')}"
        spec = reader.table(spec, where, ("range", "set", "summed"), required=("range",))
        bounds = spec["range"]
        if not (isinstance(bounds, list) and len(bounds) == 2):
            raise reader.fail(f"{where}: 'range' must be [lower, upper]", name)
        summed = spec.get("summed", False)
        if not isinstance(summed, bool):
            raise reader.fail(f"{where}: 'summed' is true or false", "summed")
        found.append(IndexDecl(name, *(_size_or_int(bound, sizes, reader, f"{where}.range") for bound in bounds),
                               set=reader.string(spec, "set", where), summed=summed))
    ranges: dict[str, tuple] = {}
    for index in found:  # one set, one range: \sum_{i \in S} must not depend on which index declared S
        if index.set is not None and ranges.setdefault("".join(index.set.split()), (index.lower, index.upper)) \
                != (index.lower, index.upper):
            raise reader.fail(f"indices.{index.name}: the set {index.set!r} is declared with another range too",
                              f"{index.name} = ")
    return found


AXES = {SymbolKind.SCALAR: 0, SymbolKind.VECTOR: 1, SymbolKind.MATRIX: 2}
SHAPE_HINT = {
    SymbolKind.SCALAR: "no shape",
    SymbolKind.VECTOR: 'a shape with one axis, e.g. shape = ["N"]',
    SymbolKind.MATRIX: 'a shape with two axes, e.g. shape = ["N", "K"]',
}


def _symbols(data: Any, reader: _Reader, sizes: set[str]) -> list[SymbolDecl]:
    found = []
    for name, spec in _named_tables(data, "symbols", reader):
        where = f"symbols.{reader.name(name, 'symbols')}"
        spec = reader.table(spec, where, ("kind", "domain", "shape", "latex", "values", "random", "plain_scalar"))
        kind = reader.enum(SymbolKind, spec.get("kind", "scalar"), where)
        shape = spec.get("shape", [])
        if not isinstance(shape, list) or len(shape) != AXES[kind]:
            raise reader.fail(f"{where}: a {kind.value} needs {SHAPE_HINT[kind]}", name)
        random = spec.get("random", False)
        if not isinstance(random, bool) or (random and kind is not SymbolKind.SCALAR):
            raise reader.fail(f"{where}: 'random' is true or false, and only a scalar is declared random", "random")
        latex, other_latex = _spellings(spec, reader, where)
        plain_scalar = spec.get("plain_scalar", False)
        if not isinstance(plain_scalar, bool) or plain_scalar and (kind is SymbolKind.SCALAR or latex is None
                                                                   or name in (latex, *other_latex)):
            raise reader.fail(f"{where}: 'plain_scalar' is true or false, and only a vector or matrix spelled "
                              "otherwise than its plain name (latex = '\\mathbf{x}') leaves that name to a scalar",
                              "plain_scalar")
        decl = SymbolDecl(
            name=name,
            kind=kind,
            domain=reader.enum(Domain, spec.get("domain", "real"), where),
            shape=tuple(_size_or_int(axis, sizes, reader, f"{where}.shape") for axis in shape),
            latex=latex,
            other_latex=other_latex,
            random=random,
            plain_scalar=plain_scalar,
        )
        found.append(_with_values(decl, spec, reader, where))
    return found


def _with_values(decl: SymbolDecl, spec: dict, reader: _Reader, where: str) -> SymbolDecl:
    if "values" not in spec:
        return decl
    problem = values_problem(spec["values"], decl)
    if problem:
        raise reader.fail(f"{where}: {problem}", "values")
    return replace(decl, values=frozen_values(spec["values"], len(decl.shape)))


def _spellings(spec: dict, reader: _Reader, where: str) -> tuple[Optional[str], tuple[str, ...]]:
    """`latex = '..'` or `latex = ['\\mathbf{w}', 'w']`: the first spelling and the others."""
    value = spec.get("latex")
    if isinstance(value, list):
        if not value or len(value) > MAX_SPELLINGS or not all(isinstance(v, str) and v.strip() for v in value):
            raise reader.fail(f"{where}: 'latex' must be a string or a list of 1 to {MAX_SPELLINGS} non-empty strings",
                              "latex")
    else:
        value = [reader.string(spec, "latex", where)] if spec.get("latex") is not None else []
    for latex in value:
        problem = spelling_problem(latex)
        if problem is not None:
            raise reader.fail(f"{where}: the LaTeX {latex!r} cannot spell a name: {problem}", latex)
    return (value[0], tuple(value[1:])) if value else (None, ())


def _functions(data: Any, reader: _Reader) -> list[FunctionDecl]:
    found = []
    for name, spec in _named_tables(data, "functions", reader):
        where = f"functions.{reader.name(name, 'functions')}"
        spec = reader.table(spec, where, ("arity", "latex", "elementwise", "positive"))
        elementwise, positive = spec.get("elementwise", False), spec.get("positive", False)
        for key, value in (("elementwise", elementwise), ("positive", positive)):
            if not isinstance(value, bool):
                raise reader.fail(f"{where}: '{key}' must be true or false", key)
        arity = reader.integer(spec, "arity", where, 1, 1, MAX_ARITY)
        if elementwise and arity != 1:
            raise reader.fail(f"{where}: an elementwise function has one argument (arity = 1)", "elementwise")
        latex, other_latex = _spellings(spec, reader, where)
        found.append(FunctionDecl(name, arity, latex, other_latex, elementwise, positive))
    return found


# named constants a notation file may give a name to (`value = "imaginary-unit"`)
CONSTANT_VALUES = {"imaginary-unit": sympy.I, "pi": sympy.pi, "e": sympy.E}


def _constants(data: Any, reader: _Reader) -> list[ConstantDecl]:
    found = []
    for name, spec in _named_tables(data, "constants", reader):
        where = f"constants.{reader.name(name, 'constants')}"
        spec = reader.table(spec, where, ("value", "latex"), required=("value",))
        latex, other_latex = _spellings(spec, reader, where)
        found.append(ConstantDecl(name, _constant_value(spec["value"], reader, where), latex, other_latex))
    return found


def _constant_value(value: Any, reader: _Reader, where: str) -> sympy.Expr:
    """A constant's exact value: one of CONSTANT_VALUES, an integer, or a decimal number
    (read digit by digit by `fractions`, never evaluated)."""
    if isinstance(value, str) and value in CONSTANT_VALUES:
        return CONSTANT_VALUES[value]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or abs(value) > MAX_CONSTANT:
        names = ", ".join(f'"{name}"' for name in CONSTANT_VALUES)
        raise reader.fail(f"{where}: 'value' must be {names}, or a number of at most {MAX_CONSTANT:g} in size",
                          "value")
    exact = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    return sympy.Rational(exact.numerator, exact.denominator)


def _rewrite(data: Any, reader: _Reader, where: str) -> RewriteRule:
    data = reader.table(data, where, ("pattern", "replacement", "note"), required=("pattern", "replacement"))
    return RewriteRule(reader.string(data, "pattern", where), reader.string(data, "replacement", where), reader.string(data, "note", where, ""))


def _erratum(data: dict, reader: _Reader, where: str) -> Optional[Erratum]:
    if "erratum" not in data:
        return None
    spec = reader.table(data["erratum"], f"{where}.erratum", ("note", "intended"), required=("note", "intended"))
    return Erratum(reader.string(spec, "note", where), reader.string(spec, "intended", where))


def _definition(data: Any, reader: _Reader, where: str) -> Definition:
    data = reader.table(data, where, ("line", "latex", "why", "erratum"), required=("latex",))
    return Definition(
        latex=reader.string(data, "latex", where),
        line=reader.line_ref(data, where),
        erratum=_erratum(data, reader, where),
        why=reader.string(data, "why", where, ""),
    )


def _step(data: Any, reader: _Reader, where: str, source: str) -> Step:
    data = reader.table(data, where, ("line", "latex", "why", "erratum", "source"), required=("latex",))
    return Step(
        latex=reader.string(data, "latex", where),
        line=reader.line_ref(data, where),
        why=reader.string(data, "why", where, ""),
        erratum=_erratum(data, reader, where),
        source=reader.string(data, "source", where, source),
    )


def _fixed_sizes(data: dict, reader: _Reader, where: str) -> tuple[tuple[str, int], ...]:
    sizes = data.get("sizes", {})
    if not isinstance(sizes, dict) or not all(bounded_int(v, 1, MAX_SIZE) for v in sizes.values()):
        raise reader.fail(f"{where}: 'sizes' must be a table of ints from 1 to {MAX_SIZE}, e.g. {{ K = 3 }}", "sizes")
    return tuple(sorted((reader.name(name, f"{where}.sizes"), value) for name, value in sizes.items()))


def _chain(data: Any, reader: _Reader, where: str, source: str) -> Chain:
    data = reader.table(data, where, ("name", "condition", "sizes", "steps", "source"), required=("name", "steps"))
    chain_source = reader.string(data, "source", where, source)
    steps = data["steps"]
    if not isinstance(steps, list) or len(steps) < 2:
        raise reader.fail(f"{where}: a chain needs at least two [[chains.steps]]", str(data.get("name", "")))
    return Chain(
        name=reader.string(data, "name", where),
        steps=tuple(_step(step, reader, f"{where}.steps[{n}]", chain_source) for n, step in enumerate(steps, start=1)),
        condition=reader.string(data, "condition", where),
        sizes=_fixed_sizes(data, reader, where),
        source=chain_source,
    )


def _claim(data: Any, reader: _Reader, where: str, source: str) -> Claim:
    allowed = ("name", "line", "latex", "given", "condition", "sizes", "why", "erratum", "kind", "source")
    data = reader.table(data, where, allowed, required=("name", "latex"))
    given = data.get("given", [])
    if not isinstance(given, list) or not all(isinstance(g, str) for g in given):
        raise reader.fail(f"{where}: 'given' must be a list of LaTeX strings", "given")
    kind = reader.string(data, "kind", where, "identity")
    if kind not in ("identity", "shape"):
        raise reader.fail(f"{where}: 'kind' must be \"identity\" or \"shape\"", kind)
    return Claim(
        name=reader.string(data, "name", where),
        latex=reader.string(data, "latex", where),
        line=reader.line_ref(data, where),
        given=tuple(given),
        condition=reader.string(data, "condition", where),
        why=reader.string(data, "why", where, ""),
        erratum=_erratum(data, reader, where),
        kind=kind,
        sizes=_fixed_sizes(data, reader, where),
        source=reader.string(data, "source", where, source),
    )


def _gradient_check(data: Any, reader: _Reader, where: str) -> GradientCheckSpec:
    keys = ("name", "line", "loss", "wrt", "index", "gradient", "size", "sizes")
    data = reader.table(data, where, keys, required=("name", "loss", "wrt", "index", "gradient", "size"))
    sizes = data.get("sizes", [2, 3, 4, 5, 6])
    if not (isinstance(sizes, list) and len(sizes) <= MAX_SIZE_LIST and all(bounded_int(s, 1, MAX_SIZE) for s in sizes)):
        raise reader.fail(f"{where}: 'sizes' must be a list of at most {MAX_SIZE_LIST} ints from 1 to {MAX_SIZE}",
                          "sizes")
    text = {key: reader.string(data, key, where) for key in ("name", "loss", "wrt", "index", "gradient", "size")}
    return GradientCheckSpec(**text, sizes=tuple(sizes), line=reader.line_ref(data, where))


def _coverage(data: Any, reader: _Reader) -> Coverage:
    data = reader.table(data, "[coverage]", ("skipped",))
    skipped = data.get("skipped", {})
    if not isinstance(skipped, dict):
        raise reader.fail("coverage.skipped must be a table", "skipped")
    ranges = []
    for key, reason in skipped.items():
        lines = line_range(key)
        if lines is None or not isinstance(reason, str):
            raise reader.fail(f"coverage.skipped: keys are \"line\" or \"a-b\" within 1-{MAX_LINE}, "
                              "values are reasons", key)
        ranges.append((*lines, reason))
    return Coverage(tuple(ranges))


# ---------------------------------------------------------------- compiling LaTeX


class Compiler:
    """Parses every LaTeX string of a derivation, turning LatexError into InputError."""

    def __init__(self, derivation: Derivation, reader: _Reader):
        self.derivation, self.reader = derivation, reader
        self.table = build_symbol_table(derivation)
        self.notation = Notation(self.table, derivation.rewrites)
        self._index_problems: dict[Any, Optional[tuple[str, str, str]]] = {}

    @classmethod
    def for_file(cls, derivation: Derivation) -> "Compiler":
        path = Path(derivation.path)
        raw = require_utf8(path) if path.is_file() else ""
        return cls(derivation, _Reader(derivation.path, raw))

    def scope(self) -> Scope:
        """The document's scope: every definition in its effective (intended) form."""
        definitions = self.derivation.definitions
        minimums = [
            sympy.Ge(self.table.sizes[size.name], size.minimum)
            for size in self.derivation.sizes if size.minimum > 1 and size.alias is None
        ]
        given = [self.definition(d.erratum.intended if d.erratum else d.latex) for d in definitions]
        values = self.values_definitions()
        self._refuse_redefinition(values + given, [None] * len(values) + [d.latex for d in definitions])
        return Scope(self.table, values + given, minimums)

    def _refuse_redefinition(self, compiled: list[CompiledDefinition], written: list[Optional[str]]) -> None:
        """A name has one definition: a second one would silently replace the first for
        every step (the engine keeps one rule per name)."""
        seen: dict[str, Optional[str]] = {}
        for definition, latex in zip(compiled, written):
            name = str(getattr(definition.target, "label", definition.target))
            if name in seen:
                first = "its values in [symbols]" if seen[name] is None else f"line {self.reader.line_of(seen[name])}"
                raise InputError(self.reader.path, self.reader.line_of(latex), f"{name} is defined twice (first at "
                                 f"{first}); state the second as a claim or a chain step", latex=latex)
            seen[name] = latex

    def values_definitions(self) -> list[CompiledDefinition]:
        """Vectors and matrices whose entries the notation gives by value."""
        def value_of(entry: Any) -> sympy.Expr:
            return self.expression(entry) if isinstance(entry, str) else _constant_value(entry, self.reader, "values")
        return [values_definition(decl, self.table.bases[decl.name], value_of)
                for decl in self.derivation.symbols if decl.values]

    def located(self, latex: str, parse: Callable[[str], Any]) -> Any:
        """`parse(latex)` under the engine's time limit; a LatexError becomes an InputError at the line."""
        try:
            finished, value = run_limited(lambda: parse(latex), parse_seconds())
            if not finished:
                raise LatexError(f"took longer than {parse_seconds():g} s to read", latex, 0)
            return value
        except MemoryError:
            raise InputError(self.reader.path, self.reader.line_of(latex), "too large to read (memory limit reached)",
                             latex=latex) from None
        except LatexError as error:
            kind = next((found for read, found in FINDINGS if isinstance(error, read)), InputError)
            prefix = "" if kind is not InputError else "cannot read LaTeX: "
            raise kind(
                self.reader.path, self.reader.line_of(latex), prefix + error.message,
                latex=error.latex or latex, column=error.column,
            ) from None

    def expression(self, latex: str, declared_wrong: bool = False) -> Any:
        expr = self.located(latex, self.notation.expression)
        return expr if declared_wrong else self.checked_indices(expr, latex)

    def sides(self, latex: str, expected: int = 2, declared_wrong: bool = False) -> list:
        """The sides of an equation; an index off its axis is bad input, except in a
        statement the file declares wrong (an erratum): the engine refutes it there."""
        sides = self.located(latex, self.notation.equation)
        if not declared_wrong:
            sides = [self.checked_indices(side, latex) for side in sides]
        if len(sides) != expected:
            raise InputError(self.reader.path, self.reader.line_of(latex),
                             f"expected an equation with {expected} sides, found {len(sides)}", latex=latex)
        return sides

    def checked_indices(self, expr: Any, latex: str) -> Any:
        """A literal index outside its axis' declared range (z_0 where z is indexed from 1)
        is bad input, with a caret."""
        problem = self._index_problem(expr)
        if problem is not None:
            message, name, literal = problem
            raise InputError(self.reader.path, self.reader.line_of(latex), message, latex=latex,
                             column=_entry_column(latex, name, literal))
        return self.checked_names(expr, latex)

    def _index_problem(self, expr: Any) -> Optional[tuple[str, str, str]]:
        """`index_range_problem`, once per distinct expression (notes repeat members)."""
        try:
            return self._index_problems[expr]
        except KeyError:
            problem = self._index_problems[expr] = index_range_problem(expr, self.table)
            return problem
        except TypeError:  # an unhashable expression (a mutable matrix)
            return index_range_problem(expr, self.table)

    def checked_names(self, expr: Any, latex: str) -> Any:
        """A name read whole whose subscript is the index of the sum around it is bad input."""
        problem = bound_subscript_problem(expr)
        if problem is not None:
            message, name = problem
            column = latex.find(name)
            raise InputError(self.reader.path, self.reader.line_of(latex), message, latex=latex,
                             column=column if column >= 0 else None)
        return expr

    def condition(self, latex: Optional[str]) -> Optional[sympy.Basic]:
        return None if latex is None else self.located(latex, self.notation.condition)

    def definition(self, latex: str) -> CompiledDefinition:
        return self.defined(*self.sides(latex), latex)

    def given(self, latex: str) -> sympy.Eq:
        """A claim's premise, lhs = rhs with lhs as a definition's: the engine applies an
        indexed one to the entry it names when its indices are the claim's free indices."""
        lhs, rhs = self.sides(latex)
        self.defined(lhs, rhs, latex)
        return sympy.Eq(lhs, rhs, evaluate=False)

    def defined(self, lhs: Any, rhs: Any, latex: str) -> CompiledDefinition:
        defined = definition_of(lhs, rhs)
        if defined is None:
            raise InputError(self.reader.path, self.reader.line_of(latex),
                             "the left-hand side of a definition must be a symbol, an indexed symbol or f(x)",
                             latex=latex)
        return defined


def definition_of(lhs: Any, rhs: Any) -> Optional[CompiledDefinition]:
    """lhs := rhs when lhs is a symbol, an indexed symbol with index variables, or f(x). Each
    is a scalar, so a 1x1 matrix body (f = \\beta^\\top x) is its one entry."""
    rhs = one_by_one_entry(rhs)
    if isinstance(lhs, sympy.Indexed) and all(isinstance(i, sympy.Symbol) for i in lhs.indices):
        return CompiledDefinition(lhs.base, tuple(lhs.indices), rhs)
    if isinstance(lhs, sympy.Symbol):
        return CompiledDefinition(lhs, (), rhs)
    if isinstance(lhs, sympy.core.function.AppliedUndef) and all(isinstance(a, sympy.Symbol) for a in lhs.args):
        return CompiledDefinition(lhs.func, tuple(lhs.args), rhs)
    return None


def _entry_column(latex: str, name: str, index: str) -> Optional[int]:
    """Where the entry name_index is written (best effort, for the caret)."""
    index = re.escape(index)
    subscript = rf"(?:\{{[^}}]*?(?<![A-Za-z]){index}(?![A-Za-z0-9])|{index}(?![A-Za-z0-9]))"
    match = re.search(rf"(?<![A-Za-z\\]){re.escape(name)}\s*_\s*{subscript}", latex)
    return match.start() if match else None


def load_derivation(path: Path) -> CompiledDocument:
    """Read, validate and parse one derivation file."""
    derivation = read_derivation(path)
    compiler = Compiler.for_file(derivation)
    scope = compiler.scope()
    document = CompiledDocument(derivation, scope)
    document.definitions = [_definition_equation(d, compiler, scope) for d in derivation.definitions]
    document.chains = [_compile_chain(chain, compiler, scope) for chain in derivation.chains]
    document.claims = [_compile_claim(claim, compiler, scope) for claim in derivation.claims]
    document.gradient_checks = [_compile_gradient_check(spec, compiler, scope) for spec in derivation.gradient_checks]
    return document


load_document = load_derivation


def _definition_equation(definition: Definition, compiler: Compiler, scope: Scope) -> Equation:
    def build(latex: str, declared_wrong: bool = False) -> Equation:
        lhs, rhs = compiler.sides(latex, declared_wrong=declared_wrong)
        return Equation("definition", latex, compiler.derivation.source, definition.line, latex, lhs, rhs,
                        checking_scope(scope, compiler.defined(lhs, rhs, latex)))

    written = build(definition.latex, declared_wrong=definition.erratum is not None)
    if definition.erratum is None:
        return written
    return replace(written, intended=build(definition.erratum.intended), erratum_note=definition.erratum.note)


def _check_fixed_sizes(compiler: Compiler, sizes: tuple[tuple[str, int], ...], where: str) -> None:
    """Fixed sizes keep the declarations' contract: declared, at least the declared minimum
    (an alias has its size's), and a size and its alias not given two values."""
    def fail(message: str) -> InputError:
        return InputError(compiler.reader.path, compiler.reader.line_of(where), f"{where}: {message}")
    declared = {size.name: size for size in compiler.derivation.sizes}
    unknown = [name for name, _ in sizes if name not in declared]
    if unknown:
        raise fail(f"size {unknown[0]!r} is not declared")
    for name, value in sizes:
        minimum = declared[declared[name].alias or name].minimum
        if value < minimum:
            raise fail(f"size {name} = {value} is below its declared minimum {minimum}")
    same = {(declared[name].alias or name, value) for name, value in sizes}
    if len(same) > len({size for size, _ in same}):
        raise fail("a size and its alias are fixed to different values")


def _with_fixed_sizes(scope: Scope, compiler: Compiler, sizes: tuple[tuple[str, int], ...], where: str):
    """The scope of a chain or claim whose sizes are fixed numbers, and the substitution to apply."""
    if not sizes:
        return scope, lambda expr: expr
    _check_fixed_sizes(compiler, sizes, where)
    values = compiler.table.size_values(dict(sizes))
    fix = lambda expr: expr.xreplace(values)
    definitions = [CompiledDefinition(d.target, d.params, fix(d.body)) for d in scope.definitions]
    return Scope(compiler.table.with_sizes(dict(sizes)), definitions, [fix(a) for a in scope.assumptions]), fix


def checking_scope(scope: Scope, definition: CompiledDefinition) -> Scope:
    """The scope in which a definition is checked: every other definition, then this one."""
    others = [d for d in scope.definitions if d.target != definition.target]
    return Scope(scope.table, others + [definition], scope.assumptions)


def _compile_chain(chain: Chain, compiler: Compiler, scope: Scope) -> CompiledChain:
    scope, fix = _with_fixed_sizes(scope, compiler, chain.sizes, chain.name)
    expression = lambda latex, declared_wrong=False: fix(compiler.expression(latex, declared_wrong))
    condition = compiler.condition(chain.condition)
    equations = []
    first = previous = chain.steps[0]
    previous_expr = expression(_effective(previous))
    first_expr = previous_expr
    for step in chain.steps[1:]:
        rhs = compiler.notation.zero_beside(step.latex, expression(step.latex, step.erratum is not None), previous_expr)
        previous_expr = compiler.notation.zero_beside(_effective(previous), previous_expr, rhs)  # 0 = X^T y - ...
        written = Equation(
            "step", chain.name, step.source or chain.source, step.line, step.latex,
            previous_expr, rhs, scope,
            chain_condition=condition, condition_latex=chain.condition, previous_latex=_effective(previous),
        )
        if step.erratum:
            intended = replace(written, rhs=expression(step.erratum.intended), latex=step.erratum.intended)
            written = replace(written, intended=intended, erratum_note=step.erratum.note)
        equations.append(written)
        previous, previous_expr = step, (written.intended or written).rhs
    if condition is not None:
        equations.append(Equation(
            "conclusion", chain.name, chain.source, _span(first.line, previous.line),
            f"{first.latex} = {_effective(previous)}", first_expr, previous_expr, scope,
            chain_condition=condition, condition_latex=chain.condition, previous_latex=first.latex,
        ))
    return CompiledChain(chain.name, chain.condition, tuple(equations))


def _effective(step: Step) -> str:
    return step.erratum.intended if step.erratum else step.latex


def _span(first: Optional[LineRef], last: Optional[LineRef]) -> Optional[LineRef]:
    start = first[0] if isinstance(first, tuple) else first
    end = last[1] if isinstance(last, tuple) else last
    if start is None or end is None or start == end:
        return start if end is None else end
    return (start, end)


def _compile_claim(claim: Claim, compiler: Compiler, scope: Scope) -> Equation:
    local = Scope(scope.table, scope.definitions, scope.assumptions + [compiler.given(g) for g in claim.given])
    local, fix = _with_fixed_sizes(local, compiler, claim.sizes, claim.name)
    kind = "shape" if claim.kind == "shape" else "claim"
    condition = compiler.condition(claim.condition)

    def build(latex: str, declared_wrong: bool = False) -> Equation:
        lhs, rhs = (fix(side) for side in compiler.sides(latex, declared_wrong=declared_wrong))
        return Equation(kind, claim.name, claim.source, claim.line, latex, lhs, rhs, local,
                        chain_condition=condition, condition_latex=claim.condition)

    written = build(claim.latex, declared_wrong=claim.erratum is not None)
    if claim.erratum is None:
        return written
    return replace(written, intended=build(claim.erratum.intended), erratum_note=claim.erratum.note)


def _compile_gradient_check(spec: GradientCheckSpec, compiler: Compiler, scope: Scope) -> CompiledGradientCheck:
    table = compiler.table
    for name, group in ((spec.wrt, table.bases), (spec.index, table.indices), (spec.size, table.sizes)):
        if name not in group:
            raise InputError(compiler.reader.path, compiler.reader.line_of(spec.name),
                             f"gradient check {spec.name!r}: {name!r} is not declared")
    return CompiledGradientCheck(
        spec=spec,
        loss=compiler.expression(spec.loss),
        gradient=compiler.expression(spec.gradient),
        wrt=table.bases[spec.wrt],
        index=table.indices[spec.index],
        size=table.sizes[spec.size],
        scope=scope,
    )


def derivation_files(paths: Sequence[Path]) -> list[Path]:
    """The derivation files named, directories expanded, in a stable order."""
    found = named_files(paths)
    for path in found:
        if not path.exists():
            raise InputError(str(path), None, "no such file or directory")
    return found
