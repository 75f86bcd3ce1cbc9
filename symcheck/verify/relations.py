"""`symcheck check`: relations other than `=` in notes (`a \\le b`, `x \\approx 0.69`, `y \\propto z`).

None is dropped in silence. In display math, or beside an equation (`a = b \\le c`), each is a
step of its own, with its relation recorded ("le", "approx" ...):
- an order (<, <=, >, >=) or `\\ne` is checked (`symcheck.engine.relations`): closed sides by a
  certified evaluation; with free symbols, a re-checked counterexample refutes, agreement at
  points drawn inside the declared domains is numeric evidence, and an order is proved only
  symbolically;
- `\\approx` (`\\simeq`, `\\approxeq`) between a closed side and a number written on the other
  holds when the two agree to the digits written (half a unit of the last digit; a whole
  unit when an ellipsis follows the digits, which are then cut rather than rounded);
- every other relation (`\\propto`, `\\sim`, `\\in`, `\\subset`, `\\ll` ...), an approximation
  of an expression with free symbols, and a relation in an implication
  (`x > 1 \\Rightarrow x^2 > 1`, a premise and what follows from it) are a note "not checked",
  which `--strict` fails on.
An order in inline prose math is a claim when words before it in its sentence claim it (`we
have $x^2 + 1 > 0$`, `so`, `clearly`, `note that`: `symcheck.notes.prose`), unless it states a
condition, a domain or a goal (`for $x > 0$`, `$0 < \\epsilon < 1$`, `$i \\neq j$`, `such that
$x + y \\le 1$`, `we want $|f(x) - L| < \\epsilon$`); without such words it is a case, a heading,
a label or a region (`Case 2: $x^2 \\le 1$`, `in the region $xy > 1$`), not read. An inline
order claimed where such a condition (or a hypothesis) stated before it in its paragraph still
holds is decided without it, so a refutation there is undecided: its counterexample may break
the condition. Other inline relations (`$x \\in \\mathbb{R}^n$`, `\\propto`) and inline
approximations with free symbols are not read.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional, Union

import sympy

from symcheck.engine.relations import DECIDED, WrittenNumber, decide_approximation, decide_relation
from symcheck.engine.sampling import free_symbols
from symcheck.model import RELATION_NOT_CHECKED, ChainResult, Decision, Remark, StepResult, Verdict
from symcheck.notes.chains import MathChain, MathFragment, MathRelation
from symcheck.notes.prose import ProseReading
from symcheck.verify.hypotheses import in_force

LOG_BASES = (10, 2)  # the other bases `\\log` is read in by some authors (numeric illustrations, information)
_WRITTEN = re.compile(r"^\s*([+-]?)\s*(\d+)(?:\.(\d*))?\s*(\\[lc]?dots|\.\.\.|…)?\s*$")


def written_number(latex: str) -> Optional[WrittenNumber]:
    """`0.693`, `-301029995.6\\ldots`: the number and how far from it the digits written allow."""
    match = _WRITTEN.match(latex)
    if match is None:
        return None
    sign, whole, decimals, ellipsis = match.groups()
    decimals = decimals or ""
    unit = sympy.Rational(1, 10 ** len(decimals))
    value = sympy.Rational(f"{sign}{whole}.{decimals}" if decimals else f"{sign}{whole}")
    if ellipsis:
        return WrittenNumber(latex.strip(), value, unit, "a unit of the last digit written: the ellipsis says "
                                                         "the digits are cut, not rounded")
    return WrittenNumber(latex.strip(), value, unit / 2)


class RelationReader:
    """Relations of one note, read with the note reader's notation and definitions."""

    def __init__(self, reader, prose: ProseReading, reported: frozenset = frozenset()):
        self.reader, self.prose = reader, prose
        self.reported = reported  # (line, column) of members whose results are already given (unread ...)

    def result(self, relation: MathRelation) -> Optional[ChainResult]:
        """The relation's step, or None for inline math that states a condition or a domain."""
        if relation.relation == "iff":
            return self.not_checked(relation, "its converse, from right to left; from left to right the statement "
                                    "after it is checked under the one before, as after ⟹")
        claimed = relation.display or relation.chained
        if not claimed and relation.relation in DECIDED and relation.relation != "approx":
            return self.inline_order(relation)
        if relation.lhs is None or relation.rhs is None:
            return self.not_checked(relation, "one side is missing") if claimed else None
        if claimed and relation.implication:
            return self.not_checked(relation, "it is a premise of an implication, or follows from one")
        if relation.relation not in DECIDED:
            return self.not_checked(relation, "only <, ≤, >, ≥, ≠ and ≈ are checked") if claimed else None
        if relation.relation == "approx":
            return self.approximation(relation, claimed)
        return self.order(relation, claimed)

    def order(self, relation: MathRelation, claimed: bool = True) -> Optional[ChainResult]:
        members = self.members(relation, (relation.lhs, relation.rhs), claimed)
        return self.decided_order(relation, members) if isinstance(members, list) else members

    def decided_order(self, relation: MathRelation, members: list) -> ChainResult:
        condition = self.reader.prose_case(self.prose, _as_chain(relation), members)
        case = self.reader.compiler.condition(condition) if condition else None
        decision = decide_relation(relation.relation, *members, self.reader.scope, condition=case,
                                   settings=self.reader.settings)
        return ChainResult(f"line {relation.line}", condition, (self.step(relation, decision),))

    def inline_order(self, relation: MathRelation) -> Optional[ChainResult]:
        """An order (or `\\ne`) in inline prose math: None where the math states a condition
        or a domain, else a claim, undecided where refuted only without a condition in force."""
        where = (relation.lhs.line, relation.lhs.col) if relation.lhs else (relation.line, relation.col)
        claimed = self.prose.asserts(where) and not self.prose.stated_as_condition(where)
        if relation.lhs is None or relation.rhs is None:
            return self.not_checked(relation, "one side is missing") if claimed else None
        if not claimed:
            return self.order(relation, claimed=False)  # checked only between closed sides (`$2 > 3$`)
        members = self.members(relation, (relation.lhs, relation.rhs), claimed)
        if not isinstance(members, list):
            return members
        if _bounds_a_name(members):
            return None  # `$x > 0$` said of its own: the domain of x
        result = self.decided_order(relation, members)
        relied_on = self.prose.conditions_in_force(where) + [
            f"${h.latex}$ at line {h.line}" for h in in_force(self.reader.hypotheses, where)]
        relied_on += ["the condition stated in the words after it"] if self.prose.qualified_after(where) else []
        if not relied_on or result.steps[0].decision.verdict is not Verdict.REFUTED:
            return result
        why = f"refuted only without {'; '.join(relied_on)}: its counterexample may break that (not decided under it)"
        undecided = Decision(Verdict.UNKNOWN, "under a condition", 0.0, reason=why)
        return replace(result, steps=(replace(result.steps[0], decision=undecided, expected=False, repair=None),))

    def members(self, relation: MathRelation, sides: tuple[MathFragment, ...],
                claimed: bool) -> Union[list, ChainResult, None]:
        """The sides read (a list), or what to report instead: None for inline math that is no
        claim (a side not read, or free symbols: a condition), else the sides not read, each
        reported once (a member of a chain is reported with its chain)."""
        members, unread = self.reader.parse(MathChain(relation.path, sides, relation.display), [])
        if not claimed and (None in members or any(free_symbols(member) for member in members)):
            return None
        if None not in members:
            return members
        new = tuple(step for step in unread if (step.line, step.column) not in self.reported)
        if new:
            return ChainResult(f"line {relation.line}", None, new)
        return self.not_checked(relation, "a side is math that could not be read (reported there)")

    def approximation(self, relation: MathRelation, claimed: bool) -> Optional[ChainResult]:
        """A closed side against the number written on the other (the coarser when both are numbers)."""
        sides = (relation.lhs, relation.rhs)
        written = [(written_number(side.latex), other) for side, other in zip(sides, reversed(sides))]
        written = [(number, other) for number, other in written if number is not None]
        if not written:
            return self.not_checked(relation, "an approximation between expressions: its accuracy is not stated") \
                if claimed else None
        number, other = max(written, key=lambda pair: pair[0].tolerance)
        members = self.members(relation, (other,), claimed)
        if not isinstance(members, list):
            return members
        value = members[0]
        if free_symbols(value):
            return self.not_checked(relation, "an approximation of an expression with free symbols")
        bases = LOG_BASES if "\\log" in other.latex else ()
        decision = decide_approximation(value, number, self.reader.settings, bases)
        return ChainResult(f"line {relation.line}", None, (self.step(relation, decision),))

    def step(self, relation: MathRelation, decision: Decision, remarks: tuple[Remark, ...] = ()) -> StepResult:
        """The relation as one step, placed where the relation is written: its LaTeX from the
        left side on, the caret at the relation."""
        lhs = f"{relation.lhs.latex} " if relation.lhs else ""
        latex = f"{lhs}{relation.symbol}" + (f" {relation.rhs.latex}" if relation.rhs else "")
        return StepResult("step", f"line {relation.line}", str(self.reader.note), relation.line, latex, decision,
                          decision.verdict.holds, remarks=remarks, column=relation.col, unread_at=len(lhs),
                          relation=relation.relation)

    def not_checked(self, relation: MathRelation, why: str) -> ChainResult:
        decision = Decision(Verdict.UNKNOWN, RELATION_NOT_CHECKED, 0.0, reason=why)
        remark = Remark("note", f"relation {relation.symbol} is not checked: {why}", instead_of_verdict=True)
        return ChainResult(f"line {relation.line}", None, (self.step(relation, decision, (remark,)),))


def _bounds_a_name(members: list) -> bool:
    """A name on the left that the right side does not hold (`x > 0`, `\\delta < \\epsilon`), or
    a number on the left of a name (`0 < x`, of `0 < x < 1`): the name's domain, not a claim."""
    lhs, rhs = members
    return _a_name(lhs) and lhs not in free_symbols(rhs) or _a_name(rhs) and not free_symbols(lhs)


def _a_name(expr) -> bool:
    return isinstance(expr, (sympy.Symbol, sympy.Indexed))


def _as_chain(relation: MathRelation) -> MathChain:
    return MathChain(relation.path, (relation.lhs, relation.rhs), relation.display)


def merged(results: list[ChainResult], relations: list[ChainResult]) -> list[ChainResult]:
    """`relations` placed among `results` in document order (each before the first result
    that starts after it); `results` keep their order. One pass: the first result starting
    after a relation never moves back for a relation that starts later."""
    starts = [_start(result) for result in results]
    merged_results: list[ChainResult] = []
    taken = 0
    for relation in sorted(relations, key=_start):
        where = _start(relation)
        while taken < len(results) and not starts[taken] > where:
            merged_results.append(results[taken])
            taken += 1
        merged_results.append(relation)
    return merged_results + results[taken:]


def _start(result: ChainResult) -> tuple[int, int]:
    if not result.steps:
        return (0, 0)
    step = result.steps[0]
    line = step.line[0] if isinstance(step.line, tuple) else step.line
    return (line or 0, step.column or 0)
