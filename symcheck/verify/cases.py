"""What a careful reader says about a chain's stated case beyond equality.

A case that identifies two indices (``i = j``) makes them one: the chain's conclusion is
read on its own (quoted in a summary, a matrix, a later line), so a conclusion that still
uses both indices holds only because of the case. `S_i(1-S_j)` in the case ``i = j`` is
then a typo for `S_i(1-S_i)`, and the warning shows that canonical form.

A case that holds nowhere (x > 0 and x < 0; u = 0 with u declared positive) decides nothing
(the engine's verdict is unknown); the reader is warned that the case is empty.
"""

from __future__ import annotations

import re
from typing import Optional

import sympy

from symcheck.engine.scalarcase import EMPTY_CASE
from symcheck.model import Decision, Remark


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


def empty_case_remarks(decision: Decision) -> tuple[Remark, ...]:
    """A warning when the step's stated case is empty: nothing in it was checked."""
    if decision.strategy != EMPTY_CASE:
        return ()
    return (Remark("warning", "the stated case is empty: nothing in it is checked"),)
