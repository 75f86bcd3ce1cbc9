"""The verdict ladder: decides whether two consecutive steps are equal.

For a scalar equation lhs = rhs in a `Scope` (soundness first: only an exact symbolic
zero, or an exhaustive check, proves):

1. canonicalize: unfold definitions and evaluate derivatives (`canonical.Unfolder`), then
   the index calculus with the declared ranges and vector facts (`indexcalc`);
2. proved: the canonical lhs - rhs is exactly 0 by cheap tests (`rungs.prove_zero_cheaply`:
   expand; then, if the float screen (`screen`) found no re-checked counterexample, cancel,
   expand_log, a case split on Kronecker deltas);
3. refuted: an exact counterexample at small points, re-checked (`rungs.find_counterexample`);
4. proved: SymPy's simplify brings the difference to 0 (`rungs.prove_zero_by_simplify`),
   or the closed forms of its sums with symbolic bounds do (`rungs.prove_zero_by_summation`);
5. proved-for-sizes: 0 exactly for every size 1..8 and index value (`rungs.prove_for_sizes`);
6. numeric: equal at >= 20 random points at 50 digits, else refuted at a re-checked random
   point (`rungs.numeric_check`);
7. conditional: not equal in general (a counterexample) but equal under i = j or i != j
   for a pair of free indices that the text does not state. A chain's own stated case is
   an assumption instead: the ladder runs under it, and its verdict carries the case (a
   case on scalars or sizes is applied first, by `scalarcase`; an empty one decides nothing);
8. unknown: nothing decided in time.

Sides whose free indices differ (a free index left outside its sum) are first screened as
written, before anything is unfolded (`screen.screen_as_written`): refuted there only at an
interval-certified point and when no i = j / i != j can make the step hold; else the ladder
above runs as usual.

A step with limits is decided by `limits` first: each limit's value, confirmed by
evaluations near its point, replaces it, and this ladder decides the step on the values.

Matrix equations are compared shape first, then entry-wise (`matrixcalc`): one general
entry over the declared ranges of its row and column; at an explicit size, each entry on
its own where the general one is neither proved nor refuted. Definitions
are checked against their target's declared domain.
Every decision runs under `limits.time_limit(settings.step_timeout)`, each strategy under
a share of it; SymPy errors end a strategy, never the decision.
"""

from __future__ import annotations

import itertools
import random
import time
from dataclasses import replace
from typing import Callable, Optional, Sequence

import sympy
from sympy import Expr, Integer, KroneckerDelta, Sum, Symbol
from sympy.matrices.expressions.matexpr import MatrixElement

from symcheck.engine.antiderivatives import as_antiderivatives, differentiated, integration_variable
from symcheck.engine.audit import audited
from symcheck.engine.enclosure import certainly_signed, enclosed_at
from symcheck.engine.expectation import decide_expectations, has_operators
from symcheck.engine.limits import decide_limits, has_limits
from symcheck.engine.canonical import Rules, Unfolder, given_as_definition, index_facts, is_entry_fact, rules_from_scope
from symcheck.model.compiled import Equation
from symcheck.engine.indexcalc import Condition, parse_condition, rename_bound
from symcheck.model.indexranges import index_range_problem
from symcheck.runtime.limits import StepTimeout, time_limit
from symcheck.engine.matrixcalc import (
    EntryWriter,
    NeedsConcreteSizes,
    ShapeMismatch,
    Unsupported,
    has_inferred_order,
    index_elements,
    is_matrix,
    shape_of,
    show,
)
from symcheck.model import Counterexample, Decision, Domain, Verdict
from symcheck.engine.rungs import (
    DIFFERENT_MARGIN,
    EXTRA_DIGITS,
    Finding,
    Work,
    atomize,
    compare_at,
    find_counterexample,
    numeric_check,
    prove_for_sizes,
    prove_zero_by_simplify,
    prove_zero_by_summation,
    prove_zero_after_screen,
    prove_zero_by_expansion,
    prove_zero_cheaply,
    show_value,
)
from symcheck.engine.sampling import (
    Universe, exact_points, free_symbols, in_domain, random_points, satisfies_facts, size_minimums,
)
from symcheck.engine.scalarcase import (
    EMPTY_CASE, ScalarCase, declared_intervals, in_scalar_case, prove_by_scalar_cases, prove_inside, scalar_case,
    split_case, with_sizes,
)
from symcheck.engine.screen import conditions_as_written, screen, screen_as_unfolded, screen_as_written
from symcheck.engine.walk import free_of
from symcheck.model.symbols import CompiledDefinition, Scope
from symcheck.engine.settings import Settings

MAX_EXPLICIT_ENTRIES = 64
SAMPLE_SIZES = (2, 3)  # the sizes at which a construct written only for concrete sizes is decided
CONDITION_SEARCH_SHARE = 0.4  # of the step's time, for guessing i = j / i != j
_ENTRY_NAMES = ("i", "j", "k", "l", "m", "n", "r", "c", "s", "t", "u", "v", "w")




# ---------------------------------------------------------------- public API


def decide(lhs, rhs, scope: Scope, *, condition=None, settings: Settings = Settings()) -> Decision:
    """Decide lhs = rhs in `scope`, optionally in the case `condition` (e.g. Eq(i, j)); with
    indefinite integrals, as antiderivatives (`symcheck.engine.antiderivatives`)."""
    lhs, rhs = sympy.sympify(lhs), sympy.sympify(rhs)
    variable = None if is_matrix(lhs) or is_matrix(rhs) else integration_variable(lhs, rhs)
    if variable is None:
        return timed_decision(lambda: _decide(lhs, rhs, scope, condition, settings), settings)

    def up_to_a_constant() -> Decision:
        decision = _decide(*differentiated(lhs, rhs, variable), scope, condition, settings)
        return replace(decision, reason=as_antiderivatives(decision.reason, variable))
    return timed_decision(up_to_a_constant, settings)


def decide_equation(eq: Equation, settings: Settings = Settings()) -> Decision:
    """Decide one compiled equation; shape claims and definitions by their own checks.
    An entry whose index runs off its axis is undefined there: the equation is refuted."""
    misfit = index_range_problem(eq.lhs, eq.scope.table) or index_range_problem(eq.rhs, eq.scope.table)
    if misfit is not None:
        return _decision(Verdict.REFUTED, "index ranges", f"{misfit[0]}: that entry is undefined")
    special = _BY_KIND.get(eq.kind)
    if special is not None:
        return special(eq, settings)
    return decide(eq.lhs, eq.rhs, eq.scope, condition=eq.chain_condition, settings=settings)


def check_shapes(lhs, rhs, scope: Scope) -> Decision:
    """Matrix shapes of both sides: every product and sum fits, and the sides agree."""
    return timed_decision(lambda: _shapes(lhs, rhs), Settings())


def check_definition(definition: CompiledDefinition, scope: Scope, settings: Settings = Settings()) -> Decision:
    """The definition's values lie in the domain declared for its target."""
    return timed_decision(lambda: _definition(definition, scope, settings), settings)


_BY_KIND: dict[str, Callable[[Equation, Settings], Decision]] = {
    "shape": lambda eq, settings: check_shapes(eq.lhs, eq.rhs, eq.scope),
    "definition": lambda eq, settings: check_definition(eq.scope.definitions[-1], eq.scope, settings),
}


# ---------------------------------------------------------------- decisions


def _decision(verdict: Verdict, strategy: str, reason: str, **extra) -> Decision:
    return Decision(verdict, strategy, 0.0, reason, **extra)


def _from_finding(finding: Finding, condition: Optional[str] = None) -> Decision:
    return Decision(finding.verdict, finding.strategy, 0.0, finding.reason, condition,
                    finding.counterexample, finding.sizes, finding.evidence)


def _unknown(work: Optional[Work], what: str = "no rung decided") -> Decision:
    notes = f" ({'; '.join(work.notes[:4])})" if work and work.notes else ""
    return _decision(Verdict.UNKNOWN, "none", what + notes)


def timed_decision(run: Callable[[], Decision], settings: Settings) -> Decision:
    """`run()` under the step's time limit: running out of time or an internal error is
    `unknown`, never a traceback; the seconds taken are recorded."""
    started = time.perf_counter()
    try:
        with time_limit(settings.step_timeout):
            decision = run()
    except StepTimeout:
        decision = _decision(Verdict.UNKNOWN, "time limit", f"nothing decided within {settings.step_timeout:g} s")
    except Exception as error:  # noqa: BLE001 - never a traceback out of the engine
        decision = _decision(Verdict.UNKNOWN, "error", f"internal error: {type(error).__name__}: {error}"[:300])
    return replace(decision, seconds=round(time.perf_counter() - started, 4))


def _decide(lhs: Expr, rhs: Expr, scope: Scope, condition, settings: Settings) -> Decision:
    if isinstance(condition, sympy.Or):
        return _in_either_case(lhs, rhs, scope, condition, settings)
    try:
        case, scalar, scope, lhs, rhs = in_stated_case(lhs, rhs, scope, condition)
    except ValueError as error:
        return _decision(Verdict.UNKNOWN, "none", str(error))
    if scalar.empty:
        return _decision(Verdict.UNKNOWN, EMPTY_CASE, f"the stated case is empty: {scalar.empty}; "
                                                      "nothing holds or fails in it", condition=scalar.text)
    free = frozenset(s for s in free_symbols(lhs) | free_symbols(rhs) if s in scope.table.index_ranges)
    vacuous = _contradicting_given(scope, free, settings)
    if vacuous is not None:
        return vacuous
    if is_matrix(lhs) or is_matrix(rhs):
        return _decide_matrix(lhs, rhs, scope, case, settings, free, scalar)
    universe, rules = Universe.from_scope(scope), rules_from_scope(scope, free)
    writer = EntryWriter(universe)
    lhs, rhs = index_elements(lhs, writer), index_elements(rhs, writer)
    return _decide_scalar(lhs, rhs, universe, rules, case, settings, scalar)


def _in_either_case(lhs: Expr, rhs: Expr, scope: Scope, condition: sympy.Or, settings: Settings) -> Decision:
    """Either of the stated cases (`n = 2 \\lor n = 1`): the weakest of the decisions in each, so
    a step holds only if it holds in every one; when it holds, under all of them."""
    decisions = [_decide(lhs, rhs, scope, case, settings) for case in condition.args]
    weakest = _weakest([("", decision) for decision in decisions])
    if not weakest.verdict.holds:
        return weakest
    return replace(weakest, condition=" or ".join(decision.condition or "" for decision in decisions))


def in_stated_case(lhs: Expr, rhs: Expr, scope: Scope, condition) -> tuple[Condition, ScalarCase, Scope, Expr, Expr]:
    """The stated case (`stated_cases`; ValueError when the engine cannot apply it), and the
    scope and sides with the sizes it fixes (`_sized`): what every claim in a case is decided on."""
    case, scalar = stated_cases(condition, scope)
    if scalar.empty:
        return case, scalar, scope, lhs, rhs
    return (case, scalar, *_sized(_entries_written_out(scope), lhs, rhs, scalar))


def stated_cases(condition, scope: Scope) -> tuple[Condition, ScalarCase]:
    """The stated case's part about indices (the index calculus'), and its part about
    scalars and sizes (`scalarcase`)."""
    sizes = set(scope.table.sizes.values())
    about_indices, about_scalars = split_case(
        condition, lambda symbol: isinstance(symbol, Symbol) and symbol not in scope.table.index_ranges
        and symbol not in sizes)
    about_indices, about_sizes = split_case(about_indices, lambda symbol: symbol in sizes)
    scalar = scalar_case(about_scalars, declared_intervals(Universe.from_scope(scope)))
    return parse_condition(about_indices), with_sizes(scalar, about_sizes, size_minimums(scope))


def _sized(scope: Scope, lhs: Expr, rhs: Expr, case: ScalarCase) -> tuple[Scope, Expr, Expr]:
    """The scope and sides with the sizes the case fixes, and its size facts among the givens."""
    if not (case.fixed_sizes or case.least_sizes):
        return scope, lhs, rhs
    binding = dict(case.fixed_sizes)
    scope = replace(scope, assumptions=[*scope.assumptions, *case.least_sizes])
    return _bind_scope(scope, binding), lhs.xreplace(binding), rhs.xreplace(binding)


def _entries_written_out(scope: Scope) -> Scope:
    """Definitions and givens with bracket entries and traces written in the document's
    indices, as the sides are: a derivative by w_k must see the w_k inside (Xw - y)_i."""
    facts = [*(d.body for d in scope.definitions), *scope.assumptions]
    if not any(isinstance(f, sympy.Basic) and f.has(MatrixElement, sympy.Trace) for f in facts):
        return scope
    writer = EntryWriter(Universe.from_scope(scope))
    definitions = [CompiledDefinition(d.target, d.params, index_elements(sympy.sympify(d.body), writer)) for d in scope.definitions]
    return replace(scope, definitions=definitions, assumptions=[index_elements(a, writer) for a in scope.assumptions])


# ---------------------------------------------------------------- the ladder (scalars)


def _work(lhs: Expr, rhs: Expr, universe: Universe, rules: Rules, settings: Settings) -> Work:
    return Work(lhs, rhs, universe, rules, settings, index_facts(universe, Condition()))


def _decide_scalar(lhs, rhs, universe: Universe, rules: Rules, case: Condition, settings: Settings,
                   scalar: ScalarCase = ScalarCase()) -> Decision:
    """The ladder for one scalar equation; inside a case on scalars, its verdict carries it."""
    if not scalar:
        return _scalar_ladder(lhs, rhs, universe, rules, case, settings, scalar)
    return in_scalar_case(_scalar_ladder(lhs, rhs, scalar.narrowed(universe), rules, case, settings, scalar), scalar)


def _scalar_ladder(lhs, rhs, universe: Universe, rules: Rules, case: Condition, settings: Settings,
                   scalar: ScalarCase) -> Decision:
    work = _work(lhs, rhs, universe, rules, settings)
    refuted = None if scalar or case else _refuted_as_written(work, (lhs, rhs))
    if refuted is not None:
        return refuted
    unfold = Unfolder(rules)
    unfolded = work.guarded("unfold", lambda: (unfold(lhs), unfold(rhs)), 0.3)
    sides = unfolded if unfolded is None or not scalar else work.guarded(
        "case", lambda: tuple(map(scalar.apply, unfolded)), 0.1)
    if sides is None:
        return _unknown(work, "could not unfold the definitions")
    if has_limits(sides):  # lim_{x -> a} f: evaluated, confirmed near a, then this ladder on the values
        return decide_limits(sides, universe, lambda left, right: _decide_scalar(left, right, universe, rules, case, settings),
                             lambda evaluate: work.guarded("limit", evaluate, 0.5))
    decision = _ladder(work, sides, case, scalar)
    if scalar.intervals and not case and decision.verdict in (Verdict.NUMERIC, Verdict.UNKNOWN):
        proof = prove_inside(work, unfolded, scalar)
        if proof is not None:
            decision = audited(work, sides, case, _decision(Verdict.PROVED, proof, "exactly 0 everywhere in the case"))
    if scalar.pinned() and decision.verdict is not Verdict.CONDITIONAL:  # the sides before the values were put in
        return audited(work, tuple(map(scalar.renamed_only, unfolded)), case, decision)
    return decision


def _refuted_as_written(work: Work, sides) -> Optional[Decision]:
    """Refuted before anything is unfolded (`screen_as_written`), when no i = j or i != j
    could make the step hold (each ruled out by a clear float difference); else None, and
    the ladder decides as usual."""
    found = screen_as_written(work, sides)
    if found is None:
        return None
    if any(screen_as_written(work, sides, candidate, confirm=False) is None for candidate in conditions_as_written(work, sides)):
        return None
    return _from_finding(found)


def _ladder(work: Work, sides, case: Condition, scalar: ScalarCase) -> Decision:
    if has_operators(sides) and not case and not scalar:  # E[X], Var[X] over the quantities declared random
        decided = work.guarded("expectation", lambda: decide_expectations(sides, work.universe), 0.6)
        if decided is not None:
            return decided
    general = _assess(work, sides, Condition())
    if general is not None and general.verdict.holds:
        return audited(work, sides, Condition(), _from_finding(general))
    if case:
        return _under_case(work, sides, case)
    if general is not None and general.verdict is Verdict.REFUTED:
        return _conditional_or_refuted(work, sides, general)
    return _unknown(work)


def _under_case(work: Work, sides, case: Condition) -> Decision:
    """The chain's own case is stated by its text, so it is an assumption: the verdict is the
    ladder's under it (proved, numeric, refuted ...), with the case as its condition, and
    every counterexample satisfies it."""
    under = _assess(work, sides, case)
    if under is None:
        return _unknown(work, f"nothing decided when {case.text}")
    return audited(work, sides, case, _from_finding(under, case.text))


def _conditional_or_refuted(work: Work, sides, general: Finding) -> Decision:
    """Refuted in general: conditional if some i = j / i != j makes it hold (searched within
    a share of the step's time, so the refutation in hand is never lost to the limit)."""
    found = work.guarded("conditions", lambda: _first_holding_case(work, sides), CONDITION_SEARCH_SHARE)
    if found is None:
        return _from_finding(general)
    candidate, under = found
    decision = audited(work, sides, candidate, Decision(
        Verdict.CONDITIONAL, under.strategy, 0.0, f"not equal in general, equal when {candidate.text} ({under.reason})",
        candidate.text, general.counterexample, under.sizes, general.evidence))
    return decision if decision.verdict is Verdict.CONDITIONAL else _from_finding(general)


def _first_holding_case(work: Work, sides) -> Optional[tuple[Condition, Finding]]:
    for candidate in _candidate_conditions(work, sides):
        under = _assess(work, sides, candidate, _QUICK_RUNGS)
        if under is not None and under.verdict.holds:
            return candidate, under
    return None


def _candidate_conditions(work: Work, sides: Sequence[Expr]) -> list[Condition]:
    """i = j for free indices both in the difference; i != j only where a delta or a
    case distinction mentions both (nothing else can depend on it)."""
    canon = work.known_canonical(sides, Condition()) or sides  # the unfolded sides after a refutation by `screen_as_unfolded`
    difference = canon[0] - canon[1]
    indices = sorted((s for s in difference.free_symbols if s in work.universe.ranges), key=str)
    cases = [c.free_symbols for c in difference.atoms(KroneckerDelta, sympy.Piecewise)]
    found = []
    for n, first in enumerate(indices):
        for second in indices[n + 1:]:
            found.append(parse_condition(sympy.Eq(first, second)))
            if any({first, second} <= mentioned for mentioned in cases):
                found.append(parse_condition(sympy.Ne(first, second)))
    return found


def _stages(work: Work, sides, canon) -> str:
    stages = []
    if tuple(sides) != (rename_bound(work.lhs), rename_bound(work.rhs)):
        stages.append("unfold+doit")
    if tuple(canon) != tuple(sides):
        stages.append("index calculus")
    return "+".join(stages) or "as written"


def _symbolic(prover: Callable) -> Callable:
    """A rung proving the canonical difference 0 with `prover`."""
    def rung(work: Work, sides: Sequence[Expr], case: Condition) -> Optional[Finding]:
        canon = work.canonical_sides(sides, case)
        proof = None if canon is None else prover(work, canon[0] - canon[1])
        if proof is None:
            return None
        return Finding(Verdict.PROVED, f"symbolic: {_stages(work, sides, canon)}; {proof}",
                       "the difference of the canonical forms is exactly 0")

    return rung


def _unconfirmed_counterexample(work: Work, sides: Sequence[Expr], case: Condition) -> Optional[Finding]:
    """Rules a guessed condition out; never reported, so not re-checked."""
    return find_counterexample(work, sides, case, confirm=False)


def _unconfirmed_screen(work: Work, sides: Sequence[Expr], case: Condition) -> Optional[Finding]:
    return screen_as_unfolded(work, sides, case, confirm=False)


_CHEAP_PROOF, _SIMPLIFY_PROOF = _symbolic(prove_zero_cheaply), _symbolic(prove_zero_by_simplify)
_EXPANSION_PROOF, _REST_OF_CHEAP_PROOF = _symbolic(prove_zero_by_expansion), _symbolic(prove_zero_after_screen)
# the float screen after expand, before the other cheap tests (costly where they fail) and the exact
# counterexample search (and, for guessed conditions, before any proof)
_CASE_SPLIT_PROOF, _CLOSED_FORM_PROOF = _symbolic(prove_by_scalar_cases), _symbolic(prove_zero_by_summation)
_FULL_RUNGS = (screen_as_unfolded, _EXPANSION_PROOF, screen, _REST_OF_CHEAP_PROOF, find_counterexample, _SIMPLIFY_PROOF, _CASE_SPLIT_PROOF,
               _CLOSED_FORM_PROOF, prove_for_sizes, numeric_check)
_QUICK_RUNGS = (_unconfirmed_screen, _CHEAP_PROOF, _unconfirmed_counterexample)  # guessed conditions: cheap proofs only


def _assess(work: Work, sides: Sequence[Expr], case: Condition, rungs=_FULL_RUNGS) -> Optional[Finding]:
    """The ladder under one case: a holding verdict, a refutation, or None (unclear)."""
    work = replace(work, facts=index_facts(work.universe, case))
    for rung in rungs:
        finding = rung(work, sides, case)
        if finding is not None:
            return finding
    return None


# ---------------------------------------------------------------- matrices


def _show_side(expr, shape: tuple) -> str:
    return show(shape) if is_matrix(expr) else "a scalar"


def _unify(lhs, rhs, left: tuple, right: tuple, minimums: dict[Symbol, int]) -> dict[Symbol, Integer]:
    """Sizes to fix so the shapes agree (N×N against an explicit 3×3 fixes N = 3). Shapes
    are a contract: a scalar never fits a vector or matrix, and a size is never bound
    below its declared minimum (nor to 1, where vectors collapse to numbers)."""
    mismatch = ShapeMismatch(f"left side is {_show_side(lhs, left)}, right side is {_show_side(rhs, right)}")
    if is_matrix(lhs) != is_matrix(rhs) and not all(_same_size(n, 1) for n in (*left, *right)):
        if not _is_scalar(rhs if is_matrix(lhs) else lhs):
            raise Unsupported("cannot tell the shape of a power or function of a matrix")
        raise mismatch
    binding: dict[Symbol, Integer] = {}
    for a, b in zip(left, right):
        a, b = sympy.sympify(a).xreplace(binding), sympy.sympify(b).xreplace(binding)
        if _same_size(a, b):
            continue
        symbolic, number = (a, b) if b.is_Integer else (b, a)
        if not (isinstance(symbolic, Symbol) and number.is_Integer and number >= max(2, minimums.get(symbolic, 1))):
            raise mismatch
        binding[symbolic] = number
    return binding


def _is_scalar(expr) -> bool:
    """No matrix anywhere inside (a power of a matrix derivative is not a scalar)."""
    return not any(is_matrix(node) for node in sympy.preorder_traversal(sympy.sympify(expr)))


def _same_size(a, b) -> bool:
    return sympy.expand(sympy.sympify(a) - sympy.sympify(b)) == 0


def _bind_scope(scope: Scope, binding: dict[Symbol, Integer]) -> Scope:
    names = {name: int(binding[size]) for name, size in scope.table.sizes.items() if size in binding}
    definitions = [CompiledDefinition(d.target, d.params, sympy.sympify(d.body).xreplace(binding))
                   for d in scope.definitions]
    return Scope(scope.table.with_sizes(names), definitions, [a.xreplace(binding) for a in scope.assumptions])


def _fresh_names(exprs: Sequence[Expr], scope: Scope, count: int) -> list[str]:
    used = {str(s) for e in exprs for s in e.free_symbols} | {str(m.name) for e in exprs for m in e.atoms(sympy.MatrixSymbol)}
    table = scope.table
    used |= set(table.sizes) | set(table.indices) | set(table.scalars) | set(table.bases) | set(table.functions)
    return [name for name in _ENTRY_NAMES if name not in used][:count]


_RANK = {Verdict.REFUTED: 0, Verdict.CONDITIONAL: 1, Verdict.UNKNOWN: 2, Verdict.NUMERIC: 3,
         Verdict.PROVED_FOR_SIZES: 4, Verdict.PROVED: 5}


def _weakest(decisions: Sequence[tuple[str, Decision]]) -> Decision:
    where, worst = min(decisions, key=lambda item: _RANK[item[1].verdict])
    if worst.counterexample is not None and where:
        cex = worst.counterexample
        worst = replace(worst, counterexample=Counterexample({"entry": where, **cex.point}, cex.lhs, cex.rhs))
    return worst


def _decide_matrix(lhs, rhs, scope: Scope, case: Condition, settings: Settings, free: frozenset,
                   scalar: ScalarCase = ScalarCase()) -> Decision:
    try:
        left, right = shape_of(lhs), shape_of(rhs)
        binding = _unify(lhs, rhs, left, right, size_minimums(scope))
    except ShapeMismatch as error:
        return _decision(Verdict.REFUTED, "shapes", str(error))
    except Unsupported as error:
        return _decision(Verdict.UNKNOWN, "none", str(error))
    if binding:
        scope = _bind_scope(scope, binding)
        lhs, rhs = sympy.sympify(lhs).xreplace(binding), sympy.sympify(rhs).xreplace(binding)
    rows, cols = (sympy.sympify(n).xreplace(binding) for n in left)
    rules = rules_from_scope(scope, free)
    try:
        results = _decided_entries(lhs, rhs, scope, rows, cols,
                                   lambda l, r, universe: _decide_scalar(l, r, universe, rules, case, settings, scalar))
    except NeedsConcreteSizes as error:
        return _at_sample_sizes(lhs, rhs, scope, case, settings, free, str(error), scalar)
    except Unsupported as error:
        return _decision(Verdict.UNKNOWN, "none", str(error))
    decision = _weakest(results)
    if has_inferred_order(lhs) or has_inferred_order(rhs):
        decision = replace(decision, reason=f"{decision.reason} (order of a product with a derivative taken from the shapes)")
    if binding and decision.verdict.holds:
        fixed = ", ".join(f"{s} = {v}" for s, v in sorted(binding.items(), key=str))
        proved = decision.verdict in (Verdict.PROVED, Verdict.PROVED_FOR_SIZES)
        decision = replace(decision, verdict=Verdict.PROVED_FOR_SIZES if proved else decision.verdict,
                           sizes=tuple(int(v) for v in binding.values()),
                           reason=f"{decision.reason}; only for {fixed}, the size the shapes fix")
    return decision


def _at_sample_sizes(lhs, rhs, scope: Scope, case: Condition, settings: Settings, free: frozenset, why: str,
                     scalar: ScalarCase) -> Decision:
    """Decided with every size set to each of SAMPLE_SIZES (concrete matrices): refuted if it
    fails at one; if it holds where it could be decided, only numeric evidence (no proof for a
    general size)."""
    written = {s for side in (lhs, rhs) for m in sympy.sympify(side).atoms(sympy.MatrixSymbol) for n in m.shape
               for s in sympy.sympify(n).free_symbols}
    sizes = sorted(set(scope.table.sizes.values()) & (written | free_symbols(lhs) | free_symbols(rhs)), key=str)
    if not sizes:
        return _decision(Verdict.UNKNOWN, "none", why)
    minimums, held = size_minimums(scope), []
    for value in SAMPLE_SIZES:
        binding = {size: Integer(max(value, minimums.get(size, 1))) for size in sizes}
        fixed = ", ".join(f"{size} = {number}" for size, number in binding.items())
        decision = _decide_matrix(lhs.xreplace(binding), rhs.xreplace(binding), _bind_scope(scope, binding), case, settings,
                                  free, scalar)
        if decision.verdict.fails:
            return replace(decision, reason=f"{decision.reason} (at {fixed})")
        if decision.verdict.holds:
            held.append(fixed)
    if not held:
        return _decision(Verdict.UNKNOWN, "none", f"{why}; undecided at the sizes tried")
    return _decision(Verdict.NUMERIC, "sampled sizes", f"{why}; holds at {'; '.join(held)} (no proof for a general size)")


def _decided_entries(lhs, rhs, scope: Scope, rows: Expr, cols: Expr,
                     decide_entry: Callable[[Expr, Expr, Universe], Decision]) -> list[tuple[str, Decision]]:
    """(position, decision) of the entries. A general entry (a row and a column symbol over
    their declared ranges) decides for every position; at an explicit size it is tried first,
    and kept only when proved or refuted (a refutation is re-checked at a point, which names
    the position); else, or where a side is written out entry by entry, each entry is
    decided on its own."""
    if not _explicit_size(rows, cols):
        return [(where, decide_entry(l, r, universe)) for where, l, r, universe in _general_entry(lhs, rhs, scope, rows, cols)]
    general = _general_decision(lhs, rhs, scope, rows, cols, decide_entry)
    if general is not None:
        return [general]
    decided = []
    for where, left, right, universe in _each_entry(lhs, rhs, scope, rows, cols):
        decided.append((where, decide_entry(left, right, universe)))
        if decided[-1][1].verdict is Verdict.REFUTED:
            break  # nothing is weaker, and `_weakest` keeps the first refuted entry
    return decided


_GENERAL_ENOUGH = (Verdict.PROVED, Verdict.REFUTED)  # a weaker verdict may be stronger entry by entry


def _general_decision(lhs, rhs, scope: Scope, rows: Expr, cols: Expr,
                      decide_entry: Callable[[Expr, Expr, Universe], Decision]) -> Optional[tuple[str, Decision]]:
    try:
        ((where, left, right, universe),) = _general_entry(lhs, rhs, scope, rows, cols)
    except (NeedsConcreteSizes, Unsupported):  # an explicit matrix has no general entry
        return None
    decision = decide_entry(left, right, universe)
    return (where, decision) if decision.verdict in _GENERAL_ENOUGH else None


def _explicit_size(rows: Expr, cols: Expr) -> bool:
    return bool(rows.is_Integer and cols.is_Integer and rows * cols <= MAX_EXPLICIT_ENTRIES)


def _each_entry(lhs, rhs, scope: Scope, rows: Expr, cols: Expr):
    """(position, lhs entry, rhs entry, universe) for every entry of an explicit size."""
    base = Universe.from_scope(scope)
    first_row, first_col = base.axis_lower(rows), base.axis_lower(cols)
    writer = EntryWriter(base)
    return [(f"({r}, {c})", _written(writer, lhs, r, c), _written(writer, rhs, r, c), base)
            for r in range(int(first_row), int(first_row + rows))
            for c in range(int(first_col), int(first_col + cols))]


def _general_entry(lhs, rhs, scope: Scope, rows: Expr, cols: Expr):
    """[(position, lhs entry, rhs entry, universe)] for one entry at a symbolic row (and
    column, unless there is one), with its range."""
    base = Universe.from_scope(scope)
    first_row, first_col = base.axis_lower(rows), base.axis_lower(cols)
    names = _fresh_names([lhs, rhs], scope, 2)
    row = Symbol(names[0], integer=True)
    extra = {row: (first_row, first_row + rows - 1)}
    col = first_col
    if cols != 1:
        col = Symbol(names[1], integer=True)
        extra[col] = (first_col, first_col + cols - 1)
    universe = Universe.from_scope(scope, extra)
    writer = EntryWriter(universe)
    return [(f"({row}, {col})", _written(writer, lhs, row, col), _written(writer, rhs, row, col), universe)]


def _written(writer: EntryWriter, expr: Expr, row: Expr, col: Expr) -> Expr:
    """Entry (row, col) of `expr`, with the inner products inside it (exp(u^T v) u) written
    in the document's indices too, as in a scalar equation."""
    return index_elements(writer.entry(expr, row, col), writer)


def _shapes(lhs, rhs) -> Decision:
    try:
        left, right = shape_of(lhs), shape_of(rhs)
    except ShapeMismatch as error:
        return _decision(Verdict.REFUTED, "shapes", str(error))
    except Unsupported as error:
        return _decision(Verdict.UNKNOWN, "none", str(error))
    if all(sympy.expand(sympy.sympify(a) - b) == 0 for a, b in zip(left, right)):
        return _decision(Verdict.PROVED, "shapes", f"both sides are {show(left)}")
    return _decision(Verdict.REFUTED, "shapes", f"left side is {show(left)}, right side is {show(right)}")


# ---------------------------------------------------------------- givens and definitions


def _contradicting_given(scope: Scope, free: frozenset, settings: Settings) -> Optional[Decision]:
    """A given that defines every entry of a constrained symbol (y_k = 1 with k not a free
    index of the claim) is checked against the declared domain: if it contradicts it,
    the claim is vacuous, and says so instead of using it."""
    for fact in scope.assumptions:
        definition = None if is_entry_fact(fact, free) else given_as_definition(fact)
        name = _target_name(definition.target) if definition is not None else ""
        declaration = scope.table.declarations.get(name)
        if declaration is None or not _DOMAIN_CHECKS.get(declaration.domain):
            continue
        others = [d for d in scope.definitions if d.target != definition.target]
        check = _definition(definition, Scope(scope.table, others + [definition], []), settings)
        if check.verdict.fails:
            return _decision(Verdict.UNKNOWN, "givens",
                             f"vacuous: the given {fact.lhs} = {fact.rhs} contradicts the declared domain of "
                             f"{name} ({declaration.domain.value}): {check.reason}", counterexample=check.counterexample)
    return None



def _target_name(target: object) -> str:
    return str(getattr(target, "label", None) or getattr(target, "name", None) or target)


def _definition(definition: CompiledDefinition, scope: Scope, settings: Settings) -> Decision:
    name = _target_name(definition.target)
    declaration = scope.table.declarations.get(name)
    domain = declaration.domain if declaration is not None else Domain.REAL
    checks = _DOMAIN_CHECKS.get(domain, ())
    if not checks and domain is Domain.REAL:
        return _decision(Verdict.PROVED, "no constraint", f"{name} is {domain.value}: nothing to check")
    if not checks:
        return _decision(Verdict.UNKNOWN, "none", f"{name} is declared {domain.value}: its values are not checked")
    universe, rules = Universe.from_scope(scope), rules_from_scope(scope)
    results = []
    for check in checks:
        results.append(("", check(definition, universe, rules, settings)))
        if results[-1][1].verdict is Verdict.REFUTED:
            break  # nothing is weaker: the checks left cannot change the verdict
    decision = _weakest(results)
    if decision.verdict.holds:
        return replace(decision, reason=f"{name} is {domain.value}: " + "; ".join(d.reason for _, d in results))
    return decision


def _sum_over_range(definition: CompiledDefinition, universe: Universe) -> Optional[Expr]:
    if not definition.params:
        return None
    index = definition.params[-1]
    bounds = universe.ranges.get(index)
    if bounds is None:
        shape = universe.shape(_target_name(definition.target))
        if not shape:
            return None
        lower = universe.axis_lower(shape[-1])
        bounds = (lower, lower + shape[-1] - 1)
    return Sum(definition.body, (index, *bounds))


def _sums_to_one(definition, universe: Universe, rules: Rules, settings: Settings) -> Decision:
    total = _sum_over_range(definition, universe)
    if total is None:
        return _decision(Verdict.UNKNOWN, "none", "no index range to sum the entries over")
    decision = _decide_scalar(total, Integer(1), universe, rules, Condition(), settings)
    if decision.verdict.holds:
        return replace(decision, reason="entries sum to 1")
    if decision.verdict.fails:
        index = definition.params[-1]
        return replace(decision, verdict=Verdict.REFUTED, condition=None,
                       reason=f"declared to sum to 1, but the sum over {index} of the entries is not 1")
    return decision


def _two_values(square: Callable[[Expr], Expr], domain: str, values: str) -> Callable:
    """A check that every entry is one of two values, as the square of the body is
    `square(body)` (b^2 = b: 0 or 1; s^2 = 1: -1 or +1)."""
    def check(definition, universe: Universe, rules: Rules, settings: Settings) -> Decision:
        body = definition.body
        decision = _decide_scalar(body**2, square(body), universe, rules, Condition(), settings)
        if decision.verdict.holds:
            return replace(decision, reason=f"entries are {values}")
        return replace(decision, verdict=Verdict.REFUTED if decision.verdict.fails else decision.verdict,
                       condition=None, reason=f"declared {domain}, but an entry is not {values}")
    return check


def _sign(strict: bool, flip: bool = False) -> Callable:
    """A check that the body (or 1 - body) is positive (strict) or nonnegative."""
    def check(definition, universe: Universe, rules: Rules, settings: Settings) -> Decision:
        body = definition.body
        value = 1 - body if flip else body
        bound = _BOUND_WORDS[(flip, strict)]
        return _sign_check(value, universe, rules, settings, strict, bound)

    return check


_SIGN_WORDS = {True: "> 0", False: ">= 0"}
# what a sign check of the body (flip False) or of 1 - body (flip True) says of an entry
_BOUND_WORDS = {(False, True): "> 0", (False, False): ">= 0", (True, True): "< 1", (True, False): "<= 1"}


def _sign_check(value: Expr, universe: Universe, rules: Rules, settings: Settings, strict: bool,
                bound: str) -> Decision:
    work = _work(value, Integer(0), universe, rules, settings)
    unfolded = work.guarded("unfold", lambda: Unfolder(rules)(value), 0.3)
    if unfolded is None:
        return _unknown(work, "could not unfold the definitions")
    sign = (lambda e: e.is_positive) if strict else (lambda e: e.is_nonnegative)
    if work.guarded("signs", lambda: sign(atomize(unfolded, work.facts)), 0.1):
        return _decision(Verdict.PROVED, "symbolic: signs of the factors", f"entries are {bound}")
    found = work.guarded("sign sampling", lambda: _sample_sign(work, unfolded, strict, bound), 0.4)
    return found if found is not None else _unknown(work, f"could not show the entries are {bound}")


def _violates(number: Expr, strict: bool) -> bool:
    return bool(number <= 0) if strict else bool(number < 0)


def _recheck_sign(work: Work, point, unfolded: Expr, strict: bool) -> Optional[Counterexample]:
    """Confirm a sign violation: evaluated afresh with more digits, exact or with margin,
    at a point inside the domain."""
    value = point.evaluate(unfolded, fresh=True)
    if not (in_domain(point, work.universe) and satisfies_facts(point, work.universe)):
        return None
    if not value.is_Rational:
        number = sympy.N(value, work.settings.precision + EXTRA_DIGITS)
        if not (number.is_real and number < -DIFFERENT_MARGIN * max(1, abs(number))):
            return None
    elif not _violates(value, strict):
        return None
    return Counterexample(point.describe([unfolded]), show_value(value), _SIGN_WORDS[strict])


def _sample_sign(work: Work, unfolded: Expr, strict: bool, bound: str) -> Optional[Decision]:
    """Small exact points, then seeded random ones, until `samples` points have the sign (a
    sign that an enclosure of the value certifies needs no exact evaluation)."""
    settings = work.settings
    points = itertools.chain(
        exact_points([unfolded], work.universe),
        random_points([unfolded], work.universe, random.Random(settings.seed), settings.sizes,
                      attempts=2 * settings.samples),
    )
    checked = 0
    closed = not free_of(unfolded)
    for point in points:
        if closed or not certainly_signed(enclosed_at(point, unfolded, settings.precision), strict):
            comparison = compare_at(point, unfolded, Integer(0), settings.precision)
            if comparison is None:
                continue
            if _violates(sympy.N(comparison.lhs, settings.precision), strict):
                cex = _recheck_sign(work, point, unfolded, strict)
                if cex is not None:
                    return _decision(Verdict.REFUTED, "counterexample",
                                     f"declared {bound}, but an entry is not", counterexample=cex)
                continue
        checked += 1
        if checked >= settings.samples:
            return _decision(Verdict.NUMERIC, f"numeric {checked} pts @{settings.precision} digits",
                             f"entries are {bound} at {checked} points (evidence)")
    return None


_DOMAIN_CHECKS: dict[Domain, tuple[Callable, ...]] = {
    Domain.POSITIVE: (_sign(strict=True),),
    Domain.NONNEGATIVE: (_sign(strict=False),),
    Domain.UNIT_INTERVAL: (_sign(strict=True), _sign(strict=True, flip=True)),
    Domain.PROBABILITY: (_sums_to_one, _sign(strict=True)),
    Domain.ONE_HOT: (_sums_to_one, _two_values(lambda body: body, "one-hot", "0 or 1")),
    Domain.BINARY: (_two_values(lambda body: body, "binary", "0 or 1"),),
    Domain.SIGN: (_two_values(lambda body: Integer(1), "sign", "-1 or +1"),),
}
