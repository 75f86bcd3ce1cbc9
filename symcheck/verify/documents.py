"""Run the engine over a compiled document and compare each verdict with the file's expectation."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Optional, Sequence

import sympy

from symcheck.model.compiled import CompiledDocument, Equation
from symcheck.engine.settings import Settings
from symcheck.engine.ladder import decide_equation as decide  # shape claims and definitions included
from symcheck.model.compiled import CompiledGradientCheck
from symcheck.engine.gradcheck import NumericError, run_gradient_check
from symcheck.model import (
    ChainResult, Decision, DocumentResult, Domain, ErratumResult, GradientCheckResult, Remark, Repair, StepResult,
)
from symcheck.runtime.limits import StepTimeout, time_limit
from symcheck.load.derivation import Compiler, load_derivation
from symcheck.verify import cache
from symcheck.verify.cases import case_index_remark, empty_case_remarks
from symcheck.model.indexranges import stray_bound_index
from symcheck.verify.repair import Repairer
from symcheck.model.symbols import CompiledDefinition, SymbolTable


def holds(eq: Equation, decision: Decision) -> bool:
    """True when the decision supports the equation as the file states it (under its chain's
    case, which the engine assumes: a step true in that case is proved with it as condition)."""
    return decision.verdict.holds


def expected(eq: Equation, decision: Decision, intended: Optional[Decision] = None) -> bool:
    """A step without erratum must hold; an erratum must fail as written and hold as intended."""
    if eq.intended is None:
        return holds(eq, decision)
    return decision.verdict.fails and not holds(eq, decision) and intended is not None and holds(eq.intended, intended)


Repairs = Callable[[Equation, Decision], Optional[Repair]]
Decider = Callable[[Equation, Settings], Decision]


def once_per_equation(decider: Decider) -> Decider:
    """`decider`, asked once for each distinct equation of one document: chains repeat
    members (a = b, then a = c ...), and the same sides in the same scope get the same
    decision. Scopes are compared by identity (a document's equations share them)."""
    decided: dict[tuple, Decision] = {}

    def decide_once(eq: Equation, settings: Settings) -> Decision:
        key = (*equation_identity(eq), settings)
        try:
            known = decided.get(key)
        except TypeError:  # an unhashable side (a mutable matrix): decided every time
            return decider(eq, settings)
        if known is None:
            known = decided[key] = decider(eq, settings)
        return known

    return decide_once


def equation_identity(eq: Equation) -> tuple:
    """What makes two equations of one document the same question (hashable unless a side is
    a mutable matrix)."""
    return eq.kind, eq.lhs, eq.rhs, eq.chain_condition, id(eq.scope)


def verify_equation(eq: Equation, settings: Settings, repairs: Optional[Repairs] = None,
                    decider: Optional[Decider] = None) -> StepResult:
    """The engine's decision on `eq` (by `decider`, default the engine's); with `repairs`,
    a repair of a refuted step is searched."""
    decider = decider or decide  # looked up here, so a test can replace it
    decision = cache.decide(eq, settings, decider)
    erratum = None
    intended_decision = None
    if eq.intended is not None:
        intended_decision = cache.decide(eq.intended, settings, decider)
        erratum = ErratumResult(eq.erratum_note or "", eq.intended.latex, intended_decision)
    as_expected = expected(eq, decision, intended_decision)
    return StepResult(
        kind=eq.kind, name=eq.name, source=eq.source, line=eq.line, latex=eq.latex,
        decision=decision, expected=as_expected,
        erratum=erratum, previous_latex=eq.previous_latex, remarks=_scope_remarks(eq) + empty_case_remarks(decision),
        # a declared erratum already names its intended form: search only what nobody declared
        repair=repairs(eq, decision) if repairs is not None and not as_expected else None,
    )


def _scope_remarks(eq: Equation) -> tuple[Remark, ...]:
    """What the step's reading chose, said whatever the verdict (see each remark)."""
    return tuple(remark for remark in (_stray_index_remark(eq), _imaginary_unit_remark(eq)) if remark is not None)


def _stray_index_remark(eq: Equation) -> Optional[Remark]:
    """A sum that may have lost its brackets (\\sum_k a_k + b_k, k no free index of the
    other side) is a finding: the line is ambiguous as written. Either side: the verdict
    of a step depends on how its left side (a chain's first member too) is read."""
    for side, other in ((eq.rhs, eq.lhs), (eq.lhs, eq.rhs)):
        index = stray_bound_index(side, other)
        if index is not None:
            return Remark("warning", f"{index} is used outside its sum (missing brackets?): read as written, "
                                     f"the sum over {index} ends before the term that uses {index}")
    return None


def _imaginary_unit_remark(eq: Equation) -> Optional[Remark]:
    """An undeclared i, never an index in its formula, is the imaginary unit: the verdict
    rests on that reading, so it is said (a name or an index is declared)."""
    if not any(isinstance(side, sympy.Basic) and side.has(sympy.I) for side in (eq.lhs, eq.rhs)):
        return None
    return Remark("note", "the step holds the imaginary unit: an undeclared i is read as it "
                          "(declare i in the notation to read it as a name or an index)")


def verify_document(document: CompiledDocument, settings: Settings = Settings()) -> DocumentResult:
    return DocumentWork(document, settings).verify()


def verify_steps(document: CompiledDocument, settings: Settings = Settings()) -> DocumentResult:
    """Every definition, chain step and claim decided (no gradient checks)."""
    return DocumentWork(document, settings).verify(parts=STEP_PARTS)


Place = tuple[str, int, int]  # (part, chain, position): where one result goes in a document's result
STEP_PARTS = ("definitions", "chains", "claims")
PARTS = STEP_PARTS + ("gradient_checks",)


class DocumentWork:
    """One document's work as places, each with one result (a step, a claim, a gradient check),
    that can be worked out in any order and process and put back together: the same result
    as working them out in order. Steps with the same equation get one decision."""

    def __init__(self, document: CompiledDocument, settings: Settings):
        self.document, self.settings = document, settings
        self.decider = once_per_equation(decide)
        self.repairs = repairer(document, settings)

    def places(self, parts: Sequence[str] = PARTS) -> list[Place]:
        """Every place of `parts`, in the document's order."""
        document = self.document
        found: dict[str, list[Place]] = {
            "definitions": [("definitions", 0, n) for n, eq in enumerate(document.definitions)
                            if worth_checking(eq, document)],
            "chains": [("chains", c, n) for c, chain in enumerate(document.chains) for n in range(len(chain.equations))],
            "claims": [("claims", 0, n) for n in range(len(document.claims))],
            "gradient_checks": [("gradient_checks", 0, n) for n in range(len(document.gradient_checks))],
        }
        return [place for part in parts for place in found[part]]

    def equation(self, place: Place) -> Optional[Equation]:
        """The equation decided at `place` (None for a gradient check)."""
        part, chain, position = place
        if part == "chains":
            return self.document.chains[chain].equations[position]
        return None if part == "gradient_checks" else getattr(self.document, part)[position]

    def result(self, place: Place):
        """The step result at `place`, or the gradient check's results (a tuple)."""
        part, chain, position = place
        if part == "gradient_checks":
            return tuple(gradient_check(self.document.gradient_checks[position], self.settings))
        repairs = self.repairs
        if part == "chains" and repairs is not None:  # a repair may take a term from the step after it
            following = self.document.chains[chain].equations[position + 1:position + 2]
            after = following[0].latex if following else ""
            repairs = lambda e, d, after=after: self.repairs(e, d, [after])  # noqa: E731
        return verify_equation(self.equation(place), self.settings, repairs, self.decider)

    def verify(self, parts: Sequence[str] = PARTS) -> DocumentResult:
        """Every place of `parts` worked out here, in order."""
        started = time.perf_counter()
        results = {place: self.result(place) for place in self.places(parts)}
        return self.layout().assemble(results, time.perf_counter() - started)

    def layout(self) -> "Layout":
        document = self.document
        derivation = document.derivation
        chains = tuple(ChainLayout(chain.name, chain.condition_latex, *_case_remark(chain.equations))
                       for chain in document.chains)
        return Layout(derivation.path, derivation.source, derivation.title, chains)


@dataclass(frozen=True)
class ChainLayout:
    name: str
    condition_latex: Optional[str]
    conclusion: Optional[int]  # the position of the chain's last written step, if it takes `remark`
    remark: Optional[Remark]


@dataclass(frozen=True)
class Layout:
    """What a document's result holds besides its places' results: small and picklable, so
    that a process which never loaded the document can assemble its result."""

    path: str
    source: str
    title: str
    chains: tuple[ChainLayout, ...]

    def assemble(self, results: dict[Place, object], seconds: float) -> DocumentResult:
        """The document's result from the result at each of its places."""
        placed: dict[tuple[str, int], list] = defaultdict(list)
        for place in sorted(results):
            placed[place[:2]].append(results[place])
        chains = tuple(ChainResult(chain.name, chain.condition_latex, _with_remark(chain, tuple(placed[("chains", c)])))
                       for c, chain in enumerate(self.chains))
        return DocumentResult(
            path=self.path, source=self.source, title=self.title,
            definitions=tuple(placed[("definitions", 0)]), chains=chains, claims=tuple(placed[("claims", 0)]),
            gradient_checks=tuple(check for checks in placed[("gradient_checks", 0)] for check in checks),
            seconds=seconds,
        )


def _case_remark(equations: Sequence[Equation]) -> tuple[Optional[int], Optional[Remark]]:
    """The chain's conclusion (its last written step) and the case-index warning it takes, if any."""
    written = [n for n, eq in enumerate(equations) if eq.kind == "step"]
    if not written:
        return None, None
    last = written[-1]
    eq = equations[last].intended or equations[last]
    remark = case_index_remark(eq.chain_condition, eq.rhs, eq.latex)
    return (None, None) if remark is None else (last, remark)


def _with_remark(chain: ChainLayout, steps: tuple[StepResult, ...]) -> tuple[StepResult, ...]:
    if chain.remark is None:
        return steps
    last = chain.conclusion
    return steps[:last] + (replace(steps[last], remarks=steps[last].remarks + (chain.remark,)),) + steps[last + 1:]


def repairer(document: CompiledDocument, settings: Settings) -> Optional[Repairs]:
    """The repair search for a document's refuted steps, or None when it is off."""
    if settings.repair_budget <= 0:
        return None
    return Repairer(Compiler.for_file(document.derivation), settings)


def gradient_check(check: CompiledGradientCheck, settings: Settings) -> list[GradientCheckResult]:
    """The finite-difference check, or one failed result saying why it could not run."""
    seconds = settings.step_timeout * len(check.spec.sizes)
    try:
        with time_limit(seconds):
            return run_gradient_check(check, seed=settings.seed)
    except NumericError as error:
        reason = str(error)
    except StepTimeout:
        reason = f"did not finish within {seconds:.0f} s"
    return [GradientCheckResult(check.spec.name, 0, float("inf"), float("inf"), 0, False, error=reason)]


def worth_checking(eq: Equation, document: CompiledDocument) -> bool:
    """Definitions are checked when they carry an erratum or define a constrained symbol."""
    return eq.intended is not None or has_constrained_domain(eq.scope.definitions[-1], document.scope.table)


def has_constrained_domain(definition: CompiledDefinition, table: SymbolTable) -> bool:
    """The defined symbol is declared in a domain narrower than the reals."""
    name = getattr(definition.target, "name", None) or str(definition.target)
    declaration = table.declarations.get(str(name))
    return declaration is not None and declaration.domain is not Domain.REAL


def verify_file(path: Path, settings: Settings = Settings()) -> DocumentResult:
    return verify_document(load_derivation(path), settings)
