"""What the prose around the math says: where a case holds, and which math it defines.

A careful reader takes a case stated in prose (``when $i = j$:``, ``Case $i \\neq j$:``)
or in a display of its own (``$$\\text{If } i = j:$$``) as the case of the displays that
follow it, until the next heading, the next case statement, or prose that closes it
("in general", "for all ..."). Math after "let", "define", "where", "denote" (in the same
sentence) is a definition. Everything is read from the masked text, so math in comments,
code fences, inline code and HTML comments is never read, for cases too.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Optional

from symcheck.notes.casemath import CASE_MATH, case_condition, fixed_values, fixes_a_value
from symcheck.notes.chains import MathChain
from symcheck.notes.regions import Region, find_regions
from symcheck.notes.source import Positions, masked

Position = tuple[int, int]  # 1-based (line, column)

_CASE_WORDS = re.compile(r"\b(?:if|when|whenever|case|cases|suppose|assume|assuming|for|with)\b", re.I)
# ... and for a bound rather than a value ("Let $x > 0$", "where $\lambda > 0$"): a value after
# them ("Let $x = 2$") is a definition
_BOUND_CASE_WORDS = re.compile(rf"{_CASE_WORDS.pattern}|\b(?:let|where|given)\b", re.I)
_DEFINITION_WORDS = re.compile(
    r"\b(?:let(?!')|letting|define[sd]?|defining|where|denotes?|denoted|consider|suppose"
    r"|for\s+(?:an?\s+|the\s+)?[\w-]*\s*(?:function|vector|matrix|map))\b", re.I)
_CLOSING = r"in general|for (?:all|any|every)|in all cases|in every case|in both cases"  # a case in force ends
_CLOSERS = re.compile(rf"\b(?:{_CLOSING})\b", re.I)
_GENERALISING = re.compile(rf"\b(?:{_CLOSING}|any other|otherwise|else|generally)\b", re.I)
_HEADING = re.compile(
    r"(?m)^[ \t]{0,3}#{1,6}[ \t]|^[^\n]*\n[ \t]*(?:=+|-{2,})[ \t]*$"
    r"|\\(?:part|chapter|section|subsection|subsubsection|paragraph)\*?\s*\{"
)
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n[ \t]*\n")
_FULL_STOP = re.compile(r"[.!?](?=\s)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_BOTH_WAYS = re.compile(r"\b(?:else|otherwise)\b", re.I)  # "1 when $i = j$, else 0": a value, not a case
_ROW_CASE = re.compile(r"\\(?:text|textrm|mbox)\s*\{\s*(?:if|when|otherwise|for)\b", re.I)
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+•]|\d+[.)])[ \t]")
_NAMING = re.compile(r"\b(?:use|call|denote|write|name)\b", re.I)  # "we'll use J(W,X) for the loss."
_FORWARD = re.compile(r"\b(?:(?:is|are)\s+(?:defined|given)\s+(?:below|as follows)|as follows)\b", re.I)
_CONDITION_AFTER = re.compile(r"\s*(?:if|when|whenever|provided|unless|only if)\b", re.I)
# an order qualified by math after it in its sentence: "$e^{-x} \\le 1$ for $x \\ge 0$"
_QUALIFIED_AFTER = re.compile(r"[\s,]*(?:for|if|when|whenever|provided|unless|on|as\s+long\s+as)\b"
                              r"(?:\s+(?:all|any|every|each|some|real|positive|negative))*\s*\$", re.I)
# the math is a condition: "if $x > 0$", "if we consider $\det(A - \lambda I) = 0$"
_CONDITION_BEFORE = re.compile(
    r"\b(?:if|when|whenever|provided|unless)(?:\s+we\s+(?:consider|take|assume|impose|require|set))?\s*$", re.I)
# "Suppose $u = 0$", "take $n = 3$": a hypothesis fixing a name at a particular value is a
# condition, not a definition for the rest of the note (which "in general, $u^2 = 0$" would
# then pass under), nor a claim
_HYPOTHESIS_BEFORE = re.compile(r"\b(?:suppose|assume|assuming|take|taking|choose|choosing|pick|picking)"
                                r"(?:\s+that)?\s*$", re.I)
_CASE_BEFORE = re.compile(r"\b(?:in\s+the\s+)?case\s*:?\s*$", re.I)
# "for $n = 3$ we get ...", "with $x = 2$ the value is ...": a value taken for one sentence
_VALUE_BEFORE = re.compile(r"\b(?:for|with|given)\s*$", re.I)
# "given a input shape $n = 16$, with a kernel shape $k = 4$, and a padding shape $p = 1$":
# values named by a short phrase after "given", "for" or "with", and the list that goes on
_PHRASE = r"(?:an?|the)\s+(?:[a-z-]+\s+){0,2}"
_VALUE_PHRASE_BEFORE = re.compile(
    rf"\b(?:for|with|given)\s+{_PHRASE}(?:\s*(?:,\s*(?:and\s+)?|\band\s+)(?:(?:for|with|given)\s+)?{_PHRASE})*$", re.I)
# "we end up with the value $S = 7$", "ending with a total $S = 7$": a result, not a value given
_RESULT_BEFORE = re.compile(rf"\b(?:end(?:s|ed|ing)?(?:\s+up)?|c[oa]mes?\s+(?:up|out)|left)\s+with\s+(?:{_PHRASE})?$", re.I)
# "for instance, let $x = 2$": an example holds for its sentence, never a definition for the note
_EXAMPLE = re.compile(r"\b(?:for (?:example|instance)|e\.\s?g\.|such as|as an example)", re.I)
# a sentence giving values ("if the inputs are $x = 4, y = 2$"), not stating results ("then $a = 2, b = 4$")
_GIVING = re.compile(r"\b(?:if|when|whenever|suppose|assume|assuming|for|with|let|given|take|taking|set|setting|plugging|substituting)\b", re.I)
_RANGE = re.compile(r"\s*\\?[A-Za-z]+\s*=\s*[^,=]+,\s*(?:[^,=]+,\s*)?(?:\\[lc]?dots|\.\.\.)\s*,\s*[^,=]+")
_RANGE_AFTER = re.compile(r"\s*(?:(?:to|through|until|up\s+to)\b|,\s*(?:\\[lc]?dots|\.\.\.))", re.I)  # "for $i = 1$ to $n$"
# "unless $n = 1$", "except when $i = j$", "unless we take $n = 5$": the math states where what
# follows does not hold (the words in the value's own clause, a few words before it)
_NEGATED_BEFORE = re.compile(r"\b(?:unless|except|other\s+than|apart\s+from|but\s+not|not\s+(?:when|if|for|in))"
                             r"(?:\s+[A-Za-z]+){0,3}\s*$", re.I)  # in the clause of the value, not a clause before
# between two cases of one sentence, alternatives: "if $n = 2$ or if $n = 1$" (a claim then holds in each)
_OR_AFTER = re.compile(r"[\s,(]*or\b", re.I)  # a case with another alternative after it, not read as one
_EITHER = re.compile(r"[\s,]*or(?:\s+(?:if|when|whenever|for|suppose|assuming|in\s+case))?\s*", re.I)
_DISPLAY_CASE = re.compile(r"\s*(?:if|when|for|case)\s+(.*?)\s*$", re.I | re.S)
_SOLVING_WORDS = re.compile(r"\b(?:set|sets|setting|equal|equals|equate|equating|solv\w*|find\w*|where|stationary|"
                            r"critical|vanish\w*)\b", re.I)
_ZERO_WORD = re.compile(r"\bzero\b", re.I)
_EQUATION_BEFORE = re.compile(r"\b(?:equations?|(?:roots?|zeros?|solutions?)\s+of|solv(?:e|es|ed|ing))\s*:?\s*$", re.I)
# "the $y = x^2$ curve", "the line $y = 2x + 1$": inline math naming a curve, a line or a function
_OBJECT = r"(?:curve|line|graph|parabola|plane|hyperplane|surface|function)s?"
_OBJECT_AFTER = re.compile(rf"\s*{_OBJECT}\b", re.I)
# "an objective function $f(x) = ...$"; a vector or a matrix only when the words make it any one
# ("an arbitrary vector $w = 2u$"): "the matrix $A = I$" (for instance) is an example, not a definition
_OBJECT_BEFORE = re.compile(rf"\b(?:the|a|an)\s+(?:[a-z]+\s+){{0,2}}{_OBJECT}\s*$"
                            r"|\b(?:an?|any|some|the)\s+(?:arbitrary|general|generic)\s+(?:[a-z-]+\s+)?(?:vector|matrix)\s*$", re.I)
# "finding the derivative of $f(x) = \\log(1 + x)$": the math names what is differentiated
_OF_OBJECT_BEFORE = re.compile(r"\b(?:derivatives?|gradients?|graphs?|integrals?|minimum|maximum|minimizers?|roots?|"
                               r"zeros?)\s+of\s*$", re.I)
_WHERE_AFTER = re.compile(r"[\s,;:]*where\s*$", re.I)  # `$$z^2 = 4$$ where $z = 2$`
_AND_AFTER = re.compile(r"[\s,;]*(?:and\s*)?$", re.I)  # `... where $z = 2$ and $y = 3$`


@dataclass(frozen=True)
class Case:
    """A case stated in the text: `condition` (LaTeX) holds from `start` up to `end`."""

    condition: str
    start: Position
    end: Optional[Position]  # None: to the end of the note
    statement_end: Position  # the end of the math that states it

    def covers(self, where: Position) -> bool:
        return self.start <= where and (self.end is None or where < self.end)


@dataclass(frozen=True)
class ProseReading:
    """The cases a note states and the places where its prose introduces a definition."""

    cases: tuple[Case, ...]
    defining: tuple[tuple[Position, Position], ...]  # math regions introduced by "let" ...
    conditioned: tuple[tuple[Position, Position], ...] = ()  # inline math followed by "if ..."
    conditions: tuple[tuple[Position, Position], ...] = ()  # inline math right after "if", "when" ...
    naming: tuple[tuple[Position, Position, str], ...] = ()  # a display, and the sentence before it naming something
    solving: tuple[tuple[Position, Position], ...] = ()  # math introduced as an equation being solved
    where_after: tuple[tuple[Position, Position], ...] = ()  # inline math after "where" right after math
    quantified: tuple[tuple[Position, Position, frozenset[str]], ...] = ()  # "for every $x$": its names, where they are any value
    hypotheses: tuple[tuple[Position, Position, Position], ...] = ()  # "given $x + y = 1$": the math, and how far it holds
    # inline math stating a condition, a domain or a goal ("for $x > 0$", "$\\epsilon > 0$"): the math, how far it
    # holds, and its LaTeX
    stated_conditions: tuple[tuple[Position, Position, Position, str], ...] = ()
    headings: tuple[Position, ...] = ()  # where each heading starts
    qualified: tuple[tuple[Position, Position], ...] = ()  # inline math followed by "for $...$", "if $...$" ...
    asserted: tuple[tuple[Position, Position], ...] = ()  # inline math the words before it claim ("we have", "so")
    first_uses: dict[str, Position] = field(default_factory=dict)  # each letter or command: where the note's math first has it

    def case_of(self, chain: MathChain) -> Optional[Case]:
        where = (chain.members[0].line, chain.members[0].col)
        return next((case for case in reversed(self.cases) if case.covers(where)), None)

    def states_case(self, chain: MathChain) -> bool:
        """The chain is the math of a case statement itself (`$i = j$` after "when")."""
        where = (chain.members[0].line, chain.members[0].col)
        return any(case.start <= where < case.statement_end for case in self.cases)

    def defines(self, chain: MathChain) -> bool:
        where = (chain.members[0].line, chain.members[0].col)
        return any(start <= where < end for start, end in self.defining)

    def names(self, chain: MathChain) -> bool:
        """The sentence just before the chain's display names its left side ("We'll use J(W,X)
        for the negative log-likelihood." then `J(W,X) = ...`): the display defines it."""
        named = re.compile(r"(?<![A-Za-z\\])" + re.escape(chain.members[0].latex.strip()) + r"(?![A-Za-z])")
        where = (chain.members[0].line, chain.members[0].col)
        return any(start <= where < end and named.search(sentence) for start, end, sentence in self.naming)

    def solves(self, chain: MathChain) -> bool:
        """The chain's math is introduced as an equation being solved: the paragraph before it
        sets or finds a zero ("setting it equal to zero"), or the words right before it call it
        an equation ("the polynomial equation $0 = ...$", "the normal equations:")."""
        return self.solving_math(chain) is not None

    def solving_math(self, chain: MathChain) -> Optional[Position]:
        """Where the math that `solves` finds the chain in starts, if it does."""
        where = (chain.members[0].line, chain.members[0].col)
        return next((start for start, end in self.solving if start <= where < end), None)

    def defines_what_came_before(self, chain: MathChain) -> bool:
        """The chain is inline math that "where" right after other math introduces
        (`$$z^2 = 4$$ where $z = 2$`): a definition for the math before it too."""
        where = (chain.members[0].line, chain.members[0].col)
        return any(start <= where < end for start, end in self.where_after)

    def quantified_names(self, chain: MathChain) -> frozenset[str]:
        """Names the prose quantifies where the chain stands ("for every $x$ we have $$x^2 = ...$$"):
        any value, so a definition of the name made earlier does not hold there."""
        where = (chain.members[0].line, chain.members[0].col)
        return frozenset().union(*(names for start, end, names in self.quantified if start <= where < end))

    def hypothesis_reach(self, chain: MathChain) -> Optional[Position]:
        """Where the hypothesis the chain states ("given $x + y = 1$, we get ...") stops holding
        (`_hypothesis_reach`). None: the chain states none."""
        where = (chain.members[0].line, chain.members[0].col)
        return next((reach for start, end, reach in self.hypotheses if start <= where < end), None)

    def is_condition(self, chain: MathChain) -> bool:
        """The chain is inline math right after "if", "when" ...: a condition, not a claim."""
        where = (chain.members[0].line, chain.members[0].col)
        return any(start <= where < end for start, end in self.conditions)

    def asserts(self, where: Position) -> bool:
        """Words before the inline math at `where` in its sentence claim it ("we have", "so",
        "clearly", "note that" ...): `_CLAIM_BEFORE`."""
        return any(start <= where < end for start, end in self.asserted)

    def qualified_after(self, where: Position) -> bool:
        """The inline math at `where` is followed in its sentence by a condition on math ("for
        $x \\ge 0$"): what it states may hold only there."""
        return any(start <= where < end for start, end in self.qualified)

    def section(self, where: Position) -> int:
        """How many headings come before `where`."""
        return bisect.bisect_right(self.headings, where)

    def stated_as_condition(self, where: Position) -> bool:
        """The inline math at `where` states a condition, a domain or a goal, not a claim
        (`_states_a_domain`)."""
        return any(start <= where < end for start, end, _, _ in self.stated_conditions)

    def conditions_in_force(self, where: Position) -> list[str]:
        """The conditions stated in words before `where` that still hold there (`$latex$ at
        line:col` each): what a relation claimed there may rely on."""
        return [f"${latex}$ at line {start[0]}:{start[1]}"
                for start, end, reach, latex in self.stated_conditions if end <= where < reach]

    def condition_after(self, chain: MathChain) -> bool:
        """The chain is inline math that the prose after it qualifies (`$d = 1$ if $y = n$`):
        it holds only under a condition stated in words."""
        where = (chain.members[0].line, chain.members[0].col)
        return any(start <= where < end for start, end in self.conditioned)


def read_prose(text: str, path: str) -> ProseReading:
    """The cases and definition cues of one note (text as read from the file)."""
    buf = masked(text, path)
    visible = buf.text()
    regions = find_regions(visible, buf.markdown)
    prose = _prose_only(visible, regions)
    positions = Positions(text)
    at = positions.at
    closers = [m.start() for m in _HEADING.finditer(prose)] + [m.start() for m in _CLOSERS.finditer(prose)]
    opened: list[tuple[int, int, str]] = []
    defining = []
    naming: list[tuple[Position, Position, str]] = []
    solving = [(at(region.start), at(region.end)) for region in regions if _introduces_solving(prose, region.start)]
    where_after = [(at(region.start), at(region.end)) for region in _where_after(prose, regions)]
    any_value = [(region, found) for region in regions for found in [_quantified(visible, prose, region, regions)] if found]
    closers += [region.start for region, _ in any_value]  # "now take any $z$" ends the case in force
    conditioned = [(at(region.start), at(region.end)) for region in regions
                   if not region.display and _CONDITION_AFTER.match(_sentence_after(prose, region.end))]
    conditions = [(at(region.start), at(region.end)) for region in regions
                  if not region.display and _states_a_condition(visible, prose, region)]
    hypotheses = [(at(region.start), at(region.end), at(_hypothesis_reach(visible, prose, region, regions)))
                  for region in regions
                  if not region.display and _states_a_hypothesis(visible, prose, region)
                  and not _math_before_in_sentence(prose, region, regions)]
    stated_conditions = [(at(region.start), at(region.end), at(_hypothesis_reach(visible, prose, region, regions)),
                          visible[region.content_start:region.content_end].strip())
                         for region in regions if not region.display and _states_a_domain(visible, prose, region)]
    for region in regions:
        sentence = _sentence_before(prose, region.start)
        condition = None if _a_range(visible, prose, region, sentence) else _stated_case(visible, region, sentence)
        if condition is not None and not _BOTH_WAYS.search(_sentence_after(prose, region.end)):
            if opened and _EITHER.fullmatch(prose[opened[-1][1]:region.start]):  # "if $n = 2$ or if $n = 1$"
                start, _, first = opened.pop()
                opened.append((start, region.end, f"{first} \\lor {condition}"))
            else:
                condition = _with_values_before(opened, region, region.start - len(sentence), condition, prose, regions)
                opened.append((region.content_start, region.end, condition))
            closers.append(_next_list_item(visible, prose, region.start))
            closers.append(_conditional_sentence_end(prose, region, regions, sentence))
            if _gives_a_value(sentence) and fixes_a_value(condition):
                closers.append(_value_sentence_end(prose, region, regions))
        elif not region.display and _NEGATED_BEFORE.search(sentence):
            closers.append(region.start)  # "unless $n = 1$": no case, and the one in force ends
        elif region.display and _ROW_CASE.search(visible, region.content_start, region.content_end):
            closers.append(region.start)  # a display stating its own cases ends the one in force
        elif (_DEFINITION_WORDS.search(sentence) and not _CONDITION_BEFORE.search(sentence)
              or not region.display and _names_an_object(prose, region)) and not _EXAMPLE.search(sentence):
            defining.append((at(region.start), at(region.end)))
            if _redefines(visible[region.content_start:region.content_end], opened):
                closers.append(region.start)  # "Suppose $n = 2$ ... Let $n = 3$": the case n = 2 ends
        elif region.display and not sentence.strip() and _FORWARD.search(_paragraph_before(prose, region.start)):
            defining.append((at(region.start), at(region.end)))  # "... is defined below." then the display
        elif not region.display and _contradicts(visible[region.content_start:region.content_end], opened):
            closers.append(region.start)  # "Suppose $n = 2$ ... If instead $n = 3$": the case n = 2 ends
        if region.display and not sentence.strip():
            previous = _sentence_before(prose, len(prose[:region.start].rstrip()) - 1)
            if _NAMING.search(previous):
                naming.append((at(region.start), at(region.end), previous.replace("$", "")))
    definitions = [region for region in regions if (at(region.start), at(region.end)) in defining]
    quantified = [(at(region.end), at(min(until, _bound_again(names, region, definitions, visible))), names)
                  for region, (names, until) in any_value]
    alone = [case for case in opened if _OR_AFTER.match(prose, case[1])]  # "if $n = 2$ or $3$": not n = 2 alone
    closers += [start for start, _, _ in alone]  # ... and the case before it ends there
    opened = [case for case in opened if case not in alone]
    closers.sort()
    cases = []
    for index, (start, statement_end, condition) in enumerate(opened):
        following = opened[index + 1][0] if index + 1 < len(opened) else len(text)
        later = bisect.bisect_right(closers, start)
        end = min(following, closers[later] if later < len(closers) else len(text))
        cases.append(Case(condition, at(start), at(end) if end < len(text) else None, at(statement_end)))
    return ProseReading(tuple(cases), tuple(defining), tuple(conditioned), tuple(conditions), tuple(naming),
                        tuple(solving), tuple(where_after), tuple(quantified), tuple(hypotheses),
                        tuple(stated_conditions), tuple(at(m.start()) for m in _HEADING.finditer(prose)),
                        tuple((at(region.start), at(region.end)) for region in regions
                              if not region.display and _QUALIFIED_AFTER.match(visible, region.end)),
                        tuple((at(region.start), at(region.end)) for region in regions
                              if not region.display and _CLAIM_BEFORE.search(_sentence_before(prose, region.start))),
                        _first_uses(visible, regions, at))


_MATH_NAME = re.compile(r"\\[A-Za-z]+|[A-Za-z]")


# inline math that only mentions a function by its form: "Letting $L(\mu)$ be the likelihood"
_FORM_MENTIONED = re.compile(r"\s*(?:\\[A-Za-z]+|[A-Za-z])\s*\(\s*\\?[A-Za-z]+(?:\s*,\s*\\?[A-Za-z]+)*\s*\)\s*")


def _first_uses(visible: str, regions: list[Region], at) -> dict[str, Position]:
    """Where each letter or command first appears in the math (inline math too: `Let $z$ be real`);
    inline math that only mentions a function by its form (`$L(\\mu)$`) is no use of it: the
    display that gives it a value after it is where it first appears."""
    first: dict[str, Position] = {}
    for region in regions:
        if not region.display and _FORM_MENTIONED.fullmatch(visible, region.content_start, region.content_end):
            continue
        for match in _MATH_NAME.finditer(visible, region.content_start, region.content_end):
            if match.group(0) not in first:
                first[match.group(0)] = at(match.start())
    return first


# "given $x + y = 1$", "assuming that $uv = 1$", "if $a = 2b$": the words right before the math
_HYPOTHESIS_BEFORE_MATH = re.compile(r"\b(?:if|when|whenever|provided|given|assuming|assume|suppose|with)"
                                     r"(?:\s+(?:instead|now|again))?(?:\s+that)?\s*$", re.I)
_ONE_EQUATION = re.compile(r"[^=<>]*[^=<>:!\\]=[^=<>]*")
_OTHER_RELATION = re.compile(r"\\(?:n?eq|ne|le|ge|leq|geq|lt|gt|approx|sim|equiv|in|coloneqq)(?![A-Za-z])|:=")


def _states_a_hypothesis(visible: str, prose: str, region: Region) -> bool:
    """Inline math right after "given", "assuming", "if", "with" ... that is one equation
    between expressions (`x + y = 1`, `\\sum_k y_k = 1`), not a value fixed for a case (`n = 2`,
    `i = j`), a range (`i = 1, \\ldots, n`) or a list of values: a hypothesis for what follows."""
    content = visible[region.content_start:region.content_end].strip().rstrip(".,;:").strip()
    if not _HYPOTHESIS_BEFORE_MATH.search(prose, max(0, region.start - 40), region.start):
        return False
    if not _ONE_EQUATION.fullmatch(content) or _OTHER_RELATION.search(content) or "," in content:
        return False
    return case_condition(CASE_MATH.fullmatch(content)) is None and not fixes_a_value(content)


def _math_before_in_sentence(prose: str, region: Region, regions: list[Region]) -> bool:
    """Other math earlier in the sentence, then "if" (`$\\delta = 1$ if $i + j = n$`): the region is
    the condition of that math, not a hypothesis for what follows."""
    if not _CONDITION_WORD_BEFORE.search(prose, max(0, region.start - 40), region.start):
        return False  # "let $\\ell = ...$ with $\\sum_k y_k = 1$": a hypothesis still
    start = region.start - len(_sentence_before(prose, region.start))
    return any(start <= other.start < region.start for other in regions if other is not region)


_CONDITION_WORD_BEFORE = re.compile(r"\b(?:if|when|whenever|provided|unless)(?:\s+that)?\s*$", re.I)


def _hypothesis_reach(visible: str, prose: str, region: Region, regions: list[Region]) -> int:
    """Where a hypothesis stops holding: the end of its paragraph (`_paragraph_reach`) or of
    its list item, or before, at a heading, at words that generalise ("in general", "for all",
    "otherwise") or at math that words after it suppose, give or define anew ("Now suppose
    instead $a + b = 2$")."""
    end = min(_paragraph_reach(prose, region, regions), _next_list_item(visible, prose, region.start))
    closer = min((m.start() for pattern in (_GENERALISING, _HEADING) for m in [pattern.search(prose, region.end, end)] if m),
                 default=end)
    end = min(end, closer)
    anew = next((other.start for other in regions if region.end <= other.start < end
                 and (_GIVING.search(prose, region.end, other.start) or _DEFINITION_WORDS.search(prose, region.end, other.start))),
                None)
    return anew if anew is not None else end


def _paragraph_reach(prose: str, region: Region, regions: list[Region]) -> int:
    """The end of the paragraph `region` is in; when that paragraph ends without a full stop
    ("given $x + y = 1$, we get" and a display after a blank line), the end of that display."""
    blank = _BLANK_LINE.search(prose, region.end)
    end = blank.start() if blank else len(prose)
    display = next((other for other in regions if other.display and other.start >= end), None)
    if display is not None and not _FULL_STOP.search(prose[:end].rstrip() + " ", max(0, len(prose[:end].rstrip()) - 1)) \
            and not prose[end:display.start].strip():
        return display.end
    return end


_QUANTIFIER_BEFORE = re.compile(r"\b(?P<verb>for|over|take|consider)\s+(?:all|any|every|each|an?\s+arbitrary|arbitrary)\s*(?:\w+\s+)?$",
                                re.I)
_NAME_LIST = re.compile(r"\s*(\\?[A-Za-z]+)\s*(?:,\s*(\\?[A-Za-z]+)\s*)*")


def _quantified(visible: str, prose: str, region: Region, regions: list[Region]) -> Optional[tuple[frozenset[str], int]]:
    """The names of inline math that is only names, right after "for every", "for all real",
    "take any" ..., or between "let" and "vary" ("let $z$ vary", "let $z$ be arbitrary"), and
    where they stay any value: to the end of the sentence ("for every $x$ ..."), or on from
    there ("take any $x$", "let $z$ vary"). None when the math is more than names ("for all
    $x > 0$" states a range)."""
    content = visible[region.content_start:region.content_end]
    if region.display or not _NAME_LIST.fullmatch(content):
        return None
    names = frozenset(name.strip().lstrip("\\") for name in content.split(","))
    before = _QUANTIFIER_BEFORE.search(prose, max(0, region.start - 40), region.start)
    if before is None:
        released = _LET_BEFORE.search(prose, max(0, region.start - 10), region.start) and _VARY_AFTER.match(prose, region.end)
        return (names, len(prose)) if released else None
    on = before.group("verb").lower() in ("take", "consider")
    return names, len(prose) if on else _value_sentence_end(prose, region, regions)


_LET_BEFORE = re.compile(r"\blet\s*$", re.I)
_VARY_AFTER = re.compile(r"\s*(?:vary|varies|range\s+freely|be\s+(?:arbitrary|any(?:thing)?|free)|run\s+free)\b", re.I)


def _states_a_condition(visible: str, prose: str, region: Region) -> bool:
    """Inline math after "if", "when" ..., or a hypothesis fixing a value ("suppose $u = 0$")."""
    sentence = _sentence_before(prose, region.start)
    if _a_range(visible, prose, region, sentence):
        return True
    if not region.display and _GIVING.search(sentence) and fixed_values(visible[region.content_start:region.content_end]):
        return True  # "if the inputs are $x = 4, y = 2$": values given, never the chain x = (4, y) = 2
    if (not region.display and _NEGATED_BEFORE.search(sentence) and _VALUE_BEFORE.search(sentence)
            and _values_named(visible[region.content_start:region.content_end])):
        return True  # "except that for $n = 2$ we round": a value excluded, not a claim ("except $J_{11} = 2$" is one)
    return bool(_CONDITION_BEFORE.search(sentence) or (
        _HYPOTHESIS_BEFORE.search(sentence) and fixes_a_value(visible[region.content_start:region.content_end].strip())))


# words right before inline math that make it a condition, a domain or a goal rather than a
# claim: "for all real $x > 0$", "whenever $|x - a| < \\delta$", "such that $x + y \\le 1$",
# "we want $|f(x) - L| < \\epsilon$"
_DOMAIN_BEFORE = re.compile(
    r"\b(?:if|when|whenever|provided|unless|for|with|given|assum(?:e|es|ed|ing)|suppos(?:e|ing)|let|take|taking|"
    r"choose|choosing|pick|where|such\s+that|so\s+that|subject\s+to|on|over|in|within|want|wants|need|needs|"
    r"requir(?:e|es|ed|ing)|must|ensur(?:e|es|ing)|guarantee)"
    r"(?:\s+(?:that|all|any|every|each|some|real|small|large|positive|negative|fixed|arbitrary|sufficiently|an?|the))*"
    r"[\s,:]*$", re.I)
# words that claim the inline math after them in their sentence: "we have $x^2 + 1 > 0$", "so
# $f(x) \\le 1$", "note that", "it follows that"; without them an inline order is a case, a
# heading, a label or a region ("Case 2: $x^2 \\le 1$", "in the region $xy > 1$"), not read
_CLAIM_BEFORE = re.compile(
    r"\b(?:we\s+(?:have|get|obtain|find|see|know|conclude|deduce|note)|one\s+(?:has|gets|obtains|sees)|so|thus|"
    r"hence|therefore|then|clearly|obviously|(?:note|notice|recall)\s+that|it\s+follows\s+that|(?:this|which)\s+"
    r"(?:gives|yields|shows|implies|means)|since|because|i\.\s?e\.|that\s+is)\b", re.I)
# a bound on one name (`x > 0`, `0 < \epsilon < 1`, `n \ge 1`, `i \neq j`): its domain, not a claim
_NAME = r"\\?[A-Za-z]+(?:_\{?[\w\\]+\}?)?"
_ORDER = r"(?:<|>|\\(?:le|ge|leq|geq|lt|gt|ne|neq|leqslant|geqslant)(?![A-Za-z]))"
_BOUND = r"[^<>=]*?"
_NAME_BOUND = re.compile(rf"\s*(?:{_BOUND}{_ORDER}=?\s*)?{_NAME}\s*{_ORDER}=?{_BOUND}\s*[.,;]?\s*")
_QUANTIFIED_MATH = re.compile(r"\s*\\(?:forall|exists)(?![A-Za-z])")


def _states_a_domain(visible: str, prose: str, region: Region) -> bool:
    """Inline math that states a condition, a domain or a goal: after the words of
    `_DOMAIN_BEFORE` in its sentence, a bound on one name, or a quantified statement."""
    content = visible[region.content_start:region.content_end]
    return bool(_DOMAIN_BEFORE.search(_sentence_before(prose, region.start)) or _NAME_BOUND.fullmatch(content)
                or _QUANTIFIED_MATH.match(content))


def _names_an_object(prose: str, region: Region) -> bool:
    """Inline math that names a curve, a line or a function (`the $y = x^2$ curve`, `the line
    $y = 2x + 1$`, `the derivative of $f(x) = ...$`): a definition of its left side, not a claim."""
    before = (max(0, region.start - 40), region.start)
    if _EQUATION_BEFORE.search(prose, *before):
        return False  # "the roots of $f(x) = 0$": an equation being solved, never f = 0
    return bool(_OBJECT_AFTER.match(prose, region.end) or _OBJECT_BEFORE.search(prose, *before)
                or _OF_OBJECT_BEFORE.search(prose, *before))


def _a_range(visible: str, prose: str, region: Region, sentence: str) -> bool:
    """`for $i = 1$ to $n$`, `$i = 1, \\ldots, n$`: a range of values, neither a case nor a claim."""
    return not region.display and bool(_VALUE_BEFORE.search(sentence) and _RANGE_AFTER.match(prose, region.end)
                                       or _RANGE.fullmatch(visible, region.content_start, region.content_end))


def _prose_only(visible: str, regions: list[Region]) -> str:
    """The text with every math region blanked (offsets kept): what is left is prose."""
    chars = list(visible)
    for region in regions:
        for k in range(region.start, region.end):
            if chars[k] not in "\r\n":
                chars[k] = " "
    return "".join(chars)


def _sentence_before(prose: str, offset: int) -> str:
    """The prose of the sentence that `offset` is in, up to `offset`. A paragraph that ends
    with a colon runs on into the math after it (`... composing many terms:`, then a display)."""
    window = max(0, offset - 400)
    start = 0
    for match in _SENTENCE_END.finditer(prose, window, offset):
        start = match.end()
    lead_end = window + len(prose[window:start].rstrip())
    if start > 0 and not prose[start:offset].strip() and prose[lead_end - 1:lead_end] == ":":
        return _sentence_before(prose, lead_end) + prose[lead_end:offset]
    return prose[max(start, window):offset]


def _paragraph_before(prose: str, offset: int) -> str:
    """The paragraph that ends just before `offset` (up to 2000 characters of it)."""
    end = len(prose[:offset].rstrip())
    start = max((m.end() for m in _BLANK_LINE.finditer(prose[max(0, end - 2000):end])), default=0)
    return prose[max(0, end - 2000) + start:end]


def _where_after(prose: str, regions: list[Region]) -> list[Region]:
    """Inline math that "where" introduces right after other math, and the inline math joined
    to it by "and" or a comma."""
    found: list[Region] = []
    for before, region in zip(regions, regions[1:]):
        between = prose[before.end:region.start]
        joined = found and found[-1] is before and _AND_AFTER.fullmatch(between)
        if not region.display and (_WHERE_AFTER.fullmatch(between) or joined):
            found.append(region)
    return found


def _introduces_solving(prose: str, offset: int) -> bool:
    paragraph = _paragraph_before(prose, offset)
    return bool(_ZERO_WORD.search(paragraph) and _SOLVING_WORDS.search(paragraph)) \
        or bool(_EQUATION_BEFORE.search(prose, max(0, offset - 200), offset))


def _conditional_sentence_end(prose: str, region: Region, regions: list[Region], sentence: str) -> int:
    """Where a case stated by "if" or "when" inline ends when its sentence draws its consequence
    in words ("If $p = 1/2$, then the four outcomes are equally likely."): at that sentence's
    end, before the next display. A hypothesis ("suppose $u = 0$.") and a case whose sentence
    runs into a display hold on. Past the end of the text otherwise."""
    if region.display or not _CONDITION_BEFORE.search(sentence):
        return len(prose) + 1
    end, _display = _stop_before_display(prose, region, regions)
    return end.start() if end else len(prose) + 1


def _value_sentence_end(prose: str, region: Region, regions: list[Region]) -> int:
    """Where a value taken by "for" or "with" ("for $n = 3$ we get", "with $x = 2$ the value
    is") ends: at the end of its sentence, which takes in a display it runs into (a blank line
    before that display does not end it; one after it does)."""
    stop, display = _stop_before_display(prose, region, regions)
    if stop is not None or display is None:
        return stop.start() if stop else len(prose)
    after = _SENTENCE_END.search(prose, display.end)
    return after.start() if after else len(prose)


def _stop_before_display(prose: str, region: Region, regions: list[Region]) -> tuple[Optional[re.Match], Optional[Region]]:
    """The first full stop after `region` before the next display (a blank line before a
    display does not end a sentence), and that display (None: none follows)."""
    display = next((other for other in regions if other.display and other.start >= region.end), None)
    return _FULL_STOP.search(prose, region.end, display.start if display else len(prose)), display


def _sentence_after(prose: str, offset: int) -> str:
    """The prose after `offset` up to the end of its sentence."""
    end = _SENTENCE_END.search(prose, offset, offset + 400)
    return prose[offset:end.start() if end else offset + 400]


def _next_list_item(visible: str, prose: str, offset: int) -> int:
    """Where the list item holding `offset` ends: at the next item as deep or shallower, or
    at prose after a blank line that is indented no deeper than its marker (the list has
    ended; math alone there, however indented, is still read as the item's); past the end
    of the text when `offset` is not in a list item."""
    line_start = visible.rfind("\n", 0, offset) + 1
    item = _LIST_ITEM.match(visible, line_start)
    if item is None:
        return len(visible) + 1
    depth = len(item.group(0)) - len(item.group(0).lstrip(" \t"))
    for match in _ITEM_END.finditer(prose, offset):
        indent = match.group(1) if match.group(1) is not None else match.group(2)
        if len(indent) <= depth:
            return match.end() - len(indent) if match.group(1) is None else match.start() + 1
    return len(visible) + 1


_ITEM_END = re.compile(r"\n([ \t]*)(?:[-*+•]|\d+[.)])[ \t]|\n[ \t]*\n(?:[ \t]*\n)*([ \t]*)(?=\S)")


def _with_values_before(opened: list[tuple[int, int, str]], region: Region, sentence_start: int, condition: str,
                        prose: str, regions: list[Region]) -> str:
    """Values given one after another in a sentence ("given $n = 16$, with $k = 4$ and $p = 1$")
    hold together: the case of each takes in the values given before it in that sentence, when
    nothing stands between them: no other math (a claim made under the earlier value ends it)
    and no words that generalise ("for any other $n$", "in general", "otherwise")."""
    if not opened or opened[-1][0] < sentence_start or not fixes_a_value(condition):
        return condition
    between = (opened[-1][1], region.start)
    if any(between[0] <= other.start < between[1] for other in regions) or _GENERALISING.search(prose, *between):
        return condition
    before = opened[-1][2]
    if not fixes_a_value(before) or _named(before) & _named(condition):
        return condition
    return f"{before}, {condition}"


def _redefines(content: str, opened: list[tuple[int, int, str]]) -> bool:
    """A definition giving a value to a name an earlier case fixes."""
    return any(_values_named(content) & _named(case) for _, _, case in opened)


def _contradicts(content: str, opened: list[tuple[int, int, str]]) -> bool:
    """Math giving a name another value than an earlier case fixes (`n = 3` under `n = 2`):
    that case is over, whatever the math is (a new case, a claim)."""
    given = _values_given(content)
    return any(given.get(name, value) != value for _, _, case in opened for name, value in _values_given(case).items())


def _values_given(content: str) -> dict[str, str]:
    values = case_condition(CASE_MATH.fullmatch(content.strip())) or fixed_values(content)
    if values is None or not fixes_a_value(values):
        return {}
    return {name.strip(): " ".join(value.split()) for name, value in (part.split("=", 1) for part in values.split(","))}


def _values_named(content: str) -> set[str]:
    """The names math that is only values given (`n = 3`, `x = 4, y = 2`) gives a value to."""
    values = case_condition(CASE_MATH.fullmatch(content.strip())) or fixed_values(content)
    return _named(values) if values is not None and fixes_a_value(values) else set()


def _bound_again(names: frozenset[str], region: Region, definitions: list[Region], visible: str) -> int:
    """Where a name quantified at `region` ("take any $x$") is defined again ("now let $x = 1$"):
    it is any value no more (the end of the text when it never is). A value taken for a
    sentence ("for the value $x = 1$ we get") is a case inside the quantified span, not its end."""
    return next((other.start for other in definitions if other.start >= region.end
                 and _values_named(visible[other.content_start:other.content_end]) & names), len(visible))


def _named(condition: str) -> set[str]:
    return {part.split("=")[0].strip() for part in condition.split(",")}


def _gives_a_value(sentence: str) -> bool:
    """"for $n = 3$", "with a kernel shape $k = 4$": the words before the math give it a value;
    "we end up with the value $S = 7$" states a result instead."""
    return bool(_VALUE_BEFORE.search(sentence) or _VALUE_PHRASE_BEFORE.search(sentence)
                or _EXAMPLE.search(sentence) and _DEFINITION_WORDS.search(sentence)) and not _RESULT_BEFORE.search(sentence)


def _stated_case(visible: str, region: Region, sentence: str) -> Optional[str]:
    """The condition a region states as a case, if it does: inline `i = j` after a case
    word, or a display that is only `\\text{if } i = j`."""
    content = visible[region.content_start:region.content_end]
    if not region.display and _NEGATED_BEFORE.search(sentence):
        return None  # "unless $n = 1$": the case is where it does not hold, never the one written
    if not region.display:
        condition = case_condition(CASE_MATH.fullmatch(content)) or fixed_values(content)
        if condition is not None and fixes_a_value(condition):
            return condition if _CONDITION_BEFORE.search(sentence) or _HYPOTHESIS_BEFORE.search(sentence) \
                or _CASE_BEFORE.search(sentence) or _gives_a_value(sentence) else None
        return condition if _BOUND_CASE_WORDS.search(sentence) else None
    words = re.sub(r"\\(?:text|textrm|mathrm|mbox)\s*\{([^{}]*)\}", r" \1 ", content).replace("$", " ")
    lead = _DISPLAY_CASE.fullmatch(words)
    return case_condition(CASE_MATH.fullmatch(lead.group(1))) if lead else None
