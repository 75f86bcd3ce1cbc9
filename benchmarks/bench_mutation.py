"""Mutation testing of the engine: small wrong edits of true steps must never pass.

Every step and claim of the derivation files (and of any extra derivation files named on
the command line) that the file states without an erratum is mutated, one edit at a time,
on its compiled right-hand side (claims: either side): sign, index, dropped factor or term,
constant, exponent, summation limit, symbol swap, relation flip (a case condition = <-> !=,
and the chain's own condition). Each mutant is decided by the engine. A mutant that passes
(proved, proved-for-sizes, numeric, or conditional on its own chain's case) is then judged
by an oracle that does not use the engine's verdict: both sides, definitions unfolded, are
evaluated with SymPy at concrete sizes (declared minimum and above), random index values
and random values in the declared domains, at 30 digits. Equal everywhere: an equivalent
mutant. Different somewhere: a FALSE PROOF.

    python benchmarks/bench_mutation.py [--limit N] [--seed S] [-j J] [--timeout T] [paths...]
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import time
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Iterator, Optional

import sympy
from sympy import Add, Indexed, Integer, Mul, Piecewise, Pow, Product, Sum, Symbol
from sympy.core.function import AppliedUndef

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from symcheck.engine.canonical import UnfoldError, Unfolder, rules_from_scope  # noqa: E402
from symcheck.engine.expectation import has_operators, operator_name  # noqa: E402
from symcheck.engine.ladder import decide_equation  # noqa: E402
from symcheck.engine.matrixcalc import EntryWriter, is_matrix, shape_of  # noqa: E402
from symcheck.engine.sampling import Universe, free_symbols, write_out_sums  # noqa: E402
from symcheck.engine.settings import Settings  # noqa: E402
from symcheck.load.derivation import InputError, derivation_files, load_derivation  # noqa: E402
from symcheck.model import Domain, Verdict  # noqa: E402
from symcheck.runtime.parallel import parallel_map  # noqa: E402
from symcheck.verify.documents import holds  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
from latex_mutations import TEX_KINDS, LatexMutant, compiled, latex_mutants, letters_of  # noqa: E402

KINDS = ("sign", "index", "drop", "constant", "exponent", "limit", "symbol", "relation") + TEX_KINDS


# ---------------------------------------------------------------- mutations


def _nodes(expr) -> list:
    return [node for node in sympy.preorder_traversal(expr) if isinstance(node, sympy.Basic)]


def _swap(expr, old, new):
    return expr.xreplace({old: new})


def _mutations(expr, table) -> Iterator[tuple[str, object]]:
    """(kind, mutated expression) for every single edit of `expr`."""
    if not isinstance(expr, sympy.Basic):
        return
    nodes = _nodes(expr)
    indices = list(table.indices.values())
    for node in nodes:
        if isinstance(node, Add):
            for arg in node.args:
                yield "sign", _swap(expr, node, node - 2 * arg)
                yield "drop", _swap(expr, node, node - arg)
        elif isinstance(node, Mul) and not is_matrix(node):
            for arg in node.args:
                if arg != -1:
                    yield "drop", _swap(expr, node, node / arg)
            yield "sign", _swap(expr, node, -node)
        elif isinstance(node, Pow) and node.exp.is_Number:
            yield "exponent", _swap(expr, node, node.base ** (node.exp + 1))
            yield "exponent", _swap(expr, node, node.base ** (2 * node.exp))
        elif isinstance(node, sympy.Rational) and node not in (-1,):
            yield "constant", _swap(expr, node, node + 1)
            yield "constant", _swap(expr, node, 2 * node + 1)
        elif isinstance(node, (Sum, Product)):
            variable, lower, upper = node.limits[0]
            yield "limit", _swap(expr, node, node.func(node.function, (variable, lower, upper - 1), *node.limits[1:]))
            yield "limit", _swap(expr, node, node.func(node.function, (variable, lower + 1, upper), *node.limits[1:]))
            yield "limit", _swap(expr, node, node.func(node.function, (variable, lower, upper + 1), *node.limits[1:]))
        elif isinstance(node, Indexed):
            for position, index in enumerate(node.indices):
                others = [other for other in indices if isinstance(index, Symbol) and other != index]
                for other in others[:3]:
                    changed = list(node.indices)
                    changed[position] = other
                    yield "index", _swap(expr, node, node.base[tuple(changed)])
        elif isinstance(node, Piecewise):
            for n, (value, condition) in enumerate(node.args):
                if isinstance(condition, (sympy.Eq, sympy.Ne)):
                    flipped = (sympy.Ne if isinstance(condition, sympy.Eq) else sympy.Eq)(*condition.args)
                    args = list(node.args)
                    args[n] = (value, flipped)
                    yield "relation", _swap(expr, node, Piecewise(*args))
    bases = list(table.bases.values())
    for base in {e.base for e in expr.atoms(Indexed)}:
        shape = table.declarations[str(base.label)].shape
        others = [other for other in bases if other != base and table.declarations[str(other.label)].shape == shape]
        for other in others[:2]:
            yield "symbol", expr.replace(lambda e: isinstance(e, Indexed) and e.base == base,
                                         lambda e, other=other: other[e.indices])
    scalars = list(table.scalars.values())
    for symbol in expr.free_symbols & set(scalars):
        for other in [other for other in scalars if other != symbol][:2]:
            yield "symbol", _swap(expr, symbol, other)


def _true_equations(document) -> list:
    found = [eq for chain in document.chains for eq in chain.equations if eq.kind == "step" and eq.intended is None]
    return found + [eq for eq in document.claims if eq.kind == "claim" and eq.intended is None]


def mutants(paths: list[Path], latex: bool = False) -> list[tuple[str, str, object]]:
    """(file:line, kind, mutated equation), deduplicated, in a stable order; with `latex`,
    also edits of the written LaTeX (`LatexMutant`, read again when run)."""
    found = []
    for path in derivation_files(paths):
        try:
            document = load_derivation(path)
        except InputError as error:  # e.g. a corpus note's notation file: not a derivation
            print(f"skipped {path}: {error.message}", file=sys.stderr)
            continue
        table = document.scope.table
        for eq in _true_equations(document):
            where = f"{path.name}:{eq.line}"
            seen = set()
            for side in ("rhs", "lhs") if eq.kind == "claim" else ("rhs",):
                for kind, mutated in _mutations(getattr(eq, side), table):
                    if mutated != getattr(eq, side) and (side, mutated) not in seen:
                        seen.add((side, mutated))
                        found.append((where, kind, replace(eq, **{side: mutated})))
            if eq.chain_condition is not None and isinstance(eq.chain_condition, (sympy.Eq, sympy.Ne)):
                flipped = (sympy.Ne if isinstance(eq.chain_condition, sympy.Eq) else sympy.Eq)(*eq.chain_condition.args)
                found.append((where, "relation", replace(eq, chain_condition=flipped)))
            if latex:
                found += latex_mutants(path, where, eq, letters_of(table))
    return found


# ---------------------------------------------------------------- the oracle (no engine verdict)


def _value(domain: Domain, rng: random.Random) -> sympy.Rational:
    low, high = {Domain.POSITIVE: (1, 3000), Domain.NONNEGATIVE: (0, 3000), Domain.UNIT_INTERVAL: (1, 999),
                 Domain.PROBABILITY: (1, 999), Domain.ONE_HOT: (0, 1)}.get(domain, (-3000, 3000))
    return sympy.Rational(rng.randint(low, high), 1000)


def _values(concrete, universe: Universe, sizes: dict, rng: random.Random) -> dict:
    """Random values in the declared domains at these sizes; probability / one-hot lines
    complete (the last axis' length is the declared size at this point)."""
    values = {}
    for atom in sorted(concrete.atoms(Indexed), key=str):
        name = str(atom.base.label)
        domain = universe.domain(name)
        shape = universe.shape(name)
        length = shape[-1].xreplace(sizes) if shape else None
        if domain in (Domain.PROBABILITY, Domain.ONE_HOT) and shape and length.is_Integer:
            lower = sympy.sympify(universe.axis_lower(shape[-1])).xreplace(sizes)
            line = [atom.base[(*atom.indices[:-1], lower + n)] for n in range(int(length))]
            if line[0] in values:
                continue
            weights = [rng.randint(1, 1000) for _ in line] if domain is Domain.PROBABILITY else None
            hot = rng.randrange(len(line))
            for n, entry in enumerate(line):
                values[entry] = (sympy.Rational(weights[n], sum(weights)) if weights else Integer(int(n == hot)))
        elif atom not in values:
            values[atom] = _value(domain, rng)
    for symbol in sorted(concrete.free_symbols - set(values), key=str):
        if isinstance(symbol, Symbol):
            domain = universe.domain(str(symbol)) if str(symbol) in universe.table.declarations else (
                Domain.POSITIVE if symbol.is_positive else Domain.REAL)
            values[symbol] = _value(domain, rng)
    return values


def _functions(expr, rng: random.Random, operators: bool = True) -> dict:
    """A fixed smooth function for each function applied in expr (E, Var and Cov too unless
    `operators` is False), of as many arguments as it is given: (function, arity) -> Lambda."""
    found = {}
    for applied in sorted(expr.atoms(AppliedUndef), key=str):
        key = (applied.func, len(applied.args))
        if (operators or operator_name(applied) is None) and key not in found:
            args = sympy.symbols(f"x_0:{len(applied.args)}")
            scale, shift = sympy.Rational(rng.randint(1, 9), 4), rng.randint(1, 5)
            found[key] = sympy.Lambda(args, sum(scale * (n + 1) * a ** 2 + sympy.sin(a) for n, a in enumerate(args)) + shift)
    return found


def _apply(expr, functions: dict):
    return expr.replace(lambda e: isinstance(e, AppliedUndef) and (e.func, len(e.args)) in functions,
                        lambda e: functions[(e.func, len(e.args))](*e.args))


# ---------------------------------------------------------------- the oracle's finite distributions


class _NotANumber(Exception):
    """A random quantity outside E, Var or Cov: the side is not a number."""


def _distribution(symbols, randoms: frozenset, universe: Universe, rng: random.Random, outcomes: int) -> tuple:
    """Outcome probabilities (unequal, rational) and a value per constant, a tuple of values per random."""
    weights = [rng.randint(1, 9) for _ in range(outcomes)]
    probabilities = tuple(sympy.Rational(w, sum(weights)) for w in weights)
    model = {}
    for symbol in sorted(symbols, key=str):
        domain = universe.domain(str(symbol)) if str(symbol) in universe.table.declarations else Domain.REAL
        model[symbol] = tuple(_value(domain, rng) for _ in range(outcomes)) if symbol in randoms else _value(domain, rng)
    return probabilities, model


def _in_distribution(expr, model: dict, probabilities: tuple, randoms: frozenset, outcome: Optional[int] = None):
    """The exact value of expr: E[X] the probability-weighted mean of X over the outcomes,
    Var[X] = E[(X - E[X])^2], Cov[X, Y] = E[(X - E[X])(Y - E[Y])]."""
    def mean(inner):
        return sum(p * _in_distribution(inner, model, probabilities, randoms, k) for k, p in enumerate(probabilities))

    name = operator_name(expr)
    if name == "E" and len(expr.args) == 1:
        return mean(expr.args[0])
    if name in ("Var", "var") and len(expr.args) == 1:
        centred = expr.args[0] - mean(expr.args[0])
        return mean(centred ** 2)
    if name in ("Cov", "cov") and len(expr.args) == 2:
        x, y = expr.args
        return mean((x - mean(x)) * (y - mean(y)))
    if expr in randoms:
        if outcome is None:
            raise _NotANumber
        return model[expr][outcome]
    if isinstance(expr, Symbol):
        return model.get(expr, expr)
    if not expr.args:
        return expr
    return expr.func(*[_in_distribution(arg, model, probabilities, randoms, outcome) for arg in expr.args])


def _equal_in_distributions(lhs, rhs, universe: Universe, seed: int, points: int) -> Optional[bool]:
    """lhs = rhs with E, Var and Cov over the declared random scalars, judged in finite
    distributions (2 to 4 outcomes of unequal probability), as `equivalent` judges at points."""
    randoms = frozenset(universe.table.scalars[name] for name in universe.table.random)
    rng = random.Random(seed)
    compared = 0
    for attempt in range(4 * points):
        probabilities, model = _distribution(lhs.free_symbols | rhs.free_symbols, randoms, universe, rng, 2 + attempt % 3)
        functions = _functions(lhs + rhs, rng, operators=False)
        try:
            left, right = (_number(sympy.sympify(_in_distribution(_apply(side, functions), model, probabilities, randoms)))
                           for side in (lhs, rhs))
        except _NotANumber:
            return None
        verdict = _compare(left, right)
        if verdict is False:
            return False
        compared += verdict is True
        if compared >= points:
            break
    return True if compared else None


def _compare(left, right) -> Optional[bool]:
    """True: equal; False: different, or one side undefined; None: not comparable here."""
    if left is None or right is None or (left == "undefined" and right == "undefined"):
        return None
    return not ("undefined" in (left, right) or abs(left - right) > 1e-20 * max(1, abs(left), abs(right)))


def _number(value) -> Optional[object]:
    """A real float, "undefined", or None if not computable."""
    if value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo, Piecewise):
        return "undefined"
    if value.free_symbols:
        return None
    number = sympy.N(value, 30)
    real, imaginary = number.as_real_imag()
    if abs(imaginary) > 1e-25 * max(1, abs(real)):
        return "undefined"
    return real


def _scalar_sides(eq, universe: Universe):
    lhs, rhs = eq.lhs, eq.rhs
    if not (is_matrix(lhs) or is_matrix(rhs)):
        return lhs, rhs, {}
    # a scalar beside a 1x1 matrix (x^T A x = sum_ij x_i A_ij x_j) is that matrix's entry
    left, right = (shape_of(side) if is_matrix(side) else (Integer(1), Integer(1)) for side in (lhs, rhs))
    if any(sympy.expand(sympy.sympify(a) - b) != 0 for a, b in zip(left, right)):
        return None  # shapes differ: never equivalent
    writer, (row, col) = EntryWriter(universe), sympy.symbols("row_ col_", integer=True)
    extra = {row: (universe.axis_lower(left[0]), universe.axis_lower(left[0]) + left[0] - 1),
             col: (universe.axis_lower(left[1]), universe.axis_lower(left[1]) + left[1] - 1)}
    return writer.entry(lhs, row, col), writer.entry(rhs, row, col), extra


def _facts_hold(universe: Universe, concrete: dict, values: dict) -> bool:
    """The given equations that can be evaluated at the point hold there."""
    for fact in universe.facts:
        difference = _number((fact.lhs - fact.rhs).xreplace(concrete).doit().xreplace(values))
        if difference == "undefined" or (difference is not None and abs(difference) > 1e-20):
            return False
    return True


def equivalent(eq, seed: int, points: int = 8) -> Optional[bool]:
    """True: equal at every point evaluated; False: different (or one side undefined) at
    some point; None: nothing could be evaluated."""
    universe = Universe.from_scope(eq.scope)
    sides = _scalar_sides(eq, universe)
    if sides is None:
        return False
    lhs, rhs, extra = sides
    ranges = {**universe.ranges, **extra}
    condition = eq.chain_condition
    in_condition = condition.free_symbols if condition is not None else set()  # i != j with j in no side
    free = frozenset(s for s in free_symbols(lhs) | free_symbols(rhs) | in_condition if s in ranges)
    unfold = Unfolder(rules_from_scope(eq.scope, free))
    try:
        lhs, rhs = unfold(lhs), unfold(rhs)
    except UnfoldError:  # the oracle cannot write this out: nothing evaluated
        return None
    if universe.table.random and has_operators([lhs, rhs]):
        return _equal_in_distributions(lhs, rhs, universe, seed, points)
    rng = random.Random(seed)
    compared = 0
    for attempt in range(4 * points):
        sizes = {size: Integer(universe.minimums.get(size, 1) + attempt % 3) for size in universe.sizes()}
        chosen = {}
        for index in sorted(free, key=str):
            lower, upper = (sympy.sympify(b).xreplace(sizes) for b in ranges[index])
            if not (lower.is_Integer and upper.is_Integer) or upper < lower:
                break
            chosen[index] = Integer(rng.randint(int(lower), int(upper)))
        if condition is not None and condition.xreplace({**sizes, **chosen}) is not sympy.true:
            continue
        concrete = []
        for side in (lhs, rhs):
            side = write_out_sums(side.xreplace({**sizes, **chosen}))
            concrete.append(_apply(side, _functions(side, rng)).doit())
        values = _values(Add(*concrete), universe, sizes, rng)
        if not _facts_hold(universe, {**sizes, **chosen}, values):
            continue
        verdict = _compare(*(_number(side.xreplace(values)) for side in concrete))
        if verdict is None:
            continue
        if verdict is False:
            return False
        compared += 1
        if compared >= points:
            break
    return True if compared else None


# ---------------------------------------------------------------- running


def _passes(eq, decision) -> bool:
    return holds(eq, decision)


def run_one(task, settings: Settings) -> tuple[str, str, str]:
    where, kind, eq = task
    try:
        if isinstance(eq, LatexMutant):
            eq = compiled(eq)
    except InputError:
        return where, kind, "parse error"
    try:
        decision = decide_equation(eq, settings)
        if decision.verdict is Verdict.UNKNOWN:
            return where, kind, "unknown"
        if not _passes(eq, decision):
            return where, kind, "killed"
        verdict = equivalent(eq, settings.seed)
        return where, kind, {True: "equivalent", False: "FALSE PROOF", None: "unverified survivor"}[verdict]
    except Exception as error:  # noqa: BLE001 - a crash is a result here
        return where, kind, f"crash: {type(error).__name__}: {error}"[:200]


OUTCOMES = ("killed", "equivalent", "FALSE PROOF", "unverified survivor", "unknown", "parse error", "crash")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[ROOT / "derivations"])
    parser.add_argument("--limit", type=int, default=0, help="mutants to run (a seeded sample); 0 = all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-j", "--jobs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds per mutant")
    parser.add_argument("--only", help="mutants of FILE or FILE:LINE only (file name, e.g. 003_x_crossed_smigh.toml:26)")
    parser.add_argument("--no-latex", action="store_true", help="no edits of the written LaTeX")
    args = parser.parse_args(argv)
    tasks = mutants(list(args.paths) + _corpus_derivations(), latex=not args.no_latex)
    if args.only:
        tasks = [task for task in tasks if _matches(task[0], args.only)]
    if args.limit:
        tasks = random.Random(args.seed).sample(tasks, min(args.limit, len(tasks)))
    settings = Settings(step_timeout=args.timeout, seed=args.seed)
    started = time.perf_counter()
    results = parallel_map(run_one, tasks, args.jobs, settings) if args.jobs > 1 else [run_one(t, settings) for t in tasks]
    report(results, time.perf_counter() - started)
    return 1 if any(outcome == "FALSE PROOF" for _, _, outcome in results) else 0


def _corpus_derivations() -> list[Path]:
    """Derivation files in the public corpus (its notation, key and source files are not
    derivations, and are left out without a word)."""
    found = []
    for path in sorted((ROOT / "tests" / "corpus").glob("*/*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if "chains" in data or "claims" in data:
            found.append(path)
    return found


def _matches(where: str, only: str) -> bool:
    return where == only or where.rsplit(":", 1)[0] == only


def summarize(results) -> collections.Counter:
    return collections.Counter("crash" if outcome.startswith("crash") else outcome for _, _, outcome in results)


def print_counts(results, kinds: tuple, outcomes: tuple, width: int = 14) -> None:
    """The totals per outcome, then a table of outcomes per kind of mutant."""
    totals = summarize(results)
    print("  " + "  ".join(f"{name}: {totals.get(name, 0)}" for name in outcomes))
    print(f"{'kind':10}" + "".join(f"{name[:width - 2]:>{width}}" for name in outcomes))
    for kind in kinds:
        counts = summarize([r for r in results if r[1] == kind])
        print(f"{kind:10}" + "".join(f"{counts.get(name, 0):>{width}}" for name in outcomes))


def report(results, seconds: float) -> None:
    print(f"mutants: {len(results)}  ({seconds:.0f} s)")
    print_counts(results, KINDS, OUTCOMES)
    for where, kind, outcome in results:
        if outcome in ("FALSE PROOF", "unverified survivor") or outcome.startswith("crash"):
            print(f"  {outcome}: {where} ({kind})")


if __name__ == "__main__":
    sys.exit(main())
