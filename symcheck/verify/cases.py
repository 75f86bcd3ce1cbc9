"""What a careful reader says about a chain's stated case beyond equality.

A case that identifies two indices (``i = j``) makes them one: the chain's conclusion is
read on its own (quoted in a summary, a matrix, a later line), so a conclusion that still
uses both indices holds only because of the case. `S_i(1-S_j)` in the case ``i = j`` is
then a typo for `S_i(1-S_i)`, and the warning shows that canonical form.
"""

from __future__ import annotations

import re
from typing import Optional

import sympy

from symcheck.model import Remark


def rename_index(latex: str, old: str, new: str) -> str:
    """`latex` with the index letter `old` written `new` (never inside a command name)."""
    return re.sub(rf"(?<![\\A-Za-z]){re.escape(old)}(?![A-Za-z])", new, latex)


def case_index_remark(condition: Optional[sympy.Basic], conclusion: sympy.Basic, latex: str) -> Optional[Remark]:
    """A warning when `conclusion` (written `latex`) uses both indices the case identifies."""
    if not isinstance(condition, sympy.Eq):
        return None
    first, second = condition.lhs, condition.rhs
    if not (isinstance(first, sympy.Symbol) and isinstance(second, sympy.Symbol)):
        return None
    if not {first, second} <= getattr(conclusion, "free_symbols", set()):
        return None
    canonical = rename_index(latex, second.name, first.name)
    if canonical == latex:
        return None
    return Remark("warning", f"holds only because {first} = {second}; write {canonical}")
