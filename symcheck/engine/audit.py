"""The independent audit of every passing verdict: a small trusted kernel.

Before `proved`, `proved-for-sizes`, `numeric` (or `conditional`, under its case) is
reported, both sides are evaluated again from the unfolded original expressions (never
the canonical forms a proof used), with exact rational arithmetic where the values are
rational and `precision + EXTRA_DIGITS` digits otherwise, at seeded random points of the
declared domain: every size at its declared minimum and at larger sizes
(`AUDIT_POINTS`). At each point, enclosures of both values (`enclosure`: exact
rationals, else intervals with outward rounding) are tried first: when they certify that
the values agree to every one of those digits, no exact tree is built; anything else is
evaluated exactly. An enclosure is kept by the expression and the sizes, indices,
stand-in functions and values it reads (`enclosure.enclosed_all_at`): a chain's member,
a side of two steps, is enclosed once at a point both audits draw; sides that read
nothing from a point (no free symbol, no stand-in function) are compared once, and that
comparison is every point's. A point where the
sides differ, or where one side is undefined and the other defined, overrules the verdict: `refuted` when the point re-checks as a
counterexample, else `unknown` with "internal inconsistency" in the reason. Every
evaluated point is kept as evidence (role "audit").

Inconsistencies are also recorded in `INCONSISTENCIES`, so that the project's own test
suite fails on one (tests/conftest.py).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Optional, Sequence

from sympy import Expr
from sympy.core.function import AppliedUndef

from symcheck.engine.indexcalc import Condition
from symcheck.engine.rungs import (EXTRA_DIGITS, Comparison, Work, certified_agreement, compare_at, recheck, refuted,
                                   sample_point)
from symcheck.engine.sampling import atoms_of, in_domain, points_at_sizes, satisfies_facts
from symcheck.engine.walk import free_of
from symcheck.model import Decision, SamplePoint, Verdict

AUDIT_POINTS = ((0, 2), (1, 1))  # (size offset, points): 2 at the minimum sizes, 1 at minimum + 1
AUDIT_SHARE = 1.0  # of the step's time: the audit runs last and may use what is left
AUDIT_SEED_SHIFT = 7919  # the audit's points are not the numeric rung's
AUDITED = (Verdict.PROVED, Verdict.PROVED_FOR_SIZES, Verdict.NUMERIC, Verdict.CONDITIONAL)

INCONSISTENCIES: list[str] = []  # every internal inconsistency the audit caught, this process


@dataclass(frozen=True)
class AuditResult:
    evidence: tuple[SamplePoint, ...]
    failed_at: Optional[object] = None  # the first point where the sides disagree
    agreeing: int = 0


def evaluate(work: Work, sides: Sequence[Expr], condition: Condition) -> AuditResult:
    """Both unfolded sides at the audit's points; stops at the first disagreement."""
    settings = work.settings
    digits = settings.precision + EXTRA_DIGITS
    rng = random.Random(settings.seed + AUDIT_SEED_SHIFT)
    evidence: list[SamplePoint] = []
    settled: Optional[Comparison] = None  # sides that read nothing from a point compare alike at every point
    pointless = _pointless(sides)
    for point in points_at_sizes(sides, work.universe, rng, AUDIT_POINTS, condition):
        comparison = settled or certified_agreement(point, sides, digits) or compare_at(point, *sides, digits)
        settled = comparison if pointless else None
        if comparison is None or not (in_domain(point, work.universe) and satisfies_facts(point, work.universe)):
            continue
        evidence.append(sample_point("audit", point, comparison, sides, digits))
        if comparison.different:
            return AuditResult(tuple(evidence), point, sum(e.agrees for e in evidence))
    return AuditResult(tuple(evidence), None, sum(e.agrees for e in evidence))


def _pointless(sides: Sequence[Expr]) -> bool:
    """No side reads anything a point gives: no free symbol, no function a point stands in for."""
    return not any(free_of(side) or atoms_of(side, AppliedUndef) for side in sides)


def audited(work: Work, sides: Sequence[Expr], condition: Condition, decision: Decision) -> Decision:
    """`decision` with the audit's evidence, or overruled if the audit disagrees; not a
    pass when no point could be evaluated, unless the unfolded sides are the same expression."""
    if decision.verdict not in AUDITED or not work.settings.audit:
        return decision
    result = work.guarded("audit", lambda: evaluate(work, sides, condition), AUDIT_SHARE)
    if result is None:
        return replace(decision, verdict=Verdict.UNKNOWN, strategy="audit",
                       reason=f"the audit of '{decision.verdict.value}' did not finish ({decision.reason})")
    evidence = (*decision.evidence, *result.evidence)
    if result.failed_at is None and not result.agreeing and sides[0] != sides[1]:
        return replace(decision, verdict=Verdict.UNKNOWN, strategy="audit", evidence=evidence,
                       reason=f"the audit of '{decision.verdict.value}' evaluated no point of the declared domain, "
                              f"so nothing confirms it ({decision.reason})")
    if result.failed_at is None:
        return replace(decision, evidence=evidence)
    return _overruled(work, sides, condition, decision, result.failed_at, evidence)


def _overruled(work: Work, sides, condition: Condition, decision: Decision, point, evidence) -> Decision:
    claimed = f"{decision.verdict.value} by {decision.strategy}"
    INCONSISTENCIES.append(f"{claimed}: {sides[0]} = {sides[1]}")
    confirmed = recheck(work, point, condition, sides)
    if confirmed is None:
        return Decision(Verdict.UNKNOWN, "audit", 0.0,
                        f"internal inconsistency: {claimed}, but the audit's evaluation disagrees",
                        evidence=evidence)
    finding = refuted(confirmed, "audit", condition, evidence)
    return Decision(Verdict.REFUTED, "audit", 0.0,
                    f"{finding.reason} (internal inconsistency: {claimed}, overruled by the audit)",
                    condition.text or None, finding.counterexample, evidence=finding.evidence)
