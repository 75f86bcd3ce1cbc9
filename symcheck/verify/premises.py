"""Equations in a note that are not identities, read as a careful reader reads them.

- The premise of an arrow that defines a *labelled function* (`f_c(x) = c + x \\rightarrow
  \\frac{df}{dx} = 1`): f_c is an f, and a consequence that names only the bare stem f, which
  has no definition of its own, is about f_c (listed as a reading).

- An *update* (`w \\leftarrow w - \\eta g = ...`, also `\\gets`, and `w := w - \\eta g` whose
  name is on both sides of `:=`): the assignment at the head of a chain gives the name a new
  value (adopted, listed as an update); the value and the members after it are checked as a chain.
- A *recurrence* (`\\mathbf{v}_t = \\beta \\mathbf{v}_{t-1} + g`, `w^{(k+1)} = w^{(k)} - \\eta g`):
  its left side is a later time index of a name on its right side. It defines the new
  iterate for its own chain (adopted, listed as a recurrence); the rest of the chain is
  checked. A later display may state another update of the same name (another algorithm),
  so the definition is not carried to later chains.
- An *equation being solved* (`0 = \\frac{d}{d\\theta} P`, `2X^\\top(Xw - y) = 0`): the literal 0
  at either end of a chain, in math that the prose before (notes/prose.py) introduces by setting or
  finding a zero ("setting it equal to zero", "where the derivative is zero") or whose words
  right before call it an equation ("the polynomial equation $0 = ...$"), or as the
  premise of a `\\Rightarrow`; also inline math without 0 that such words call an equation
  ("solving $2x + 1 = 7$ gives $x = 3$"), when it is no identity. The relation with 0 is a premise (adopted, listed as an
  equation solved); the rest of its chain is checked. The chains that follow it, up to the
  end of the paragraph after its display, are its consequences: a solved value `s = V` (also
  `\\hat s`, `s^*`) holds when substituting it makes the premise's expression 0, and any other
  consequence `L = R` that is not an identity holds under the premise when L - R is a
  constant multiple of the premise's expression (both are proved by the engine).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Optional, Sequence

import sympy

from symcheck.model import Adoption, ChainResult, Decision, Remark, StepResult, Verdict
from symcheck.model.symbols import CompiledDefinition
from symcheck.notes.chains import MathChain, MathFragment
from symcheck.notes.prose import ProseReading
from symcheck.runtime.limits import run_limited
from symcheck.verify.notedefs import taken_as

_NAME = r"(\\(?:mathbf|boldsymbol|bm|vec|mathbfit)\s*\{\s*\\?[A-Za-z]+\s*\}|\\[A-Za-z]+|[A-Za-z])"
_TIME = r"([a-z])\s*(?:([+-])\s*(\d+))?"
_INDEXED = re.compile(_NAME + r"\s*(?:_\s*(?:\{\s*" + _TIME + r"\s*\}|([a-z]))|\^\s*\{\s*\(\s*" + _TIME + r"\s*\)\s*\})")
_ZERO = re.compile(r"\s*0\s*")
_MATH_ONLY = re.compile(r"^\s*(?:\$\$|\\\[|\\\]|\\(?:begin|end)\s*\{[^{}]*\}|\$\$?\\(?:begin|end)\s*\{[^{}]*\})*\s*$")
_DECORATED = re.compile(r"^\s*(?:\\(?:hat|widehat|bar|tilde)\s*\{?\s*(.+?)\s*\}?|(.+?)\s*\^\s*\{?\s*(?:\*|\\star|\\ast)\s*\}?)\s*$")
_SENTENCE_END = re.compile(r"[.!?]\s*$")


_ASSIGNMENT = re.compile(r"^(.*?)\\(?:leftarrow|gets)(?![A-Za-z])(.*)$", re.S)


def split_assignment(chain: MathChain) -> Optional[tuple[str, MathChain]]:
    """`w \\leftarrow v = ...`: the assigned name's LaTeX, and the chain from the value `v` on."""
    first = chain.members[0]
    match = _ASSIGNMENT.match(first.latex)
    if match is None or not match.group(1).strip() or not match.group(2).strip() or "\n" in first.latex:
        return None
    start = match.start(2) + len(match.group(2)) - len(match.group(2).lstrip())
    value = replace(first, latex=match.group(2).strip(), col=first.col + start)
    return match.group(1).strip(), replace(chain, members=(value, *chain.members[1:]))


Trimmed = tuple[Optional[Adoption], MathChain, list]


def after_assignment(chain: MathChain) -> tuple[Optional[Adoption], MathChain]:
    """`w \\leftarrow v = ...`: the update, to adopt, and the chain from `v = ...` on, to check."""
    split = split_assignment(chain)
    if split is None:
        return None, chain
    name, rest = split
    return Adoption(name, chain.line, chain.members[0].col, chain.members[0].latex, kind="update"), rest


def after_update(chain: MathChain, members: list) -> Trimmed:
    """`w := w - \\eta g = ...`: the update, to adopt, and the chain from the new value on."""
    first, value = chain.members[:2]
    return _past_the_head(Adoption(first.latex.strip(), chain.line, first.col, f"{first.latex} := {value.latex}",
                                   kind="update"), chain, members)


def after_recurrence(chain: MathChain, members: list) -> Trimmed:
    """A recurrence's first relation defines the new iterate for this chain (adopted, not
    carried to later chains); the rest of the chain is checked."""
    if not is_recurrence(chain) or members[0] is None or (members[1] is not None and members[1].has(members[0])):
        return None, chain, members
    return _past_the_head(Adoption(chain.members[0].latex, chain.line, chain.members[0].col,
                                   f"{chain.members[0].latex} = {chain.members[1].latex}", kind="recurrence"),
                          chain, members)


def _past_the_head(adoption: Adoption, chain: MathChain, members: list) -> Trimmed:
    """The adopted head and the chain from its second member on."""
    return adoption, replace(chain, members=chain.members[1:]), members[1:]


def after_zero(chain: MathChain, members: list, end: int) -> Trimmed:
    """The relation with the 0 of an equation being solved is its premise (adopted); the
    rest of the chain is checked."""
    zero, neighbour = (chain.members[0], chain.members[1]) if end == 0 else (chain.members[-1], chain.members[-2])
    kept = slice(1, None) if end == 0 else slice(None, -1)
    return solved_adoption(zero, f"{neighbour.latex} = 0"), replace(chain, members=chain.members[kept]), members[kept]


def solved_adoption(at: MathFragment, latex: str) -> Adoption:
    """An equation being solved, listed with the adoptions."""
    return Adoption("0", at.line, at.col, latex, kind="equation solved")


def _time_index(match: re.Match) -> tuple[str, str, int]:
    """(name, index letter, offset) of `z_{t-1}`, `z_t` or `w^{(k+1)}`; spaces in the name ignored."""
    name = re.sub(r"\s+", "", match.group(1))
    for letter, sign, amount in ((match[2], match[3], match[4]), (match[5], None, None), (match[6], match[7], match[8])):
        if letter:
            return name, letter, int(amount or 0) * (-1 if sign == "-" else 1)
    raise ValueError(match.group(0))  # the pattern always captures one of the three


def is_recurrence(chain: MathChain) -> bool:
    """The chain's first member is a later time index of a name its second member uses."""
    if len(chain.members) < 2:
        return False
    left = _INDEXED.fullmatch(chain.members[0].latex.strip())
    if left is None:
        return False
    name, letter, offset = _time_index(left)
    return any(used[:2] == (name, letter) and used[2] < offset
               for used in map(_time_index, _INDEXED.finditer(chain.members[1].latex)))


@dataclass(frozen=True)
class Premise:
    """An equation being solved: `expression` = 0, stated at `line` and ending at `end`
    (line, column), in force up to the line `reach`."""

    expression: object
    line: int
    end: tuple[int, int]
    reach: int
    solutions: Optional[tuple] = None  # (the unknown, its real solutions), when an arrow's premise was solved


class SolvedEquations:
    """The equations a note sets to zero, and how far their consequences reach."""

    def __init__(self, text: str, prose: ProseReading):
        self.lines = text.split("\n")
        self.prose = prose
        self.premise: Optional[Premise] = None
        self.worded: set = set()  # the math the words call an equation whose first chain was met

    def opened_by_words(self, chain: MathChain, zero_end: Optional[int]) -> bool:
        """The chain is the first of math the words call an equation ("solving $2x + 1 = 7$
        gives ..."), with no 0 at an end: an equation of its own, so the one in force is closed.
        The chains after it in that math (`\\iff x = 3`) are its consequences."""
        math = self.prose.solving_math(chain)
        first = math is not None and math not in self.worded
        self.worded.add(math)
        if first and zero_end is None:
            self.premise = None
            return True
        return False

    def zero_end(self, chain: MathChain, members: Sequence) -> Optional[int]:
        """Which end of the chain (0 or -1) is the 0 of an equation being solved, if one is."""
        for end, neighbour in ((0, 1), (-1, -2)):
            if (_ZERO.fullmatch(chain.members[end].latex) and members[neighbour] is not None
                    and (chain.premise or self.prose.solves(chain))):
                return end
        return None

    def start(self, expression, chain: MathChain, solutions: Optional[tuple] = None) -> None:
        """`expression` = 0, the premise of `chain`, holds up to the end of the paragraph after it."""
        last = chain.members[-1]
        self.premise = Premise(expression, chain.line, (last.end_line, last.end_col), self.reach(last.end_line), solutions)

    def reach(self, end_line: int) -> int:
        """The last line of the paragraph after the display ending at `end_line`; when that
        paragraph runs on into another display (its last sentence is not ended), that display too."""
        end = self._paragraph_end(end_line, skip_math=True)  # 0-based: the line after end_line is end_line
        if end == 0 or _SENTENCE_END.search(self.lines[end - 1].replace("$", "")):
            return end
        return self._paragraph_end(end, skip_math=False)

    def _paragraph_end(self, index: int, skip_math: bool) -> int:
        """Past the blank (and, with `skip_math`, display delimiter) lines from `index`, then
        past the paragraph there: the index of the line after it."""
        lines = self.lines
        while index < len(lines) and (not lines[index].strip() or (skip_math and _MATH_ONLY.match(lines[index]))):
            index += 1
        while index < len(lines) and lines[index].strip():
            index += 1
        return index

    def covering(self, chain: MathChain) -> Optional[Premise]:
        premise = self.premise
        where = (chain.line, chain.members[0].col)
        return premise if premise is not None and premise.end <= where and chain.line <= premise.reach else None

    def solving_on(self, chain: MathChain, members: Sequence) -> bool:
        """`chain` is a step in solving the equation in force: it is covered by it and shares a
        name with it. One without (`z^2 = 4` displayed after `2y + 1 = 5 \\Rightarrow y = 2`)
        is an equation of its own."""
        premise = self.covering(chain)
        names = set().union(*(getattr(member, "free_symbols", set()) for member in members))
        return premise is not None and bool(names & getattr(premise.expression, "free_symbols", set()))


def solved_variable(left_latex: str, left, expression, read: Callable[[str], object]) -> Optional[object]:
    """The variable a consequence `s = V` gives a value: s itself, or the s of `\\hat s`/`s^*`
    (read with `read`), when the premise's expression has it."""
    free = getattr(expression, "free_symbols", set())
    if isinstance(left, (sympy.Symbol, sympy.MatrixSymbol)) and left in free:
        return left
    decorated = _DECORATED.match(left_latex)
    if decorated is None:
        return None
    plain = read((decorated.group(1) or decorated.group(2)).strip())
    return plain if isinstance(plain, (sympy.Symbol, sympy.MatrixSymbol)) and plain in free else None


def multiples(difference, expression) -> list:
    """The constants c worth trying in `difference = c * expression`: the ratio of their
    numeric coefficients, with either sign."""
    ratio = _coefficient(difference) / _coefficient(expression)
    return [ratio, -ratio]


def _coefficient(expression) -> sympy.Rational:
    for split in ("as_content_primitive", "as_coeff_mmul", "as_coeff_Mul"):  # 2aw - 2b: 2
        method = getattr(expression, split, None)
        if method is not None:
            coefficient = method()[0]
            if isinstance(coefficient, sympy.Rational) and coefficient != 0:
                return coefficient
    return sympy.Integer(1)


Prove = Callable[[object, object], StepResult]


def under_premise(step: StepResult, premise: Premise, left_latex: str, left, right, prove: Prove,
                  read: Callable[[str], object]) -> StepResult:
    """A consequence of `premise` that is not an identity: its solved value substituted into
    the premise, or its difference a multiple of the premise, decided by `prove`."""
    if step.decision.verdict.holds:
        return step
    variable = solved_variable(left_latex, left, premise.expression, read)
    if variable is not None and variable not in getattr(right, "free_symbols", {variable}):
        substituted = prove(premise.expression.subs(variable, right), sympy.Integer(0))  # a derivative in it: Subs
        others = _other_solutions(premise, variable, right)
        if others and substituted.decision.verdict.holds:  # `x^2 = 4 \\Rightarrow x = 2`: x = -2 solves it too
            return replace(substituted, decision=Decision(
                Verdict.UNKNOWN, "equation solved", 0.0,
                reason=f"{left_latex} = {right} solves the equation at line {premise.line}, but so does "
                       f"{', '.join(map(str, others))}: it is given as the only solution"), expected=False)
        return _noted(substituted, f"checked by substituting {left_latex} into the equation being solved at line "
                                   f"{premise.line}")
    difference = left - right
    for factor in multiples(difference, premise.expression):
        attempt = prove(difference, factor * premise.expression)
        if attempt.decision.verdict.holds:
            return _noted(attempt, f"holds under the equation being solved at line {premise.line} "
                                   f"(the difference of its sides is {factor} times it)")
    return step


def _other_solutions(premise: Premise, variable, value) -> list:
    """The real solutions of an arrow's premise other than `value`, when it was solved for `variable`."""
    if premise.solutions is None or premise.solutions[0] != variable:
        return []
    return [s for s in premise.solutions[1] if sympy.simplify(s - value) != 0]


def _noted(step: StepResult, message: str) -> StepResult:
    return replace(step, remarks=step.remarks + (Remark("note", message),))


def stem_alias(definition: CompiledDefinition, functions: dict, defined: set) -> Optional[CompiledDefinition]:
    """`f_c(x) = ...` also defines the stem f for the statement after its arrow, when f has no
    definition of its own."""
    target = definition.target
    name = getattr(target, "__name__", "")
    if not isinstance(target, sympy.FunctionClass) or "_" not in name.strip("_"):
        return None
    stem = name.split("_", 1)[0]
    function = functions.get(stem, sympy.Function(stem))
    return None if function in defined else CompiledDefinition(function, definition.params, definition.body)


SOLVE_SECONDS = 1.0
_CALCULUS = (sympy.Derivative, sympy.Integral, sympy.Limit, sympy.Sum, sympy.Product, sympy.Subs,
             sympy.core.function.AppliedUndef)


def solved_for(members: Sequence, result: ChainResult, said: bool = False) -> Optional[tuple]:
    """(the unknown, its real solutions) of a premise of an arrow that is no identity (`2x + 3 = 7 \\Rightarrow x = 2`):
    refuted as one, in one name, with one side free of it (either side, when the words `said`
    it is solved) and finitely many real solutions. That is an equation being solved; a false
    identity in more names, or one with no or infinitely many solutions, stays a claim."""
    if len(members) != 2 or None in members or len(result.steps) != 1 \
            or result.steps[0].decision.verdict is not Verdict.REFUTED:
        return None
    lhs, rhs = (sympy.sympify(member) for member in members)
    if any(side.has(*_CALCULUS) for side in (lhs, rhs)):
        return None  # `\\frac{d}{dx} x^2 = 2`: a derivative, a sum ... is claimed, never solved for
    names = [s for s in (lhs - rhs).free_symbols if isinstance(s, sympy.Symbol)]
    if len(names) != 1 or not said and not any(names[0] not in side.free_symbols for side in (lhs, rhs)):
        return None
    finished, solutions = run_limited(lambda: sympy.solveset(lhs - rhs, names[0], sympy.S.Reals), SOLVE_SECONDS)
    found = finished and isinstance(solutions, sympy.FiniteSet) and len(solutions) > 0
    return (names[0], tuple(sorted(solutions, key=sympy.default_sort_key))) if found else None


def taken_as_solved(note: str, chain: MathChain, unknown) -> ChainResult:
    """The premise of an arrow taken as an equation being solved: said, as a note on its right
    side, so that `--strict` asks for the word ("solve", "setting")."""
    return taken_as(note, chain, "equation solved", "taken as an equation being solved",
                    f"taken as an equation being solved for {unknown}, the premise of the arrow after it: no identity, "
                    "so not checked as one; what follows it is checked under it")
