"""Properties of the whole `check` pipeline on index notation: true identities over declared
vectors and matrices (sums, Kronecker deltas, transposes, products), one side written in
vector notation and the other printed by SymPy's LaTeX printer from an index expression,
are never refuted; the same identity with one planted error (a coefficient, a vector for
another, a free index, a summation limit, a delta's index, a dropped term, a missing
transpose) is never passed. Notation: tests/redteam/index.toml. The long run is
benchmarks/bench_index_properties.py."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import sympy
from hypothesis import given, settings as hypothesis_settings, strategies as st
from sympy import IndexedBase, KroneckerDelta, Sum

from symcheck.engine.settings import Settings
from symcheck.verify.notes import check_note

NOTATION = Path(__file__).parent / "redteam" / "index.toml"
n, m = sympy.symbols("n m", integer=True, positive=True)
i, j, k, r, l = sympy.symbols("i j k r l", integer=True)
a, b, x, A, B = (IndexedBase(name) for name in "abxAB")


@dataclass(frozen=True)
class Piece:
    """A true identity: `written` (vector notation) = `index` (printed by SymPy); `untransposed`
    is `written` with a transpose left out, which makes it false."""

    written: str
    index: sympy.Expr
    untransposed: Optional[str] = None


PIECES = (
    Piece(r"\sum_{k=1}^{n} \delta_{i k} a_{k}", a[i]),
    Piece(r"(\mathbf{A}\mathbf{x})_i", Sum(A[i, l] * x[l], (l, 1, m))),
    Piece(r"\mathbf{a}^\top \mathbf{b}", Sum(a[k] * b[k], (k, 1, n))),
    Piece(r"(\mathbf{B}^\top \mathbf{a})_i", Sum(B[k, i] * a[k], (k, 1, n)), r"(\mathbf{B} \mathbf{a})_i"),
    Piece(r"(\mathbf{B}\mathbf{b})_j", Sum(B[j, k] * b[k], (k, 1, n))),
    Piece(r"\mathbf{a}^\top \mathbf{B}^\top \mathbf{b}", Sum(b[k] * Sum(B[k, r] * a[r], (r, 1, n)), (k, 1, n)),
          r"\mathbf{a}^\top \mathbf{B} \mathbf{b}"),
    Piece(r"\sum_{k=1}^{n} (a_k + b_k)", Sum(a[k], (k, 1, n)) + Sum(b[k], (k, 1, n))),
    Piece(r"\sum_{k=1}^{n} a_k", a[1] + Sum(a[k], (k, 2, n))),
    Piece(r"\sum_{k=1}^{n} \delta_{k j} b_k", b[j]),
    Piece(r"a_i b_j", Sum(KroneckerDelta(i, k) * a[k], (k, 1, n)) * b[j]),
)
COEFFICIENTS = (1, 2, 3, -1, -2)
ERRORS = ("coefficient", "vector", "free index", "limit", "delta", "drop", "transpose")


def _written(terms: list[tuple[int, str]]) -> str:
    text = ""
    for coefficient, latex in terms:
        sign = "-" if coefficient < 0 else "+"
        factor = "" if abs(coefficient) == 1 else f"{abs(coefficient)} "
        text += f" {sign} {factor}{latex}" if text else f"{'-' if coefficient < 0 else ''}{factor}{latex}"
    return text


def _planted(index: sympy.Expr, kind: str, rng: random.Random) -> sympy.Expr:
    """The index expression of one piece with one error; unchanged when the kind has no place."""
    entries = sorted(index.atoms(sympy.Indexed), key=str)
    bases = {entry.base for entry in entries}
    if kind == "vector" and bases & {a, b}:
        return index.xreplace({a: b} if a in bases else {b: a})
    if kind == "free index":
        free = sorted((index.free_symbols & {i, j}), key=str)
        if free:
            return index.xreplace({free[0]: j if free[0] == i else i})
    if kind == "limit":
        sums = sorted(index.atoms(Sum), key=str)
        if sums:
            chosen = rng.choice(sums)
            variable, lower, upper = chosen.limits[0]
            return index.xreplace({chosen: Sum(chosen.function, (variable, lower + 1, upper))})
    if kind == "delta":
        deltas = sorted(index.atoms(KroneckerDelta), key=str)
        if deltas:
            first, second = deltas[0].args
            return index.xreplace({deltas[0]: KroneckerDelta(j if first == i else i, second)})
    return index


def identity_note(chosen: list[int], coefficients: list[int], error: Optional[str], which: int, seed: int) -> str:
    """One display: a sum of pieces, written = printed; with `error`, one planted in piece `which`."""
    rng = random.Random(seed)
    pieces = [PIECES[n] for n in chosen]
    written = [(c, piece.written) for c, piece in zip(coefficients, pieces)]
    index = [c * piece.index for c, piece in zip(coefficients, pieces)]
    target = which % len(pieces)
    if error == "transpose" and pieces[target].untransposed:
        written[target] = (coefficients[target], pieces[target].untransposed)
    elif error == "drop" and len(index) > 1:
        index[target] = sympy.Integer(0)
    elif error is not None:
        changed = _planted(pieces[target].index, error, rng)
        if changed == pieces[target].index:  # the kind has no place in this piece: another coefficient
            changed = (coefficients[target] + 1) * pieces[target].index
            index[target] = changed
        else:
            index[target] = coefficients[target] * changed
    return f"$${_written(written)} = {sympy.latex(sympy.Add(*index))}$$\n"


def verdicts_of(folder: Path, text: str) -> list:
    (folder / "n.md").write_text(text, encoding="utf-8")
    result = check_note(folder / "n.md", NOTATION, Settings(step_timeout=20.0)).result
    return [step.decision.verdict for chain in result.chains for step in chain.steps]


identities = st.tuples(
    st.lists(st.integers(0, len(PIECES) - 1), min_size=1, max_size=3, unique=True),
    st.lists(st.sampled_from(COEFFICIENTS), min_size=3, max_size=3),
)


@hypothesis_settings(max_examples=12, deadline=None, derandomize=True, database=None)
@given(identity=identities, error=st.sampled_from(ERRORS), which=st.integers(0, 2))
def test_a_true_identity_holds_and_a_planted_error_never_passes(tmp_path_factory, identity, error, which):
    chosen, coefficients = identity
    folder = tmp_path_factory.mktemp("identity")
    true = identity_note(chosen, coefficients, None, which, 0)
    wrong = identity_note(chosen, coefficients, error, which, 0)
    assert not any(verdict.fails for verdict in verdicts_of(folder, true)), true
    assert not any(verdict.holds for verdict in verdicts_of(folder, wrong)), wrong


def test_every_piece_is_read_and_holds(tmp_path):
    """The pieces are true as SymPy prints them: the property above is not vacuous."""
    text = "\n".join(identity_note([n], [1], None, 0, 0) for n in range(len(PIECES)))
    verdicts = verdicts_of(tmp_path, text)
    assert len(verdicts) == len(PIECES) and all(verdict.holds for verdict in verdicts), verdicts
