"""A small LaTeX tokenizer and tree builder for the notation layer.

Every token keeps its offsets into the string the caller gave (``start``/``end``), so an
error found anywhere later can point back into the author's LaTeX. Tokens made by a
rewrite rule carry the offsets of the text they replaced.

Stages (used by ``symcheck.read.notation``):

1. ``tokenize`` splits text into commands, letters, numbers, spaces, other characters.
2. ``collapse`` folds commands whose argument is literal text (``\\text{..}``,
   ``\\mathcal{L}``, ``\\tilde{J}``, ``\\begin{pmatrix}``) into one token each.
3. ``build_tree`` matches brackets and environments into ``Group``/``Env`` nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional, Sequence, Union

from symcheck.read.backend import LatexError

# ---------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Token:
    """kind: cmd | letter | number | space | char | dots | word | begin | end | name | param.

    ``word`` tokens are text-argument commands (``\\text{softmax}``): ``cmd`` is the
    command, ``arg`` its argument text and ``arg_start`` where that text starts.
    ``begin``/``end`` carry the environment name in ``arg``; ``name`` tokens (made by the
    notation layer) carry the declared name in ``arg``.
    """

    kind: str
    text: str
    start: int
    end: int
    arg: Optional[str] = None
    arg_start: int = -1
    cmd: Optional[str] = None

    def is_(self, *texts: str) -> bool:
        return self.kind not in ("word", "name", "begin", "end") and self.text in texts


# commands after which a bare number argument is a single digit, as in TeX (\frac12, x^23)
_DIGIT_ARGUMENTS = {"^": 1, "_": 1, "\\frac": 2, "\\dfrac": 2, "\\tfrac": 2, "\\cfrac": 2, "\\sqrt": 1}
_DOTS_COMMANDS = {"\\dots", "\\ldots", "\\cdots", "\\vdots", "\\ddots", "\\dotsb", "\\dotsc"}


def tokenize(text: str, offset: int = 0, params: bool = False) -> list[Token]:
    """Split LaTeX into tokens; offsets are ``offset`` + index into ``text``.

    With ``params`` (rewrite-rule patterns), ``#1``..``#9`` become ``param`` tokens.
    """
    tokens: list[Token] = []
    i, n = 0, len(text)
    pending_digits = 0  # digit arguments still owed to the last \frac, ^, _
    arguments = _DigitArguments()
    while i < n:
        c = text[i]
        start = i
        if c == "\\":
            i += 1
            if i < n and text[i].isascii() and text[i].isalpha():
                while i < n and text[i].isascii() and text[i].isalpha():
                    i += 1
            elif i < n:
                i += 1
            word = text[start:i]
            kind = "dots" if word in _DOTS_COMMANDS else "cmd"
        elif c.isspace():
            while i < n and text[i].isspace():
                i += 1
            tokens.append(Token("space", text[start:i], offset + start, offset + i))
            continue
        elif c.isascii() and c.isalpha():
            i += 1
            kind = "letter"
        elif c.isascii() and c.isdigit():
            i += 1
            if not pending_digits:
                while i < n and text[i].isascii() and text[i].isdigit():
                    i += 1
                if i + 1 < n and text[i] == "." and text[i + 1].isascii() and text[i + 1].isdigit():
                    i += 1
                    while i < n and text[i].isascii() and text[i].isdigit():
                        i += 1
            kind = "number"
        elif c == "." and not pending_digits and i + 1 < n and text[i + 1].isascii() and text[i + 1].isdigit():
            i += 1  # .4: a decimal without its leading zero
            while i < n and text[i].isascii() and text[i].isdigit():
                i += 1
            kind = "number"
        elif c == "." and text.startswith("...", i):
            while i < n and text[i] == ".":
                i += 1
            kind = "dots"
        elif params and c == "#" and i + 1 < n and text[i + 1] in "123456789":
            i += 2
            kind = "param"
        else:
            i += 1
            kind = "char"
        token = Token(kind, text[start:i], offset + start, offset + i)
        tokens.append(token)
        pending_digits = arguments.after(token, pending_digits)
    return tokens


class _DigitArguments:
    """Tracks TeX's single-digit arguments: in ``\\frac12`` each digit is an argument, but a
    braced argument is whole (``\\frac{12}{34}``, ``\\frac{1.5}{2}``, ``x^{12}``), and the
    shorthand resumes for the arguments still owed once its brace closes."""

    def __init__(self) -> None:
        self.depth = 0
        self.owed: list[tuple[int, int]] = []  # (brace depth, arguments owed after it)

    def after(self, token: Token, pending: int) -> int:
        """The digit arguments still owed after ``token``."""
        if token.kind not in ("cmd", "char"):
            return max(pending - 1, 0)
        if token.text in _DIGIT_ARGUMENTS:
            return _DIGIT_ARGUMENTS[token.text]
        if token.text == "{":
            self.depth += 1
            if pending:
                self.owed.append((self.depth, pending - 1))
            return 0
        if token.text == "}":
            restored = self.owed.pop()[1] if self.owed and self.owed[-1][0] == self.depth else 0
            self.depth -= 1
            return restored
        return max(pending - 1, 0)


def solid(tokens: Sequence[Token]) -> list[Token]:
    """The tokens without spaces."""
    return [t for t in tokens if t.kind != "space"]


def join(tokens: Sequence[Token]) -> str:
    return "".join(t.text for t in tokens)


def brace_group_end(tokens: Sequence[Token], i: int) -> int:
    """Index just after the braced group starting at tokens[i] (which must be '{')."""
    depth = 0
    for k in range(i, len(tokens)):
        if tokens[k].is_("{"):
            depth += 1
        elif tokens[k].is_("}"):
            depth -= 1
            if depth == 0:
                return k + 1
    raise LatexError("unbalanced '{': no matching '}'", "", tokens[i].start)


def next_solid(tokens: Sequence[Token], i: int) -> int:
    """Index of the first non-space token at or after i (len(tokens) if none)."""
    while i < len(tokens) and tokens[i].kind == "space":
        i += 1
    return i


def argument(tokens: Sequence[Token], i: int) -> tuple[list[Token], int]:
    """The TeX argument of the command at tokens[i - 1]: a braced group (braces
    stripped) or one token. Returns (argument tokens, index after it)."""
    owner = tokens[i - 1].start if 0 < i <= len(tokens) else 0
    i = next_solid(tokens, i)
    if i >= len(tokens) or tokens[i].is_("}"):
        raise LatexError(f"missing argument of {tokens[i - 1].text if i else 'a command'}", "", owner)
    if tokens[i].is_("{"):
        end = brace_group_end(tokens, i)
        return list(tokens[i + 1 : end - 1]), end
    return [tokens[i]], i + 1


# ---------------------------------------------------------------- collapsing text arguments

TEXT_COMMANDS = frozenset(
    "\\text \\textrm \\textit \\textbf \\textsf \\texttt \\mathrm \\operatorname \\mathit "
    "\\mathbf \\mathbb \\mathcal \\mathscr \\mathfrak \\mathsf \\mathtt \\boldsymbol \\bm "
    "\\tilde \\widetilde \\hat \\widehat \\bar \\overline \\vec \\dot \\ddot \\check \\breve "
    "\\acute \\grave \\mathring".split()
)
ACCENTS = frozenset(
    "\\tilde \\widetilde \\hat \\widehat \\bar \\overline \\vec \\dot \\ddot \\check \\breve "
    "\\acute \\grave \\mathring".split()
)


def collapse(tokens: Sequence[Token]) -> list[Token]:
    """Fold text-argument commands and \\begin/\\end into single tokens."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        if t.kind == "cmd" and (t.text in TEXT_COMMANDS or t.text in ("\\begin", "\\end")):
            inner, end = argument(tokens, i + 1)
            content = join(inner)
            arg_start = inner[0].start if inner else tokens[end - 1].start
            last = tokens[end - 1]
            if t.text in ("\\begin", "\\end"):
                kind = t.text[1:]
                content = content.strip()
            else:
                kind = "word"
            out.append(Token(kind, join(tokens[i:end]), t.start, last.end, content, arg_start, t.text))
            i = end
        else:
            out.append(t)
            i += 1
    return out


# ---------------------------------------------------------------- tree

OPENERS = {"{": "}", "(": ")", "[": "]", "\\{": "\\}", "\\lbrace": "\\rbrace", "\\lbrack": "\\rbrack"}
CLOSERS = {close: open_ for open_, close in OPENERS.items()}


@dataclass
class Leaf:
    token: Token

    @property
    def start(self) -> int:
        return self.token.start

    @property
    def end(self) -> int:
        return self.token.end


@dataclass
class Group:
    """Bracketed items: ``open`` is '{', '(', '[', '\\{' ..."""

    open: Token
    close: Token
    items: list["Node"] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.open.start

    @property
    def end(self) -> int:
        return self.close.end

    @property
    def kind(self) -> str:
        return self.open.text


@dataclass
class Env:
    """\\begin{name} items \\end{name}"""

    begin: Token
    close: Token
    items: list["Node"] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.begin.start

    @property
    def end(self) -> int:
        return self.close.end

    @property
    def name(self) -> str:
        return self.begin.arg or ""


Node = Union[Leaf, Group, Env, object]  # the notation layer adds its own parsed objects


def build_tree(tokens: Sequence[Token], text: str = "") -> list[Node]:
    """Match brackets and environments; spaces are dropped."""
    root: list[Node] = []
    stack: list[tuple[Token, list[Node]]] = []
    current = root
    for t in tokens:
        if t.kind == "space":
            continue
        if t.kind == "begin" or (t.kind in ("char", "cmd") and t.text in OPENERS):
            stack.append((t, current))
            current = []
            continue
        closing_env = t.kind == "end"
        if closing_env or (t.kind in ("char", "cmd") and t.text in CLOSERS):
            if not stack:
                raise LatexError(f"unmatched '{t.text}'", text, t.start)
            opener, parent = stack[-1]
            if closing_env:
                if opener.kind != "begin" or opener.arg != t.arg:
                    raise LatexError(f"'{t.text}' does not close '{opener.text}'", text, t.start)
                node: Node = Env(opener, t, current)
            else:
                if opener.kind == "begin" or OPENERS[opener.text] != t.text:
                    raise LatexError(f"'{t.text}' does not close '{opener.text}'", text, t.start)
                node = Group(opener, t, current)
            stack.pop()
            parent.append(node)
            current = parent
            continue
        current.append(Leaf(t))
    if stack:
        opener = stack[-1][0]
        raise LatexError(f"'{opener.text}' is never closed", text, opener.start)
    return root


def with_text(error: LatexError, text: str) -> LatexError:
    """The same error, showing ``text`` (errors raised deep inside carry no text)."""
    if error.latex:
        return error
    return LatexError(error.message, text, error.column)


def retoken(token: Token, **changes) -> Token:
    return replace(token, **changes)
