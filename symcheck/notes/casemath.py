"""How a note writes the math of a case: `if $i = j$`, `suppose $u = 0$`, `for $x > 0$`,
`for $0 < p < 1$`, `\\text{if } x \\neq 0`. Shared by the prose reader (a case stated in the
words, or in a display of its own) and the chain reader (`\\text{if } ...` after a display).

Two letters compared (i = j, i \\neq j) are a case on indices, or on scalars; a name compared
with a number is a case on a scalar. A comparison of two expressions is not read as a case.
"""

from __future__ import annotations

import re
from typing import Optional

_LETTERS_OP = r"=|\\neq|\\ne(?![A-Za-z])|!="
_NAME = r"(?:\\[A-Za-z]+|[A-Za-z])(?:_\{?[A-Za-z0-9]+\}?)?"
_NUMBER = r"-?\s*(?:\d+(?:\.\d+)?|\\[dt]?frac\s*\{\s*\d+\s*\}\s*\{\s*\d+\s*\}|\d+\s*/\s*\d+)"
_ORDER = r"[<>]=?|\\[lg][et](?:q|qslant)?(?![A-Za-z])"  # `x >= 0` as `x \ge 0`
_LESS = r"<=?|\\l[et](?:q|qslant)?(?![A-Za-z])"
_RELATION = (
    rf"(?P<first>[A-Za-z])\s*(?P<op>{_LETTERS_OP})\s*(?P<second>[A-Za-z])"
    rf"|(?P<scalar>{_NAME}\s*(?:{_LETTERS_OP}|{_ORDER})\s*{_NUMBER}"
    rf"|{_NUMBER}\s*(?:{_LESS})\s*{_NAME}(?:\s*(?:{_LESS})\s*{_NUMBER})?)"
)
CASE_MATH = re.compile(rf"\s*(?:{_RELATION})\s*[.,:;]?\s*")
_FIXED_VALUE = re.compile(rf"{_NAME}\s*=\s*{_NUMBER}")
# `n_h = n_w = 16`: several names given one number
_EQUAL_NAMES = re.compile(rf"\s*(?P<names>(?:{_NAME}\s*=\s*){{2,}})(?P<value>{_NUMBER})\s*[.,;:]?\s*")
_NAME_BEFORE_EQUALS = re.compile(rf"({_NAME})\s*=")
# `\text{if $u = 0$}` (the math inside the words) or `\text{if } u = 0` (after them)
_QUALIFIERS = (
    re.compile(rf"\s*\\(?:text|textrm|mbox)\s*\{{\s*(?:if|when|for)\s*\$?\s*(?:{_RELATION})\s*\$?[\s,.;:]*\}}", re.I),
    re.compile(rf"\s*\\(?:text|textrm|mbox)\s*\{{\s*(?:if|when|for)\s*\}}\s*(?:{_RELATION})[\s,.;:]*$", re.I),
)


_OR = re.compile(r"\\(?:text|textrm|mbox)\s*\{\s*or\s*\}", re.I)


def qualifier_case(qualifier: Optional[str]) -> Optional[str]:
    """The case a `\\text{if } ...` after a display's math (or between a chain's members)
    states, if it states one; `\\text{when } n = 1 \\text{ or } n = -1` states either."""
    first, *others = _OR.split(qualifier or "")
    case = next((case_condition(m) for m in (q.match(first) for q in _QUALIFIERS) if m), None)
    alternatives = [case_condition(CASE_MATH.fullmatch(other)) for other in others]
    if case is None or None in alternatives:
        return None
    return " \\lor ".join([case, *alternatives])


def case_condition(match: Optional[re.Match]) -> Optional[str]:
    """The LaTeX of the case a `CASE_MATH` match (or a qualifier's) states."""
    if match is None:
        return None
    if match["scalar"] is not None:
        return " ".join(match["scalar"].split())
    return f"{match['first']} {match['op']} {match['second']}"


def fixes_a_value(condition: str) -> bool:
    """`u = 0` (or `x = 4, y = -3`): a case only where the words make it one ("suppose", "if",
    "case"), since "with $K = 3$ classes" states a value rather than a case."""
    return all(_FIXED_VALUE.fullmatch(part.strip()) for part in condition.split(","))


def fixed_values(content: str) -> Optional[str]:
    """`x = 4, y = -3`, `n_h = n_w = 16`: several names each given a number, one case (their
    conjunction)."""
    chained = _EQUAL_NAMES.fullmatch(content)
    if chained:
        value = " ".join(chained["value"].split())
        return ", ".join(f"{name} = {value}" for name in _NAME_BEFORE_EQUALS.findall(chained["names"]))
    parts = content.strip().rstrip(".,;:").split(",")
    conditions = [case_condition(CASE_MATH.fullmatch(part)) for part in parts]
    if len(parts) < 2 or any(c is None or not fixes_a_value(c) for c in conditions):
        return None
    return ", ".join(conditions)
