"""The data every stage exchanges, and nothing that computes it.

- this module: declarations, steps, verdicts, decisions, results (plain dataclasses);
- `symbols`: what the declarations stand for in SymPy (a `Scope`: symbol table, definitions);
- `compiled`: a derivation after reading, as SymPy equations ready for the engine.

Stage 1: may import `symcheck.runtime` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Optional, Union

LineRef = Union[int, tuple[int, int]]


def format_line(line: Optional[LineRef]) -> Optional[Union[int, str]]:
    """A line reference as JSON shows it: an int, or "a-b" for a range."""
    if isinstance(line, tuple):
        return f"{line[0]}-{line[1]}"
    return line


UNPARSABLE = "unparsable"  # the strategy of a decision on math that could not be read
RELATION_NOT_CHECKED = "relation not checked"  # the strategy of a relation (\\propto, \\in ...) seen, not checked


class Verdict(str, Enum):
    PROVED = "proved"
    PROVED_FOR_SIZES = "proved-for-sizes"
    NUMERIC = "numeric"
    CONDITIONAL = "conditional"
    REFUTED = "refuted"
    UNKNOWN = "unknown"

    @property
    def holds(self) -> bool:
        """True for verdicts that support the step as written (numeric is evidence, not proof)."""
        return self in (Verdict.PROVED, Verdict.PROVED_FOR_SIZES, Verdict.NUMERIC)

    @property
    def fails(self) -> bool:
        """True for verdicts that show the step as written is wrong in general."""
        return self in (Verdict.REFUTED, Verdict.CONDITIONAL)


# ---------------------------------------------------------------- declarations


class SymbolKind(str, Enum):
    SCALAR = "scalar"
    VECTOR = "vector"
    MATRIX = "matrix"


class Domain(str, Enum):
    REAL = "real"
    POSITIVE = "positive"
    NONNEGATIVE = "nonnegative"
    PROBABILITY = "probability"  # entries in (0, 1) that sum to 1 (vectors)
    ONE_HOT = "one-hot"  # entries in {0, 1}, exactly one 1 (vectors)
    UNIT_INTERVAL = "unit-interval"  # scalars in (0, 1)
    BINARY = "binary"  # 0 or 1
    SIGN = "sign"  # -1 or +1
    INTEGER = "integer"


@dataclass(frozen=True)
class SizeDecl:
    """A symbolic size such as N, K or c: a positive integer."""

    name: str
    minimum: int = 1
    alias: Optional[str] = None  # another name the author uses for the same size


@dataclass(frozen=True)
class IndexDecl:
    """An integer index ranging over lower..upper (upper is a size name or an int).

    `set` is the LaTeX of the set it ranges over, when the document names one
    (\\mathcal{V}, the vocabulary): \\sum_{i \\in \\mathcal{V}} sums over lower..upper.
    `summed`: the document uses Einstein's convention for it (`x_i a_{ij} x_j` sums over i and j)."""

    name: str
    lower: Union[int, str]
    upper: Union[int, str]
    set: Optional[str] = None
    summed: bool = False  # Einstein's convention: summed over its range where a product repeats it


@dataclass(frozen=True)
class SymbolDecl:
    """A declared symbol. Vectors are indexed by one index, matrices by two.

    `latex` is how the source writes the name when that is not plain (e.g. "\\mathcal{L}",
    "\\text{softmax}"), `other_latex` further spellings of the same symbol (\\mathbf{w} and w);
    `shape` holds size names or ints for each axis. A matrix of shape (n, p) is also the
    family of its rows: x_i, one index on it, is row i as a vector of size p.
    """

    name: str
    kind: SymbolKind = SymbolKind.SCALAR
    domain: Domain = Domain.REAL
    shape: tuple[Union[int, str], ...] = ()
    latex: Optional[str] = None
    other_latex: tuple[str, ...] = ()
    values: tuple = ()  # entries given by value (numbers or LaTeX), nested by axis; see load.values
    random: bool = False  # a random quantity: E[.], Var[.] average over it (see engine.expectation)
    plain_scalar: bool = False  # a vector/matrix spelled bold whose plain bare letter is a scalar of its own


@dataclass(frozen=True)
class FunctionDecl:
    """An arbitrary (undefined) differentiable function such as g(x) in the quotient rule.

    An `elementwise` function applied to a vector or matrix is applied to each entry
    (sigma(s) with sigma: R -> R)."""

    name: str
    arity: int = 1
    latex: Optional[str] = None
    other_latex: tuple[str, ...] = ()
    elementwise: bool = False
    positive: bool = False  # its values are > 0 (a density, a likelihood): log of it is defined


@dataclass(frozen=True)
class ConstantDecl:
    """A name that stands for a number: the imaginary unit written j, pi written \\varpi,
    a named numeric constant (g = 9.81). `value` is exact: a SymPy number built by the loader
    from a fixed vocabulary or a TOML number, never from text."""

    name: str
    value: object
    latex: Optional[str] = None
    other_latex: tuple[str, ...] = ()


@dataclass(frozen=True)
class RewriteRule:
    """Notation the source uses that the parser cannot read as written.

    `pattern` and `replacement` are LaTeX; #1..#9 in the pattern match one token or one
    braced group, and are substituted into the replacement. Applied to the token stream
    before parsing, so the LaTeX shown to the user stays the source's.
    """

    pattern: str
    replacement: str
    note: str = ""


@dataclass(frozen=True)
class Definition:
    """lhs := rhs, unfoldable by the engine, e.g. S_j := e^{a_j} / sum_k e^{a_k}.

    The lhs is a symbol, an indexed symbol (free indices become parameters), or a
    function application f(x).
    """

    latex: str
    line: Optional[LineRef] = None
    erratum: Optional["Erratum"] = None
    why: str = ""


# ---------------------------------------------------------------- steps, chains, claims


@dataclass(frozen=True)
class Erratum:
    """The author got this step wrong; `intended` is what they meant, verified too."""

    note: str
    intended: str


@dataclass(frozen=True)
class Step:
    latex: str
    line: Optional[LineRef] = None
    why: str = ""
    erratum: Optional[Erratum] = None
    source: Optional[str] = None


@dataclass(frozen=True)
class Chain:
    """Consecutive steps claimed equal, optionally under a case condition (e.g. "i = j")."""

    name: str
    steps: tuple[Step, ...]
    condition: Optional[str] = None
    sizes: tuple[tuple[str, int], ...] = ()  # sizes fixed for this chain, e.g. K = 3
    source: Optional[str] = None


@dataclass(frozen=True)
class Claim:
    """A standalone statement checked as an identity: `latex` is "lhs = rhs".

    `given` holds premises ("f(x) = g(x)/h(x)") that hold while checking the claim.
    `kind` is "identity" (must hold everywhere in the domain) or "shape" (matrix shapes
    in `latex` must agree).
    """

    name: str
    latex: str
    line: Optional[LineRef] = None
    given: tuple[str, ...] = ()
    condition: Optional[str] = None
    why: str = ""
    erratum: Optional[Erratum] = None
    kind: str = "identity"
    sizes: tuple[tuple[str, int], ...] = ()
    source: Optional[str] = None


@dataclass(frozen=True)
class GradientCheckSpec:
    """Finite-difference check of a closed-form gradient that does not trust the algebra.

    `loss` is LaTeX of a scalar loss in the vector `wrt`; `gradient` is LaTeX of the
    closed-form component `d loss / d wrt_index` with the free index `index`.
    """

    name: str
    loss: str
    wrt: str
    index: str
    gradient: str
    size: str
    sizes: tuple[int, ...] = (2, 3, 4, 5, 6)
    line: Optional[LineRef] = None


@dataclass(frozen=True)
class Coverage:
    """Which source lines hold math and why any of them are not encoded.

    `skipped` holds (first, last, reason) line ranges as written: a range is never expanded."""

    skipped: tuple[tuple[int, int, str], ...] = ()

    def reason_for(self, line: int) -> Optional[str]:
        """Why `line` is skipped (the last range naming it wins), or None."""
        found = None
        for first, last, reason in self.skipped:
            if first <= line <= last:
                found = reason
        return found


@dataclass(frozen=True)
class Derivation:
    path: str  # the derivation file
    source: str  # the source document's file name
    title: str
    sizes: tuple[SizeDecl, ...] = ()
    indices: tuple[IndexDecl, ...] = ()
    symbols: tuple[SymbolDecl, ...] = ()
    functions: tuple[FunctionDecl, ...] = ()
    constants: tuple[ConstantDecl, ...] = ()
    rewrites: tuple[RewriteRule, ...] = ()
    definitions: tuple[Definition, ...] = ()
    chains: tuple[Chain, ...] = ()
    claims: tuple[Claim, ...] = ()
    gradient_checks: tuple[GradientCheckSpec, ...] = ()
    coverage: Coverage = field(default_factory=Coverage)
    note: Optional[str] = None  # the note the LaTeX was read from (`note = "path"`), resolved


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class Counterexample:
    """A point inside the declared domain where the two sides differ, re-checked.

    Values are strings so that exact rationals and 50-digit floats print faithfully.
    """

    point: dict[str, str]
    lhs: str
    rhs: str


@dataclass(frozen=True)
class SamplePoint:
    """One point at which both sides of an equation were evaluated: the numeric evidence.

    `role` says which part of the engine used it ("numeric", "audit", "counterexample",
    "search"); values are strings, as in `Counterexample`, so that exact rationals and
    high-precision floats print faithfully. `error` is |lhs - rhs|, `None` when a side
    is undefined there (which is never agreement).
    """

    role: str
    point: dict[str, str]
    lhs: str
    rhs: str
    error: Optional[str]
    digits: int
    agrees: bool


@dataclass(frozen=True)
class Decision:
    """What the engine decided for one equation, with the evidence behind it."""

    verdict: Verdict
    strategy: str
    seconds: float
    reason: str = ""
    condition: Optional[str] = None
    counterexample: Optional[Counterexample] = None
    sizes: tuple[int, ...] = ()
    evidence: tuple[SamplePoint, ...] = ()


@dataclass(frozen=True)
class ErratumResult:
    note: str
    intended: str
    decision: Decision


@dataclass(frozen=True)
class Remark:
    """What a careful reader adds to a step beyond its verdict: a `warning` (a case-index
    typo) or a `note` (an error carried from an earlier line)."""

    severity: str  # "warning" | "note"
    message: str
    instead_of_verdict: bool = False  # said in place of the verdict's own message (a carried error)


@dataclass(frozen=True)
class Adoption:
    """A definition a note makes and the reader adopted (not checked as a claim)."""

    name: str
    line: int
    col: int
    latex: str
    kind: str = "definition"  # "definition" | "recurrence" | "equation solved"


@dataclass(frozen=True)
class Repair:
    """The smallest edit of a refuted step's LaTeX found to make it provably true.

    `latex` is the step as the author wrote it with one edit applied; `edit` says what
    changed (`kind`, e.g. "sign", and a description); `decision` is the engine's verdict
    on the repaired step. `tried` counts the candidates decided before this one.
    """

    latex: str
    kind: str
    description: str
    written: str  # the text the edit replaced ("" for an insertion)
    replacement: str
    offset: int  # where in the step's LaTeX
    decision: Decision
    tried: int = 0


@dataclass(frozen=True)
class StepResult:
    """The verdict on a step against its predecessor (or on a claim/definition).

    `compared_with` is where the member the step was compared with is ("line:col", notes).
    """

    kind: str  # "step", "claim", "definition"
    name: str
    source: str
    line: Optional[LineRef]
    latex: str
    decision: Decision
    expected: bool
    erratum: Optional[ErratumResult] = None
    previous_latex: Optional[str] = None
    remarks: tuple[Remark, ...] = ()
    compared_with: Optional[str] = None
    unread_at: Optional[int] = None  # caret in `latex`: where the reader stopped, or an entry off its axis
    repair: Optional[Repair] = None  # refuted steps only, when a proved repair was found
    column: Optional[int] = None  # where the member starts on its line (notes)
    relation: str = "eq"  # what the step claims between the sides: "eq", "le", "approx" ... (notes.rows.RELATION_NAMES)


@dataclass(frozen=True)
class ChainResult:
    name: str
    condition: Optional[str]
    steps: tuple[StepResult, ...]


@dataclass(frozen=True)
class GradientCheckResult:
    """A finite-difference check at one size, with the numbers behind its verdict.

    As in torch.autograd.gradcheck, a component passes when |fd - g| <= atol + rtol*|fd|,
    the finite difference fd being the reference; `max_excess` is the largest
    |fd - g| / (atol + rtol*|fd|) (at most 1 when the size passes). `sweep` holds
    (h, largest |fd - g|) for a range of step sizes h at one point, for the V-shaped plot.
    """

    name: str
    size: int
    max_abs_error: float
    max_rel_error: float
    points: int
    passed: bool
    error: str = ""  # why the check could not run (then it has not passed)
    atol: float = 0.0
    rtol: float = 0.0
    max_excess: float = 0.0
    step: float = 0.0
    sweep: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class DocumentResult:
    path: str
    source: str
    title: str
    definitions: tuple[StepResult, ...]
    chains: tuple[ChainResult, ...]
    claims: tuple[StepResult, ...]
    gradient_checks: tuple[GradientCheckResult, ...] = ()
    seconds: float = 0.0
    adopted: tuple[Adoption, ...] = ()

    def all_results(self) -> list[StepResult]:
        results = list(self.definitions)
        for chain in self.chains:
            results.extend(chain.steps)
        results.extend(self.claims)
        return results

    @property
    def all_expected(self) -> bool:
        return all(r.expected for r in self.all_results()) and all(
            g.passed for g in self.gradient_checks
        )
