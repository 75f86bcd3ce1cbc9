"""How a note's math defines names: what a chain `lhs = rhs` defines, the readings that follow
from a definition (y' as dy/dx, f(x, y) for a bare f), the sizes a sum counts up to, values
given to entries, and an error carried from a definition that is wrong as written. Pure
functions of read expressions, used by the note reader (`symcheck.verify.notes`)."""

from __future__ import annotations

import contextlib
import re
from dataclasses import replace
from typing import Callable, Iterator, Optional, Sequence

import sympy
from sympy.core.function import AppliedUndef, FunctionClass

from symcheck.load.derivation import Compiler, definition_of
from symcheck.load.values import written_out_definition
from symcheck.model import (
    Adoption, ChainResult, Decision, Derivation, Remark, SizeDecl, StepResult, SymbolDecl, SymbolKind, Verdict,
)
from symcheck.model.symbols import CompiledDefinition, EventProbability
from symcheck.notes.chains import MathFragment
from symcheck.notes.source import Positions
from symcheck.notes.draft import applied_names, sum_limit_sizes
from symcheck.notes.extract import MathChain
from symcheck.read.names import ASYMPTOTIC, CONSTANT_LETTERS, GREEK, PROBABILITIES, STATISTICS, WELL_KNOWN_FUNCTIONS


# names read apart when applied: conventions (f), constants (e), Landau symbols, expectations, probabilities
NOT_APPLIED = WELL_KNOWN_FUNCTIONS | set(CONSTANT_LETTERS) | ASYMPTOTIC | STATISTICS | PROBABILITIES | {"d", "pi"}


def declared_names(declarations: Derivation) -> set[str]:
    """Every name the notation declares: sizes, indices, symbols, functions and constants."""
    return {d.name for table in (declarations.sizes, declarations.indices, declarations.symbols,
                                 declarations.functions, declarations.constants) for d in table}


def with_counted_sizes(declarations: Derivation, chains: list[MathChain]) -> tuple[Derivation, list[Adoption]]:
    """A letter a sum or product counts up to (`\\sum_{k=1}^{n}`) that the notation leaves
    undeclared is a size: an integer, at least 1, never a real to sample at 134/125. Each such
    reading is listed with the adopted definitions."""
    declared = declared_names(declarations)
    members = [member for chain in chains for member in chain.members]
    counted = {name: where for name, where in sum_limit_sizes([m.latex for m in members]).items()
               if name not in declared}
    if not counted:
        return declarations, []
    sizes = tuple(SizeDecl(name) for name in sorted(counted))
    readings = [Adoption(name, members[number].line, members[number].col,
                         f"{name} as a size (an integer, at least 1): a sum over {index} counts up to it", kind="reading")
                for name, (number, index) in sorted(counted.items())]
    return replace(declarations, sizes=declarations.sizes + sizes), readings


# "Let $e$ be the error", "where $\\pi$ is the policy", "$\\pi$ denotes a policy": words that make a
# constant's letter a name; the description after them, unless it describes the constant itself
_NAMED_CONSTANT = re.compile(r"(?:\b(?P<lead>let|where|with|here)\s+)?\$\s*(?P<letter>(?-i:e|\\pi))\s*\$\s*,?\s+"
                             r"(?P<verb>be|denotes?|is|represents?|stands?\s+for)\b(?P<what>[^.;:$\n]{0,80})", re.I)
_THE_CONSTANT = re.compile(r"euler|napier|natural\s+log|logarithm|base\s+of|exponential|\\sqrt|root|circle|"
                           r"circumference|ratio|\d|mathematical\s+constant|transcendental|irrational", re.I)
_CONSTANT_NAMES = {"e": ("e", "Euler's number"), "\\pi": ("pi", "the number pi")}


_SPACE_NAME = r"(?:\\mathbf\s*\{\s*[A-Za-z]\s*\}|[A-Za-z])"
_DIMENSION = r"(?:[A-Za-z]|\d{1,2})"
# `$x \in \mathbb{R}^n$`, `$x, y \in \mathbb{R}^{d}$`, `$\mathbf{A} \in \mathbb{R}^{m \times n}$`
_IN_REAL_SPACE = re.compile(
    rf"\$\s*(?P<names>{_SPACE_NAME}(?:\s*,\s*{_SPACE_NAME})*)\s*\\in\s*\\mathbb\s*\{{?\s*R\s*\}}?\s*\^\s*"
    rf"(?:\{{\s*(?P<rows>{_DIMENSION})\s*(?:\\times\s*(?P<columns>{_DIMENSION})\s*)?\}}|(?P<size>{_DIMENSION}))\s*\$")


def with_real_spaces(declarations: Derivation, text: str) -> tuple[Derivation, list[Adoption]]:
    """A name the notation leaves undeclared that the note puts in a real space (`$x, y \\in
    \\mathbb{R}^n$`, `$A \\in \\mathbb{R}^{m \\times n}$`) is a vector or a matrix of that shape (a
    letter there is a size): it was unread ("a transpose of x, which nothing declares"). The
    first such statement of a name counts; each reading is listed with the adopted definitions."""
    declared = declared_names(declarations)
    symbols: dict[str, SymbolDecl] = {}
    readings: list[Adoption] = []
    at = Positions(text).at
    for found in _IN_REAL_SPACE.finditer(text):
        shape = tuple(dimension if not dimension.isdigit() else int(dimension)
                      for dimension in (found["size"] or found["rows"], found["columns"]) if dimension)
        kind = SymbolKind.MATRIX if len(shape) == 2 else SymbolKind.VECTOR
        for written in re.split(r"\s*,\s*", found["names"].strip()):
            name = re.sub(r"\\mathbf\s*\{\s*|\s*\}", "", written)
            if name in declared or name in symbols or name in shape:
                continue
            symbols[name] = SymbolDecl(name, kind, shape=shape, latex=written if written != name else None)
            readings.append(Adoption(name, *at(found.start()),
                                     f"{written} as a {kind.value} of shape {' x '.join(map(str, shape))}: "
                                     f"'{' '.join(found.group(0).split())}'", kind="reading"))
    sizes = sorted({d for symbol in symbols.values() for d in symbol.shape if isinstance(d, str)} - declared)
    return replace(declarations, sizes=declarations.sizes + tuple(SizeDecl(size) for size in sizes),
                   symbols=declarations.symbols + tuple(symbols.values())), readings


def named_constants(declarations: Derivation, text: str) -> tuple[set[str], list[Adoption]]:
    """The constants' letters (e, \\pi) that the words introduce as names of something else
    ("Let $e$ be the error", "where $\\pi$ is the policy"): names in the whole note, never
    the constants (read as Euler's number, `\\ln e = 1` was proved of an error). Words that
    describe the constant ("$e$ is the base of the natural logarithm") change nothing. Each
    such reading is listed with the adopted definitions."""
    declared = declared_names(declarations)
    named: dict[str, Adoption] = {}
    at = Positions(text).at
    for found in _NAMED_CONSTANT.finditer(text):
        name, constant = _CONSTANT_NAMES[found["letter"]]
        introduced = found["lead"] or found["verb"].lower() not in ("be", "is")
        if not introduced or name in declared or name in named or _THE_CONSTANT.search(found["what"]):
            continue
        line, col = at(found.start("letter"))
        named[name] = Adoption(name, line, col, f"{found['letter']} as a name, not {constant}: the words introduce it "
                                                f"('{' '.join(found.group(0).split())}')", kind="reading")
    return set(named), [named[name] for name in sorted(named)]


_CONVENTIONAL = "|".join(sorted(name for name in WELL_KNOWN_FUNCTIONS if len(name) == 1))
_APPLIED_TO_A_LETTER = re.compile(rf"(?<![A-Za-z\\])({_CONVENTIONAL})'*\s*\(\s*([A-Za-z])\s*\)")
_WRITTEN_ALONE = re.compile(rf"(?<![A-Za-z\\])({_CONVENTIONAL})(?![A-Za-z_(])(?!'*\s*\()")


@contextlib.contextmanager
def bare_functions_of_the_chain(chain: MathChain, compiler: Compiler, read: Callable[[str], object],
                                adopted: list[Adoption]) -> Iterator[None]:
    """`\\frac{d^2}{dx^2} f(x) g(x) = f''g + 2f'g' + fg''`: a function by convention (f, g, h)
    that the chain applies to one letter only, and also writes alone, is that function of that
    letter wherever it is alone in the chain (f' is f'(x)); listed as a reading. Read as names
    of their own, f'' and f(x) never met, and the product rule was refuted."""
    notation = compiler.notation
    written = " ".join(member.latex for member in chain.members)
    letters: dict[str, set[str]] = {}
    for name, letter in _APPLIED_TO_A_LETTER.findall(written):
        letters.setdefault(name, set()).add(letter)
    alone = {name for name in _WRITTEN_ALONE.findall(written)}
    taken = {name: read(next(iter(found))) for name, found in letters.items() if len(found) == 1 and name in alone
             and name not in notation.function_parameters and name not in compiler.table.declarations
             and name not in compiler.table.functions}
    taken = {name: variable for name, variable in taken.items() if isinstance(variable, sympy.Symbol)}
    before = set(notation.defined_functions)
    notation.function_parameters.update({name: (variable,) for name, variable in taken.items()})
    notation.defined_functions.update(taken)
    adopted += [Adoption(name, chain.line, chain.members[0].col, f"{name} written alone is {name}({variable}) in this "
                                                                 "chain, where it is applied to that letter only",
                         kind="reading") for name, variable in sorted(taken.items())]
    try:
        yield
    finally:
        for name in taken:
            del notation.function_parameters[name]
        notation.defined_functions -= set(taken) - before


def applied_functions(declarations: Derivation, chains: list[MathChain], first_uses: dict[str, tuple[int, int]],
                      lines: Sequence[str]) -> tuple[set[str], list[Adoption]]:
    """A name the notation leaves undeclared that the note first writes applied to one name or
    number (`p(x)`, `u(0)`) is a function wherever it is applied, `p(x + 1)` too: read as a
    factor, `F(x + y) = F(x) + F(y)` was proved. A name seen before (`Let $c$ be a constant`)
    is not. Each such reading is listed with the adopted definitions."""
    declared = declared_names(declarations)
    members = [member for chain in chains for member in chain.members]
    found: set[str] = set()
    readings = []
    for written, number in applied_names([member.latex for member in members]).items():
        name, member = written.lstrip("\\"), members[number]
        if written.startswith("\\") and name not in GREEK or name in declared or name in NOT_APPLIED:
            continue
        if not _applied_at(lines, first_uses.get(written), written):
            continue
        found.add(name)
        readings.append(Adoption(name, member.line, member.col, f"{written} as a function: it is written applied to "
                                 "one name or number", kind="reading"))
    return found, readings


_OPENING = re.compile(r"\s*(?:\\left\s*)?\(")


def _applied_at(lines: Sequence[str], where: Optional[tuple[int, int]], written: str) -> bool:
    """A parenthesis follows the name where the note first has it (`lines`: the note's lines,
    `where`: 1-based line and column)."""
    if where is None or where[0] > len(lines):
        return False
    line, col = where
    return _OPENING.match(lines[line - 1], col - 1 + len(written)) is not None


def explained_readings(adopted: Sequence[Adoption], readings: Sequence[Adoption]) -> tuple[Adoption, ...]:
    """`adopted` without the readings of names another adoption gives (`Let $p(x) = x^2$` says
    p is a function)."""
    explained = {a.name for a in adopted if a.kind != "reading"}
    return tuple(a for a in adopted if not (a in readings and a.name in explained))


def read_primes_of(definition: CompiledDefinition, compiler: Compiler) -> None:
    """After `y = x^2`, y' is dy/dx: y is a scalar name whose body has one variable. After
    `y = a x^2` (two variables), y' is refused: in which variable?"""
    target = definition.target
    if not isinstance(target, sympy.Symbol) or definition.params:
        return
    fixed = {*compiler.table.sizes.values(), *compiler.table.indices.values()}
    variables = sorted(definition.body.free_symbols - fixed, key=str)
    if len(variables) == 1 and isinstance(variables[0], sympy.Symbol):
        compiler.notation.prime_variables[target.name] = variables[0]
    else:
        compiler.notation.defined_names.add(target.name)


def note_definition(members: list, table) -> tuple[Optional[CompiledDefinition], bool]:
    """The definition a chain `lhs = rhs` makes, and whether it is a matrix or vector written
    out entry by entry (then its name as written is defined too, so a second value is checked)."""
    definition = definition_of(members[0], members[-1])
    if definition is not None:
        return definition, False
    written_out = written_out_definition(members[0], members[-1], table)
    return written_out, written_out is not None


def defines_every_entry(definition: CompiledDefinition, table) -> bool:
    """An indexed definition defines every entry only when its indices are declared ones."""
    indices = set(table.indices.values())
    return not isinstance(definition.target, sympy.IndexedBase) or set(definition.params) <= indices


def an_unadoptable_function(members: list, target, defined: set) -> bool:
    """`f(\\mathbf{x}) = x_1^2 + 2x_2^2` said to define f: a definition, though not one the
    reader can unfold; never a claim to refute. A value of a function defined already
    (`r(2) = 4` after `r(x) = x + 1`) is a claim."""
    return (len(members) == 2 and isinstance(members[0], AppliedUndef) and target(members[0]) is None
            and members[0].func not in defined)


def note_parameters(definition: CompiledDefinition, compiler: Compiler) -> None:
    """After `f(x, y) = ...`, the bare f of a derivative in x or y is f(x, y); after `h(t) = ...`
    a bare h is h(t)."""
    if isinstance(definition.target, FunctionClass) and definition.params:
        compiler.notation.function_parameters[str(definition.target)] = tuple(definition.params)


def prime_readings(member: MathFragment, variables: dict, adopted: list[Adoption]) -> list[Adoption]:
    """The first member that writes y' for a y read as dy/dx lists that reading (once)."""
    readings: list[Adoption] = []
    for name, variable in variables.items():
        listed = any(a.kind == "reading" and a.name == f"{name}'" for a in (*adopted, *readings))
        if not listed and re.search(rf"(?<![\\A-Za-z]){re.escape(name)}'", member.latex):
            readings.append(Adoption(f"{name}'", member.line, member.col, f"{name}' as d{name}/d{variable}, "
                                     f"the derivative of {name} in its one variable", kind="reading"))
    return readings


def as_defined(expression, definitions: tuple[CompiledDefinition, ...]):
    """`\\frac{dg}{dx}` after `g = x^3`: the reader writes g(x), g as a function of the
    variable; g is defined as a quantity of x, so g(x) is that quantity."""
    values = {definition.target.name: definition.body for definition in definitions
              if isinstance(definition.target, sympy.Symbol) and not definition.params}

    def of_its_variables(e) -> bool:
        body = values.get(getattr(e.func, "__name__", None)) if isinstance(e, AppliedUndef) else None
        return body is not None and all(isinstance(a, sympy.Symbol) for a in e.args) \
            and set(e.args) <= getattr(body, "free_symbols", set())

    if not values or not isinstance(expression, sympy.Basic):
        return expression
    return expression.replace(of_its_variables, lambda e: values[e.func.__name__])


def carried_from_definitions(results: list[ChainResult], wrong: dict, restating: dict) -> list[ChainResult]:
    """A value refuted against a name whose definition is wrong (`J = a`, J defined with the
    L of a refuted definition) is that error carried: one note, not a second error."""
    if not wrong:
        return results
    return [replace(chain, steps=tuple(carried_from(step, wrong, restating) for step in chain.steps))
            for chain in results]


def carried_from(step: StepResult, wrong: dict, restating: dict) -> StepResult:
    target = restating.get((step.line, step.column))
    if target not in wrong or step.decision.verdict is not Verdict.REFUTED \
            or any(remark.instead_of_verdict for remark in step.remarks):
        return step
    return replace(step, remarks=step.remarks + (Remark(
        "note", f"compared with {getattr(target, '__name__', target)} as defined, which rests on the definition "
                f"at line {wrong[target]}, wrong as written; the error there is carried", instead_of_verdict=True),))


def free_names(members: list) -> set:
    return set().union(*(member.free_symbols for member in members if isinstance(member, sympy.Basic)))


def states_a_value(chain: MathChain, members: list) -> bool:
    """Inline `$s_1 = 0.7$`: a number given to one entry of a vector with no value, as a
    sentence gives data. It is listed as adopted and never unfolded (one entry is no rule for
    the others); checked as a claim it could only be refuted, the vector having no value."""
    if chain.display or len(members) != 2 or not all(isinstance(member, sympy.Basic) for member in members):
        return False
    entry, value = members
    return isinstance(entry, sympy.Indexed) and all(index.is_Integer for index in entry.indices) and value.is_number


def names_a_starred(members: list) -> bool:
    """`\\mathbf{w}^* = (X^T X)^{-1} X^T y`: a starred name (the optimum, the solution) first
    met with a value is named by it, as "let" names: adopted and listed, never a claim (the
    star is a decoration on a real name, `symcheck.read.scripts`, so w^* is a name of its own)."""
    return len(members) == 2 and isinstance(members[0], (sympy.Symbol, sympy.MatrixSymbol)) \
        and members[0].name.endswith("^*")


def gives_a_probability(members: list) -> bool:
    """`P(X = 1 and Y = 3) = p/2`: the probability of an event is known only by what the note
    states, so stating it gives it (adopted and listed, as a definition is), never a claim."""
    return len(members) == 2 and isinstance(members[0], EventProbability)


def mentions(expression, target) -> bool:
    """`target` (a symbol, an indexed base or a function) occurs in `expression`."""
    if isinstance(target, sympy.FunctionClass):
        return any(applied.func == target for applied in expression.atoms(sympy.core.function.AppliedUndef))
    return target in expression.free_symbols or target in expression.atoms(sympy.IndexedBase, sympy.MatrixSymbol)


def reaches(expression, target, definitions: list[CompiledDefinition]) -> bool:
    """`target` occurs in `expression` or in the body of a definition it mentions, however
    deep: a definition whose right side reaches its own name is circular."""
    seen: set[int] = set()
    pending = [expression]
    while pending:
        current = pending.pop()
        if mentions(current, target):
            return True
        for index, definition in enumerate(definitions):
            if index not in seen and mentions(current, definition.target):
                seen.add(index)
                pending.append(definition.body)
    return False



def second_value(entry_values: dict, chain: MathChain, members: list) -> tuple[list, tuple[Remark, ...]]:
    """`$s_1 = 0.5$` after `$s_1 = 0.7$`: the second value of an entry is checked against
    the first (the entry stands for it), and the note says where the first was given."""
    if not states_a_value(chain, members) or members[0] not in entry_values:
        return members, ()
    value, where = entry_values[members[0]]
    return [value, *members[1:]], (Remark("note", f"{chain.members[0].latex} is given the value {value} at {where}; "
                                                  "this second value is checked against it"),)


# a left side that is a name applied to names: `\\ell(w)`, `c(w, b)`
_LEFT_SIDE = re.compile(r"\s*(?P<head>\\[A-Za-z]+|[A-Za-z])\s*\(\s*(?:\\?[A-Za-z]+\s*,\s*)*\\?[A-Za-z]+\s*\)\s*")


def introduces_its_left_side(chain: MathChain, first: dict[str, tuple[int, int]]) -> bool:
    """`\\ell(w) = ...` (a display or inline) where the name ℓ appears for the first time in the
    note, not on its own right side, and its right side uses w ("The loss is $$\\ell(w) = w^2 +
    1.$$", "we start with $f(x) = x^2$"; not `f(x) = 0`, an equation): the definition of a function
    by its form, as a line `f(x) = ...` of a derivation file is; never ℓ times w, a claim about
    a name with no value that could only be refuted. (A bare `L = ...` stays a claim: it
    defines only where the words say so.)"""
    if len(chain.members) != 2 or chain.definition:
        return False
    left = _LEFT_SIDE.fullmatch(chain.members[0].latex)
    if left is None:
        return False
    head, member, right = left.group("head"), chain.members[0], chain.members[1].latex
    where = first.get(head)
    parameters = re.findall(r"\\?[A-Za-z]+", chain.members[0].latex[left.end("head"):])
    return where is not None and (member.line, member.col) <= where < (member.end_line, member.end_col) \
        and not _mentions_name(right, head) and any(_mentions_name(right, name) for name in parameters)


def _mentions_name(latex: str, name: str) -> bool:
    """`name` is written in `latex`; a letter also side by side with others (w in `wx`, a
    product), never inside a command (`\\exp`, `\\text{...}`)."""
    if len(name) == 1:
        return name in re.sub(r"\\(?:text|mathrm|operatorname)\s*\{[^{}]*\}|\\[A-Za-z]+", " ", latex)
    return re.search(rf"(?<![A-Za-z\\]){re.escape(name)}(?![A-Za-z])", latex) is not None


def taken_as_definition(note: str, chain: MathChain) -> ChainResult:
    """A display adopted as the definition of its left side though no word says so: said, as a
    note on its right side, so that `--strict` asks for the word ("let", `:=`)."""
    return taken_as(note, chain, "definition", "taken as a definition",
                    f"taken as the definition of {chain.members[0].latex}, which appears here first; no word says so "
                    "(write 'let' or ':=' to make it one, or give it a value before)")


def taken_as(note: str, chain: MathChain, strategy: str, reason: str, message: str) -> ChainResult:
    """A chain taken as something (a definition, an equation being solved) rather than checked
    as a claim, though no word says so: one undecided step on its right side with `message` as
    a note in place of its verdict."""
    member = chain.members[-1]
    decision = Decision(Verdict.UNKNOWN, strategy, 0.0, reason=reason)
    return ChainResult(f"line {chain.line}", None, (StepResult(
        "step", f"line {chain.line}", note, member.line, member.latex, decision, False,
        remarks=(Remark("note", message, instead_of_verdict=True),), column=member.col),))


def defined_unread(members: list) -> Optional[sympy.Symbol]:
    """The name a definition gives when what it gives it was not read (`\\bar o = \\max_k o_k`)."""
    name = members[0] if members else None
    return name if isinstance(name, sympy.Symbol) and None in members[1:] else None


def undecided_by_unread_definitions(results: list[ChainResult], unread: dict) -> list[ChainResult]:
    """An order refuted at a point that gives a value to a name whose definition was not read
    (`unread`: the name -> the line of its definition) is undecided: the definition may bound
    the name so as not to allow that value (`o_j - \\bar o \\le 0` with `\\bar o` the maximum).
    An equation refuted there stays refuted: a manipulation that carries the name along fails
    at a generic value of it (`\\exp(o_j - \\bar o) \\exp \\bar o = \\exp o_j` with the last
    factor dropped), and the definition is reported unread."""
    by_text = {str(name): line for name, line in unread.items()}
    return [replace(result, steps=tuple(_without_unread(step, by_text) for step in result.steps))
            for result in results] if unread else results


def _without_unread(step: StepResult, unread: dict[str, int]) -> StepResult:
    point = step.decision.counterexample.point if step.decision.counterexample else {}
    name = next((name for name in sorted(unread) if name in point), None)
    if step.decision.verdict is not Verdict.REFUTED or step.relation == "eq" or name is None:
        return step
    why = (f"refuted only where {name} = {point[name]}, and the definition of {name} at line {unread[name]} was not "
           "read: it may not allow that value (not decided)")
    return replace(step, decision=Decision(Verdict.UNKNOWN, "definition not read", 0.0, reason=why),
                   expected=False, repair=None)


def held_fixed(variables: set, definitions) -> set:
    """The other parameters of a function whose parameters include every variable of a partial
    derivative (`\\partial f / \\partial x` of `f(x, y) = ...`): held fixed by what a partial
    derivative is, so y does not depend on x there."""
    return {param for definition in definitions if isinstance(definition.target, FunctionClass)
            and variables <= set(definition.params) for param in definition.params} - variables
