"""Items latex2sympy2 reads for us: each value becomes a placeholder ``\\mathit{zzN}``,
operators stay as written, and every emitted offset maps back to the author's LaTeX."""

from __future__ import annotations

from dataclasses import dataclass, field

from symcheck.read.arithmetic import ErrorAt, applied_to_a_bracket, raised_call
from symcheck.read.nodes import EMITTED, RELATIONS, Env, Func, Group, Leaf, Obj, leaf_text

# the function commands latex2sympy2 reads (the reader knows more: \\sech, \\operatorname{asinh} ...)
BACKEND_FUNCTIONS = frozenset(
    "\\ln \\log \\exp \\sin \\cos \\tan \\sec \\csc \\cot \\sinh \\cosh \\tanh "
    "\\arcsin \\arccos \\arctan \\arcsec \\arccsc \\arccot".split()
)


@dataclass
class Emitted:
    text: str
    placeholders: dict
    order: dict
    offsets: list = field(default_factory=list)  # (emitted offset, source offset)

    def source(self, column: int, default: int) -> int:
        best = default
        for emitted, source in self.offsets:
            if emitted <= column:
                best = source
            else:
                break
        return best


class Emitter:
    """Writes reduced items as LaTeX; anything that is not arithmetic is an error."""

    def __init__(self, error: ErrorAt) -> None:
        self.error = error

    def emit(self, items: list) -> Emitted:
        emitted = Emitted("", {}, {})
        pieces: list[str] = []
        self._emit_into(items, emitted, pieces)
        emitted.text = "".join(pieces)
        return emitted

    def _emit_into(self, items: list, emitted: Emitted, pieces: list[str]) -> None:
        previous, arguments = None, 0  # arguments: functions whose bracketed argument is open
        for k, item in enumerate(items):
            if isinstance(previous, Func) and isinstance(item, Obj) and item.raise_to is not None:
                previous = item
                continue  # emitted with the function
            if arguments and not _in_argument(item, previous):
                self._piece(emitted, pieces, ")" * arguments, item.start)
                arguments = 0
            if isinstance(item, Func) and not applied_to_a_bracket(items, k + 1):
                arguments += 1  # emitted as \sin (x y): what follows up to an operator, as the fast path reads
            if isinstance(item, Obj):
                placeholder = self._placeholder(emitted, item.value)
                # parentheses matter after a function only; elsewhere latex2sympy2 would
                # read 'a(b)' as a call of a
                text = f"({placeholder})" if item.paren and isinstance(previous, Func) else placeholder
                self._piece(emitted, pieces, text, item.start)
            elif isinstance(item, Func) and _raised(items, k + 1):  # \cos(x)^2: cos(x)^2, as the fast path reads
                self._piece(emitted, pieces, self._placeholder(emitted, raised_call(item, items[k + 1], self.error)),
                            item.start)
            elif isinstance(item, Func):
                if item.name not in BACKEND_FUNCTIONS:
                    raise self.error(f"{item.name[1:]} cannot be combined with what follows it here", item.start)
                text = "\\ln" if item.name == "\\log" and item.base is None else item.name
                if item.base is not None:
                    text += "_{" + self._placeholder(emitted, item.base) + "}"
                if item.power is not None:
                    text += "^{" + self._placeholder(emitted, item.power) + "}"
                self._piece(emitted, pieces, text + (" " if applied_to_a_bracket(items, k + 1) else " ("),
                            item.start)
            else:
                self._piece(emitted, pieces, self._leaf_emission(item), item.start)
            previous = item
        if arguments:
            self._piece(emitted, pieces, ")" * arguments, items[-1].end if items else 0)

    @staticmethod
    def _placeholder(emitted: Emitted, value: object) -> str:
        name = f"\\mathit{{zz{len(emitted.placeholders)}}}"
        emitted.placeholders[name] = value
        emitted.order[name] = len(emitted.order)
        return name

    @staticmethod
    def _piece(emitted: Emitted, pieces: list[str], text: str, source: int) -> None:
        emitted.offsets.append((sum(len(p) for p in pieces), source))
        pieces.append(text)

    def _leaf_emission(self, item: object) -> str:
        text = leaf_text(item)
        if text in EMITTED:
            return EMITTED[text]
        if isinstance(item, Leaf) and item.token.kind == "dots":
            raise self.error("cannot read this ellipsis (only 'a_1 + a_2 + \\dots + a_n' is read)", item.start)
        if text in RELATIONS:
            raise self.error("a relation where an expression is expected", item.start)
        if text in ("\\partial", "d"):
            raise self.error("a differential outside a derivative fraction", item.start)
        if isinstance(item, (Group, Env)):
            raise self.error("cannot read this group", item.start)
        shown = text if text is not None else item.token.text
        raise self.error(f"unexpected '{shown}'", item.start)


def _raised(items: list, k: int) -> bool:
    return k < len(items) and isinstance(items[k], Obj) and items[k].raise_to is not None


def _in_argument(item: object, previous: object) -> bool:
    """`item` goes on the argument of a function written without brackets: a value, a
    factorial, a sign or another function right after the function."""
    if isinstance(item, Obj) or leaf_text(item) == "!":
        return True
    return isinstance(previous, Func) and (isinstance(item, Func) or leaf_text(item) in ("+", "-"))
