"""Draft a notation file from a note: what `symcheck init NOTE` writes beside it.

Pure text analysis of the note's math (no SymPy): sizes from sum limits and
`\\in \\mathbb{R}^{n \\times p}`; indices with their ranges; vectors and matrices from
indexing, `^\\top` and bold; probability vectors from softmax-shaped definitions; one-hot
vectors from prose; functions from `f(x)` usage; definitions from `:=`, "let" and "where"
(listed, not declared: `check` adopts a note's definitions itself and checks them).

Every guess is a `Finding` that names the line that made it; an uncertain one says so
(`# guess: ...`). `draft_notation(text, path)` returns the TOML text.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from symcheck.notes.extract import extract_math, math_lines, read_notes

SUM_LIMITS = re.compile(
    r"\\(?:sum|prod)\s*_\s*\{?\s*([A-Za-z])\s*=\s*([0-9]|[A-Za-z])\s*\}?\s*\^\s*\{?\s*([A-Za-z0-9])\s*\}?")
SUM_BARE = re.compile(r"\\(?:sum|prod)\s*_\s*(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))(?!\s*=)")
MEMBERSHIP = re.compile(
    r"(\\mathbf\{[A-Za-z]\}|\\boldsymbol\{[A-Za-z]\}|[A-Za-z])\s*\\in\s*\\mathbb\{R\}\^\s*"
    r"(?:\{\s*([A-Za-z0-9])\s*(?:\\times\s*([A-Za-z0-9])\s*)?\}|([A-Za-z0-9]))")
SHAPED = re.compile(r"(?<![A-Za-z\\])([A-Za-z])_\{\s*([A-Za-z0-9])\s*\\times\s*([A-Za-z0-9])\s*\}")
INDEXED = re.compile(r"(?<![A-Za-z\\])([A-Za-z])_(?:\{\s*([A-Za-z0-9])\s*(?:,\s*([A-Za-z0-9])\s*)?\}|([A-Za-z0-9]))")
TRANSPOSED = re.compile(r"(?<![A-Za-z\\_])([A-Za-z])\s*\^\s*(?:\\top|T\b|\{\s*(?:\\top|T)\s*\}|\\intercal)")
BOLD = re.compile(r"\\(?:mathbf|boldsymbol|bm)\{([A-Za-z])\}")
CALL = re.compile(r"(?<![A-Za-z\\_^])([A-Za-z])('*)\(\s*([A-Za-z])\s*\)")
NAMED_CALL = re.compile(r"(?:\\(?:text|operatorname|mathrm)\{|(?<![A-Za-z\\]))([A-Za-z]{3,})\}?\s*\(")
KNOWN_FUNCTIONS = {"exp", "log", "ln", "sin", "cos", "tan", "max", "min", "sqrt", "tanh", "det", "left", "right",
                   "frac", "sum", "prod", "text", "mathrm", "begin", "end"}
SOFTMAX = re.compile(
    r"(?<![A-Za-z\\])([A-Za-z])_\{?([A-Za-z])\}?\s*(?:=|:=)\s*(?:\\[dt]?frac\s*\{\s*(?:e\^|\\exp)|\{\s*e\^[^{}]*(?:\{[^{}]*\}[^{}]*)*\\over)")
ONE_HOT = re.compile(r"one[- ]hot", re.I)
INLINE_SYMBOL = re.compile(r"\$\s*(\\mathbf\{([A-Za-z])\}|([A-Za-z]))\s*\$")
DEFINING = re.compile(r"\b(let|where|define|denote)\b", re.I)
NOT_SYMBOLS = {"e", "d"}  # Euler's number, the d of dx
INDEX_LETTERS = set("ijklmn")


@dataclass
class Finding:
    """One declaration and the line that made it; `guess` says why it is uncertain."""

    line: int
    reason: str
    guess: str = ""

    def comment(self) -> str:
        text = f"line {self.line}: {self.reason}"
        return f"# guess: {text}; {self.guess}" if self.guess else f"# {text}"


@dataclass
class Symbol:
    kind: str = "scalar"
    shape: list = field(default_factory=list)
    domain: str = "real"
    latex: Optional[str] = None
    found: Optional[Finding] = None


@dataclass
class Draft:
    sizes: dict[str, Finding] = field(default_factory=dict)
    indices: dict[str, tuple[object, object, Finding]] = field(default_factory=dict)
    symbols: dict[str, Symbol] = field(default_factory=dict)
    functions: dict[str, Finding] = field(default_factory=dict)
    definitions: list[tuple[int, str, str]] = field(default_factory=list)  # line, latex, how


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _math_text(text: str, path: str) -> str:
    """The note with every line that holds no math blanked (line numbers kept)."""
    lines = math_lines(text, path)
    return "\n".join(line if number in lines else "" for number, line in enumerate(text.split("\n"), start=1))


class Drafter:
    def __init__(self, text: str, path: str):
        self.text, self.path = text, path
        self.math = _math_text(text, path)
        self.draft = Draft()

    def run(self) -> Draft:
        for step in (self.sums, self.memberships, self.shaped, self.softmax, self.indexed, self.transposed,
                     self.bold, self.one_hot, self.calls, self.definitions, self.ranges):
            step()
        return self.draft

    def each(self, pattern: re.Pattern, text: Optional[str] = None):
        source = self.math if text is None else text
        for match in pattern.finditer(source):
            yield match, _line_at(source, match.start())

    def size(self, name: str, line: int, reason: str, guess: str = "") -> None:
        if not name.isdigit():
            self.draft.sizes.setdefault(name, Finding(line, reason, guess))
            self.draft.indices.pop(name, None)

    def symbol(self, name: str, line: int, reason: str, guess: str = "", **spec) -> Symbol:
        known = self.draft.symbols.get(name)
        if known is None:
            known = self.draft.symbols[name] = Symbol(found=Finding(line, reason, guess))
        for key, value in spec.items():
            if getattr(known, key) in ("scalar", "real", [], None) or key == "domain":
                setattr(known, key, value)
        return known

    # ------------------------------------------------------------ the rules

    def sums(self) -> None:
        for match, line in self.each(SUM_LIMITS):
            index, lower, upper = match.groups()
            self.size(upper, line, f"upper limit of a sum over {index}")
            if index not in self.draft.sizes:
                self.draft.indices.setdefault(index, (int(lower) if lower.isdigit() else lower, upper,
                                                      Finding(line, f"sum over {index} from {lower} to {upper}")))
        for match, line in self.each(SUM_BARE):
            index = match.group(1) or match.group(2)
            if index not in self.draft.indices and index not in self.draft.sizes:
                self.draft.indices[index] = (1, None, Finding(line, f"sum over {index} without limits",
                                                              "range taken from the main size"))

    def memberships(self) -> None:
        for match, line in self.each(MEMBERSHIP):
            written, rows, cols, single = match.groups()
            name = re.sub(r"\\[a-z]+\{|\}", "", written)
            latex = written if written.startswith("\\") else None
            if cols:
                self.size(rows, line, f"rows of {name}")
                self.size(cols, line, f"columns of {name}")
                self.symbol(name, line, f"{written} in R^({rows} x {cols})", kind="matrix", shape=[rows, cols], latex=latex)
            else:
                length = rows or single
                self.size(length, line, f"length of {name}")
                self.symbol(name, line, f"{written} in R^{length}", kind="vector", shape=[length], latex=latex)

    def shaped(self) -> None:
        for match, line in self.each(SHAPED):
            name, rows, cols = match.groups()
            self.size(rows, line, f"rows of {name}")
            self.size(cols, line, f"columns of {name}")
            self.symbol(name, line, f"{name} written with its shape {rows} x {cols}", kind="matrix", shape=[rows, cols])

    def softmax(self) -> None:
        for match, line in self.each(SOFTMAX):
            name, index = match.groups()
            self.symbol(name, line, f"{name}_{index} is an exponential over a sum (softmax-shaped)",
                        kind="vector", domain="probability")

    def indexed(self) -> None:
        for match, line in self.each(INDEXED):
            name, first, second, single = match.groups()
            if name in NOT_SYMBOLS or name in self.draft.sizes:
                continue
            if second:
                self.symbol(name, line, f"{name} indexed by two indices", kind="matrix")
            else:
                self.symbol(name, line, f"{name} indexed by {first or single}", kind="vector")
                index = first or single
                if index in INDEX_LETTERS and index not in self.draft.sizes and index not in self.draft.indices:
                    self.draft.indices[index] = (1, None, Finding(line, f"subscript of {name}", "range taken from "
                                                                  "the size of what it indexes"))

    def transposed(self) -> None:
        for match, line in self.each(TRANSPOSED):
            name = match.group(1)
            kind = "matrix" if name.isupper() else "vector"
            self.symbol(name, line, f"{name} is transposed", f"a {kind} by its case", kind=kind)

    def bold(self) -> None:
        for match, line in self.each(BOLD):
            name = match.group(1)
            kind = "matrix" if name.isupper() else "vector"
            self.symbol(name, line, f"bold {name}", f"a {kind} by its case", kind=kind, latex=match.group(0))

    def one_hot(self) -> None:
        for number, line in enumerate(self.text.split("\n"), start=1):
            if ONE_HOT.search(line):
                for match in INLINE_SYMBOL.finditer(line):
                    name = match.group(2) or match.group(3)
                    self.symbol(name, number, f"prose calls {name} one-hot", kind="vector", domain="one-hot")

    def calls(self) -> None:
        uses: Counter = Counter()
        first: dict[str, tuple[int, bool]] = {}
        for match, line in self.each(CALL):
            name, primes, argument = match.groups()
            if name in NOT_SYMBOLS or name == argument or name in self.draft.sizes:
                continue
            if name in self.draft.symbols and not primes:
                continue
            uses[name] += 1
            seen = first.get(name, (line, False))
            first[name] = (seen[0], seen[1] or bool(primes))
        for name, count in uses.items():
            line, primed = first[name]
            sure = primed or count > 1
            self.draft.functions[name] = Finding(line, f"{name}(...) is applied" + (" and differentiated" if primed else ""),
                                                 "" if sure else "used once: could be a product")
        for match, line in self.each(NAMED_CALL):
            name = match.group(1)
            if name.lower() not in KNOWN_FUNCTIONS:
                self.draft.functions.setdefault(name, Finding(line, f"{name}(...) is applied"))

    def definitions(self) -> None:
        prose = {number for number, line in enumerate(self.text.split("\n"), start=1) if DEFINING.search(line)}
        for chain in extract_math(self.text, self.path):
            if len(chain.members) != 2:
                continue
            how = ":=" if chain.definition else ("let/where" if chain.line in prose and not chain.display else "")
            if how:
                latex = f"{chain.members[0].latex} = {chain.members[1].latex}"
                self.draft.definitions.append((chain.line, latex, how))

    def ranges(self) -> None:
        """Indices without a limit take the size most used; vectors take their indices' size."""
        main = self.main_size()
        for name, (lower, upper, found) in list(self.draft.indices.items()):
            if upper is None:
                self.draft.indices[name] = (lower, main, found)
        for name, symbol in self.draft.symbols.items():
            wanted = {"vector": 1, "matrix": 2}.get(symbol.kind, 0)
            if len(symbol.shape) != wanted:
                symbol.shape = self.shape_from_use(name, wanted) or [main] * wanted
                if symbol.found and not symbol.found.guess and wanted:
                    symbol.found.guess = "shape guessed from the indices used with it"

    def main_size(self) -> str:
        if not self.draft.sizes:
            self.draft.sizes["N"] = Finding(1, "no size is written", "a size for the indices and vectors")
        counts = Counter({name: len(re.findall(rf"(?<![A-Za-z\\]){name}(?![A-Za-z])", self.math))
                          for name in self.draft.sizes})
        return max(sorted(counts), key=lambda name: counts[name])

    def shape_from_use(self, name: str, axes: int) -> list:
        for match in INDEXED.finditer(self.math):
            if match.group(1) != name:
                continue
            used = [i for i in match.group(2, 3, 4) if i]
            bounds = [self.draft.indices.get(i, (None, None, None))[1] for i in used]
            if len(used) == axes and all(bounds):
                return bounds
        return []


# ---------------------------------------------------------------- TOML


def _quoted(text: str) -> str:
    return "'" + text + "'" if "'" not in text and "\n" not in text else '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(draft: Draft, title: str) -> str:
    out = [f"# Notation drafted by `symcheck init` from {title}: review every `# guess:` line.",
           f"title = {_quoted(title)}", "", "[sizes]"]
    out += [f"{name} = {{}}  {found.comment()}" for name, found in sorted(draft.sizes.items())]
    out += ["", "[indices]"]
    for name, (lower, upper, found) in sorted(draft.indices.items()):
        low = lower if isinstance(lower, int) else _quoted(str(lower)).replace("'", '"')
        out.append(f'{name} = {{ range = [{low}, "{upper}"] }}  {found.comment()}')
    out += ["", "[symbols]"]
    for name, symbol in sorted(draft.symbols.items()):
        parts = []
        if symbol.kind != "scalar":
            parts.append(f'kind = "{symbol.kind}"')
            parts.append("shape = [" + ", ".join(f'"{axis}"' for axis in symbol.shape) + "]")
        if symbol.domain != "real":
            parts.append(f'domain = "{symbol.domain}"')
        if symbol.latex:
            parts.append(f"latex = {_quoted(symbol.latex)}")
        out.append(f"{name} = {{ {', '.join(parts)} }}  {symbol.found.comment()}")
    out += ["", "[functions]"]
    out += [f"{name} = {{}}  {found.comment()}" for name, found in sorted(draft.functions.items())]
    if draft.definitions:
        out += ["", "# Definitions the note makes: `check` adopts them from the note and checks them against",
                "# the declared domains, so they are listed here, not declared.", ]
        out += [f"#   line {line} ({how}): {latex}" for line, latex, how in draft.definitions]
    return "\n".join(out) + "\n"


def draft_notation(text: str, path: str, title: Optional[str] = None) -> str:
    """The TOML of a notation file for the note `text` (read from `path`)."""
    draft = Drafter(text, path).run()
    return render(draft, title or path.rsplit("/", 1)[-1])


def write_draft(note: Path, force: bool = False) -> bool:
    """Write NOTE.toml beside `note`; False (nothing written) when it exists and not `force`."""
    target = note.with_suffix(".toml")
    if target.exists() and not force:
        return False
    target.write_text(draft_notation(read_notes(note), str(note), note.name), encoding="utf-8")
    return True


# `\sum_{k=1}^{n}`, `\prod_{i=0}^{N-1}`, `\sum_{j=1}^n`: the index, and the letter its upper limit counts with
_UPPER_LIMIT = re.compile(r"\\(?:sum|prod)\s*_\s*\{\s*([A-Za-z])\s*=[^{}]*\}\s*\^\s*"
                          r"(?:\{\s*([A-Za-z])\s*(?:[-+]\s*\d+\s*)?\}|([A-Za-z])(?![A-Za-z_^']))")


# `p(x)`, `u(t_0)`, `\\ell(\\theta)`, `y\\left(0\\right)`: a name applied to one name or number (not in a
# subscript, a superscript or a command's name)
_APPLIED = re.compile(r"(?<![\\A-Za-z_^])(\\?[A-Za-z]+)\s*(?:\\left\s*)?\(\s*(?:\\?[A-Za-z]+(?:_\{?\w+\}?)?|\d+(?:\.\d+)?)"
                      r"\s*(?:\\right\s*)?\)")


def applied_names(latexes: list[str]) -> dict[str, int]:
    """The names written applied to one name or number (`p(x)`, `u(0)`), each with the number of
    the first LaTeX that applies it: functions, as nobody brackets such a factor."""
    found: dict[str, int] = {}
    for number, latex in enumerate(latexes):
        for match in _APPLIED.finditer(latex):
            found.setdefault(match.group(1), number)
    return found


def sum_limit_sizes(latexes: list[str]) -> dict[str, tuple[int, str]]:
    """The letters that a sum or product counts up to and that never run as an index
    themselves: sizes, whatever the note does not say of them. Each with the number of the
    first LaTeX that counts up to it and the index counting."""
    found: dict[str, tuple[int, str]] = {}
    running: set[str] = set()
    for number, latex in enumerate(latexes):
        running.update(match.group(1) or match.group(2) for match in SUM_BARE.finditer(latex))
        for match in _UPPER_LIMIT.finditer(latex):
            index, upper = match.group(1), match.group(2) or match.group(3)
            running.add(index)
            found.setdefault(upper, (number, index))
    return {name: where for name, where in found.items() if name not in running and name not in NOT_SYMBOLS}
