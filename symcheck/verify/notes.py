"""`symcheck check`: the math of LaTeX/Markdown notes, checked with the engine of `verify`.

Notes are not derivation files, so this stage reads them the way a careful reader does:
- a chain whose left side names something the notation file does not define (`Z = ...`,
  `P(Y=k|X) = ...`) defines it (an indexed one only over declared indices); when the
  name is declared in a narrower domain (probability, positive ...), the definition is
  checked against it once the whole note is read, since notes often define after use;
- the hypothesis of a `\\Rightarrow` (`f(x) = g(x)/h(x) \\Rightarrow ...`) is assumed for
  the statement after it;
- a case stated inline in prose (`when $i=j$:`, `$i \\neq j$`) is the case of the displays
  that follow, until the next one;
- math that cannot be read is reported at its position, never a crash.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

import sympy

from symcheck.model.compiled import Equation
from symcheck.engine.settings import Settings
from symcheck.notes.extract import MathChain, extract_math, read_notes
from symcheck.load.derivation import Compiler, InputError, checking_scope, definition_of, read_notation, require_utf8
from symcheck.model import UNPARSABLE, ChainResult, Decision, Derivation, DocumentResult, StepResult, Verdict
from symcheck.model.symbols import CompiledDefinition, Scope
from symcheck.verify.documents import has_constrained_domain, verify_equation
from symcheck.verify.repair import Repairer

NOTATION_SUFFIX = ".toml"
_INLINE_CASE = re.compile(r"\$\s*([A-Za-z])\s*(=|\\neq|\\ne|!=)\s*([A-Za-z])\s*\.?\s*\$")


@dataclass
class NoteCheck:
    """One note's result and the chains it came from (for positions)."""

    path: Path
    result: DocumentResult
    chains: list[MathChain] = field(default_factory=list)


def notation_for(note: Path, explicit: Optional[Path]) -> Optional[Path]:
    """--notation, else a file beside the note with the same name and .toml."""
    if explicit is not None:
        return explicit
    beside = note.with_suffix(NOTATION_SUFFIX)
    return beside if beside.is_file() else None


def _declarations(note: Path, notation: Optional[Path]) -> Derivation:
    if notation is None:
        return Derivation(path=str(note), source=note.name, title=note.name)
    return read_notation(notation)


def _inline_cases(text: str, chains: list[MathChain]) -> list[tuple[int, str]]:
    """(line, "i = j") for each case stated as inline math in prose (not inside a display)."""
    displays = [range(c.line, c.members[-1].end_line + 1) for c in chains if c.display]
    found = []
    for match in _INLINE_CASE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if not any(line in display for display in displays):
            found.append((line, f"{match[1]} {match[2]} {match[3]}"))
    return found


class _NoteReader:
    def __init__(self, note: Path, declarations: Derivation, settings: Settings):
        self.note, self.settings = note, settings
        self.compiler = Compiler.for_file(declarations)
        self.scope = self.compiler.scope()
        self.defined = {definition.target for definition in self.scope.definitions}
        self.repairs = Repairer(self.compiler, settings) if settings.repair_budget > 0 else None

    def unparsable(self, chain: MathChain, member_index: int, error: InputError) -> StepResult:
        member = chain.members[member_index]
        decision = Decision(Verdict.UNKNOWN, UNPARSABLE, 0.0, reason=error.message)
        return StepResult("step", f"line {chain.line}", str(self.note), member.line, member.latex, decision, False)

    def parse(self, chain: MathChain) -> tuple[Optional[list], Optional[StepResult]]:
        members = []
        for index, member in enumerate(chain.members):
            try:
                members.append(self.compiler.expression(member.latex))
            except InputError as error:
                return None, self.unparsable(chain, index, error)
        return members, None

    def is_case(self, members: list) -> bool:
        indices = set(self.compiler.table.indices.values())
        return len(members) == 2 and all(member in indices for member in members)

    def introduces(self, members: list) -> bool:
        """A two-sided chain whose left side is a name with no definition yet."""
        head = members[0]
        target = head.base if isinstance(head, sympy.Indexed) else head
        if isinstance(head, sympy.core.function.AppliedUndef):
            target = head.func
        named = isinstance(target, (sympy.Symbol, sympy.IndexedBase, sympy.MatrixSymbol, sympy.FunctionClass))
        return len(members) == 2 and named and target not in self.defined and target not in self.compiler.table.indices.values()


    def check(self, chains: list[MathChain], cases: list[tuple[int, str]]) -> DocumentResult:
        started = time.perf_counter()
        results: list[ChainResult] = []
        given: list[CompiledDefinition] = []
        pending: list[Equation] = []  # checked once every definition of the note is known
        for chain in chains:
            members, failure = self.parse(chain)
            if failure is not None:
                results.append(ChainResult(failure.name, None, (failure,)))
                continue
            if self.is_case(members):
                continue
            if chain.premise:
                given += [d for d in [definition_of(members[0], members[-1])] if d is not None]
                continue
            if chain.definition or self.introduces(members):
                pending += self.adopt(chain, members)
                continue
            condition = _case_before(cases, chain.line)
            scope = Scope(self.scope.table, self.scope.definitions + given, self.scope.assumptions)
            given = []
            results.append(self.check_chain(chain, members, scope, condition))
        definitions = tuple(verify_equation(self.in_final_scope(eq), self.settings, self.repairs) for eq in pending)
        return DocumentResult(
            path=str(self.note), source=str(self.note), title=self.note.name,
            definitions=definitions, chains=tuple(results), claims=(), seconds=time.perf_counter() - started,
        )

    def adopt(self, chain: MathChain, members: list) -> list[Equation]:
        """A definition made in the note: later chains may unfold it. One of a symbol with a
        constrained domain comes back as an equation to check against that domain.

        An indexed definition counts only over declared indices (`a_k = ...` with k declared);
        `a_n = w_n^T x` with an undeclared n is a single entry, not a rule for all of `a`."""
        definition = definition_of(members[0], members[-1])
        if definition is None or not self.general(definition):
            return []
        self.scope.definitions.append(definition)
        self.defined.add(definition.target)
        if not has_constrained_domain(definition, self.compiler.table):
            return []
        member = chain.members[-1]
        return [Equation("definition", f"line {chain.line}", str(self.note), chain.line, member.latex,
                         members[0], members[-1], Scope(self.scope.table, [definition]))]

    def general(self, definition: CompiledDefinition) -> bool:
        """An indexed definition defines every entry only when its indices are declared ones."""
        indices = set(self.compiler.table.indices.values())
        return not isinstance(definition.target, sympy.IndexedBase) or set(definition.params) <= indices

    def in_final_scope(self, eq: Equation) -> Equation:
        """A note's definition checked with every definition the note makes, wherever it makes it."""
        return replace(eq, scope=checking_scope(self.scope, eq.scope.definitions[-1]))

    def check_chain(self, chain: MathChain, members: list, scope: Scope, condition: Optional[str]) -> ChainResult:
        """Each member against the last member that held: one wrong step does not fail the rest."""
        condition_expr = self.compiler.condition(condition) if condition else None
        steps = []
        anchor = (chain.members[0], members[0])
        following = [member.latex for member in chain.members[2:]] + [""]
        for member, expression, after in zip(chain.members[1:], members[1:], following):
            equation = Equation(
                "step", f"line {chain.line}", str(self.note), member.line, member.latex, anchor[1], expression, scope,
                chain_condition=condition_expr, condition_latex=condition, previous_latex=anchor[0].latex,
            )
            step = verify_equation(equation, self.settings, self.repairs and (lambda e, d: self.repairs(e, d, [after])))
            steps.append(step)
            if step.decision.verdict is not Verdict.REFUTED:
                anchor = (member, expression)
        return ChainResult(f"line {chain.line}", condition, tuple(steps))


def _case_before(cases: list[tuple[int, str]], line: int) -> Optional[str]:
    """The last case stated in prose before `line`."""
    stated = [case for case_line, case in cases if case_line < line]
    return stated[-1] if stated else None


def check_note(note: Path, notation: Optional[Path], settings: Settings = Settings()) -> NoteCheck:
    """Extract the math of one note and check every chain in it."""
    require_utf8(note)
    text = read_notes(note)
    chains = extract_math(text, str(note))
    reader = _NoteReader(note, _declarations(note, notation_for(note, notation)), settings)
    return NoteCheck(note, reader.check(chains, _inline_cases(text, chains)), chains)
