"""Assembling rows into chains of equal members: `MathChain` and `MathFragment`, with
source positions."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Iterator, Optional, Sequence

from symcheck.notes.casemath import qualifier_case
from symcheck.notes.regions import Region
from symcheck.read.texscan import braces_balance
from symcheck.notes.rows import CONTROL_WORD, REASON_WORDS, TEXT_COMMANDS, Event, Row, group_after
from symcheck.notes.source import Buffer, Positions


# words ending with a comma or colon, then a name (letters, digits, hyphens) to the group's end
_PROSE_BEFORE_NAME = re.compile(r"[A-Za-z][A-Za-z ]*[,:]\s+(?=[A-Za-z][\w\-]*\s*$)")


@dataclass(frozen=True)
class MathFragment:
    """One member of a chain: its LaTeX and where it is in the source file."""

    latex: str
    line: int
    col: int
    end_line: int
    end_col: int


@dataclass(frozen=True)
class MathChain:
    """Consecutive members claimed equal: members[0] = members[1] = ...

    `display` is False for inline math. `definition` is True when a relation in the chain
    defines rather than claims (``:=``, ``\\equiv`` ...). `qualifier` is the LaTeX of a
    trailing ``\\forall ...``/``\\text{if ...}`` that states where the chain holds.
    `premise` is True when the chain is the hypothesis of a following ``\\Rightarrow``/
    ``\\implies`` (or an arrow ``\\rightarrow``/``\\to`` before another equation) on the same
    row or at the start of the next (``f = g/h \\Rightarrow f' = ...``): callers should
    assume it (e.g. as a given for the next chain) rather than check it as an identity.
    `mapping` is the index of a member that is an arrow between two values, not between equations
    (``S(a) = (a_1, ..., a_N) \\rightarrow (S_1, ..., S_N)``): the chain states what a map
    does, not a claim.
    """

    path: str
    members: tuple[MathFragment, ...]
    display: bool
    definition: bool = False
    qualifier: Optional[str] = None
    premise: bool = False
    mapping: Optional[int] = None

    @property
    def line(self) -> int:
        return self.members[0].line

    @property
    def checkable(self) -> bool:
        """A chain needs two members to say anything."""
        return len(self.members) >= 2

    def steps(self) -> Iterator[tuple[MathFragment, MathFragment]]:
        """(previous, current) for every member after the first."""
        return zip(self.members, self.members[1:])


@dataclass(frozen=True)
class MathRelation:
    """A relation other than `=` between two members: `lhs \\le rhs`, `lhs \\approx rhs` ...

    `relation` is its name (`symcheck.notes.rows.RELATION_NAMES`: "le", "approx", "in" ...),
    `symbol` the relation as written, at `line`:`col`. A side is None when nothing stands
    there (`$\\in [0, 1]$`). `chained` is True when a side is a member of a chain of equal
    members (`a = b \\le c`); `implication` when the row states an implication or an arrow
    (`x > 1 \\Rightarrow x^2 > 1`): such a relation is a premise or holds under one."""

    path: str
    lhs: Optional[MathFragment]
    rhs: Optional[MathFragment]
    relation: str
    symbol: str
    line: int
    col: int
    display: bool
    chained: bool = False
    implication: bool = False


# separators whose statement before them is a premise of the one after: ⟹, and ⟺ read as ⟹
_IMPLYING = ("implies", "iff")
_LEADING_MARKERS = {
    "rightarrow", "Rightarrow", "to", "hookrightarrow", "leftarrow", "longrightarrow", "Longrightarrow",
    "implies", "therefore", "because", "displaystyle", "quad", "qquad", "hookleftarrow", "mapsto",
}
_SPACING_SYMBOLS = {",", ";", "!", " ", ":", ">"}
_BINARY_START = re.compile(r"(?:[+\-*/]|\\(?:cdot|times|pm|mp|div|circ|otimes|oplus)(?![A-Za-z]))")
_BINARY_END = re.compile(r"(?:[+\-*/]|\\(?:cdot|times|pm|mp|div|circ|otimes|oplus))\s*(?:\\right\s*\.?)?\s*$")
_ENTRY = re.compile(r"\s*([A-Za-z])_\{?\s*([A-Za-z0-9]+)\s*\}?\s*")
_ELLIPSIS = re.compile(r"\.\.\.|\\[lc]?dots")
_INVISIBLE_RIGHT = re.compile(r"\\right\s*\.?\s*$")
_INVISIBLE_LEFT = re.compile(r"\s*\\left\s*\.")


@dataclass
class _OpenChain:
    members: list[list[int]]
    display: bool
    definition: bool = False
    qualifier: Optional[str] = None
    premise: bool = False


@dataclass
class _OpenRelation:
    lhs: Optional[list[int]]
    event: Event
    display: bool
    implication: bool
    rhs: Optional[list[int]] = None


@dataclass
class _Statement:
    separator: Optional[str]
    pieces: list[tuple[int, int]]
    relations: list[Event]
    qualifier: Optional[str] = None
    reason: bool = False  # introduced by `\\because` or `\\text{since ...}`
    opened_by: Optional[Event] = None


def _spacing(event: Event) -> bool:
    return (event.kind, event.detail) == ("sep", "quad")


_LAYOUT = re.compile(r"\\begin\s*\{(array|[pbBvV]?matrix|smallmatrix)\}(.*?)\\end\s*\{\1\}", re.S)
_GROUP = re.compile(r"\{[^{}]*\}")


def _equation_in_layout(latex: str) -> bool:
    """An `=` in a cell of an array or matrix, outside braces (not `\\sum_{i=1}`)."""
    for match in _LAYOUT.finditer(latex):
        cells, previous = match.group(2), None
        while previous != cells:
            previous, cells = cells, _GROUP.sub(" ", cells)
        if "=" in cells:
            return True
    return False


def _defining_premises(events: list[Event]) -> list[Event]:
    """`\\text{defining } u = \\epsilon/x \\text{ and thus } \\epsilon = xu`: the definition is the
    premise of the consequence after it (as before `\\Rightarrow`), not a claim; so is it before
    any separator followed by more math (`\\text{let } u = ... \\text{. Then } ...`, `\\quad`,
    `\\text{ gives }`). A definition that nothing follows stays a qualifier; math run on after it
    with no separator (`\\text{let } u = a \\text{, we have } b = c`) is a qualifier holding claims,
    which are read (`Assembler.statements`), never dropped."""
    events = list(events)
    for index, event in enumerate(events):
        if (event.kind, event.detail) != ("cut", "define"):
            continue
        resume = _consequence_after(events, index)
        if resume is not None and not any(e.kind == "cut" for e in events[index + 1:resume]):
            events[index] = replace(event, kind="sep", detail="text")
            events[resume] = replace(events[resume], kind="sep", detail="implies")
        elif resume is None and len(_later_relations(events, index)) > 1:
            separator = _separator_after_definition(events, index)
            if separator is not None:
                events[index] = replace(event, kind="sep", detail="text")
                events[separator] = replace(events[separator], kind="sep", detail="implies")
    return events


def _later_relations(events: list[Event], cut_at: int) -> list[int]:
    """The relations after a qualifier at `cut_at`, up to the next qualifier."""
    later = []
    for index in range(cut_at + 1, len(events)):
        if events[index].kind == "cut":
            break
        if events[index].kind == "rel":
            later.append(index)
    return later


def _separator_after_definition(events: list[Event], cut_at: int) -> Optional[int]:
    """The first separator between the definition's relation and the next relation."""
    first, second = _later_relations(events, cut_at)[:2]
    return next((index for index in range(first + 1, second) if events[index].kind in ("sep", "soft")), None)


def _consequence_after(events: list[Event], cut_at: int) -> Optional[int]:
    """The first consequence (`\\text{so}`, `\\Rightarrow`) after a qualifier: the qualifier
    ends there and the row goes on with a claim, which is checked, not dropped with it."""
    return next((index for index in range(cut_at + 1, len(events))
                 if (events[index].kind, events[index].detail) in (("sep", "consequence"), ("sep", "implies"))), None)


def _holds_claims(events: list[Event], cut_at: int, leading: bool, complete: bool) -> bool:
    """A qualifier to the end of its row that is no case holds a claim: an equation, when
    it qualifies nothing before it or is complete without one (`\\text{otherwise} z^3 = 9`),
    or an equation after another relation (`\\text{for } c = 1, \\dots, n, z^3 = 9`) where it
    qualifies the math before it."""
    relations = [event for event in events[cut_at + 1:] if event.kind == "rel"]
    return any(event.detail in ("eq", "def") for event in relations[0 if leading or complete else 1:])


_COMPLETE_QUALIFIER = re.compile(r"\b(?:otherwise|else)\b", re.I)  # states no condition of its own


def _checked_not_adopted(events: list[Event], cut_at: int, resume: Optional[int]) -> list[Event]:
    """A qualifier read as math: what it states with `:=` is checked as a claim, never adopted as a
    definition for the note (`\\text{If } z := 2: \\quad z^3 = 8` is no definition of z)."""
    end = len(events) if resume is None else resume
    return [replace(event, detail="eq") if cut_at < index < end and (event.kind, event.detail) == ("rel", "def") else event
            for index, event in enumerate(events)]


def _with_separators(text: str, events: list[Event], cut_at: int) -> list[Event]:
    """`events` with a separator where a qualifier's words end before an equation: at a colon
    outside braces (`\\text{where } c = 1: z^3 = 9`, `\\text{for all } x: x^2 = 1`), or at a
    comma after words with no relation (`\\text{for all } c, z^3 = 9`)."""
    found = []
    for before, after in zip(events[cut_at:], events[cut_at + 1:]):
        if after.detail in ("eq", "def"):
            between = text[before.end:after.start]
            at = _top_level(between, ":")
            if at is None and before is events[cut_at]:
                at = _top_level(between, ",")
            if at is not None:
                found.append(Event("sep", "colon", before.end + at, before.end + at + 1))
    return sorted(events + found, key=lambda event: event.start) if found else events


def _commas_between_equations(text: str, events: list[Event]) -> list[Event]:
    """`x = a + 1, y = b - 1`: a comma at top level between two equations with nothing between
    them separates them as `\\quad` does (read as one chain, `a + 1, y` was a member that
    could not be read, and x was compared with b - 1). Before the row's first qualifier only
    (`\\text{for } c = 1, \\dots, n` is its own); never a comma between digits (1,000; 1,5)."""
    found = []
    for before, after in zip(events, events[1:]):
        if before.kind == "cut" or after.kind == "cut":
            break
        if before.kind == after.kind == "rel" and before.detail in ("eq", "def") and after.detail in ("eq", "def"):
            found += [Event("sep", "quad", before.end + at, before.end + at + 1)
                      for at in _separating_commas(text[before.end:after.start])]
    return sorted(events + found, key=lambda event: event.start) if found else events


_OPENERS = re.compile(r"\\begin\s*\{[^{}]*\}|\\langle(?![A-Za-z])|\\\{|[{(\[]")
_CLOSERS = re.compile(r"\\end\s*\{[^{}]*\}|\\rangle(?![A-Za-z])|\\\}|[})\]]")


def _separating_commas(latex: str) -> list[int]:
    """Where commas stand outside every bracket and environment (`(a, b)`, `\\langle a, b \\rangle`,
    `[0, 1)`, `cases`),
    neither a thin space (`\\,`) nor between digits."""
    found, depth, index = [], 0, 0
    while index < len(latex):
        opener, closer = _OPENERS.match(latex, index), _CLOSERS.match(latex, index)
        if opener or closer:
            depth += 1 if opener else -1
            index = (opener or closer).end()
            continue
        if latex[index] == "\\":
            index += 2
            continue
        between_digits = latex[index - 1:index].isdigit() and latex[index + 1:index + 2].isdigit()
        if latex[index] == "," and depth == 0 and not between_digits:
            found.append(index)
        index += 1
    return found


_CASE_SPAN = 400  # characters: a case (`\\text{if } n = 1 \\text{ or } n = 2`) is never longer
_OR_TEXT = re.compile(r"\\(?:text|textrm|mbox)\s*\{\s*or\s*\}", re.I)


def _top_level(latex: str, character: str) -> Optional[int]:
    """Where `character` first stands outside braces (`{...}`, and so `\\{ ... \\}`) in `latex`."""
    depth = 0
    for index, char in enumerate(latex):
        if char in "{}":
            depth += 1 if char == "{" else -1
        elif char == character and depth == 0:
            return index
    return None


def _relation_beside(events) -> bool:
    """An equation next to a soft separator: a relation before the next separator, looking
    away from it (spacing such as `\\quad` does not separate)."""
    for event in events:
        if event.kind == "rel":
            return True
        if event.kind == "soft" or (event.kind == "sep" and not _spacing(event)):
            return False
    return False


class Assembler:
    def __init__(self, text: str, buf: Buffer):
        self.text, self.buf = text, buf
        self.chains: list[_OpenChain] = []
        self.display_chain: Optional[_OpenChain] = None
        self.map_arrows: list[int] = []  # where an arrow stands between two values (a map)
        self.relations: list[_OpenRelation] = []
        self.awaiting: Optional[_OpenRelation] = None  # a relation whose right side is the next member
        self.row_relations: list[_OpenRelation] = []  # the relations of the row before, in this region

    # -- trimming pieces ----------------------------------------------------

    def _skip_space(self, start: int, end: int) -> int:
        chars = self.buf.chars
        while start < end and chars[start].isspace():
            start += 1
        return start

    def trim(self, start: int, end: int, leading: bool) -> Optional[tuple[int, int]]:
        chars = self.buf.chars
        changed = True
        while changed:
            changed = False
            start = self._skip_space(start, end)
            while end > start and chars[end - 1].isspace():
                end -= 1
            if start >= end:
                return None
            head = "".join(chars[start:min(end, start + 40)])
            tail = "".join(chars[max(start, end - 40):end])
            word = CONTROL_WORD.match(head)
            if head[:1] == "\\" and head[1:2] in _SPACING_SYMBOLS and not word:
                start += 2
                changed = True
            elif head[:1] == "~":
                start += 1
                changed = True
            elif leading and word and word.group(1) in _LEADING_MARKERS:
                start += word.end()
                changed = True
            elif leading and word and word.group(1) in TEXT_COMMANDS:
                group = group_after(self.text, start + word.end(), end)
                prose = group is not None and re.search(r"[\s,.;:]$", self.text[group[0] + 1:group[1] - 1])
                if prose and self.trim(group[1], end, leading=False) is not None:
                    start = group[1]
                    changed = True
                elif group is not None:
                    self.drop_prose_before_name(group)
            if changed:
                continue
            trailing = re.search(r"(?:\\[,;!: ]|~|(?<![.\\])[.,;:])$", tail)
            if trailing:
                end -= len(trailing.group(0))
                changed = True
                continue
            spacing = re.search(r"\\q?quad$", tail)
            if spacing:
                end -= len(spacing.group(0))
                changed = True
                continue
            remark = re.search(r"\\(?:text|textrm|mbox)\s*\{\s*\([^{}]*\)\s*\}$", tail)
            if remark and self.trim(start, end - len(remark.group(0)), leading=False) is not None:
                end -= len(remark.group(0))
                changed = True
        return start, end

    def drop_prose_before_name(self, group: tuple[int, int]) -> None:
        """`\\text{So, likelihood}` opening a member: the words up to the comma (or colon) are
        prose, the rest of the group is the name."""
        prose = _PROSE_BEFORE_NAME.match(self.text, group[0] + 1, group[1] - 1)
        if prose is not None:
            self.buf.blank(prose.start(), prose.end())

    def exclamation(self, span: tuple[int, int]) -> bool:
        """`= \\text{Jacobian!}`: text alone, ending a sentence, after a relation is the
        author's remark, not a member (a name in \\text, `\\text{Likelihood}`, has no stop)."""
        return self.text_only(span) and re.search(r"[!?.]\s*\}\s*$", self.latex(span)) is not None

    def latex(self, span: Sequence[int]) -> str:
        return self.buf.render(span[0], span[1])

    def text_only(self, span: tuple[int, int]) -> bool:
        latex = self.latex(span)
        previous = None
        while previous != latex:
            previous = latex
            latex = re.sub(r"\\(?:" + "|".join(TEXT_COMMANDS) + r")\s*\{[^{}]*\}", " ", latex)
        latex = re.sub(r"\\[A-Za-z]*arrow\b|\\q?quad\b|\\[ ,;!:]|~", " ", latex)
        return not re.sub(r"[\s.,;:()\-–—]", "", latex)

    # -- statements -----------------------------------------------------------

    def statements(self, row: Row) -> list[_Statement]:
        events, qualifier = self.mid_row_case(_defining_premises(_commas_between_equations(self.text, row.events)))
        row_end = row.end
        consequence = None  # where a qualifier cut short by `\\text{so}` ends
        cut_at = next((i for i, e in enumerate(events) if e.kind == "cut"), None)
        leading = cut_at is not None and not self.latex((row.start, events[cut_at].start)).strip()
        if cut_at is not None:
            events = _with_separators(self.text, events, cut_at)
            ends = (_consequence_after(events, cut_at), self.claims_after_qualifier(events, cut_at, leading, row.end))
            resume = min((end for end in ends if end is not None), default=None)
            qualifier_end = row.end if resume is None else events[resume].start
            complete = bool(_COMPLETE_QUALIFIER.search(self.latex((events[cut_at].start, events[cut_at].end))))
            if _holds_claims(events[:resume], cut_at, leading, complete) \
                    and qualifier_case(self.latex((events[cut_at].start, qualifier_end))) is None:
                events = _checked_not_adopted(events, cut_at, resume)
                cut_at = None  # its equations are read, never dropped with it
        if cut_at is not None:
            qualifier = qualifier or self.latex((events[cut_at].start, qualifier_end))
            if resume is None:
                row_end, events = events[cut_at].start, events[:cut_at]
            else:
                self.buf.blank(events[cut_at].start, qualifier_end)
                consequence, events = events[resume], events[:cut_at] + events[resume:]
        hard = self.arrows_between_equations(events)
        statements = [_Statement(None, [], [])]
        piece_start = row.start
        qualified = 0  # the statement a leading qualifier holds for
        for event in hard:
            if event is consequence and not leading:
                statements[-1].qualifier, qualifier = qualifier, None
            if event.kind == "rel":
                statements[-1].pieces.append((piece_start, event.start))
                statements[-1].relations.append(event)
            else:
                statements[-1].pieces.append((piece_start, event.start))
                statements.append(_Statement(event.detail, [], [], reason=self.is_reason(event), opened_by=event))
            if event is consequence and leading:  # a leading case holds for the statement after it, no further
                qualified = len(statements) - 1
            piece_start = event.end
        statements[-1].pieces.append((piece_start, row_end))
        if qualifier is not None:
            statements[qualified if leading else -1].qualifier = qualifier
        return statements

    def claims_after_qualifier(self, events: list[Event], cut_at: int, leading: bool, row_end: int) -> Optional[int]:
        """Where a qualifier without a consequence word ends because an equation follows it after
        a separator (`a = b \\text{ for all } x \\quad c = d`, `... \\text{ if } q > 0, \\text{ and } q = 7`,
        `\\text{If } z = 2: \\quad z^3 = 9`): that equation is a claim, checked, never dropped with
        the qualifier. A qualifier opening its row ends so only where it states a case, which
        then holds for what follows it; one going on with "or" and a case (`\\text{when } n = 1
        \\text{ or } n = -1`) goes on: either case."""
        last = max((index for index, event in enumerate(events) if event.detail in ("eq", "def")), default=-1)
        separators = [index for index in range(cut_at + 1, last) if events[index].kind == "sep"]
        start = events[cut_at].start
        for index, following in zip(separators, separators[1:] + [None]):
            if leading and events[index].start - start > _CASE_SPAN:
                return None
            end = row_end if following is None else events[following].start
            if _OR_TEXT.fullmatch(self.text[events[index].start:events[index].end]) and end - start <= _CASE_SPAN \
                    and qualifier_case(self.latex((start, end))):
                continue
            if not leading or qualifier_case(self.latex((start, events[index].start))):
                return index
        return None

    def is_reason(self, event: Event) -> bool:
        words = re.findall(r"[A-Za-z]+", self.text[event.start:event.end])
        return words[:1] == ["because"] or (
            len(words) > 1 and words[0] in TEXT_COMMANDS and words[1].lower() in REASON_WORDS)

    def arrows_between_equations(self, events: list[Event]) -> list[Event]:
        """Soft separators (`\\rightarrow`, `\\to`) separate only between two equations, and
        then as `\\Rightarrow` does; the spacing around such an arrow (`\\hspace{1in}`) is dropped."""
        hard: list[Event] = []
        for index, event in enumerate(events):
            if event.kind != "soft":
                hard.append(event)
                continue
            if _relation_beside(reversed(hard)) and _relation_beside(events[index + 1:]):
                while hard and _spacing(hard[-1]) and not self.text[hard[-1].end:event.start].strip():
                    self.buf.blank(hard[-1].start, hard[-1].end)
                    hard.pop()
                hard.append(Event("sep", "implies", event.start, event.end))  # `f = 1/x \\to f' = ...`
            elif not _relation_beside(events[index + 1:]):
                self.map_arrows.append(event.start)  # a value after it: `(a_1, ..., a_N) \\to (S_1, ..., S_N)`
        for index in range(len(hard) - 1, 0, -1):  # spacing right after such an arrow
            previous, event = hard[index - 1], hard[index]
            if (previous.kind, previous.detail) == ("sep", "implies") and _spacing(event) \
                    and not self.text[previous.end:event.start].strip():
                self.buf.blank(event.start, event.end)
                del hard[index]
        return hard

    def mid_row_case(self, events: list[Event]) -> tuple[list[Event], Optional[str]]:
        """`lhs \\text{ when } n \\neq i = rhs`: a case between two members of a row. The case
        becomes the chain's qualifier, its text is dropped, and the chain goes on at the `=`."""
        cut_at = next((i for i, e in enumerate(events) if e.kind == "cut"), None)
        if cut_at is None:
            return events, None
        for index in range(cut_at + 1, min(cut_at + 3, len(events))):
            event = events[index]
            if event.kind != "rel":
                break
            span = (events[cut_at].start, event.start)
            if event.detail == "eq" and qualifier_case(self.latex(span)) is not None:
                qualifier = self.latex(span)
                self.buf.blank(*span)
                return events[:cut_at] + events[index:], qualifier
        return events, None

    # -- chains -----------------------------------------------------------------

    def region(self, region: Region, rows: list[Row]) -> None:
        if region.display:
            self.current = self.display_chain
        else:
            self.current = None
        self.expect = False
        self.display = region.display
        opened = len(self.chains)
        self.row_relations = []
        for row_index, row in enumerate(rows):
            self.row(row, row_index)
        self.awaiting = None
        if region.display:
            self.display_chain = self.current
        self.mark_enumeration(self.chains[opened:], self.text[region.content_start:region.content_end])

    def mark_enumeration(self, chains: list[_OpenChain], content: str) -> None:
        """`a_1 = w_1^T x, a_2 = w_2^T x, ..., a_n = w_n^T x`: entries of one name given one by
        one, with an ellipsis for the rest, define those entries (a model), as `:=` does."""
        names = [_ENTRY.fullmatch(self.latex(chain.members[0])) for chain in chains if len(chain.members) == 2]
        if len(names) == len(chains) >= 2 and all(names) and len({name[1] for name in names}) == 1 \
                and len({name[2] for name in names}) == len(names) and _ELLIPSIS.search(content):
            for chain in chains:
                chain.definition = True

    def new_chain(self, span: Optional[tuple[int, int]]) -> _OpenChain:
        chain = _OpenChain([list(span)] if span else [], self.display)
        self.chains.append(chain)
        self.current = chain
        return chain

    def add(self, span: Optional[tuple[int, int]]) -> None:
        if span is None:
            return
        if self.expect and self.current is not None:
            self.current.members.append(list(span))
            self.expect = False
        else:
            self.new_chain(span)
        if self.awaiting is not None:
            self.awaiting.rhs, self.awaiting = self.current.members[-1], None

    def relate(self, event: Event, row: Row) -> None:
        """A relation other than `=`: its left side is the member before it, its right side
        the next member added; the chain ends at it."""
        lhs = self.current.members[-1] if self.current is not None and self.current.members and not self.expect \
            else None
        implication = any(e.kind == "soft" or e.kind == "sep" and e.detail in ("arrow", *_IMPLYING)
                          for e in row.events)
        self.awaiting = _OpenRelation(lhs, event, self.display, implication)
        self.relations.append(self.awaiting)
        self.current, self.expect = None, False

    def converse_of(self, arrow: Event) -> None:
        """`A \\iff B` is read as `A \\Rightarrow B`: B is checked under A. The converse, B
        gives A, is recorded as a relation between A's last member and B's first, not checked."""
        if arrow.detail != "iff" or self.current is None or not self.current.members or self.expect:
            return
        self.awaiting = _OpenRelation(self.current.members[-1], replace(arrow, relation="iff"), self.display, True)
        self.relations.append(self.awaiting)

    def row(self, row: Row, row_index: int) -> None:
        statements = self.statements(row)
        if row_index > 0 and self.leads_with_arrow(row) and self.current is not None and not self.expect:
            self.current.premise = len(self.current.members) >= 2
        if row_index > 0 and self.leads_with_arrow(row, any_relation=True):
            for relation in self.row_relations:  # `x \le 1 \\ \Rightarrow x^2 \le 1`: the premise
                relation.implication = True
        before = len(self.relations)
        first = True
        after: list[Optional[_OpenChain]] = []  # the chain open after each statement
        for index, statement in enumerate(statements):
            self.awaiting = None
            separator = statement.separator
            implies_next = index + 1 < len(statements) and statements[index + 1].separator in _IMPLYING
            if separator == "iff" and index > 0:
                self.converse_of(statement.opened_by)
            head = self.trim(*statement.pieces[0], leading=True)
            if first and head is None and not statement.relations:
                if statement.qualifier is not None and self.current is not None:
                    self.current.qualifier = self.current.qualifier or statement.qualifier
                after.append(self.current)
                continue
            if (
                first and row_index > 0 and separator in (None, "quad") and head is not None
                and self.current is not None and self.current.members and not self.expect
                and self.continues(self.current.members[-1], head)
            ):
                self.join(self.current.members[-1], head)
            elif not statement.relations:
                if head is not None and separator != "quad" and not self.text_only(head):
                    self.add(head)
            else:
                self.add(head)
            for relation, piece in zip(statement.relations, statement.pieces[1:]):
                if relation.detail in ("eq", "def"):
                    if self.current is None or (not self.expect and not self.current.members):
                        self.new_chain(None)
                    if relation.detail == "def":
                        self.current.definition = True
                    self.expect = True
                else:
                    self.relate(relation, row)
                member = self.trim(*piece, leading=False)
                if member is not None and self.exclamation(member):
                    self.expect = False
                else:
                    self.add(member)
            if statement.qualifier is not None and self.current is not None:
                self.current.qualifier = self.current.qualifier or statement.qualifier
            if implies_next and self.current is not None and (head is not None or statement.relations):
                self.current.premise = True
            first = False
            after.append(self.current)
        if not self.expect:
            self.current = self.continued(row, statements, after)
        self.row_relations = self.relations[before:]

    def continued(self, row: Row, statements: list[_Statement], after: list) -> Optional[_OpenChain]:
        """The chain the next row goes on with: the one of the statement that holds the row's
        alignment point (`a &= b && \\text{since } c = d`: the next `&= e` goes on from b, not
        from d), or without one, the last that is not a reason (`\\because`, `\\text{since}`)."""
        if row.align is not None:
            held = [chain for statement, chain in zip(statements, after) if statement.pieces[0][0] <= row.align]
            return held[-1] if held else self.current
        kept = [chain for statement, chain in zip(statements, after) if not statement.reason]
        return kept[-1] if kept else self.current

    def continues(self, last: list[int], head: tuple[int, int]) -> bool:
        """A row goes on with the last member of the row before when one ends or the other
        starts with a binary operator, or the row opens with `\\left.` (the `\\right.` of a
        bracket broken over rows)."""
        start, end = self.latex(head), self.latex(last)
        return bool(_BINARY_START.match(start) or _BINARY_END.search(end) or _INVISIBLE_LEFT.match(start))

    def join(self, last: list[int], head: tuple[int, int]) -> None:
        """`last` extended over `head`; a bracket broken as `\\right.` ... `\\left.` is made whole."""
        closing = _INVISIBLE_RIGHT.search("".join(self.buf.chars[last[0]:last[1]]))
        opening = _INVISIBLE_LEFT.match("".join(self.buf.chars[head[0]:head[1]]))
        if closing and opening:
            self.buf.blank(last[0] + closing.start(), last[1])
            self.buf.blank(head[0], head[0] + opening.end())
        self.buf.blank(last[1], head[0])
        last[1] = head[1]

    def leads_with_arrow(self, row: Row, any_relation: bool = False) -> bool:
        """The row goes on from the previous one with an arrow (`\\rightarrow`, `\\Rightarrow`)
        before an equation of its own (or, with `any_relation`, any relation of its own): the
        equation (relation) of the row before is its premise."""
        events = row.events
        if not events or self.text[row.start:events[0].start].strip():
            return False
        first = events[0]
        leading = first.kind == "soft" or first.kind == "sep" and first.detail in _IMPLYING
        return leading and any(event.kind == "rel" and (any_relation or event.detail in ("eq", "def")) for event in events)

    def hides_relations(self, chain: _OpenChain) -> bool:
        """A lone member whose braces do not balance (`\\frac{1}{ = 2`: the unclosed group may
        hold the relation) or that lays out equations in an array or matrix (`\\begin{array}{l}
        a = b \\end{array}`) is kept, to be reported as math that cannot be read."""
        if len(chain.members) != 1:
            return False
        latex = self.latex(tuple(chain.members[0]))
        return not braces_balance(latex) or _equation_in_layout(latex)

    def results(self, path: str, positions: Positions) -> list[MathChain]:
        chains = []
        for chain in self.chains:
            if len(chain.members) < 2 and not self.hides_relations(chain):
                continue
            members = [self.fragment(member, positions) for member in chain.members]
            mapping = next((k for k, (start, end) in enumerate(chain.members)
                            if any(start <= arrow < end for arrow in self.map_arrows)), None)
            chains.append(MathChain(path, tuple(members), chain.display, chain.definition, chain.qualifier or None,
                                    chain.premise, mapping))
        return chains

    def relation_results(self, path: str, positions: Positions) -> list[MathRelation]:
        in_chains = {id(member) for chain in self.chains if len(chain.members) >= 2 for member in chain.members}
        return [MathRelation(
            path, self.fragment(relation.lhs, positions), self.fragment(relation.rhs, positions),
            relation.event.relation, self.text[relation.event.start:relation.event.end].strip(),
            *positions.at(relation.event.start), relation.display,
            chained=any(id(side) in in_chains for side in (relation.lhs, relation.rhs) if side is not None),
            implication=relation.implication,
        ) for relation in self.relations]

    def fragment(self, span: Optional[list[int]], positions: Positions) -> Optional[MathFragment]:
        if span is None:
            return None
        start, end = span
        return MathFragment(self.latex((start, end)), *positions.at(start), *positions.at(end))
