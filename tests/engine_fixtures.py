"""Hand-built scopes for the engine's tests (no loader, no LaTeX)."""

from __future__ import annotations

from types import SimpleNamespace

import sympy

from symcheck.model import Derivation, Domain, FunctionDecl, IndexDecl, SizeDecl, SymbolDecl, SymbolKind
from symcheck.engine.settings import Settings
from symcheck.model.symbols import CompiledDefinition, Scope, build_symbol_table

VECTOR = SymbolKind.VECTOR
# These tests are about verdicts, not speed: a budget that a loaded CI machine cannot exhaust.
UNHURRIED = Settings(step_timeout=120.0)


def softmax_world():
    """Sizes N, K; indices i, j, k over 1..N; vectors a (real), S (probability, softmax of a),
    y (one-hot, size K), p (probability, size K), w (real, size K); scalar x; functions f, g, h."""
    derivation = Derivation(
        path="test.toml", source="test.txt", title="test",
        sizes=(SizeDecl("N"), SizeDecl("K")),
        indices=(IndexDecl("i", 1, "N"), IndexDecl("j", 1, "N"), IndexDecl("k", 1, "N"), IndexDecl("l", 1, "K")),
        symbols=(
            SymbolDecl("a", VECTOR, shape=("N",)),
            SymbolDecl("S", VECTOR, Domain.PROBABILITY, shape=("N",)),
            SymbolDecl("y", VECTOR, Domain.ONE_HOT, shape=("K",)),
            SymbolDecl("p", VECTOR, Domain.PROBABILITY, shape=("K",)),
            SymbolDecl("w", VECTOR, shape=("K",)),
            SymbolDecl("x"),
            SymbolDecl("u", domain=Domain.POSITIVE),
        ),
        functions=(FunctionDecl("f"), FunctionDecl("g"), FunctionDecl("h")),
    )
    table = build_symbol_table(derivation)
    world = SimpleNamespace(table=table, **table.bases, **table.scalars, **table.functions, **table.sizes,
                            **table.indices)
    world.Z = sympy.Sum(sympy.exp(world.a[world.k]), (world.k, 1, world.N))
    world.softmax = CompiledDefinition(world.S, (world.j,), sympy.exp(world.a[world.j]) / world.Z)
    world.scope = Scope(table, [world.softmax])
    world.bare = Scope(table, [])
    return world


def verdict_of(notation, latex: str) -> str:
    """The engine's verdict name on an equation written in LaTeX, read with `notation`."""
    from symcheck.engine.ladder import decide

    lhs, rhs = notation.equation(latex)
    return decide(lhs, rhs, Scope(notation.table, []), settings=UNHURRIED).verdict.name


def holds(notation, latex: str) -> bool:
    return verdict_of(notation, latex).startswith("PROVED")


def fails(notation, latex: str) -> bool:
    return verdict_of(notation, latex) == "REFUTED"


def sum_without_closed_form(world) -> tuple:
    """sum_{k=1}^N H_k = (N + 1) H_N - N: true for every N, with no closed form from SymPy's
    summation, so it is proved for sizes only."""
    return sympy.Sum(sympy.harmonic(world.k), (world.k, 1, world.N)), (world.N + 1) * sympy.harmonic(world.N) - world.N
