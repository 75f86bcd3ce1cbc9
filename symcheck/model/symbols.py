"""The SymPy objects that a document's declarations stand for.

Representation conventions shared by the notation layer and the engine:

- a size N is ``Symbol("N", integer=True, positive=True)``;
- an index i is ``Symbol("i", integer=True)``; its range lives in ``SymbolTable.index_ranges``;
- a scalar x is ``Symbol("x", real=True)`` (or positive=True ...);
- a vector a of size N is ``IndexedBase("a")``; its entry a_i is ``a[i]`` (scalar);
  the bare vector in a matrix context is ``MatrixSymbol("a", N, 1)`` (see ``matrix_symbol``);
- a matrix y with shape (n, K) is ``IndexedBase("y")``; entry ``y[n, k]``;
- a row x_i of a declared matrix x (n, p), a member of the family x_1..x_n in R^p, is
  ``Row(MatrixSymbol("x", n, p), i)``, a column vector of size p with entries ``x[i, j]``;
- an arbitrary function g is ``Function("g")``; an elementwise one (``table.elementwise``)
  applied to a vector s is ``ElementwiseApplyFunction(Lambda(t, g(t)), s)``;
- a declared constant is its SymPy number (``table.constants``);
- a sum of vectors, sum_j c_j u_j, is ``MatrixSum(body, (j, lower, upper))``;
- definitions are unfolded by the engine; the notation layer never evaluates derivatives.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional, Union

import sympy
from sympy.matrices.expressions.matexpr import MatrixElement

from symcheck.model import Derivation, Domain, SymbolDecl, SymbolKind

ASSUMPTIONS_BY_DOMAIN: dict[Domain, dict[str, bool]] = {
    Domain.REAL: {"real": True},
    Domain.POSITIVE: {"positive": True},
    Domain.NONNEGATIVE: {"nonnegative": True},
    Domain.PROBABILITY: {"positive": True},
    Domain.ONE_HOT: {"nonnegative": True, "integer": True},
    Domain.UNIT_INTERVAL: {"positive": True},
    Domain.BINARY: {"nonnegative": True, "integer": True},
    Domain.SIGN: {"nonzero": True, "integer": True},
    Domain.INTEGER: {"integer": True},
}

Bound = Union[int, sympy.Symbol]


@dataclass
class SymbolTable:
    """Every declared name of one document, as SymPy objects, with domains and ranges."""

    sizes: dict[str, sympy.Symbol] = field(default_factory=dict)
    indices: dict[str, sympy.Symbol] = field(default_factory=dict)
    index_ranges: dict[sympy.Symbol, tuple[Bound, Bound]] = field(default_factory=dict)
    scalars: dict[str, sympy.Symbol] = field(default_factory=dict)
    bases: dict[str, sympy.IndexedBase] = field(default_factory=dict)
    functions: dict[str, sympy.FunctionClass] = field(default_factory=dict)
    declarations: dict[str, SymbolDecl] = field(default_factory=dict)
    constants: dict[str, sympy.Expr] = field(default_factory=dict)
    elementwise: frozenset[str] = frozenset()
    random: frozenset[str] = frozenset()  # the scalars declared random quantities
    plain_scalars: frozenset[str] = frozenset()  # vectors/matrices whose plain bare name is a scalar of its own
    summed: frozenset[sympy.Symbol] = frozenset()  # indices summed where a product repeats them (Einstein)
    spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # name -> its declared LaTeX
    index_sets: dict[str, tuple[Bound, Bound]] = field(default_factory=dict)  # set LaTeX (no spaces) -> range

    def shape(self, name: str) -> tuple[Bound, ...]:
        decl = self.declarations[name]
        return tuple(self.bound(axis) for axis in decl.shape)

    def bound(self, value: Union[int, str]) -> Bound:
        """A size name or literal as a SymPy object (sizes must be declared)."""
        if isinstance(value, int):
            return value
        return self.sizes[value]

    def domain_of(self, name: str) -> Domain:
        return self.declarations[name].domain

    def matrix_symbol(self, name: str) -> sympy.MatrixSymbol:
        """The bare vector or matrix `name` as a matrix expression (vectors are columns)."""
        shape = self.shape(name)
        rows, cols = (shape[0], 1) if len(shape) == 1 else shape
        return sympy.MatrixSymbol(name, rows, cols)

    def range_of(self, index: sympy.Symbol) -> Optional[tuple[Bound, Bound]]:
        return self.index_ranges.get(index)

    def set_range(self, latex: str) -> Optional[tuple[Bound, Bound]]:
        """The range of a declared index set, by its LaTeX (spaces ignored)."""
        return self.index_sets.get("".join(latex.split()))

    def size_values(self, fixed: dict[str, int]) -> dict[sympy.Symbol, sympy.Integer]:
        return {self.sizes[name]: sympy.Integer(value) for name, value in fixed.items()}

    def with_sizes(self, fixed: dict[str, int]) -> "SymbolTable":
        """A copy in which the named sizes are fixed numbers (e.g. a 3-class example)."""
        values = self.size_values(fixed)
        table = replace(self, sizes={name: values.get(size, size) for name, size in self.sizes.items()})
        table.index_ranges = {
            index: tuple(sympy.Integer(b) if isinstance(b, int) else b.xreplace(values) for b in bounds)
            for index, bounds in self.index_ranges.items()
        }
        return table


def build_symbol_table(derivation: Derivation) -> SymbolTable:
    table = SymbolTable()
    for size in derivation.sizes:
        if size.alias is None:
            table.sizes[size.name] = sympy.Symbol(size.name, integer=True, positive=True)
    for size in derivation.sizes:
        if size.alias is not None:
            table.sizes[size.name] = table.sizes[size.alias]
    for index in derivation.indices:
        symbol = sympy.Symbol(index.name, integer=True)
        table.indices[index.name] = symbol
        table.index_ranges[symbol] = (table.bound(index.lower), table.bound(index.upper))
        if index.set:
            table.index_sets["".join(index.set.split())] = table.index_ranges[symbol]
    table.summed = frozenset(table.indices[index.name] for index in derivation.indices if index.summed)
    for decl in derivation.symbols:
        table.declarations[decl.name] = decl
        assumptions = ASSUMPTIONS_BY_DOMAIN[decl.domain]
        if decl.kind is SymbolKind.SCALAR:
            table.scalars[decl.name] = sympy.Symbol(decl.name, **assumptions)
        else:
            table.bases[decl.name] = sympy.IndexedBase(decl.name, **assumptions)
    for function in derivation.functions:
        table.functions[function.name] = sympy.Function(function.name, **({"positive": True} if function.positive else {}))
    table.elementwise = frozenset(f.name for f in derivation.functions if f.elementwise)
    table.random = frozenset(d.name for d in derivation.symbols if d.random and d.kind is SymbolKind.SCALAR)
    table.plain_scalars = frozenset(d.name for d in derivation.symbols if d.plain_scalar)
    for constant in derivation.constants:
        table.constants[constant.name] = constant.value
    for decl in (*derivation.symbols, *derivation.functions, *derivation.constants):
        spelled = ((decl.latex,) if decl.latex else ()) + decl.other_latex
        if spelled:
            table.spellings[decl.name] = spelled
    return table


class Row(sympy.MatrixExpr):
    """Row `index` of the declared matrix `matrix` (n, p), as a column vector of size p: the
    member x_i of a family x_1, ..., x_n in R^p declared as one n x p matrix."""

    _diff_wrt = True  # \frac{\partial L}{\partial \mathbf{x}_i}: the engine writes it by the entries x[i, k]

    def __new__(cls, matrix: sympy.MatrixSymbol, index: sympy.Expr):
        return super().__new__(cls, matrix, sympy.sympify(index))

    @property
    def matrix(self) -> sympy.MatrixSymbol:
        return self.args[0]

    @property
    def index(self) -> sympy.Expr:
        return self.args[1]

    @property
    def shape(self) -> tuple:
        return (self.matrix.shape[1], sympy.Integer(1))

    def _entry(self, i, j, **kwargs):
        """SymPy's (0-based) entry stays an element of this row; the engine writes it in the
        document's indices (`engine.matrixcalc.index_elements`)."""
        return MatrixElement(self, i, j)

    def _latex(self, printer) -> str:
        return f"{printer._print(self.matrix)}_{{{printer._print(self.index)}}}"

    def _sympystr(self, printer) -> str:
        return f"{printer._print(self.matrix)}_{printer._print(self.index)}"


class EventProbability(sympy.Symbol):
    """P(X = 1 and Y = 3): the probability of an event written in the note, a number in
    [0, 1] named by the event; nothing is known of it but what the note states."""


class MatrixSum(sympy.MatrixExpr):
    """The sum of a vector- or matrix-valued body over an index, sum_j c_j u_j (SymPy's Sum
    takes scalars only); entry-wise it is the Sum of the body's entries."""

    def __new__(cls, body: sympy.MatrixExpr, limit: tuple):
        return super().__new__(cls, body, sympy.Tuple(*limit))

    @property
    def function(self) -> sympy.MatrixExpr:
        """The summed term, under SymPy's Sum's name for it (code walking sums reads either)."""
        return self.args[0]

    @property
    def limits(self) -> tuple:
        return (tuple(self.args[1]),)

    @property
    def shape(self) -> tuple:
        return self.function.shape

    @property
    def free_symbols(self) -> set:
        index, lower, upper = self.args[1]
        return (self.function.free_symbols - {index}) | lower.free_symbols | upper.free_symbols

    _entry = Row._entry

    def _sympystr(self, printer) -> str:
        return f"MatrixSum({printer._print(self.function)}, {printer._print(self.args[1])})"


@dataclass(frozen=True)
class CompiledDefinition:
    """target(params) := body, e.g. S[j] := exp(a[j]) / Sum(exp(a[k]), (k, 1, N)).

    `target` is a Symbol, an IndexedBase or a Function class; `params` are the free
    indices or arguments on the left-hand side, replaced by the actual ones on unfolding.
    """

    target: object
    params: tuple[sympy.Symbol, ...]
    body: sympy.Expr


@dataclass
class Scope:
    """What the engine may use when deciding a step: the symbol table, the definitions
    it may unfold, and facts that hold in the document (e.g. sum_k y_k = 1)."""

    table: SymbolTable
    definitions: list[CompiledDefinition] = field(default_factory=list)
    assumptions: list[sympy.Basic] = field(default_factory=list)
