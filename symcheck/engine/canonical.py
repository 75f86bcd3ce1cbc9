"""From a step as parsed to the forms the rungs compare.

1. ``rename_bound``: bound variables get names no substitution can capture;
2. ``unfold``: definitions (and given equations ``f(x) = ...``, ``Z = ...``) replaced by
   their bodies, repeatedly (bounded), and derivatives evaluated bottom-up. Inside
   ``Derivative(e, s[i])`` the symbol differentiated by (``s``) is kept as a variable
   even if it has a definition: a partial derivative by s treats s as independent; it is
   unfolded once the derivative is done;
3. ``canonical``: the case condition applied and the index calculus (`indexcalc`) run
   with the declared ranges and vector facts; given equations whose left side is not a
   plain name (``Sum(y[k], (k, 1, K)) = 1``) rewrite what they match.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Optional

import sympy
from sympy import Derivative, Expr, Indexed, IndexedBase, Subs, Symbol
from sympy.core.function import AppliedUndef, FunctionClass

from symcheck.engine.memo import Memo
from symcheck.engine.indexcalc import Condition, IndexFacts, eliminate_normalized, normalize, rebuild, rename_bound
from symcheck.engine.sampling import Universe
from symcheck.model.symbols import CompiledDefinition, Scope

MAX_UNFOLD_DEPTH = 8


class UnfoldError(ValueError):
    """Definitions that keep unfolding (a definition using itself)."""


@dataclass(frozen=True)
class Rule:
    params: tuple[Symbol, ...]
    body: Expr


@dataclass(frozen=True)
class Rules:
    """Definitions by the kind of their target, keyed by name; other given equations."""

    indexed: dict[str, Rule] = field(default_factory=dict)
    symbols: dict[str, Rule] = field(default_factory=dict)
    functions: dict[str, Rule] = field(default_factory=dict)
    rewrites: tuple[tuple[Expr, Expr], ...] = ()

    def key(self) -> tuple:
        """The rules as one hashable value (equal rules, equal keys)."""
        return self._key

    @functools.cached_property
    def _key(self) -> tuple:
        return tuple(tuple(sorted(table.items())) for table in (self.indexed, self.symbols, self.functions)) + (self.rewrites,)


# a chain's member is a side of two steps: each side is unfolded and brought to canonical form
# under the same rules once, not once per step
_UNFOLDED, _CANONICAL, _DERIVATIVES = Memo(2048), Memo(2048), Memo(2048)
# and neighbouring members share most of their terms: each term is unfolded once too
_WALKED = Memo(16384)
_RULE_SETS = Memo(1024)  # a token per set of rules, hashed once (its key is a long tuple)


def _unique_bound(body: Expr, tag: str) -> Expr:
    """Bound variables of a definition body renamed `_<tag>_<n>`, distinct from any
    symbol an actual argument can contain (once per body: every decision builds its rules)."""
    hashable = isinstance(body, sympy.Basic) and body.__hash__
    return _unique_bound_once(body, tag) if hashable else _renamed_uniquely(body, tag)


@functools.lru_cache(maxsize=4096)
def _unique_bound_once(body: Expr, tag: str) -> Expr:
    return _renamed_uniquely(body, tag)


def _renamed_uniquely(body: Expr, tag: str) -> Expr:
    renamed = rename_bound(body)
    bound = sorted((s for s in renamed.atoms(Symbol) if str(s).startswith("_k")), key=str)
    return renamed.xreplace({s: Symbol(f"_{tag}{s}", integer=True) for s in bound})


_TARGET_KINDS = {IndexedBase: "indexed", Symbol: "symbols"}


def _kind_of(target: object) -> str:
    for kind, name in _TARGET_KINDS.items():
        if isinstance(target, kind):
            return name
    if isinstance(target, FunctionClass):
        return "functions"
    raise ValueError(f"cannot unfold a definition of {target!r}")


def _target_name(target: object) -> str:
    return str(target.label) if isinstance(target, IndexedBase) else str(getattr(target, "name", target))


def definition_rule(definition: CompiledDefinition, tag: str) -> tuple[str, str, Rule]:
    kind = _kind_of(definition.target)
    rule = Rule(tuple(definition.params), _unique_bound(sympy.sympify(definition.body), tag))
    return kind, _target_name(definition.target), rule


def given_as_definition(fact: object) -> Optional[CompiledDefinition]:
    if not isinstance(fact, sympy.Eq):
        return None
    lhs = fact.lhs
    if isinstance(lhs, Symbol):
        return CompiledDefinition(lhs, (), fact.rhs)
    if isinstance(lhs, Indexed) and all(isinstance(i, Symbol) for i in lhs.indices):
        return CompiledDefinition(lhs.base, tuple(lhs.indices), fact.rhs)
    if isinstance(lhs, AppliedUndef) and all(isinstance(a, Symbol) for a in lhs.args):
        return CompiledDefinition(lhs.func, tuple(lhs.args), fact.rhs)
    return None


def is_entry_fact(fact: object, free_indices: frozenset) -> bool:
    """A given such as y_j = 1 whose indices are all free indices of the equation at hand:
    it fixes that entry for the bound index only, never every entry of y."""
    return (isinstance(fact, sympy.Eq) and isinstance(fact.lhs, Indexed)
            and all(index in free_indices for index in fact.lhs.indices))


_RULES = Memo(256)  # the steps of a document share its definitions and givens


def rules_from_scope(scope: Scope, free_indices: frozenset = frozenset()) -> Rules:
    """Definitions and given equations as rules; a given about the entry of the equation's
    free indices (`is_entry_fact`) rewrites that entry only. Once per definitions, givens
    and free indices."""
    key = (tuple(scope.definitions), tuple(scope.assumptions), free_indices)
    return _RULES.get(key, _rules_from_scope, scope, free_indices)


def _rules_from_scope(scope: Scope, free_indices: frozenset) -> Rules:
    tables: dict[str, dict[str, Rule]] = {"indexed": {}, "symbols": {}, "functions": {}}
    rewrites = []
    definitions = list(scope.definitions)
    for fact in scope.assumptions:
        if isinstance(fact, sympy.Eq):
            as_definition = None if is_entry_fact(fact, free_indices) else given_as_definition(fact)
            if as_definition is None:
                rewrites.append((rename_bound(fact.lhs), fact.rhs))
            else:
                definitions.append(as_definition)
    for number, definition in enumerate(definitions):
        kind, name, rule = definition_rule(definition, f"d{number}")
        tables[kind][name] = rule
    return Rules(tables["indexed"], tables["symbols"], tables["functions"], tuple(rewrites))


# ---------------------------------------------------------------- unfolding


def _target_of(expr: Expr) -> Optional[tuple[str, str]]:
    if isinstance(expr, Indexed):
        return "indexed", expr.base.name  # str(label), kept by the base
    if isinstance(expr, Symbol):
        return "symbols", expr.name
    if isinstance(expr, AppliedUndef):
        return "functions", expr.func.__name__  # str(func)
    return None


def _arguments(expr: Expr) -> tuple[Expr, ...]:
    if isinstance(expr, Indexed):
        return tuple(expr.indices)
    return tuple(expr.args) if isinstance(expr, AppliedUndef) else ()


class Unfolder:
    """Unfolds definitions and evaluates derivatives, bottom-up."""

    def __init__(self, rules: Rules):
        self.rules = rules
        self.tables = {"indexed": rules.indexed, "symbols": rules.symbols, "functions": rules.functions}
        self.rule_set = _RULE_SETS.get(rules.key(), object)

    def __call__(self, expr: Expr) -> Expr:
        expr = sympy.sympify(expr)
        return _UNFOLDED.get((self.rule_set, expr), lambda: rename_bound(self._at_points(self._walk(rename_bound(expr), frozenset(), 0))))

    def _at_points(self, expr: Expr) -> Expr:
        """The chain rule's d g(h(x)) / d h(x) (what SymPy leaves of d/dx g(h(x)), g and h stand-in
        functions) as g' at a point, Subs(dg(u)/du, u, h(x)): one form for g'(h(x)) whatever h is,
        which stays a derivative once g and h are sampled. Its point is unfolded (h defined: x^2),
        as every other value is. Only derivatives by function values alone (not by an entry
        x_1, not mixed with a variable x, not where the value is inside a derivative) are rewritten."""
        if not expr.has(Derivative):
            return expr
        return expr.replace(_by_function_values, lambda derivative: self._at_point(derivative))

    def _at_point(self, derivative: Derivative) -> Expr:
        values = tuple(dict.fromkeys(derivative.variables))
        points = {value: sympy.Dummy("at") for value in values}  # bound by the Subs: nothing captured
        body = self._at_points(derivative.expr).xreplace(points)
        variables = [(points[v], count) for v, count in derivative.variable_count]
        return Subs(Derivative(body, *variables), tuple(points.values()),
                    tuple(self._walk(value, frozenset(), 0) for value in values))

    def _walk(self, expr: Expr, protected: frozenset, depth: int) -> Expr:
        if depth > MAX_UNFOLD_DEPTH:
            raise UnfoldError("definitions unfold without end")
        if not expr.args:
            return self._unfolded(expr, protected, depth)
        return _WALKED.get((self.rule_set, expr, protected, depth), self._unfolded, expr, protected, depth)

    def _unfolded(self, expr: Expr, protected: frozenset, depth: int) -> Expr:
        if isinstance(expr, Derivative):
            return self._derivative(expr, protected, depth)
        if isinstance(expr, sympy.Limit):  # the limit's variable is bound: a definition of that name stays out
            inner, variable, point, direction = expr.args
            bound = protected | ({_target_of(variable)} - {None})
            return rebuild(expr, [self._walk(inner, bound, depth), variable, self._walk(point, protected, depth), direction])
        if isinstance(expr, Indexed):  # the base is a name, not something to unfold
            expr = rebuild(expr, [expr.base] + [self._walk(i, protected, depth) for i in expr.indices])
        elif expr.args:
            expr = rebuild(expr, [self._walk(arg, protected, depth) for arg in expr.args])
        if isinstance(expr, Subs):
            expr = expr.doit(deep=False)
        return self._unfold_here(expr, protected, depth)

    def _unfold_here(self, expr: Expr, protected: frozenset, depth: int) -> Expr:
        target = _target_of(expr)
        if target is None or target in protected:
            return expr
        kind, name = target
        rule = self.tables[kind].get(name)
        arguments = _arguments(expr)
        if rule is None or len(rule.params) != len(arguments):
            return expr
        body = rule.body.xreplace(dict(zip(rule.params, arguments)))
        return self._walk(body, protected, depth + 1)

    def _derivative(self, expr: Derivative, protected: frozenset, depth: int) -> Expr:
        variables = {_target_of(v) for v in expr.variables} - {None}
        inner = self._walk(expr.expr, protected | variables, depth)
        _refuse_whole_vector(inner, expr.variables)
        done = _derivative_done(inner, expr.variable_count)
        return self._walk(done, protected, depth) if done != expr else done


def _by_function_values(expr: Expr) -> bool:
    """A derivative by values of stand-in functions only (h(x)), none of which is inside a
    derivative or substitution in its body, where replacing it by a symbol would change it."""
    if not isinstance(expr, Derivative) or not all(isinstance(v, AppliedUndef) for v in expr.variables):
        return False
    return not any(node.has(v) for node in expr.expr.atoms(Derivative, Subs) for v in expr.variables)


def _derivative_done(inner: Expr, variable_count: tuple) -> Expr:
    """SymPy's derivative of `inner`, once per derivative: the same one recurs in the sides of
    several steps (a chain's members, an erratum and its intended form), and, with entries
    numbered (ds_2/dz_3), in every entry of a matrix of known size: it is taken once with
    a symbol for each number (`_general_entries`) and the numbers are put back."""
    general, numbers = _general_entries(inner, variable_count)
    done = _DERIVATIVES.get(general, lambda: _real_derivative(*general))
    return done.xreplace(numbers) if numbers else done


def _real_derivative(expr: Expr, variable_count: tuple) -> Expr:
    """SymPy's derivative with every name of no stated kind taken as real, as the engine takes
    them everywhere: for a complex x, d|x|/dx is written with the derivatives of re(x) and
    im(x), which no point can be put into."""
    reals = {s: sympy.Dummy(s.name, real=True) for s in expr.free_symbols
             if isinstance(s, Symbol) and s.is_real is None}
    if not reals:
        return Derivative(expr, *variable_count).doit(deep=False)
    counts = tuple((variable.xreplace(reals), count) for variable, count in variable_count)
    done = Derivative(expr.xreplace(reals), *counts).doit(deep=False)
    return done.xreplace({real: name for name, real in reals.items()})


GENERAL_ENTRY_PREFIX = "_entry"


def _general_entries(inner: Expr, variable_count: tuple) -> tuple[tuple[Expr, tuple], dict[Symbol, Expr]]:
    """(inner, variable_count) with each number used as an entry's index (s[2]) replaced by
    an integer symbol, numbered in the order met (so ds_2/dz_3 and ds_1/dz_4 share one
    form), and the symbols' numbers. The derivative holds for every value of the symbols
    (distinct or equal: SymPy writes KroneckerDelta for the difference), so the numbers may
    be put back in it. Nothing is replaced where a name could clash."""
    parts = (*(v for v, _ in variable_count), inner)
    entries = [e for part in parts for e in sympy.preorder_traversal(part)
               if isinstance(e, Indexed) and any(i.is_Integer for i in e.indices)]
    numbers = dict.fromkeys(i for e in entries for i in e.indices if i.is_Integer)
    symbols = {n: Symbol(f"{GENERAL_ENTRY_PREFIX}{k}", integer=True) for k, n in enumerate(numbers)}
    if not symbols or any(str(s).startswith(GENERAL_ENTRY_PREFIX) for p in parts for s in p.free_symbols):
        return (inner, variable_count), {}
    general = {e: e.func(e.base, *(symbols.get(i, i) for i in e.indices)) for e in entries}
    variables = tuple((v.xreplace(general), count) for v, count in variable_count)
    return (inner.xreplace(general), variables), {s: n for n, s in symbols.items()}


def _refuse_whole_vector(expr: Expr, variables: tuple) -> None:
    """d/ds_1 of f(s), f a function of the whole vector s (not elementwise): SymPy sees no
    s_1 in f(s) and would say 0. Not decided: the derivative needs f's partial derivatives."""
    whole = {str(m.name) for m in expr.atoms(sympy.MatrixSymbol)}
    for variable in variables:
        name = str(variable.base.label) if isinstance(variable, Indexed) else getattr(variable, "name", None)
        if name in whole and not isinstance(variable, sympy.MatrixSymbol):
            raise UnfoldError(f"a derivative by {variable} of an expression with the whole of {name} in it")


# ---------------------------------------------------------------- canonical forms


def index_facts(universe: Universe, condition: Condition) -> IndexFacts:
    facts = IndexFacts(ranges=dict(universe.ranges), minimums=dict(universe.minimums),
                       normalized=universe.normalized())
    return condition.facts(facts)


def canonical(unfolded: Expr, universe: Universe, rules: Rules, condition: Condition) -> Expr:
    """The condition applied and the index calculus run (bound variables canonical)."""
    facts = index_facts(universe, condition)
    known = (facts.ranges, facts.minimums, facts.normalized)
    key = (unfolded, rules.rewrites, condition, facts.distinct, *(frozenset(part.items()) for part in known))
    return _CANONICAL.get(key, _canonical, unfolded, facts, rules, condition)


def _canonical(unfolded: Expr, facts: IndexFacts, rules: Rules, condition: Condition) -> Expr:
    expr = normalize(condition.apply(unfolded), facts)
    for lhs, rhs in rules.rewrites:
        pattern = normalize(lhs, facts)
        if not pattern.is_Number and expr.has(pattern):
            expr = normalize(expr.xreplace({pattern: rhs}), facts)
    return eliminate_normalized(expr, facts.normalized)
