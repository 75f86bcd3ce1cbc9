"""Token-level tidying: drop what is not math (alignment, tags, \\boxed, sizing, leading
arrows, trailing punctuation), read function words (``log(x)``, ``\\text{exp}``,
``\\mathrm{d}``) and the words of a case condition (``\\text{if $i = j$}``)."""

from __future__ import annotations

import re
from typing import Callable, Optional, Sequence

from symcheck.read.backend import LatexError
from symcheck.read.values import FUNCTION_NAMES
from symcheck.read.tokens import ACCENTS, Token, argument, brace_group_end, join, next_solid, tokenize

SIZING = frozenset(
    "\\left \\right \\big \\Big \\bigg \\Bigg \\bigl \\bigr \\Bigl \\Bigr \\biggl \\biggr "
    "\\Biggl \\Biggr \\middle".split()
)
DROPPED = frozenset(
    "\\, \\; \\: \\! \\> \\thinspace \\medspace \\thickspace \\enspace \\negthinspace \\negmedspace "
    "\\negthickspace \\displaystyle \\textstyle \\limits \\nolimits \\nonumber \\notag ~ $".split()
    + ["\\ "]
)
UNWRAPPED = frozenset({"\\ensuremath", "\\boxed", "\\cancel", "\\bcancel", "\\xcancel", "\\cancelto"})
# \underbrace{a + b}_{\text{squares}}: the braced math is kept (a group), its label dropped
BRACED = {"\\underbrace": "_", "\\overbrace": "^"}
# \color{red}{x}, \textcolor{red}{x}, \colorbox{red}{x}: the colour is no math
COLOURS = frozenset({"\\color", "\\textcolor", "\\colorbox"})
LEADING = frozenset(
    "& = \\Rightarrow \\rightarrow \\therefore \\implies \\Longrightarrow \\longrightarrow \\to "
    "\\hookrightarrow \\leftarrow \\iff \\because → ⇒ ∴ ↳ ⟹".split()
)
TRAILING = frozenset({"\\\\", ".", ",", ";"})
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9'\-]*$")


def _unwrap(tokens: list[Token]) -> list[Token]:
    """\\boxed{x} -> x, \\cancel{x} -> x; sizing (\\left, \\right, \\big) and spacing dropped."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.kind == "cmd" and t.text in UNWRAPPED:
            k = next_solid(tokens, i + 1)
            if t.text == "\\cancelto" and k < len(tokens) and tokens[k].is_("{"):
                k = next_solid(tokens, brace_group_end(tokens, k))
            if k < len(tokens) and tokens[k].is_("{"):
                end = brace_group_end(tokens, k)
                tokens = tokens[:i] + tokens[k + 1 : end - 1] + tokens[end:]
                continue
            i += 1
            continue
        if t.kind == "cmd" and t.text in BRACED:
            tokens = _without_label(tokens, i, BRACED[t.text])
            continue
        if t.kind == "cmd" and t.text in COLOURS:
            _, after = argument(tokens, i + 1)
            tokens = tokens[:i] + tokens[after:]
            continue
        if t.kind == "cmd" and t.text in SIZING:
            k = next_solid(tokens, i + 1)
            i = k + 1 if k < len(tokens) and tokens[k].is_(".") else i + 1
            continue
        if t.text in DROPPED and t.kind in ("cmd", "char"):
            i += 1
            continue
        if t.kind == "cmd" and t.text in ("\\tag", "\\label", "\\hspace", "\\vspace", "\\phantom", "\\hphantom"):
            k = next_solid(tokens, i + 1)
            _, i = argument(tokens, k + 1 if k < len(tokens) and tokens[k].is_("*") else i + 1)
            continue
        if t.kind == "word" and not (t.arg or "").strip():
            i += 1
            continue
        out.append(t)
        i += 1
    return out


def _without_label(tokens: list[Token], i: int, script: str) -> list[Token]:
    """The tokens with the brace command at tokens[i] dropped and, after its braced group, the
    label in `script` (`_` under, `^` over); the group stays, so what it holds stays together."""
    k = next_solid(tokens, i + 1)
    if k >= len(tokens) or not tokens[k].is_("{"):
        return tokens[:i] + tokens[i + 1:]
    end = brace_group_end(tokens, k)
    label = next_solid(tokens, end)
    if label >= len(tokens) or not tokens[label].is_(script):
        return tokens[:i] + tokens[k:]
    written, after = argument(tokens, label + 1)
    if any(token.is_("=") for token in written):  # `_{= c}` claims something of the group: never dropped unread
        raise LatexError(f"the label of {tokens[i].text} holds an equation, which is not read: write it as a step "
                         "of its own", "", tokens[label].start)
    return tokens[:i] + tokens[k:end] + tokens[after:]


def _depths(tokens: Sequence[Token]) -> list[int]:
    """Nesting depth (braces and environments) before each token."""
    depth, out = 0, []
    for t in tokens:
        if t.is_("}") or t.kind == "end":
            depth -= 1
        out.append(depth)
        if t.is_("{") or t.kind == "begin":
            depth += 1
    return out


def _is_tag(t: Token) -> bool:
    content = (t.arg or "").strip()
    return t.kind == "word" and t.cmd == "\\text" and (
        content[:1] in ("-", "(", "[", "—", "–") or (content and not content[0].isascii())
    )


# a numeral in text: 1 000 000
TEXT_NUMERAL = re.compile(r"\d{1,3}(?:[ ~]\d{3})+|\d+")


def is_prose(t: Token) -> bool:
    """\\text{So, } or \\text{ when }: words, not a name (names have no spaces around)
    nor a numeral (\\text{1 000})."""
    raw = t.arg or ""
    return t.kind == "word" and t.cmd in ("\\text", "\\textrm", "\\textit", "\\textbf") and (
        raw != raw.strip() or not (IDENTIFIER.match(raw) or TEXT_NUMERAL.fullmatch(raw))
    )


def trim_end(tokens: list[Token]) -> list[Token]:
    while True:
        solid = [k for k, t in enumerate(tokens) if t.kind != "space"]
        if not solid:
            return []
        depth = _depths(tokens)
        top = [k for k in solid if depth[k] == 0]
        foralls = [k for k in top if tokens[k].is_("\\forall")]
        last = tokens[solid[-1]]
        if foralls:
            tokens = tokens[: foralls[0]]
        elif last.text in TRAILING and last.kind in ("char", "cmd"):
            tokens = tokens[: solid[-1]]
        elif last.kind == "word" and len(solid) > 1 and (
            _is_tag(last) or tokens[solid[-2]].is_("\\quad", "\\qquad", "&")  # && \\text{Sum rule}: a text column
        ):
            tokens = tokens[: solid[-1]]
        elif last.is_("\\quad", "\\qquad"):
            tokens = tokens[: solid[-1]]
        else:
            return tokens


def _trim_start(tokens: list[Token]) -> list[Token]:
    while True:
        k = next_solid(tokens, 0)
        if k >= len(tokens):
            return []
        t = tokens[k]
        after = next_solid(tokens, k + 1)
        if (t.kind in ("cmd", "char") and t.text in LEADING) or (
            is_prose(t) and after < len(tokens) and not tokens[after].is_("=")
        ):
            tokens = tokens[k + 1 :]
        else:
            return tokens


def _drop_alignment(tokens: list[Token]) -> list[Token]:
    depth = _depths(tokens)
    return [t for t, d in zip(tokens, depth) if not (t.is_("&") and d == 0) and not t.is_("\\quad", "\\qquad")]


def tidy_tokens(tokens: list[Token]) -> list[Token]:
    """Drop what is not math: alignment, tags, wrappers, sizing, leading arrows."""
    tokens = _unwrap(tokens)
    tokens = _trim_start(trim_end(tokens))
    return _drop_alignment(tokens)


def function_words(tokens: list[Token], declared: Callable[[Token], bool] = lambda t: False) -> list[Token]:
    """log(x) written with letters, \\text{log}, \\mathrm{d} -> the commands they mean
    (a ``declared`` word stays a word: the notation names it)."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.kind == "word" and (t.arg or "").strip() in FUNCTION_NAMES and t.cmd not in ACCENTS and not declared(t):
            out.append(Token("cmd", FUNCTION_NAMES[(t.arg or "").strip()], t.start, t.end))
            i += 1
            continue
        if t.kind == "word" and t.cmd in ("\\mathrm", "\\text", "\\operatorname") and (t.arg or "").strip() == "d":
            out.append(Token("letter", "d", t.start, t.end))
            i += 1
            continue
        word = _letter_word(tokens, i)
        if word and (not out or out[-1].kind != "letter"):
            end = i + len(word)
            k = next_solid(tokens, end)
            if k < len(tokens) and tokens[k].is_("("):
                out.append(Token("cmd", FUNCTION_NAMES[word], t.start, tokens[end - 1].end))
                i = end
                continue
        out.append(t)
        i += 1
    return out


def _letter_word(tokens: list[Token], i: int) -> Optional[str]:
    for word in ("log", "exp", "ln"):
        chunk = tokens[i : i + len(word)]
        if len(chunk) == len(word) and all(t.kind == "letter" for t in chunk) and join(chunk) == word:
            return word
    return None


def condition_text(tokens: list[Token]) -> list[Token]:
    """\\text{if $i = j$,} -> i = j; 'and' words become ','; 'otherwise' stays a word."""
    out: list[Token] = []
    for t in tokens:
        content = (t.arg or "").strip() if t.kind == "word" else ""
        if t.kind == "word" and "$" in content:
            raw = t.arg or ""
            for index, piece in enumerate(raw.split("$")):
                offset = t.arg_start + sum(len(p) + 1 for p in raw.split("$")[:index])
                if index % 2 == 1:
                    out.extend(trim_end(tokenize(piece, offset)))
                elif piece.strip().strip(",.").strip() in ("and", "&"):
                    out.append(Token("char", ",", offset, offset + len(piece)))
        elif t.kind == "word" and content in ("and", "&", ","):
            out.append(Token("char", ",", t.start, t.end))
        elif t.kind == "word" and content in ("if", "when", "for", "where"):
            continue
        elif t.kind == "cmd" and t.text in ("\\land", "\\wedge"):
            out.append(Token("char", ",", t.start, t.end))
        else:
            out.append(t)
    return out



def index_letters(tokens: list[Token]) -> frozenset[str]:
    """Letters written as indices: in a subscript, or a parenthesised superscript x^{(i)}."""
    found: set[str] = set()
    for k, t in enumerate(tokens):
        if not t.is_("_", "^"):
            continue
        a = next_solid(tokens, k + 1)
        if a >= len(tokens):
            continue
        if tokens[a].is_("{"):
            inner = tokens[a + 1 : brace_group_end(tokens, a) - 1]
            first = next_solid(inner, 0)
            if t.is_("^") and not (first < len(inner) and inner[first].is_("(")):
                continue
        elif t.is_("_"):
            inner = [tokens[a]]
        else:
            continue
        found.update(x.text for x in inner if x.kind == "letter")
    return frozenset(found)
