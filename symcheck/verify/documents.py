"""Run the engine over a compiled document and compare each verdict with the file's expectation."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Callable, Optional, Sequence, TypeVar

from symcheck.model.compiled import CompiledDocument, Equation
from symcheck.engine.settings import Settings
from symcheck.engine.ladder import decide_equation as decide  # shape claims and definitions included
from symcheck.model.compiled import CompiledGradientCheck
from symcheck.engine.gradcheck import NumericError, run_gradient_check
from symcheck.model import (
    ChainResult, Decision, DocumentResult, Domain, ErratumResult, GradientCheckResult, Remark, Repair, StepResult,
)
from symcheck.runtime.limits import StepTimeout, time_limit
from symcheck.load.derivation import Compiler, derivation_files, load_derivation
from symcheck.runtime.parallel import parallel_map, worker_count
from symcheck.verify import cache
from symcheck.verify.cases import case_index_remark, empty_case_remarks
from symcheck.model.indexranges import stray_bound_index
from symcheck.verify.repair import Repairer
from symcheck.model.symbols import CompiledDefinition, SymbolTable

T = TypeVar("T")

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
        key = (eq.kind, eq.lhs, eq.rhs, eq.chain_condition, id(eq.scope), settings)
        try:
            known = decided.get(key)
        except TypeError:  # an unhashable side (a mutable matrix): decided every time
            return decider(eq, settings)
        if known is None:
            known = decided[key] = decider(eq, settings)
        return known

    return decide_once


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
    """A sum that may have lost its brackets (\\sum_k a_k + b_k, k no free index of the
    other side) is a finding whatever the verdict: the line is ambiguous as written. Either
    side: the verdict of a step depends on how its left side (a chain's first member too) is read."""
    for side, other in ((eq.rhs, eq.lhs), (eq.lhs, eq.rhs)):
        index = stray_bound_index(side, other)
        if index is not None:
            return (Remark("warning", f"{index} is used outside its sum (missing brackets?): read as written, "
                                      f"the sum over {index} ends before the term that uses {index}"),)
    return ()


def verify_document(document: CompiledDocument, settings: Settings = Settings()) -> DocumentResult:
    steps = verify_steps(document, settings)
    checks, seconds = _timed(lambda: gradient_checks(document, settings))
    return replace(steps, gradient_checks=checks, seconds=steps.seconds + seconds)


def verify_steps(document: CompiledDocument, settings: Settings = Settings()) -> DocumentResult:
    """Every definition, chain step and claim decided (no gradient checks)."""
    started = time.perf_counter()
    derivation = document.derivation
    repairs = repairer(document, settings)
    decider = once_per_equation(decide)
    definitions = tuple(
        verify_equation(eq, settings, repairs, decider) for eq in document.definitions if worth_checking(eq, document)
    )
    chains = tuple(
        ChainResult(chain.name, chain.condition_latex,
                    _with_case_remarks(chain.equations, verify_chain(chain.equations, settings, repairs, decider)))
        for chain in document.chains
    )
    claims = tuple(verify_equation(eq, settings, repairs, decider) for eq in document.claims)
    return DocumentResult(
        path=derivation.path, source=derivation.source, title=derivation.title,
        definitions=definitions, chains=chains, claims=claims, seconds=time.perf_counter() - started,
    )


def _with_case_remarks(equations: Sequence[Equation], steps: tuple[StepResult, ...]) -> tuple[StepResult, ...]:
    """The chain's conclusion (its last written step) with the case-index warning, if any."""
    written = [n for n, eq in enumerate(equations) if eq.kind == "step"]
    if not written:
        return steps
    last = written[-1]
    eq = equations[last].intended or equations[last]
    remark = case_index_remark(eq.chain_condition, eq.rhs, eq.latex)
    if remark is None:
        return steps
    return steps[:last] + (replace(steps[last], remarks=steps[last].remarks + (remark,)),) + steps[last + 1:]


def verify_chain(equations: Sequence[Equation], settings: Settings, repairs: Optional[Repairs],
                 decider: Optional[Decider] = None) -> tuple[StepResult, ...]:
    """Each step; a repair may take a term or factor from the step before or after it."""
    following = [eq.latex for eq in equations[1:]] + [""]
    return tuple(
        verify_equation(eq, settings, repairs and (lambda e, d, after=after: repairs(e, d, [after])), decider)
        for eq, after in zip(equations, following)
    )


def repairer(document: CompiledDocument, settings: Settings) -> Optional[Repairs]:
    """The repair search for a document's refuted steps, or None when it is off."""
    if settings.repair_budget <= 0:
        return None
    return Repairer(Compiler.for_file(document.derivation), settings)


def gradient_checks(document: CompiledDocument, settings: Settings = Settings()) -> tuple[GradientCheckResult, ...]:
    return tuple(result for check in document.gradient_checks for result in gradient_check(check, settings))


def _timed(work: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    return work(), time.perf_counter() - started


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


_PARTS = {"steps": verify_steps, "gradients": gradient_checks}


def _verify_part(task: tuple[Path, str], settings: Settings):
    path, part = task
    return _timed(lambda: _PARTS[part](load_derivation(path), settings))


def verify_files(paths: Sequence[Path], settings: Settings = Settings(), jobs: int = 1) -> list[DocumentResult]:
    """Every derivation file under `paths`, in a stable order. Documents, and within one
    document its steps and its gradient checks, are independent: with jobs > 1 they run in
    that many processes, the largest files first."""
    files = derivation_files(list(paths))
    tasks = [(path, part) for path in sorted(files, key=lambda p: -p.stat().st_size) for part in _PARTS]
    if worker_count(len(tasks), jobs) <= 1:
        return [verify_file(path, settings) for path in files]
    done = dict(zip(tasks, parallel_map(_verify_part, tasks, jobs, settings)))
    results = []
    for path in files:
        (steps, _), (checks, seconds) = done[(path, "steps")], done[(path, "gradients")]
        results.append(replace(steps, gradient_checks=checks, seconds=steps.seconds + seconds))
    return results


def verify_paths(paths: Sequence[Path], settings: Settings = Settings(), jobs: int = 1):
    """(result, compiled document) per derivation file: what the report stage needs."""
    results = verify_files(paths, settings, jobs)
    return [(result, load_derivation(Path(result.path))) for result in results]
