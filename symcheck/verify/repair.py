"""Suggested repairs: the smallest edit of a refuted step's LaTeX that the engine proves.

Candidates are text edits of the step as written (`symcheck.verify.edits`), cheapest
first; each is read by the notation reader (never evaluated) and decided by the full
engine (`decide_equation`, the same ladder as every step). The first one proved is the
repair; one that only holds numerically or for some sizes is not. The search has its own
time budget (`Settings.repair_budget`), apart from the step's.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from typing import Callable, Optional, Sequence

from symcheck.engine.indexcalc import parse_condition
from symcheck.engine.ladder import decide_equation
from symcheck.engine.settings import Settings
from symcheck.load.derivation import Compiler, InputError, checking_scope
from symcheck.model import Decision, Repair, SymbolKind, Verdict
from symcheck.model.compiled import Equation
from symcheck.runtime.limits import StepTimeout, time_limit
from symcheck.verify.edits import Edit, Vocabulary, candidates, last_side

MIN_CANDIDATE_SECONDS = 0.05
PROOF_STRATEGIES = ("symbolic", "exhaustive")  # what `proved` rests on; never numeric evidence


def vocabulary_of(compiler: Compiler, neighbours: Sequence[str] = ()) -> Vocabulary:
    table = compiler.table
    arrays = tuple(
        name for name, declaration in table.declarations.items()
        if declaration.kind is not SymbolKind.SCALAR and len(name) == 1
    )
    return Vocabulary(
        indices=tuple(name for name in table.indices if len(name) == 1),
        arrays=arrays,
        sizes=tuple(table.sizes),
        functions=tuple(table.functions),
        neighbours=tuple(n for n in neighbours if n),
    )


def proves(eq: Equation, decision: Decision) -> bool:
    """Proved, or proved under the chain's own case (what a case chain claims)."""
    if decision.verdict is Verdict.PROVED:
        return True
    if decision.verdict is not Verdict.CONDITIONAL or eq.chain_condition is None:
        return False
    try:
        own = parse_condition(eq.chain_condition).text
    except ValueError:
        return False
    return decision.condition == own and decision.strategy.startswith(PROOF_STRATEGIES)


def _restates(eq: Equation, edit: Edit, text: str) -> bool:
    """A repair that writes the other side again makes the step hold whatever it said: an added
    term or factor holding that side (`1` -> `\\sum_k y_k 1` under `\\sum_k y_k`, `20` -> `20 -
    \\binom{5}{2}` under `\\binom{5}{2}`), or an edited side that is that side as written
    (`x` -> `\\hat x` under `\\hat{x}`)."""
    others = [_bare(side) for side in ([eq.previous_latex] if eq.previous_latex else _sides_outside(eq.latex, edit))]
    added = _bare(edit.replacement)
    edited = _bare(text) if eq.previous_latex else None
    return any(side and (added and side in added or side == edited) for side in others)


def _bare(latex: str) -> str:
    """LaTeX without spaces and braces: `\\hat{x}` and `\\hat x` alike."""
    return re.sub(r"[\s{}]", "", latex)


def _adjusts_a_number(eq: Equation, edit: Edit) -> bool:
    """A term or factor added to an equation between numbers (`\\binom{4}{2} = 8` -> `8 - 2`)
    makes any such equation hold: it repairs nothing."""
    return edit.kind in ("add term", "add factor") and not any(
        getattr(side, "free_symbols", True) for side in (eq.lhs, eq.rhs))


def _sides_outside(latex: str, edit: Edit) -> list[str]:
    """The sides of `a = b` (split at each '=') that the edit does not touch."""
    sides, start = [], 0
    for part in latex.split("="):
        end = start + len(part)
        if end < edit.start or start > edit.end:
            sides.append(part)
        start = end + 1
    return sides


class Repairer:
    """Searches repairs of one document's refuted equations, with its reader."""

    def __init__(self, compiler: Compiler, settings: Settings):
        self.compiler, self.settings = compiler, settings
        self.rebuild: dict[str, Callable[[Equation, str], Equation]] = {
            "step": self._step, "claim": self._claim, "definition": self._definition,
        }

    def __call__(self, eq: Equation, decision: Decision, neighbours: Sequence[str] = ()) -> Optional[Repair]:
        if decision.verdict is not Verdict.REFUTED or eq.kind not in self.rebuild or self.settings.repair_budget <= 0:
            return None
        vocabulary = vocabulary_of(self.compiler, [eq.previous_latex or "", *neighbours])
        deadline = time.perf_counter() + self.settings.repair_budget
        try:
            with time_limit(self.settings.repair_budget):
                return self._search(eq, candidates(eq.latex, vocabulary, self._editable(eq, vocabulary)), deadline)
        except StepTimeout:
            return None

    @staticmethod
    def _editable(eq: Equation, vocabulary: Vocabulary) -> int:
        """A definition keeps what it defines: only its right-hand side is edited."""
        return last_side(eq.latex, vocabulary.functions) if eq.kind == "definition" else 0

    def _search(self, eq: Equation, listed: Sequence[tuple[str, Edit]], deadline: float) -> Optional[Repair]:
        for tried, (text, edit) in enumerate(listed, start=1):
            left = deadline - time.perf_counter()
            if left < MIN_CANDIDATE_SECONDS:
                return None
            candidate = self.read(eq, text)
            if candidate is None:
                continue
            decision = decide_equation(candidate, replace(self.settings, step_timeout=min(self.settings.step_timeout, left)))
            if proves(candidate, decision) and not _restates(eq, edit, text) and not _adjusts_a_number(eq, edit) \
                    and not self._annihilates(eq, edit):
                return Repair(text, edit.kind, edit.description, eq.latex[edit.start:edit.end], edit.replacement,
                              edit.start, decision, tried)
        return None

    def _annihilates(self, eq: Equation, edit: Edit) -> bool:
        """An added factor that is 0 under the notation makes any equation hold: it repairs nothing."""
        if edit.kind != "add factor":
            return False
        zero = self.read(replace(eq, kind="claim"), f"{edit.replacement.strip()} = 0")
        return zero is not None and decide_equation(zero, self.settings).verdict is Verdict.PROVED

    def read(self, eq: Equation, text: str) -> Optional[Equation]:
        """`eq` with `text` in place of its LaTeX, re-read; None when it cannot be read."""
        try:
            return self.rebuild[eq.kind](replace(eq, latex=text, intended=None, erratum_note=None), text)
        except InputError:
            return None
        except Exception:  # noqa: BLE001 - a candidate the reader trips on is not a repair
            return None

    def _step(self, eq: Equation, text: str) -> Equation:
        return replace(eq, rhs=self.compiler.expression(text))

    def _claim(self, eq: Equation, text: str) -> Equation:
        lhs, rhs = self.compiler.sides(text)
        return replace(eq, lhs=lhs, rhs=rhs)

    def _definition(self, eq: Equation, text: str) -> Equation:
        lhs, rhs = self.compiler.sides(text)
        return replace(eq, lhs=lhs, rhs=rhs, scope=checking_scope(eq.scope, self.compiler.defined(lhs, rhs, text)))
