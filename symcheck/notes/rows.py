"""Splitting one math region into rows, and finding the relations, separators and
qualifiers at the top level of each row (never inside braces, brackets, ``\\left...\\right``
or an opaque environment such as ``cases``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from symcheck.notes.regions import ENV_NAME, PAIRED_COLUMNS, Region, skip_env_arguments
from symcheck.read.texscan import matching_brace

# Environments whose rows are rows of the chain (the rest are opaque: one member each).
_TRANSPARENT = frozenset(
    name + star
    for name in ("equation", "align", "gather", "multline", "flalign", "alignat", "eqnarray", "split", "dmath")
    for star in ("", "*")
) | {"aligned", "gathered", "alignedat"}
DEF_COMMANDS = {"coloneqq", "eqqcolon", "equiv", "triangleq", "doteq", "defeq", "Coloneqq"}
# relations other than `=`, by the name a step records ("le" for \\le, \\leq, <=, ≤ ...)
RELATION_NAMES = {
    "le": "le", "leq": "le", "leqslant": "le", "<=": "le", "≤": "le",
    "ge": "ge", "geq": "ge", "geqslant": "ge", ">=": "ge", "≥": "ge",
    "lt": "lt", "<": "lt", "gt": "gt", ">": "gt",
    "ne": "ne", "neq": "ne", "!=": "ne", "≠": "ne",
    "approx": "approx", "approxeq": "approx", "simeq": "approx", "≈": "approx", "≃": "approx",
    "sim": "sim", "∼": "sim", "cong": "cong", "≅": "cong", "propto": "propto", "∝": "propto",
    "ll": "ll", "≪": "ll", "gg": "gg", "≫": "gg", "in": "in", "∈": "in", "notin": "notin", "∉": "notin",
    "ni": "ni", "subset": "subset", "⊂": "subset", "subseteq": "subseteq", "⊆": "subseteq",
    "supset": "supset", "supseteq": "supseteq", "prec": "prec", "succ": "succ", "preceq": "preceq",
    "succeq": "succeq", "lesssim": "lesssim", "gtrsim": "gtrsim",
}


def _symbol_of(name: str) -> str:
    """How a message writes a relation: its Unicode sign, else a one-character ASCII one, else its name."""
    spellings = [spelling for spelling, named in RELATION_NAMES.items() if named == name]
    signs = [s for s in spellings if not s.isascii()] + [s for s in spellings if len(s) == 1]
    return signs[0] if signs else name


RELATION_SYMBOLS = {name: _symbol_of(name) for name in dict.fromkeys(RELATION_NAMES.values())}  # "le" -> "≤"
_BREAK_COMMANDS = {name for name in RELATION_NAMES if name.isalpha() and name.isascii()}
_NEGATED = {"=": "ne", "in": "notin"}  # `\\not=`, `\\not\\in`; any other `\\not` relation is a relation unchecked
_UNICODE_RELATIONS = {char for char in RELATION_NAMES if not char.isascii()}
_SEP_COMMANDS = {
    "Rightarrow": "implies", "implies": "implies", "Longrightarrow": "implies", "iff": "iff",
    "Leftrightarrow": "iff", "Longleftrightarrow": "iff", "therefore": "arrow", "because": "arrow",
    "impliedby": "arrow", "Leftarrow": "arrow", "Longleftarrow": "arrow", "quad": "quad", "qquad": "quad",
}
_SOFT_SEP_COMMANDS = {"rightarrow", "to", "longrightarrow", "mapsto", "longmapsto"}
# \xrightarrow[below]{above}: the arrow it draws; the labels are remarks on it
_EXTENSIBLE_ARROWS = {
    "xrightarrow": ("soft", "arrow"), "xlongrightarrow": ("soft", "arrow"), "xmapsto": ("soft", "arrow"),
    "xRightarrow": ("sep", "implies"), "xLongrightarrow": ("sep", "implies"), "xLeftarrow": ("sep", "arrow"),
    "xleftarrow": ("sep", "arrow"), "xleftrightarrow": ("sep", "iff"), "xLeftrightarrow": ("sep", "iff"),
}
TEXT_COMMANDS = {"text", "textrm", "textit", "textbf", "textnormal", "textsf", "mbox", "hbox", "mathrm"}
_CUT_WORDS = {
    "if", "for", "when", "whenever", "where", "otherwise", "provided", "given",
    "unless", "assuming", "with", "iff", "wherever", "all", "each", "every",
}
# a reason is a claim, as \because is: `a = b \text{ since } c = d` checks c = d too
REASON_WORDS = {"since", "because"}
# a definition in a row's text: `\text{defining } u = \epsilon/x \text{ and thus } \epsilon = xu`
# (a premise when a consequence follows it, else a qualifier)
DEFINING_WORDS = {"defining", "define", "let", "letting"}
# a consequence ends a qualifier: in `a = b \text{ for all } x \text{, so } c = d`, c = d is a claim
CONSEQUENCE_WORDS = {"so", "thus", "hence", "therefore"}
_SEP_WORDS = {"and", "or", "equivalently", "so", "thus", "hence", "then", "now", "therefore", "i.e.", "ie", "i.e", "e.g.", "which", "gives", "yields"}
_DROPPED_COMMANDS = {"nonumber", "notag", "displaystyle", "textstyle", "scriptstyle", "limits"}
_DROPPED_WITH_GROUP = {"label", "tag", "intertext", "shortintertext"}
CONTROL_WORD = re.compile(r"\\([A-Za-z]+)")


@dataclass
class Event:
    kind: str  # "rel" | "sep" | "soft" | "cut"
    detail: str  # rel: eq/def/break; sep: arrow/quad/text
    start: int
    end: int
    relation: str = ""  # a break: the relation's name (`RELATION_NAMES`)


@dataclass
class Row:
    start: int
    end: int
    events: list[Event] = field(default_factory=list)
    unbalanced: bool = False
    align: Optional[int] = None  # the row's first alignment point (`&`)


def group_after(text: str, pos: int, limit: int) -> Optional[tuple[int, int]]:
    """(start of `{`, end past `}`) of the brace group after optional spaces at `pos`."""
    k = pos
    while k < limit and text[k] in " \t":
        k += 1
    if k < limit and text[k] == "{":
        end = matching_brace(text, k, limit)
        if end > 0:
            return k, end
    return None


def _skip_delimiter(text: str, pos: int, limit: int) -> int:
    """Past the delimiter after \\left, \\right, \\middle, \\big..."""
    k = pos
    while k < limit and text[k] in " \t\r\n":
        k += 1
    if k < limit and text[k] == "\\":
        match = CONTROL_WORD.match(text, k)
        return match.end() if match else min(k + 2, limit)
    return min(k + 1, limit)


def text_kind(content: str) -> Optional[str]:
    """How a top-level \\text{...} acts: 'sep' (blank, a connective or a reason), 'consequence'
    (so, hence ...: a separator that also ends a qualifier), 'cut' (a qualifier), or None."""
    plain = re.sub(r"\$[^$]*\$", " x ", content)
    stripped = re.sub(r"\\[ ,;!]|~", " ", plain).strip()
    if not stripped:
        return "sep"
    words = re.sub(r"[,;:()\-–—]+", " ", stripped.lower()).split()
    if not words:
        return None
    if all(word in _SEP_WORDS for word in words):
        return "consequence" if CONSEQUENCE_WORDS & set(words) else "sep"
    if words[0] in REASON_WORDS:
        return "sep"
    if words[0] in DEFINING_WORDS:
        return "define"
    if words[0] in _CUT_WORDS:
        return "cut"
    if stripped.endswith((",", ";")):
        return "sep"  # a phrase that ends its clause: `C \\times C \\text{ matrix, } J_{ij} = ...`
    return None


def _text_column(text: str, region: Region, start: int) -> Optional[str]:
    """Text in an alignment column of its own (`... && \\textrm{Sum rule}`) is a remark on
    the row, never part of a member: 'cut', as a qualifier."""
    before = text[region.content_start:start].rstrip()
    return "cut" if before.endswith("&") else None


def _negated(text: str, pos: int, limit: int) -> Optional[tuple[int, str]]:
    """After `\\not`: (end, relation name) of the relation it negates (`\\not=` is ≠, `\\not\\in`
    is ∉, any other a relation named "not ..."), or None when no relation follows."""
    k = pos
    while k < limit and text[k] in " \t":
        k += 1
    if text[k:k + 1] == "=":
        return k + 1, _NEGATED["="]
    word = CONTROL_WORD.match(text, k)
    if word and (word.group(1) in _BREAK_COMMANDS or word.group(1) in DEF_COMMANDS):
        return word.end(), _NEGATED.get(word.group(1), "not " + word.group(1))
    if text[k:k + 1] in ("<", ">"):
        return k + 1, "not " + text[k]
    return None


_REASON_OPENING = re.compile(r"\s*\\(?:because\b|(?:text|textrm|textit|mbox)\s*\{\s*(?:since|because)\b)")


def _reason_in_parentheses(text: str, pos: int, limit: int) -> Optional[int]:
    """Where the `)` closing a bracket that opens with a reason (`(\\because ...)`,
    `(\\text{since } ...)`) is, or None."""
    if not _REASON_OPENING.match(text, pos + 1, limit):
        return None
    depth = braces = 0
    for k in range(pos, limit):
        char = text[k]
        braces += {"{": 1, "}": -1}.get(char, 0)
        if braces == 0 and char in "()":
            depth += 1 if char == "(" else -1
            if depth == 0:
                return k
    return None


def _past_arrow_labels(text: str, pos: int, limit: int) -> int:
    """Past the optional `[below]` and the `{above}` of an extensible arrow."""
    k = pos
    while k < limit and text[k] in " \t":
        k += 1
    if text[k:k + 1] == "[":
        depth = 0
        for index in range(k, limit):
            depth += {"[": 1, "]": -1}.get(text[index], 0)
            if depth == 0:
                k = index + 1
                break
    group = group_after(text, k, limit)
    return group[1] if group else k


class Lexer:
    """Splits one region into rows and finds the relations and separators at top level."""

    def __init__(self, text: str, region: Region, use_parens: bool):
        self.text, self.region, self.use_parens = text, region, use_parens
        self.blanks: list[tuple[int, int]] = []

    def rows(self) -> list[Row]:
        text, region = self.text, self.region
        limit = region.content_end
        rows = [Row(region.content_start, limit)]
        braces = parens = lefts = ampersands = 0
        opaque: list[str] = []
        transparent: list[str] = [] if not region.multline else ["multline"]
        phantom_closers: set[int] = set()
        k = region.content_start

        def top() -> bool:
            return braces == 0 and parens == 0 and lefts == 0 and not opaque

        def emit(kind: str, detail: str, start: int, end: int, relation: str = "") -> None:
            rows[-1].events.append(Event(kind, detail, start, end, relation))

        while k < limit:
            char = text[k]
            if k in phantom_closers:
                k += 1
                continue
            if char == "\\":
                following = text[k + 1:k + 2]
                if following == "\\":
                    end = k + 2
                    if text[end:end + 1] == "*":
                        end += 1
                    option = re.match(r"\[[^\]\n]*\]", text[end:limit])
                    if option:
                        end += option.end()
                    if braces == 0 and not opaque:
                        if any(name.startswith("multline") for name in transparent):
                            self.blanks.append((k, end))
                        else:
                            rows[-1].end = k
                            rows[-1].unbalanced = parens > 0 or lefts > 0
                            rows.append(Row(end, limit))
                            parens = lefts = ampersands = 0
                    k = end
                    continue
                word = CONTROL_WORD.match(text, k)
                if not word:
                    if following in ("{", "[", "(") and self.use_parens and braces == 0 and not opaque:
                        parens += 1 if following == "{" else 0
                    elif following == "}" and self.use_parens and braces == 0 and not opaque:
                        parens = max(0, parens - 1)
                    k += 2
                    continue
                name, end = word.group(1), word.end()
                if name in ("begin", "end"):
                    env = ENV_NAME.match(text, k)
                    if env:
                        env_name = env.group(2).strip()
                        end = env.end()
                        if name == "begin":
                            if env_name in _TRANSPARENT and braces == 0 and not opaque:
                                end = skip_env_arguments(text, end, env_name)
                                self.blanks.append((k, end))
                                transparent.append(env_name)
                            else:
                                opaque.append(env_name)
                        else:
                            if opaque and opaque[-1] == env_name:
                                opaque.pop()
                            elif transparent and transparent[-1] == env_name and braces == 0 and not opaque:
                                self.blanks.append((k, end))
                                transparent.pop()
                    k = end
                    continue
                if name in ("left", "right", "middle") or re.fullmatch(r"[bB]ig+[lrm]?", name):
                    if name == "left" and self.use_parens:
                        lefts += 1
                    elif name == "right" and self.use_parens:
                        lefts = max(0, lefts - 1)
                    k = _skip_delimiter(text, end, limit) if name in ("left", "right", "middle") else end
                    continue
                if opaque:
                    k = end
                    continue
                if name in _DROPPED_COMMANDS:
                    self.blanks.append((k, end))
                    k = end
                    continue
                if name in _DROPPED_WITH_GROUP:
                    star = end + 1 if text[end:end + 1] == "*" else end
                    group = group_after(text, star, limit)
                    stop = group[1] if group else end
                    self.blanks.append((k, stop))
                    k = stop
                    continue
                if name == "boxed" and braces == 0:
                    group = group_after(text, end, limit)
                    if group:
                        self.blanks.append((k, group[0] + 1))
                        self.blanks.append((group[1] - 1, group[1]))
                        phantom_closers.add(group[1] - 1)
                        k = group[0] + 1
                        continue
                if not top():
                    k = end
                    continue
                if name in ("stackrel", "overset", "mathrel"):  # a relation decorated or spaced
                    first = group_after(text, end, limit)
                    second = group_after(text, first[1], limit) if first and name != "mathrel" else first
                    if first and second:
                        above = text[first[0] + 1:first[1] - 1] if second is not first else ""
                        below = text[second[0] + 1:second[1] - 1].strip()
                        if below == "=" or below.lstrip("\\") in DEF_COMMANDS:
                            definition = "def" in above or below != "=" or "triangle" in above
                            emit("rel", "def" if definition else "eq", k, second[1])
                        elif below.lstrip("\\") in RELATION_NAMES:
                            emit("rel", "break", k, second[1], RELATION_NAMES[below.lstrip("\\")])
                        k = second[1]
                        continue
                if name in DEF_COMMANDS:
                    emit("rel", "def", k, end)
                elif name in _BREAK_COMMANDS:
                    emit("rel", "break", k, end, RELATION_NAMES[name])
                elif name == "not":
                    negated = _negated(text, end, limit)
                    if negated is not None:
                        emit("rel", "break", k, negated[0], negated[1])
                        k = negated[0]
                        continue
                elif name in _SEP_COMMANDS:
                    emit("sep", _SEP_COMMANDS[name], k, end)
                elif name == "hspace":  # a wide space between formulas, as \quad
                    star = end + 1 if text[end:end + 1] == "*" else end
                    group = group_after(text, star, limit)
                    stop = group[1] if group else end
                    emit("sep", "quad", k, stop)
                    k = stop
                    continue
                elif name in _SOFT_SEP_COMMANDS:
                    emit("soft", "arrow", k, end)
                elif name in _EXTENSIBLE_ARROWS:
                    stop = _past_arrow_labels(text, end, limit)
                    emit(*_EXTENSIBLE_ARROWS[name], k, stop)
                    k = stop
                    continue
                elif name == "forall":
                    emit("cut", "forall", k, end)
                elif name in TEXT_COMMANDS:
                    group = group_after(text, end, limit)
                    if group and text[group[0] + 1:group[1] - 1].strip() == "=":  # `a \\text{ = } b`
                        emit("rel", "eq", k, group[1])
                        k = group[1]
                        continue
                    if group:
                        kind = text_kind(text[group[0] + 1:group[1] - 1]) or _text_column(text, region, k)
                        if kind in ("sep", "consequence"):
                            emit("sep", "text" if kind == "sep" else kind, k, group[1])
                        elif kind in ("cut", "define"):
                            emit("cut", "text" if kind == "cut" else kind, k, group[1])
                        k = group[1]
                        continue
                k = end
                continue
            if char == "{":
                braces += 1
            elif char == "}":
                braces = max(0, braces - 1)
            elif braces == 0 and not opaque:
                closer = _reason_in_parentheses(text, k, limit) if char == "(" and top() else None
                if closer is not None:  # `x^2 = x x \\quad (\\because 1 + 1 = 3)`: the reason is a claim
                    self.blanks += [(k, k + 1), (closer, closer + 1)]
                    phantom_closers.add(closer)
                elif char in "([" and self.use_parens:
                    parens += 1
                elif char in ")]" and self.use_parens:
                    parens = max(0, parens - 1)
                elif char == "&":
                    ampersands += 1
                    rows[-1].align = k if rows[-1].align is None else rows[-1].align
                    paired = transparent[-1] in PAIRED_COLUMNS if transparent else region.paired_columns
                    if paired and ampersands % 2 == 0:  # the next equation of the row, set apart as by \qquad
                        emit("sep", "quad", k, k + 1)
                    else:
                        self.blanks.append((k, k + 1))
                elif top():
                    if char == "=":
                        before = text[k - 1] if k > region.content_start else " "
                        after = text[k + 1] if k + 1 < limit else " "
                        if before in "<>":
                            pass  # <= and >= were emitted at < and >
                        elif before == "!":
                            emit("rel", "break", k - 1, k + 1, "ne")
                        elif before == ":":
                            emit("rel", "def", k - 1, k + 1)
                        elif after == ":":
                            emit("rel", "def", k, k + 2)
                            k += 2
                            continue
                        elif after == "=":
                            emit("rel", "eq", k, k + 2)
                            k += 2
                            continue
                        else:
                            emit("rel", "eq", k, k + 1)
                    elif char in _UNICODE_RELATIONS:
                        emit("rel", "break", k, k + 1, RELATION_NAMES[char])
                    elif char in "<>":
                        end = k + 2 if text[k + 1:k + 2] == "=" else k + 1
                        emit("rel", "break", k, end, RELATION_NAMES[text[k:end]])
                        k = end
                        continue
            k += 1
        rows[-1].end = limit
        rows[-1].unbalanced = parens > 0 or lefts > 0
        return rows

