"""Small edits of a step's LaTeX, as text: the candidates of a repair search.

Each `Edit` replaces `text[start:end]` with `replacement`; nothing here reads math, so a
candidate may be nonsense (the reader then rejects it). The edits are the slips authors
make: the sign of a term, an index, a term or factor dropped or added, brackets, a
transpose, a summation limit, a fraction upside down, an exponent.

`edits(latex, vocabulary)` lists them cheapest first; `cost` counts the characters an edit
touches, so that the first candidate that holds is the smallest repair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, Optional, Sequence

from symcheck.read.texscan import matching_brace

FRACTIONS = {"frac", "dfrac", "tfrac", "cfrac"}
BINARY_COMMANDS = {"cdot", "times"}
TEXT_COMMANDS = {"text", "mathrm", "operatorname", "textrm", "mbox"}  # names, never edited inside
TRANSPOSES = (r"^\top", r"^{\top}", r"^T", r"^{T}", r"^\intercal", r"^{\intercal}", r"^\mathsf{T}", r"^{\mathsf{T}}")
MAX_INSERTED = 6  # atoms taken from neighbouring steps


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    replacement: str
    kind: str
    description: str
    cost: int

    def apply(self, text: str) -> str:
        """The edited text; a deletion takes one space beside it along, not more."""
        before, after = text[: self.start], text[self.end:]
        if not self.replacement:
            if (not before.strip() or before.endswith(" ")) and after.startswith(" "):
                after = after[1:]
            if not after.strip():
                before = before.rstrip()
        return before + self.replacement + after


@dataclass(frozen=True)
class Vocabulary:
    """What the document declares: index names, vector/matrix names, size names, and the
    LaTeX of neighbouring steps (terms and factors may come from there)."""

    indices: tuple[str, ...] = ()
    arrays: tuple[str, ...] = ()
    sizes: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()
    neighbours: tuple[str, ...] = ()


@dataclass
class Atom:
    """One factor: a command with its arguments, a letter, a number, a group; with scripts."""

    start: int
    end: int
    kind: str  # "command", "letter", "number", "group", "parens", "operator"
    inner: Optional[tuple[int, int]] = None  # contents of a group or parentheses
    arguments: list[tuple[int, int]] = field(default_factory=list)  # {..} arguments of a command
    name: str = ""


def _skip_spaces(text: str, k: int, end: int) -> int:
    while k < end and text[k].isspace():
        k += 1
    return k


def _group_or_token(text: str, k: int, end: int) -> tuple[int, int]:
    """The extent of one argument: a braced group, a command word, or one character."""
    k = _skip_spaces(text, k, end)
    if k < end and text[k] == "{":
        close = matching_brace(text, k, end)
        return (k, close if close > 0 else end)
    if k < end and text[k] == "\\":
        match = re.match(r"\\[A-Za-z]+|\\.", text[k:end])
        return (k, k + (match.end() if match else 1))
    return (k, min(k + 1, end))


def _scripts(text: str, k: int, end: int) -> int:
    """Past any `_x`, `^x`, `'` after an atom."""
    while True:
        j = _skip_spaces(text, k, end)
        if j < end and text[j] in "_^":
            k = _group_or_token(text, j + 1, end)[1]
        elif j < end and text[j] == "'":
            k = j + 1
        else:
            return k


def _matching_paren(text: str, k: int, end: int) -> int:
    """Past the `)` matching the `(` at k (braces skipped); -1 if none."""
    depth, j = 0, k
    while j < end:
        char = text[j]
        if char == "{":
            close = matching_brace(text, j, end)
            j = close if close > 0 else end
            continue
        if char == "\\":
            j += 2
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return -1


def atoms(text: str, start: int, end: int, functions: Sequence[str] = ()) -> list[Atom]:
    """The atoms of text[start:end] at one level (operators `+ - = /` and `\\cdot` are atoms too).

    A function name (declared, or primed: `g'`) and the parentheses after it are one atom."""
    found: list[Atom] = []
    k = _skip_spaces(text, start, end)
    while k < end:
        atom = _atom_at(text, k, end)
        if found and atom.kind == "parens" and atom.start == found[-1].end and _is_function(text, found[-1], functions):
            found[-1] = Atom(found[-1].start, atom.end, "call", name=found[-1].name)
        else:
            found.append(atom)
        k = _skip_spaces(text, atom.end, end)
    return found


def _is_function(text: str, atom: Atom, functions: Sequence[str]) -> bool:
    return atom.kind == "letter" and (atom.name in functions or text[atom.end - 1] == "'")


def _atom_at(text: str, k: int, end: int) -> Atom:
    char = text[k]
    if char == "{":
        close = matching_brace(text, k, end)
        close = close if close > 0 else end
        return Atom(k, _scripts(text, close, end), "group", inner=(k + 1, close - 1))
    if char == "(":
        close = _matching_paren(text, k, end)
        if close > 0:
            return Atom(k, _scripts(text, close, end), "parens", inner=(k + 1, close - 1))
    if char in "+-=/":
        return Atom(k, k + 1, "operator", name=char)
    if char == "\\":
        return _command_at(text, k, end)
    if char.isdigit():
        match = re.match(r"\d+(?:\.\d+)?", text[k:end])
        return Atom(k, _scripts(text, k + match.end(), end), "number")
    if char.isalpha():
        return Atom(k, _scripts(text, k + 1, end), "letter", name=char)
    return Atom(k, _scripts(text, k + 1, end), "other")


def _command_at(text: str, k: int, end: int) -> Atom:
    match = re.match(r"\\([A-Za-z]+)|\\.", text[k:end])
    name = match.group(1) or ""
    after = k + match.end()
    if name in BINARY_COMMANDS or name == "over":
        return Atom(k, after, "operator", name=name)
    if name in ("left", "bigl", "Bigl", "big", "Big") and text[_skip_spaces(text, after, end):end].startswith("("):
        close = _right_paren(text, after, end)
        if close > 0:
            opened = _skip_spaces(text, after, end) + 1
            inner_end = text.rfind("\\", opened, close)
            return Atom(k, _scripts(text, close, end), "parens", inner=(opened, inner_end), name="left")
    arguments = []
    count = 2 if name in FRACTIONS else 1 if name in ("sqrt", "text", "mathrm", "mathbf", "boldsymbol", "operatorname") else 0
    for _ in range(count):
        argument = _group_or_token(text, after, end)
        arguments.append(argument)
        after = argument[1]
    return Atom(k, _scripts(text, after, end), "command", arguments=arguments, name=name)


def _right_paren(text: str, k: int, end: int) -> int:
    """Past the `\\right)` matching a `\\left(` whose `(` follows k."""
    depth = 0
    for match in re.finditer(r"\\(left|right)\b\s*.", text[k:end]):
        depth += 1 if match.group(1) == "left" else -1
        if depth == -1:
            return k + match.end()
    return -1


def levels(text: str, functions: Sequence[str] = ()) -> Iterator[tuple[int, int]]:
    """Every span whose atoms form one sum: each side of the text, and the inside of every
    group, parentheses and command argument, recursively."""
    pending = [(0, len(text))]
    while pending:
        span = pending.pop(0)
        found = atoms(text, *span, functions)
        relations = [atom for atom in found if atom.kind == "operator" and atom.name == "="]
        bounds = [span[0], *(b for atom in relations for b in (atom.start, atom.end)), span[1]]
        yield from zip(bounds[::2], bounds[1::2])
        for atom in found:
            if atom.inner is not None:
                pending.append(atom.inner)
            if atom.name not in TEXT_COMMANDS:
                pending.extend(argument for argument in atom.arguments if text[argument[0]:argument[0] + 1] == "{")
            pending.extend(_script_groups(text, atom))


def _script_groups(text: str, atom: Atom) -> list[tuple[int, int]]:
    spans = []
    for match in re.finditer(r"[_^]\s*\{", text[atom.start:atom.end]):
        opened = atom.start + match.end() - 1
        close = matching_brace(text, opened, atom.end)
        if close > 0:
            spans.append((opened + 1, close - 1))
    return spans


def terms(text: str, span: tuple[int, int], functions: Sequence[str] = ()) -> list[tuple[Optional[Atom], list[Atom]]]:
    """(sign operator or None, factor atoms) for each term of the sum in `span`."""
    found: list[tuple[Optional[Atom], list[Atom]]] = []
    sign: Optional[Atom] = None
    factors: list[Atom] = []
    for atom in atoms(text, *span, functions):
        if atom.kind == "operator" and atom.name in "+-" and (factors or sign is None):
            if factors or sign is not None:
                found.append((sign, factors))
            sign, factors = atom, []
        else:
            factors.append(atom)
    if factors or sign is not None:
        found.append((sign, factors))
    return found


# ---------------------------------------------------------------- the edits


def _replace(start: int, end: int, text: str, new: str, kind: str, description: str) -> Edit:
    return Edit(start, end, new, kind, description, max(end - start, len(new)) or 1)


def sign_edits(text: str, vocabulary: Vocabulary) -> Iterator[Edit]:
    for span in levels(text, vocabulary.functions):
        for index, (sign, factors) in enumerate(terms(text, span, vocabulary.functions)):
            if sign is not None and (index > 0 or sign.name == "+"):
                flipped = "-" if sign.name == "+" else "+"
                yield _replace(sign.start, sign.end, text, flipped, "sign", f"'{sign.name}' -> '{flipped}'")
            elif sign is not None:
                yield _replace(sign.start, sign.end, text, "", "sign", "leading '-' dropped")
            elif factors and index == 0:
                yield _replace(factors[0].start, factors[0].start, text, "-", "sign", "'-' added in front")


_SUBSCRIPT = re.compile(r"_(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))")


def index_edits(text: str, vocabulary: Vocabulary) -> Iterator[Edit]:
    names = vocabulary.indices
    used = []
    for match in _SUBSCRIPT.finditer(text):
        group = 1 if match.group(1) else 2
        letter = match.group(group)
        if letter not in names:
            continue
        used.append(letter)
        for other in names:
            if other != letter:
                yield _replace(match.start(group), match.end(group), text, other, "index",
                               f"index {letter} -> {other} in {match.group(0)}")
    distinct = sorted(set(used))
    for n, first in enumerate(distinct):
        for second in distinct[n + 1:]:
            swapped = _SUBSCRIPT.sub(lambda m: _swap_subscript(m, first, second), text)
            yield Edit(0, len(text), swapped, "index", f"indices {first} and {second} swapped", 2)


def _swap_subscript(match: re.Match, first: str, second: str) -> str:
    letter = match.group(1) or match.group(2)
    other = {first: second, second: first}.get(letter, letter)
    return match.group(0).replace(letter, other)


def drop_edits(text: str, vocabulary: Vocabulary) -> Iterator[Edit]:
    for span in levels(text, vocabulary.functions):
        found = terms(text, span, vocabulary.functions)
        if len(found) > 1:
            for index, (sign, factors) in enumerate(found):
                if not factors:
                    continue
                start = sign.start if sign is not None else factors[0].start
                end = factors[-1].end
                if sign is None and index + 1 < len(found) and found[index + 1][0] is not None:
                    following = found[index + 1][0]
                    end = following.end if following.name == "+" else following.start
                yield _replace(start, end, text, "", "drop term", f"term {text[start:factors[-1].end].strip()} dropped")
        for _, factors in found:
            multiplicative = [atom for atom in factors if atom.kind != "operator"]
            if len(multiplicative) > 1:
                for atom in multiplicative:
                    yield _replace(atom.start, atom.end, text, "", "drop factor",
                                   f"factor {text[atom.start:atom.end]} dropped")


def insert_edits(text: str, vocabulary: Vocabulary) -> Iterator[Edit]:
    """A term or a factor of a neighbouring step that the written step lacks, put back."""
    squashed = "".join(text.split())
    pieces: dict[str, str] = {}
    for neighbour in vocabulary.neighbours:
        for sign, factors in terms(neighbour, (0, len(neighbour)), vocabulary.functions):
            if factors:
                term = neighbour[factors[0].start:factors[-1].end].strip()
                pieces.setdefault(term, "term")
                for atom in factors:
                    pieces.setdefault(neighbour[atom.start:atom.end].strip(), "factor")
    missing = [(piece, kind) for piece, kind in pieces.items()
               if "".join(piece.split()) not in squashed and not re.fullmatch(r"[0.]+", piece)]  # x 0 proves anything
    for piece, kind in missing[:MAX_INSERTED]:
        for sign in ("+", "-"):
            yield _replace(len(text), len(text), text, f" {sign} {piece}", "add term", f"term {sign} {piece} added")
        for span in levels(text, vocabulary.functions):
            for _, factors in terms(text, span, vocabulary.functions):
                if factors:
                    at = factors[0].start
                    yield _replace(at, at, text, f"{piece} ", "add factor", f"factor {piece} added")


def bracket_edits(text: str, vocabulary: Vocabulary) -> Iterator[Edit]:
    for span in levels(text, vocabulary.functions):
        found = atoms(text, *span, vocabulary.functions)
        for position, atom in enumerate(found):
            if atom.kind != "parens" or atom.name == "left":
                continue
            close = text.rfind(")", atom.start, atom.end)
            inner = text[atom.start + 1:close]
            yield Edit(atom.start, close + 1, inner, "brackets", f"brackets around {inner.strip()} removed", 2)
            if position + 1 < len(found):
                nxt = found[position + 1]
                widened = "(" + inner + text[close + 1:nxt.end] + ")"
                if atom.end == close + 1:
                    yield Edit(atom.start, nxt.end, widened, "brackets", "closing bracket moved right", 2)


def transpose_edits(text: str, vocabulary: Vocabulary) -> Iterator[Edit]:
    for mark in TRANSPOSES:
        start = text.find(mark)
        while start >= 0:
            yield _replace(start, start + len(mark), text, "", "transpose", f"transpose {mark} dropped")
            start = text.find(mark, start + 1)
    for span in levels(text, vocabulary.functions):
        for atom in atoms(text, *span, vocabulary.functions):
            if atom.kind == "letter" and atom.name in vocabulary.arrays and "^" not in text[atom.start:atom.end]:
                yield _replace(atom.end, atom.end, text, r"^\top", "transpose", f"transpose added to {atom.name}")


_LIMITS = re.compile(r"\\(?:sum|prod)\s*_\s*\{([^{}=]*)=([^{}]*)\}\s*\^\s*(\{[^{}]*\}|\\?[A-Za-z0-9])")


def limit_edits(text: str, vocabulary: Vocabulary) -> Iterator[Edit]:
    for match in _LIMITS.finditer(text):
        lower = match.group(2).strip()
        for other in ("0", "1", "2"):
            if other != lower:
                yield _replace(match.start(2), match.end(2), text, other, "limit", f"lower limit {lower} -> {other}")
        upper = match.group(3).strip("{} ")
        uppers = [f"{upper}-1", f"{upper}+1"] + [size for size in vocabulary.sizes if size != upper]
        for other in uppers:
            yield _replace(match.start(3), match.end(3), text, "{" + other + "}", "limit", f"upper limit {upper} -> {other}")


def fraction_edits(text: str, vocabulary: Vocabulary) -> Iterator[Edit]:
    for span in levels(text, vocabulary.functions):
        for atom in atoms(text, *span, vocabulary.functions):
            if atom.kind == "command" and atom.name in FRACTIONS and len(atom.arguments) == 2:
                (a0, a1), (b0, b1) = atom.arguments
                swapped = text[b0:b1] + text[a1:b0] + text[a0:a1]
                yield Edit(a0, b1, swapped, "fraction", "numerator and denominator swapped", (a1 - a0) + (b1 - b0))
        over = [atom for atom in atoms(text, *span, vocabulary.functions) if atom.kind == "command" and atom.name == "over"]
        if len(over) == 1:
            top, bottom = text[span[0]:over[0].start].strip(), text[over[0].end:span[1]].strip()
            yield Edit(span[0], span[1], f"{bottom} \\over {top}", "fraction", "numerator and denominator swapped",
                       len(top) + len(bottom))


_EXPONENT = re.compile(r"\^\s*(\{([^{}]*)\}|([0-9]))")


def exponent_edits(text: str, vocabulary: Vocabulary) -> Iterator[Edit]:
    for match in _EXPONENT.finditer(text):
        value = (match.group(2) if match.group(2) is not None else match.group(3)).strip()
        if value in ("T", r"\top", r"\intercal"):
            continue
        yield _replace(match.start(), match.end(), text, "", "exponent", f"exponent {value} dropped")
        if value.lstrip("-").isdigit():
            number = int(value)
            for other in (number - 1, number + 1, -number):
                if other not in (number, 0, 1):
                    yield _replace(match.start(1), match.end(1), text, "{" + str(other) + "}", "exponent",
                                   f"exponent {value} -> {other}")
        elif not value.startswith("-"):
            yield _replace(match.start(1), match.end(1), text, "{-" + value + "}", "exponent",
                           f"exponent {value} -> -{value}")
    for span in levels(text, vocabulary.functions):
        for atom in atoms(text, *span, vocabulary.functions):
            if atom.kind == "parens" and "^" not in text[atom.start:atom.end].rsplit(")", 1)[-1]:
                yield _replace(atom.end, atom.end, text, "^2", "exponent", "exponent 2 added")


GENERATORS = (sign_edits, index_edits, exponent_edits, limit_edits, transpose_edits, bracket_edits,
              fraction_edits, drop_edits, insert_edits)


def edits(text: str, vocabulary: Vocabulary = Vocabulary()) -> list[Edit]:
    """Every single edit of `text`, each resulting text once, cheapest (then leftmost) first."""
    found: dict[str, Edit] = {}
    for generate in GENERATORS:
        for edit in generate(text, vocabulary):
            result = edit.apply(text)
            if result != text and result.strip() and result not in found:
                found[result] = edit
    return sorted(found.values(), key=lambda e: (e.cost, e.start, GENERATORS_ORDER[e.kind], e.replacement))


GENERATORS_ORDER = {kind: n for n, kind in enumerate(
    ("sign", "index", "exponent", "limit", "transpose", "brackets", "fraction", "drop term", "drop factor",
     "add term", "add factor")
)}


def last_side(text: str, functions: Sequence[str] = ()) -> int:
    """Where the right-hand side of `lhs = rhs` starts (0 when there is no top-level `=`)."""
    relations = [atom for atom in atoms(text, 0, len(text), functions) if atom.kind == "operator" and atom.name == "="]
    return relations[-1].end if relations else 0


def candidates(text: str, vocabulary: Vocabulary, start: int = 0) -> Sequence[tuple[str, Edit]]:
    """(edited text, edit) pairs, cheapest first; only edits at or after `start`."""
    return [(edit.apply(text), edit) for edit in edits(text, vocabulary) if edit.start >= start]
