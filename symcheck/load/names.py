"""The grammar of names declared in derivation and notation files.

Names are data: a size, index, symbol or function name becomes the name of a SymPy
object and is printed in messages and reports, so it must be a plain identifier. A name
is an ASCII letter followed by at most 31 ASCII letters, digits or underscores, and
does not start or end with an underscore (so no ``__dunder__``). Anything else (a Python
expression, a LaTeX command, a Unicode confusable, an empty string) is refused with a
message naming the offending character.

Numbers in files are bounded the same way: `bounded_int` accepts only TOML integers
(never strings, floats or booleans) inside a range.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Optional

NAME_PATTERN = re.compile(r"[A-Za-z](?:[A-Za-z0-9_]{0,30}[A-Za-z0-9])?")
MAX_NAME = 32


def name_problem(name: Any) -> Optional[str]:
    """Why `name` is not a valid declared name, or None when it is."""
    if not isinstance(name, str):
        return f"a name must be a string, not {type(name).__name__}"
    if not name:
        return "a name cannot be empty"
    if len(name) > MAX_NAME:
        return f"a name has at most {MAX_NAME} characters"
    if NAME_PATTERN.fullmatch(name):
        return None
    for position, char in enumerate(name):
        allowed = char.isascii() and (char.isalnum() or (char == "_" and 0 < position < len(name) - 1))
        if not allowed or (position == 0 and not char.isalpha()):
            return f"character {_describe(char)} at position {position + 1} is not allowed"
    return "not a plain identifier"  # pragma: no cover - every failure names a character above


def _describe(char: str) -> str:
    label = unicodedata.name(char, "") if not char.isascii() or not char.isprintable() else ""
    shown = repr(char)
    return f"{shown} (U+{ord(char):04X}{' ' + label if label else ''})" if label or not char.isprintable() else shown


NAME_RULE = "names are an ASCII letter followed by letters, digits or inner underscores (at most 32)"


def bounded_int(value: Any, low: int, high: int) -> Optional[int]:
    """`value` when it is a TOML integer in [low, high], else None."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return None
    return value
