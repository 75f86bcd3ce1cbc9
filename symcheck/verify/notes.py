"""`symcheck check`: the math of LaTeX/Markdown notes, checked with the engine of `verify`.

Notes are not derivation files, so this stage reads them the way a careful reader does,
and never passes math it did not check:
- a chain is a definition only when its left side is a fresh name (not defined before,
  not an index, not on its own right side) and the text says it defines: ``:=``,
  ``\\coloneqq``, ``\\equiv``, or prose ("let", "define", "where", "denote"). Every other
  chain is a claim and is checked; a second definition of a name is checked against the
  first. Adopted definitions are listed in the result (`adopted`); one of a name declared
  in a narrower domain (probability, positive ...) is checked against it once the whole
  note is read, since notes often define after use;
- the hypothesis of a `\\Rightarrow` or of an arrow between two equations
  (`f(x) = g(x)/h(x) \\Rightarrow ...`, `f(x) = 1/x \\rightarrow f'(x) = ...`), when it gives
  a fresh name a value, is assumed for the statement after it (and listed as adopted);
  any other premise is a claim and is checked;
- a case stated in prose holds for the displays that follow, until a heading, the next
  case or prose that closes it (`symcheck.notes.prose`); a trailing `\\text{if i = j}`
  is its own chain's case. Steps are checked under the case (it is assumed);
- an unreadable member is reported (warning, with the reader's message) and the chain is
  split around it: the next member is compared with the last readable one;
- after a refuted member, the next is compared with the last member that held and with
  the refuted one; following from the refuted one as written, it is a note ("the error
  there is carried"), not a second error.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Optional, Sequence

import sympy
from sympy.core.function import AppliedUndef

from symcheck.model.compiled import Equation
from symcheck.engine.antiderivatives import integration_variable
from symcheck.engine.settings import Settings
from symcheck.notes.casemath import qualifier_case
from symcheck.notes.chains import MathFragment
from symcheck.notes.extract import (
    MathChain, MathRelation, defined_commands, extract_claims, included_files, read_notes, spaced_math, unclosed_math,
)
from symcheck.notes.prose import Position, ProseReading, read_prose
from symcheck.notes.source import LINE_BREAK
from symcheck.load.derivation import (
    AmbiguousMath, Compiler, InputError, WrongShapes, checking_scope, definition_of, read_notation, require_utf8,
)
from symcheck.model import (
    UNPARSABLE, Adoption, ChainResult, Decision, Derivation, DocumentResult, Remark, StepResult, Verdict,
)
from symcheck.model.symbols import CompiledDefinition, Scope
from symcheck.verify.cases import case_index_remark
from symcheck.verify.deciding import NoteDecider, Recorder, ahead_workers, decided_ahead
from symcheck.verify.notedefs import (
    an_unadoptable_function, as_defined, carried_from_definitions, defined_unread, defines_every_entry, free_names,
    gives_a_probability, held_fixed, undecided_by_unread_definitions, named_constants, bare_functions_of_the_chain,
    with_real_spaces,
    introduces_its_left_side, mentions, names_a_starred, note_definition, note_parameters, reaches,
    applied_functions, explained_readings, prime_readings, read_primes_of, second_value, states_a_value, taken_as_definition, with_counted_sizes,
)
from symcheck.verify.hypotheses import Hypothesis, differentiated, hypothesis, in_force, unsolved, with_solved_values
from symcheck.verify.documents import Decider, has_constrained_domain, verify_equation
from symcheck.verify.notecheck import NoteCheck, notation_for
from symcheck.verify.premises import (
    SolvedEquations, after_assignment, after_recurrence, after_update, after_zero, solved_adoption, solved_for,
    stem_alias, taken_as_solved, under_premise,
)
from symcheck.verify.relations import RelationReader, merged
from symcheck.verify.repair import Repairer

_COMMAND = re.compile(r"\\([A-Za-z]+)")
NOT_A_CLAIM = "not a claim"
PREMISE = "premise (for the statement after it only)"
NOT_UNFOLDED = "name (its definition not unfolded: it stays a symbol)"


def _declarations(note: Path, notation: Optional[Path]) -> Derivation:
    if notation is None:
        return Derivation(path=str(note), source=note.name, title=note.name)
    return read_notation(notation)


def _at(member: MathFragment) -> str:
    return f"{member.line}:{member.col}"


@dataclass
class _Anchor:
    """A member a later one is compared with."""

    member: MathFragment
    expression: object


_STARRED = re.compile(r"\s*(.+?)\s*\^\s*(?:\*|\{\s*\*\s*\})\s*")
_CARRIED_LOOKBACK = 3  # refuted members a later one is compared with, the latest first


@dataclass
class _Ended:
    """Where a chain ended: the last member that held and the refuted ones after it."""

    held: Optional[_Anchor]
    wrong: tuple[_Anchor, ...]


def _wrong_definitions(definitions, pending: list[Equation], checked: tuple[StepResult, ...]) -> dict:
    """Each name whose definition is refuted (its values leave the declared domain), or rests
    on one that is, with the line of that refuted definition."""
    wrong = {eq.scope.definitions[-1].target: eq.line
             for eq, result in zip(pending, checked) if result.decision.verdict is Verdict.REFUTED}
    grew = bool(wrong)
    while grew:
        grew = False
        for definition in definitions:
            source = next((line for target, line in wrong.items() if mentions(definition.body, target)), None)
            if definition.target not in wrong and source is not None:
                wrong[definition.target], grew = source, True
    return wrong


class _NoteReader:
    def __init__(self, note: Path, declarations: Derivation, settings: Settings, own_commands: dict[str, int],
                 decider: Optional[Decider] = None):
        self.note, self.settings, self.decider = note, settings, decider
        self.compiler = Compiler.for_file(declarations)
        self.scope = self.compiler.scope()
        self.defined = {definition.target for definition in self.scope.definitions}
        self.entry_values: dict = {}  # an entry given a number inline (data) -> that number and where
        self.adopted: list[Adoption] = []
        self.restated: dict = {}  # (left side, case) of a display -> where its chain ended
        self.restating: dict = {}  # (line, col) of a member compared with a defined name -> that name
        self.repairs = Repairer(self.compiler, settings) if settings.repair_budget > 0 else None
        self.own_commands, self.rewrites = own_commands, declarations.rewrites
        self.premised: dict = {}  # a name some premise defined, for the statement after its arrow -> its line
        self.hypotheses: list[Hypothesis] = []  # stated in words ("given $x + y = 1$"), each with its reach

    # -- reading members ----------------------------------------------------------

    def unreadable(self, chain: MathChain, member: MathFragment, error: InputError) -> StepResult:
        decision = Decision(Verdict.UNKNOWN, UNPARSABLE, 0.0, reason=error.message)
        return StepResult("step", f"line {chain.line}", str(self.note), member.line, member.latex, decision, False,
                          unread_at=error.column, column=member.col)

    def not_checked(self, chain: MathChain, why: str) -> ChainResult:
        """A chain the reader sees but cannot check as written: one unread member, with why."""
        member = chain.members[-1]
        return ChainResult(f"line {chain.line}", None, (self.unreadable(chain, member, InputError(
            str(self.note), member.line, why, member.latex, 0)),))

    def off_axis(self, chain: MathChain, member: MathFragment, error: InputError,
                 why: str = "that entry is undefined") -> StepResult:
        """A member with an entry off its declared axis (a sum from k = 0 over classes 1..c), or
        whose declared shapes do not fit together: read, and wrong as written."""
        strategy = "shapes" if isinstance(error, WrongShapes) else "index ranges"
        decision = Decision(Verdict.REFUTED, strategy, 0.0, reason=f"{error.message}: {why}")
        return StepResult("step", f"line {chain.line}", str(self.note), member.line, member.latex, decision, False,
                          unread_at=error.column, column=member.col)

    def parse(self, chain: MathChain, given: list[CompiledDefinition]) -> tuple[list, list[StepResult]]:
        """Each member's expression (None where it cannot be read, or where an index runs off
        its axis) and the results of those members: unread, or refuted for the index."""
        members, skipped = [], []
        with bare_functions_of_the_chain(chain, self.compiler, self.read_or_none, self.adopted):
            for member in chain.members:
                self.parse_member(chain, member, given, members, skipped)
        return members, skipped

    def parse_member(self, chain: MathChain, member: MathFragment, given: list[CompiledDefinition], members: list,
                     skipped: list) -> None:
        """The member's expression onto `members`, or None there and its result onto `skipped`."""
        expression, unread = None, None
        try:
            self.refuse_own_commands(member)
            expression = self.compiler.checked_names(self.compiler.expression(member.latex, declared_wrong=True),
                                                     member.latex)
            expression = as_defined(self.refuse_unknown_dependence(member, expression, given),
                                    (*self.scope.definitions, *given))
            self.adopted += prime_readings(member, self.compiler.notation.prime_variables, self.adopted)
        except AmbiguousMath as error:
            unread = _warned(self.unreadable(chain, member, error), error.message)
        except WrongShapes as error:
            unread = self.off_axis(chain, member, error, "wrong as written")
        except InputError as error:
            unread = self.unreadable(chain, member, error)
        if unread is None:
            try:
                expression = self.compiler.checked_indices(expression, member.latex)
            except InputError as error:
                unread = self.off_axis(chain, member, error)
        members.append(expression if unread is None else None)
        skipped += [unread] if unread is not None else []

    def refuse_own_commands(self, member: MathFragment) -> None:
        """A command the note (re)defines means what the note says, not what the reader knows
        (`\\renewcommand{\\exp}{\\log}`): math using it is not read, unless the notation file
        rewrites it."""
        for match in _COMMAND.finditer(member.latex):
            line = self.own_commands.get(match.group(1))
            if line is not None and not any(match.group(0) in rule.pattern for rule in self.rewrites):
                raise InputError(str(self.note), member.line, f"{match.group(0)} is defined in the note itself "
                                 f"(line {line}): what it means there is not read", member.latex, match.start())

    def refuse_unknown_dependence(self, member: MathFragment, expression, given: list[CompiledDefinition]):
        """`expression`, unless it takes a derivative of a name that nothing declares or defines
        (`\\frac{dy}{dx}`, `\\frac{dJ}{dW}`): such a name may or may not depend on the variable,
        and read as an independent symbol its derivative would be 0."""
        table = self.compiler.table
        known = {*table.scalars.values(), *table.sizes.values(), *table.indices.values()}
        known |= {base.label for base in table.bases.values()}
        for definition in (*self.scope.definitions, *given):
            known |= {definition.target, getattr(definition.target, "label", None)}
        bound = getattr(expression, "atoms", lambda *_: ())(sympy.Sum, sympy.Product)
        known |= {limit[0] for big in bound for limit in big.limits}  # a summation index, bound around it
        known |= {v for matrix in getattr(expression, "atoms", lambda *_: ())(sympy.FunctionMatrix)
                  for v in matrix.lamda.variables}  # an entry's position in a matrix written with ellipses
        for derivative in getattr(expression, "atoms", lambda *_: ())(sympy.Derivative):
            variables = set().union(*(variable.free_symbols for variable in derivative.variables))
            held = held_fixed(variables, (*self.scope.definitions, *given)) if "\\partial" in member.latex else set()
            names = sorted(str(s) for s in derivative.expr.free_symbols - variables - known - held
                           if isinstance(s, sympy.Symbol))
            if names:
                raise InputError(str(self.note), member.line, (
                    f"a derivative of {', '.join(names)}, which nothing declares or defines: whether it depends on "
                    f"{', '.join(map(str, derivative.variables))} is not known (declare it or define it)"), member.latex, 0)
        return expression

    def read_or_none(self, latex: str) -> Optional[object]:
        try:
            return self.compiler.expression(latex)
        except InputError:
            return None

    # -- definitions ------------------------------------------------------------------

    def target(self, head) -> Optional[object]:
        """The name a left side `head` would define, if it is a name at all."""
        if isinstance(head, sympy.MatrixSymbol):
            return head
        if isinstance(head, sympy.Indexed):  # an entry, a_1 or a_k: the name is a
            return head.base
        definition = definition_of(head, sympy.Integer(0))
        return None if definition is None else definition.target

    def fresh(self, members: list) -> bool:
        """A two-member chain whose left side is a name with no definition yet, not an
        index, and not on its own right side, directly or through the definitions already
        adopted (`m = n + 1` then `n = m + 1` would define n by itself)."""
        if len(members) != 2 or any(member is None for member in members):
            return False
        target = self.target(members[0])
        if target is None or target in self.defined or target in self.compiler.table.indices.values():
            return False
        return not reaches(members[1], target, self.scope.definitions)

    def updates(self, members: list) -> bool:
        """`w := w - \\eta g`: a name given a new value made from its old one is an update, as
        with `\\leftarrow`, not an equation (it would be false) nor a definition to unfold."""
        if len(members) < 2 or members[0] is None or members[1] is None:
            return False
        target = self.target(members[0])
        return target is not None and target not in self.compiler.table.indices.values() \
            and mentions(members[1], target)

    def adopt(self, chain: MathChain, members: list) -> list[Equation]:
        """A definition made in the note: later chains may unfold it. One of a symbol with a
        constrained domain comes back as an equation to check against that domain.

        An indexed definition counts only over declared indices (`a_k = ...` with k declared);
        `a_n = w_n^T x` with an undeclared n is a single entry, not a rule for all of `a`."""
        target = self.target(members[0])
        definition, written_out = note_definition(members, self.compiler.table)
        self.adopted.append(Adoption(str(getattr(target, "name", target)), chain.line, chain.members[0].col,
                                     " = ".join(member.latex for member in chain.members),
                                     kind="definition" if definition is not None else NOT_UNFOLDED))
        if states_a_value(chain, members):
            self.entry_values[members[0]] = (members[1], _at(chain.members[0]))
        if definition is None and not isinstance(members[0], sympy.Indexed):
            self.defined.add(target)  # named once, though not unfolded: a second value is checked, never adopted
        if definition is None or not written_out and not defines_every_entry(definition, self.compiler.table):
            return []  # a matrix not written out, or one entry: nothing to unfold
        self.scope.definitions.append(definition)
        self.defined.update((definition.target, target) if written_out else (definition.target,))
        read_primes_of(definition, self.compiler)
        note_parameters(definition, self.compiler)
        if not has_constrained_domain(definition, self.compiler.table):
            return []
        member = chain.members[-1]
        return [Equation("definition", f"line {chain.line}", str(self.note), chain.line, member.latex,
                         members[0], members[-1], Scope(self.scope.table, [definition]))]

    def assume(self, chain: MathChain, members: list) -> list[CompiledDefinition]:
        """The premise of an arrow (`f(x) = 1/x \\rightarrow f'(x) = ...`) defines its name for the
        statement after it only; it is listed with the adopted definitions."""
        self.adopted.append(Adoption(str(getattr(self.target(members[0]), "name", members[0])), chain.line,
                                     chain.members[0].col, " = ".join(member.latex for member in chain.members),
                                     kind=PREMISE))
        definition = definition_of(members[0], members[-1])
        if definition is None:
            return []
        note_parameters(definition, self.compiler)
        alias = stem_alias(definition, self.compiler.table.functions, self.defined)
        if alias is None:
            return [definition]
        self.adopted.append(Adoption(str(alias.target), chain.line, chain.members[0].col,
                                     f"{alias.target} as {definition.target}, the function the premise defines",
                                     kind="reading"))
        return [definition, alias]

    # -- the note -----------------------------------------------------------------------

    def check(self, chains: list[MathChain], prose: ProseReading, solving: SolvedEquations,
              relations: Sequence[MathRelation] = ()) -> DocumentResult:
        started = time.perf_counter()
        results: list[ChainResult] = []
        given: list[CompiledDefinition] = []
        given_row = None  # the line of a premise's first consequence: it also holds for the rest of that line
        pending: list[Equation] = []  # checked once every definition of the note is known
        unread_definitions: dict = {}  # a name whose definition was not read -> its line
        for chain in _definitions_first(chains, prose):
            given, given_row = (given, given_row) if given_row in (None, chain.line) else ([], None)
            supposed = prose.states_case(chain) or prose.is_condition(chain)
            introduces = introduces_its_left_side(chain, prose.first_uses)
            reach = prose.hypothesis_reach(chain)
            if len(chain.members) == 2 and (supposed or introduces or reach or chain.definition or chain.premise
                                            or prose.defines(chain)):
                self.compiler.notation.note_function_definition(chain.members[0].latex)
            stated = _stated_hypothesis(self, chain, reach, introduces and not supposed or prose.defines(chain))
            if stated is not None:
                self.hypotheses.append(stated)
                continue
            if supposed and not _gives_a_defined_name(self, chain):
                members = _supposed_function(self, chain)
                if members is not None:  # "if $u(x) = \sin x$ then $u'(x) = \cos x$"
                    given, given_row = (given if given_row is None else []) + self.assume(chain, members), None
                continue
            if chain.mapping is not None:
                results.append(_not_a_claim(str(self.note), chain))
                continue
            chain, _ = self.adopting(*after_assignment(chain), [])
            where = (chain.members[0].line, chain.members[0].col)
            supposed_here = in_force(self.hypotheses, where)
            solved = [h.solved for h in supposed_here if h.solved is not None]
            members, unread = _starred_vector(chain, *self.parse(chain, given + solved), self.read_or_none, self.defined)
            if chain.definition or prose.defines(chain):
                unread_definitions.update({name: chain.line for name in [defined_unread(members)] if name is not None})
                self.adopted += _defined_anew(self.scope, self.defined, self.adopted, self.target(members[0])
                                              if members and members[0] is not None else None, prose, where)
            differentiating = differentiated(members)
            applied = [h for h in supposed_here if h.applies(differentiating)]
            if _is_condition(members, self.compiler.table):
                continue
            if prose.condition_after(chain):
                results.append(self.not_checked(chain, "it holds under a condition stated in the words after it, not read"))
                continue
            if chain.premise and self.fresh(members):
                given, given_row = (given if given_row is None else []) + self.assume(chain, members), None
                self.premised.update((definition.target, (chain.line, definition)) for definition in given)
                continue
            if chain.definition and self.updates(members):
                chain, members = self.adopting(*after_update(chain, members))
                if len(members) < 2:
                    continue
            if (chain.definition or prose.defines(chain) or prose.names(chain) or states_a_value(chain, members)
                    or gives_a_probability(members) or names_a_starred(members)) and self.fresh(members) and members[0] not in self.entry_values:
                pending += self.adopt(chain, members)
                continue
            if introduces and not chain.premise and self.fresh(members) and members[0] not in self.entry_values:
                pending += self.adopt(chain, members)  # "The loss is $$\ell(w) = ...$$": its first appearance
                results.append(taken_as_definition(str(self.note), chain))
                continue
            if (chain.definition or prose.defines(chain)) and an_unadoptable_function(members, self.target, self.defined):
                results.append(self.not_checked(chain, "it defines a function the reader cannot adopt (of a vector?)"))
                continue
            members, again = second_value(self.entry_values, chain, members)
            written = chain
            chain, members = self.adopting(*after_recurrence(chain, members))
            zero_end = solving.zero_end(chain, members)
            said_solved = solving.opened_by_words(chain, zero_end)
            if zero_end is not None:
                chain, members = self.adopting(*after_zero(chain, members, zero_end))
            if len(chain.members) < len(written.members) and len(members) < 2 and not unread:
                if zero_end is not None:
                    solving.start(members[0], chain)
                continue
            condition = qualifier_case(chain.qualifier) or self.prose_case(prose, chain, members)
            scope = _chain_scope(self.scope, prose.quantified_names(chain), given + [h.solved for h in applied])
            # a restatement goes on from an earlier chain only in the same scope: not under a premise or hypothesis
            # and only a name is restated: two displays starting `1 = ...` are two claims; two antiderivatives
            # of one integrand differ by a constant, so `\int f dx = G` is never compared with an earlier F
            left = (members[0], condition) if chain.display and getattr(members[0], "free_symbols", None) \
                and not given and not any(h.covers(where) for h in self.hypotheses) \
                and integration_variable(members[0], members[0]) is None else None
            given_row = chain.members[-1].line if given and _reaches_its_row(chain, given) else None
            given = given if given_row is not None else []
            result, ended = self.check_chain(chain, members, unread, scope, condition, self.restated.get(left))
            result = _outside_its_premise(self.consequence(chain, members, result, scope, solving), members, self.premised,
                                          scope, lambda extra: self.check_chain(chain, members, unread, extra, condition)[0])
            result = unsolved(with_solved_values(result, applied), [h for h in supposed_here if h not in applied],
                              free_names(members), differentiating)
            if zero_end is not None:
                solving.start(ended.held.expression if ended.held else members[0], chain)
            solved = solved_for(members, result, said_solved) if (chain.premise or said_solved) \
                and not solving.solving_on(chain, members) else None
            if solved is not None:  # `2x + 3 = 7 \Rightarrow x = 2`: solved, not an identity
                solving.start(members[0] - members[1], chain, solved)
                if said_solved:  # "solving $2x + 3 = 7$ gives ...": the words say so
                    self.adopted.append(solved_adoption(chain.members[0], " = ".join(m.latex for m in chain.members)))
                else:
                    results.append(taken_as_solved(str(self.note), chain, solved[0]))
                continue
            if left is not None and ended.held is not None:
                self.restated[left] = ended
            results.append(_with_remarks(result, again))
        definitions = tuple(verify_equation(_in_final_scope(eq, self.scope), self.settings, self.repairs, self.decider)
                            for eq in pending)
        results = carried_from_definitions(results, _wrong_definitions(self.scope.definitions, pending, definitions),
                                            self.restating)
        reported = frozenset((step.line, step.column) for result in results for step in result.steps)
        relation_reader = RelationReader(self, prose, reported)
        results = merged(results, [found for found in map(relation_reader.result, relations) if found is not None])
        results = undecided_by_unread_definitions(results, unread_definitions)
        return DocumentResult(
            path=str(self.note), source=str(self.note), title=self.note.name,
            definitions=definitions, chains=tuple(results), claims=(), seconds=time.perf_counter() - started,
            adopted=tuple(self.adopted),
        )

    def adopting(self, adoption: Optional[Adoption], chain: MathChain, members: list) -> tuple[MathChain, list]:
        """The chain past a head that was adopted (an update, a recurrence, an equation's 0)."""
        self.adopted += [adoption] if adoption is not None else []
        return chain, members

    def consequence(self, chain: MathChain, members: list, result: ChainResult, scope: Scope,
                    solving: SolvedEquations) -> ChainResult:
        """A two-member chain after an equation being solved, checked under it when it is not an identity."""
        premise = solving.covering(chain)
        if premise is None or len(members) != 2 or None in members or len(result.steps) != 1:
            return result
        prove = lambda lhs, rhs: self.step(  # noqa: E731
            chain, _Anchor(chain.members[0], lhs), chain.members[1], rhs, scope, None, None, "")
        step = under_premise(result.steps[0], premise, chain.members[0].latex, members[0], members[1], prove,
                             self.read_or_none)
        return replace(result, steps=(step,))

    def prose_case(self, prose: ProseReading, chain: MathChain, members: list) -> Optional[str]:
        """The case stated in prose before `chain`, if the chain uses one of its indices: a
        case about i and j says nothing of a display without them."""
        case = prose.case_of(chain)
        if case is None:
            return None
        condition = self.compiler.condition(case.condition)
        used = set().union(*(getattr(member, "free_symbols", set()) for member in members if member is not None))
        return case.condition if condition.free_symbols & used or condition is sympy.false else None  # false: empty

    def check_chain(self, chain: MathChain, members: list, unread: list[StepResult], scope: Scope,
                    condition: Optional[str], restated: Optional[_Ended] = None) -> tuple[ChainResult, _Ended]:
        """Each member against the last member that held (one wrong step does not fail the
        rest), and after refuted ones also against them, the latest first (an error carried
        is reported once, however many lines carry it).

        A display that restates the left side of an earlier one under the same case
        (`J = a`, later `J = b`) goes on from where that chain `restated` ended: `b` is
        compared with the last member that held there, not with the name."""
        condition_expr = self.compiler.condition(condition) if condition else None
        following = {id(member): after.latex for member, after in zip(chain.members, chain.members[1:])}
        compare = lambda anchor, member, expression: self.step(  # noqa: E731
            chain, anchor, member, expression, scope, condition_expr, condition, following.get(id(member), ""))
        steps: list[StepResult] = []
        unread_steps = iter(unread)
        held, wrong = (restated.held, list(restated.wrong)) if restated else (None, [])
        decided = held  # the last member that held by a decision (not undecided)
        skipped: list[StepResult] = []
        for member, expression in zip(chain.members[bool(restated):], members[bool(restated):]):
            if expression is None:
                steps.append(next(unread_steps))
                skipped.append(steps[-1])
                continue
            if held is None:
                held, skipped = _Anchor(member, expression), []
                decided = held
                continue
            step = _after_unread(compare(held, member, expression), held, skipped)
            step = _past_undecided(step, held, decided, lambda: compare(decided, member, expression))
            if restated and held is restated.held:
                step = _after_restated(step, chain)
            skipped = []
            source = None
            if step.decision.verdict is Verdict.REFUTED:
                source = next((anchor for anchor in reversed(wrong[-_CARRIED_LOOKBACK:])
                               if compare(anchor, member, expression).decision.verdict.holds), None) \
                    or _through_restated(self.restated, held, member, expression, condition, compare)
            if source is not None:
                steps.append(replace(step, remarks=(Remark(
                    "note", f"follows from line {_at(source.member)} as written; the error there is carried",
                    instead_of_verdict=True),)))
            else:
                steps.append(step)
            if step.decision.verdict is Verdict.REFUTED:
                wrong.append(_Anchor(member, expression))
            else:
                held, wrong = _Anchor(member, expression), []
                decided = held if step.decision.verdict.holds else decided
        result = ChainResult(f"line {chain.line}", condition, _with_case_remark(steps, chain, members, condition_expr))
        return result, _Ended(held, tuple(wrong))

    def step(self, chain: MathChain, anchor: _Anchor, member: MathFragment, expression, scope: Scope,
             condition_expr, condition: Optional[str], after: str) -> StepResult:
        """One member against `anchor`; a repair may take a term or factor from the member `after` it."""
        zero_beside = self.compiler.notation.zero_beside  # a member written 0 beside a vector: the zero vector
        expression = zero_beside(member.latex, expression, anchor.expression)
        equation = Equation(
            "step", f"line {chain.line}", str(self.note), member.line, member.latex,
            zero_beside(anchor.member.latex, anchor.expression, expression), expression, scope, chain_condition=condition_expr, condition_latex=condition, previous_latex=anchor.member.latex,
        )
        target = self.target(anchor.expression)
        if target in self.defined:
            self.restating[(member.line, member.col)] = target
        repairs = self.repairs and (lambda e, d: self.repairs(e, d, [after]))
        return replace(verify_equation(equation, self.settings, repairs, self.decider), compared_with=_at(anchor.member),
                       column=member.col)



def _after_restated(step: StepResult, chain: MathChain) -> StepResult:
    """A display that restates an earlier left side goes on from where that display ended, and says so."""
    return replace(step, compared_with=f"{step.compared_with}, where the earlier display of "
                                       f"{chain.members[0].latex} ended")


def _past_undecided(step: StepResult, held: _Anchor, decided: Optional[_Anchor], again) -> StepResult:
    """A step undecided against a member that was itself undecided is compared with the last
    member that held by a decision (`again()`), and takes that verdict when it holds or is
    refuted at a point: an error after an undecided step (a limit SymPy cannot confirm) is
    still found, and a correct step after it still holds."""
    if step.decision.verdict is not Verdict.UNKNOWN or step.decision.strategy == UNPARSABLE \
            or decided is None or decided is held:
        return step
    other = again()
    if other.decision.verdict is Verdict.UNKNOWN or (other.decision.verdict is Verdict.REFUTED
                                                     and other.decision.counterexample is None):
        return step  # refuted by shapes alone: the undecided member may be the author's change of notation
    return replace(other, compared_with=f"{_at(decided.member)}, the last member that held "
                                        f"(the one after it, {_at(held.member)}, is undecided)")


def _after_unread(step: StepResult, held: _Anchor, skipped: list[StepResult]) -> StepResult:
    """A step compared across members left out (unread, or with an index off its axis) says so."""
    if not skipped:
        return step
    groups = {"not read": [s for s in skipped if s.decision.strategy == UNPARSABLE],
              "an index off its axis": [s for s in skipped if s.decision.strategy != UNPARSABLE]}
    left_out = "; ".join(f"{why}: {', '.join(f'{s.line}:{s.column}' for s in group)}"
                         for why, group in groups.items() if group)
    return replace(step, compared_with=f"{_at(held.member)}, the last readable member ({left_out})")


def _defined_anew(scope: Scope, defined: set, adopted: list[Adoption], target, prose: ProseReading,
                  where: Position) -> list[Adoption]:
    """A name a definition under an earlier heading gave a value, defined again under a later
    one ("Example 2: let $f(x) = x^3$"): the earlier definition is forgotten here, so the new one
    is adopted and holds from here on; said as a reading. In one section a second value is
    still a claim (a slip, or a result), never a definition."""
    name = str(getattr(target, "name", target))
    earlier = [a for a in adopted if a.name == name and a.kind == "definition"]
    if target is None or not earlier or prose.section((earlier[-1].line, earlier[-1].col)) >= prose.section(where):
        return []
    scope.definitions[:] = [d for d in scope.definitions if d.target != target]
    defined.discard(target)
    return [Adoption(name, where[0], where[1], f"{name} defined anew under a later heading: its definition at line "
                                               f"{earlier[-1].line} holds before it", kind="reading")]


def _through_restated(restated: dict, held: _Anchor, member: MathFragment, expression, condition: Optional[str],
                       compare) -> Optional[_Anchor]:
    """The restatement whose value of a name the refuted step follows from: after `J = a`
    (refuted) and `J = b`, `dJ/dw = c` that holds with J = b as written carries the error
    of that chain, across displays."""
    for (name, case), ended in restated.items():
        if case != condition or not ended.wrong or not held.expression.has(name):
            continue
        value = ended.wrong[-1]
        try:
            anchor = _Anchor(held.member, held.expression.xreplace({name: value.expression}))
        except (TypeError, ValueError):  # a value that cannot stand where the name does (a scalar for a matrix)
            continue
        if compare(anchor, member, expression).decision.verdict.holds:
            return value
    return None


def _with_case_remark(steps: list[StepResult], chain: MathChain, members: list, condition_expr) -> tuple:
    """The chain's conclusion, if it was checked, with the case-index warning, if any."""
    if not steps or members[-1] is None or steps[-1].latex != chain.members[-1].latex:
        return tuple(steps)
    remark = case_index_remark(condition_expr, members[-1], chain.members[-1].latex)
    if remark is None:
        return tuple(steps)
    return (*steps[:-1], replace(steps[-1], remarks=steps[-1].remarks + (remark,)))


def _with_remarks(result: ChainResult, remarks: tuple[Remark, ...]) -> ChainResult:
    """The chain's first step with `remarks` added."""
    if not remarks or not result.steps:
        return result
    first = result.steps[0]
    return replace(result, steps=(replace(first, remarks=first.remarks + remarks), *result.steps[1:]))


def _reaches_its_row(chain: MathChain, given: Sequence[CompiledDefinition]) -> bool:
    """A premise holds for the other consequences on its row (`f(x,y) = xy \\rightarrow
    df/dx = y \\quad df/dy = x`) only in a display and only when it defines functions: a value
    (`$a = 0 \\Rightarrow ab = 0$; for any $a$, ...`) holds for its own consequence alone,
    else a later claim would pass under it unseen."""
    return chain.display and all(definition.params for definition in given)


def _outside_its_premise(result: ChainResult, members: list, premised: dict, scope: Scope,
                         recheck: Callable[[Scope], ChainResult]) -> ChainResult:
    """Steps refuted through a function or a name given by other names that a premise defined
    only for the statement after its arrow (`f(x,y) = xy \\rightarrow ...`, then `\\frac{\\partial f}{\\partial x} = y` in the
    prose below; `\\text{defining } u = \\epsilon/x \\text{ and thus } ...`, then u on the next row),
    which hold for the premise's f or u: the author likely means that one, so they are undecided,
    with why. A step false for the premise's definition as well stays refuted."""
    defined = {definition.target for definition in scope.definitions}
    used = {name for member in members if isinstance(member, sympy.Basic) for name in _names_used(member)
            if name in premised and _defines_through_others(premised[name][1])}
    ended = sorted((premised[f][0], str(f), premised[f][1]) for f in used if f not in defined)
    if not ended or not any(step.decision.verdict is Verdict.REFUTED for step in result.steps):
        return result
    again = recheck(replace(scope, definitions=scope.definitions + [definition for _, _, definition in ended]))
    line, name, _ = ended[0]
    kind = "name" if isinstance(ended[0][2].target, sympy.Symbol) else "function"
    why = (f"{name} is defined only under the premise at line {line}, for the statement it leads to; this holds "
           f"for that {name}, but here {name} is an arbitrary {kind} (define {name} where it is used)")
    undecided = Decision(Verdict.UNKNOWN, "premise ended", 0.0, reason=why)
    return replace(result, steps=tuple(
        replace(step, decision=undecided, expected=False, repair=None)
        if step.decision.verdict is Verdict.REFUTED and other.decision.verdict.holds else step
        for step, other in zip(result.steps, again.steps)))


def _chain_scope(scope: Scope, quantified: frozenset[str], given: list) -> Scope:
    """The note's scope for one chain, with the premises given to it, less the definitions of
    names the prose quantifies there ("Let $x = 1$." ... "For every $x$ we have $$x^2 = x$$":
    that x is any value, not the one defined)."""
    kept = [d for d in scope.definitions if not (isinstance(d.target, sympy.Symbol) and d.target.name in quantified)]
    return Scope(scope.table, kept + given, scope.assumptions)


def _defines_through_others(definition: CompiledDefinition) -> bool:
    """A function, or a name given by other names (u = epsilon/x), not a value fixed for a case
    (a = 0 => ab = 0: a later 'for any a' is not under it)."""
    return bool(definition.params) or bool(getattr(definition.body, "free_symbols", None))


def _names_used(member: sympy.Basic) -> set:
    """The stand-in functions and the free names in `member`, as a definition's target is written."""
    return {applied.func for applied in member.atoms(AppliedUndef)} | member.free_symbols


def _in_final_scope(eq: Equation, scope: Scope) -> Equation:
    """A note's definition checked with every definition the note makes, wherever it makes it."""
    return replace(eq, scope=checking_scope(scope, eq.scope.definitions[-1]))


def _is_condition(members: list, table) -> bool:
    """`i = j` between two declared indices is a condition, never a claim."""
    indices = set(table.indices.values())
    return len(members) == 2 and all(member in indices for member in members)


def _not_a_claim(note: str, chain: MathChain) -> ChainResult:
    """A chain that states what a map does (`S(a) = (a_1 ...) \\rightarrow (S_1 ...)`): said, as
    a note on the member with the arrow, and not checked."""
    member = chain.members[chain.mapping]
    decision = Decision(Verdict.UNKNOWN, NOT_A_CLAIM, 0.0, reason="a mapping")
    remark = Remark("note", "a mapping or a limit (an arrow from one value to another), not an equation: this "
                            "chain is not checked", instead_of_verdict=True)
    return ChainResult(f"line {chain.line}", None, (StepResult(
        "step", f"line {chain.line}", note, member.line, member.latex, decision, False, remarks=(remark,),
        column=member.col),))


def _supposed_function(reader: _NoteReader, chain: MathChain) -> Optional[list]:
    """The sides of a condition that defines a function of its own ("if $u(x) = \\sin x$"),
    a premise for what follows it; None for any other condition (`i = j`, `f(x) = 0`)."""
    members = [reader.read_or_none(member.latex) for member in chain.members]
    if len(members) != 2 or not isinstance(members[0], AppliedUndef) or not reader.fresh(members):
        return None
    return members if set(members[0].args) & getattr(members[1], "free_symbols", set()) else None


def _stated_hypothesis(reader: _NoteReader, chain: MathChain, reach: Optional[tuple[int, int]],
                       defining: bool) -> Optional[Hypothesis]:
    """The hypothesis a chain states ("given $x + y = 1$", "if $u(x) = \\sin x$": u is that function
    there), listed with the adopted; None for one that constrains no name (`1 = 2`, `x = x + 1`:
    a claim, checked), and for a function the words or its first use make a `defining` of
    the note ("suppose $r(x) = x + 1$", "we start with $f(x) = ...$")."""
    if reach is None or len(chain.members) != 2:
        return None
    first, last = chain.members[0], chain.members[-1]
    latex = " = ".join(member.latex for member in chain.members)
    start = (last.end_line, last.end_col)
    function = _supposed_function(reader, chain)
    sides = function or [reader.read_or_none(member.latex) for member in chain.members]
    if function is not None and defining:
        return None
    if function is not None:
        found = Hypothesis(latex, chain.line, start, reach, frozenset(), definition_of(*function), gives_its_left=True)
    elif all(isinstance(side, sympy.Expr) for side in sides) and not sympy.expand(sides[0] - sides[1]).free_symbols:
        return None
    else:
        found = hypothesis(latex, chain.line, start, reach, sides, reader.compiler.table, reader.defined)
    solved = f"; {found.solved.target} = {found.solved.body} there" if found.solved else ""
    reader.adopted.append(Adoption(str(found.solved.target) if found.solved else latex, chain.line, first.col,
                                   latex, kind=f"hypothesis (up to line {reach[0]}{solved})"))
    return found


def _gives_a_defined_name(reader: _NoteReader, chain: MathChain) -> bool:
    """A case or a condition (`$S = 7$` after "with the value") whose left side is a name
    the note (or its notation) defines: a value stated for it, to check, not a case."""
    left = reader.read_or_none(chain.members[0].latex) if len(chain.members) == 2 else None
    return left is not None and reader.target(left) in reader.defined


def _definitions_first(chains: list[MathChain], prose: ProseReading) -> list[MathChain]:
    """The chains in the order a reader takes them: a definition given by "where" right after
    a chain (`$$z^2 = 4$$ where $z = 2$`) before that chain."""
    ordered: list[MathChain] = []
    waiting = 0  # how many chains at the end of `ordered` the definitions after them come before
    for chain in chains:
        if prose.defines_what_came_before(chain) and ordered:
            ordered.insert(len(ordered) - max(waiting, 1), chain)
            waiting = max(waiting, 1)
        else:
            ordered.append(chain)
            waiting = 0
    return ordered


def _warned(step: StepResult, why: str) -> StepResult:
    """A member not read because it is ambiguous as written: unread, with a warning saying why."""
    return replace(step, remarks=(Remark("warning", why, instead_of_verdict=True),))


def _starred_vector(chain: MathChain, members: list, unread: list, read, defined: set) -> tuple[list, list]:
    """`\\mathbf{w}^* = ...` first met: the left side is a vector or matrix of its own, of
    w's shape (the optimum, the solution), which the display names (`read` reads w). Anywhere
    else a star on a real vector stays refused (`y^*` may be y itself)."""
    starred = _STARRED.fullmatch(chain.members[0].latex)
    if len(members) != 2 or members[0] is not None or members[1] is None or not starred:
        return members, unread
    base = read(starred[1])
    if not isinstance(base, sympy.MatrixSymbol):
        return members, unread
    name = sympy.MatrixSymbol(f"{base.name}^*", *base.shape)
    if name in defined:
        return members, unread
    return [name, members[1]], unread[1:]


def check_note(note: Path, notation: Optional[Path], settings: Settings = Settings(), jobs: int = 1) -> NoteCheck:
    """Extract the math of one note and check every chain in it; with `jobs` other than 1,
    what the note asks is decided ahead in worker processes (`symcheck.verify.deciding`)."""
    require_utf8(note)
    text = read_notes(note)
    chains, relations = extract_claims(text, str(note))
    declarations, counted = with_counted_sizes(_declarations(note, notation_for(note, notation)), chains)
    named, constants = named_constants(declarations, text)
    declarations, spaces = with_real_spaces(declarations, text)
    decider = NoteDecider()
    prose = read_prose(text, str(note))
    applied, readings = applied_functions(declarations, chains, prose.first_uses, LINE_BREAK.split(text))
    reader = _NoteReader(note, declarations, settings, defined_commands(text), decider)
    reader.compiler.notation.defined_functions |= applied
    reader.compiler.notation.named_letters |= named
    reader.adopted += counted + constants + spaces + readings
    workers = ahead_workers(sum(len(chain.members) - 1 for chain in chains), jobs)
    asked = _asked(reader, declarations, text, chains) if workers > 1 else []
    with decided_ahead(decider, asked, settings, workers):
        result = reader.check(chains, prose, SolvedEquations(text, prose), relations)
    result = replace(result, adopted=explained_readings(result.adopted, readings))
    unclosed = _unclosed(note, text)
    if unclosed is not None:
        result = replace(result, chains=(*result.chains, unclosed))
    return NoteCheck(note, result, chains)


def _asked(reader: _NoteReader, declarations: Derivation, text: str, chains: list[MathChain]) -> list[Equation]:
    """The equations a reading of the note asks when every step holds: a first reading,
    thrown away, that decides nothing (and searches no repair)."""
    recorder = Recorder()
    first = _NoteReader(reader.note, declarations, replace(reader.settings, repair_budget=0), reader.own_commands,
                        recorder)
    first.compiler.notation.readings = reader.compiler.notation.readings  # each formula read once, for both
    first.compiler.notation.defined_functions |= reader.compiler.notation.defined_functions
    prose = read_prose(text, str(reader.note))
    first.check(chains, prose, SolvedEquations(text, prose))
    return recorder.equations


def _unclosed(note: Path, text: str) -> Optional[ChainResult]:
    """Math openers that nothing closes, and `$ a = b $` (not math by Pandoc's rules, an
    equation for MathJax), as unread members: that math is not read."""
    found = [(line, col, opener, f"{opener} is never closed: the math after it is not read")
             for line, col, opener in unclosed_math(text, str(note))]
    found += [(line, col, spaced, "a space after the opening $ makes this text, not math: the equation is not read")
              for line, col, spaced in spaced_math(text, str(note))]
    found += [(line, col, command, "the file it includes is not read with this one (check that file too)")
              for line, col, command in included_files(text, str(note))]
    steps = tuple(
        StepResult("step", f"line {line}", str(note), line, latex,
                   Decision(Verdict.UNKNOWN, UNPARSABLE, 0.0, reason=reason), False, unread_at=0, column=col)
        for line, col, latex, reason in sorted(found)
    )
    return ChainResult("unclosed math", None, steps) if steps else None
