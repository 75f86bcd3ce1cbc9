"""A derivation after parsing: every step as SymPy expressions, ready for the engine.

The loader (`symcheck.load.derivation`) produces these; the engine decides each `Equation`; the
report stage re-samples them for its numeric tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import sympy

from symcheck.model import Derivation, GradientCheckSpec, LineRef
from symcheck.model.symbols import Scope


@dataclass(frozen=True)
class Equation:
    """One thing to decide: lhs = rhs, in `scope`, optionally under a case condition.

    `chain_condition` is the case the author is in: holding only under it is expected.
    `intended` is the erratum's corrected equation; `erratum_note` its note.
    """

    kind: str  # "step", "conclusion", "claim", "definition", "shape"
    name: str
    source: str
    line: Optional[LineRef]
    latex: str
    lhs: object
    rhs: object
    scope: Scope
    chain_condition: Optional[sympy.Basic] = None
    condition_latex: Optional[str] = None
    previous_latex: Optional[str] = None
    intended: Optional["Equation"] = None
    erratum_note: Optional[str] = None


@dataclass(frozen=True)
class CompiledChain:
    name: str
    condition_latex: Optional[str]
    equations: tuple[Equation, ...]


@dataclass(frozen=True)
class CompiledGradientCheck:
    spec: GradientCheckSpec
    loss: sympy.Expr
    gradient: sympy.Expr
    wrt: sympy.IndexedBase
    index: sympy.Symbol
    size: sympy.Symbol
    scope: Scope


@dataclass
class CompiledDocument:
    derivation: Derivation
    scope: Scope
    definitions: list[Equation] = field(default_factory=list)
    chains: list[CompiledChain] = field(default_factory=list)
    claims: list[Equation] = field(default_factory=list)
    gradient_checks: list[CompiledGradientCheck] = field(default_factory=list)

    def equations(self) -> list[Equation]:
        found = list(self.definitions)
        for chain in self.chains:
            found.extend(chain.equations)
        found.extend(self.claims)
        return found
