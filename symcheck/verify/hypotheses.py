"""Hypotheses stated in words: "given $x + y = 1$, we get $$x^2 - y^2 = x - y$$".

The equation after "given", "assuming", "if", "with" ... (`notes/prose.py`) is neither a
claim nor an identity the steps after it must satisfy alone: the steps of its paragraph hold
*under* it. When it is linear in a free real name with a numeric coefficient (`x + y = 1` in
y), that name is given by the others there (`y = 1 - x`), so a step decided with that
definition is decided exactly on the points where the hypothesis holds: proved there, or
refuted by a point that satisfies it. Any other hypothesis (`uv = 1`, `\\sum_k y_k = 1`)
cannot be applied, so a step refuted without it is undecided, saying why: its counterexample
may break the hypothesis.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Optional

import sympy

from symcheck.model import ChainResult, Counterexample, Decision, Domain, StepResult, Verdict
from symcheck.model.symbols import CompiledDefinition, SymbolTable

Position = tuple[int, int]


@dataclass(frozen=True)
class Hypothesis:
    """`latex`, stated at `line`, in force from `start` up to `reach`; `solved` gives one of
    its names by the others, when it can."""

    latex: str
    line: int
    start: Position
    reach: Position
    names: frozenset
    solved: Optional[CompiledDefinition]
    gives_its_left: bool = False  # `y = wx + b`: the name solved for is the left side as written

    def covers(self, where: Position) -> bool:
        return self.start <= where < self.reach

    def applies(self, differentiated: set) -> bool:
        """Solved, and its substitution means one thing where the step differentiates: a left
        side it gives (`y = wx + b`, then dy/dw) and never a variable of a derivative. In
        `x + y = 1`, which name depends on which is the reader's choice, and d(xy)/dx would
        differ by it."""
        if self.solved is None:
            return False
        return not differentiated or (self.gives_its_left and self.solved.target not in differentiated)


def hypothesis(latex: str, line: int, start: Position, reach: Position, sides: list, table: SymbolTable,
               defined: set) -> Hypothesis:
    """The hypothesis `lhs = rhs`, solved for a name when it is linear in one with a numeric
    coefficient; a side that could not be read leaves nothing to solve."""
    lhs, rhs = sides
    if not all(isinstance(side, sympy.Expr) for side in sides):
        return Hypothesis(latex, line, start, reach, frozenset(), None)
    expression = lhs - rhs
    solved = _solved(expression, _free_reals(expression, table, defined))
    return Hypothesis(latex, line, start, reach, frozenset(expression.free_symbols), solved,
                      solved is not None and solved.target == lhs)


def _free_reals(expression: sympy.Expr, table: SymbolTable, defined: set) -> list[sympy.Symbol]:
    """The names the hypothesis may give a value: plain names with no definition, no size or
    index, and no declared domain but the reals (a value solved for a positive name need not be)."""
    fixed = {*table.sizes.values(), *table.indices.values()}
    return sorted((symbol for symbol in expression.free_symbols
                   if isinstance(symbol, sympy.Symbol) and symbol not in fixed and symbol not in defined
                   and (symbol.name not in table.declarations or table.domain_of(symbol.name) is Domain.REAL)),
                  key=lambda symbol: symbol.name, reverse=True)


def _solved(expression: sympy.Expr, names: list[sympy.Symbol]) -> Optional[CompiledDefinition]:
    for name in names:
        coefficient = sympy.diff(expression, name)
        if coefficient.is_number and coefficient != 0:
            value = sympy.expand(name - expression / coefficient)
            if name not in value.free_symbols:
                return CompiledDefinition(name, (), value)
    return None


def in_force(hypotheses: list[Hypothesis], where: Position) -> list[Hypothesis]:
    return [h for h in hypotheses if h.covers(where)]


def differentiated(members: list) -> set:
    """The variables the members differentiate by (empty: no derivative)."""
    return {variable for member in members if isinstance(member, sympy.Basic)
            for derivative in member.atoms(sympy.Derivative) for variable in derivative.variables}


def unsolved(result: ChainResult, hypotheses: list[Hypothesis], used: set, differentiating: set) -> ChainResult:
    """A step refuted under a hypothesis in force that could not be applied, on names the chain
    uses, is undecided: the counterexample may break the hypothesis. Where the step
    differentiates, a step proved is undecided too: with names tied by the hypothesis, which
    depends on which decides the derivative (`differentiating`: the variables it differentiates by)."""
    found = next((h for h in hypotheses if not h.names or h.names & used), None)
    if found is None:
        return result
    why = (f"refuted only without the hypothesis {found.latex} stated at line {found.line}, which could not be "
           "applied here: its counterexample may break it (not decided under it)")
    if differentiating:
        why = (f"under the hypothesis {found.latex} stated at line {found.line}, which ties the names it holds: "
               "which of them depends on which decides this derivative (not decided)")
    undecided = Decision(Verdict.UNKNOWN, "under a hypothesis", 0.0, reason=why)
    changed = {Verdict.REFUTED} if not differentiating else {v for v in Verdict if v is not Verdict.UNKNOWN}
    return replace(result, steps=tuple(
        replace(step, decision=undecided, expected=False, repair=None) if step.decision.verdict in changed
        else step for step in result.steps))


def with_solved_values(result: ChainResult, applied: list[Hypothesis]) -> ChainResult:
    """Each counterexample with the value of every name a hypothesis gave by the others
    (`y = 1 - x` of `x + y = 1`): the point the step was refuted at, whole."""
    solved = [h.solved for h in applied if h.solved is not None and not h.solved.params]
    if not solved:
        return result
    return replace(result, steps=tuple(_with_values(step, solved) for step in result.steps))


def _with_values(step: StepResult, solved: list) -> StepResult:
    found = step.decision.counterexample
    if found is None:
        return step
    given = {name: sympy.Rational(value) for name, value in found.point.items() if _RATIONAL.fullmatch(value)}
    added = {}
    for definition in solved:
        body = sympy.sympify(definition.body)
        value = body.xreplace({s: given[s.name] for s in body.free_symbols if getattr(s, "name", None) in given})
        if str(definition.target) not in found.point and value.is_Rational:
            added[str(definition.target)] = str(value)
    if not added:
        return step
    whole = Counterexample({**found.point, **added}, found.lhs, found.rhs)
    return replace(step, decision=replace(step.decision, counterexample=whole))


_RATIONAL = re.compile(r"-?\d+(?:/\d+)?")
