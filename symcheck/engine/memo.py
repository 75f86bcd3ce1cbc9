"""A bounded memo of a pure function's results, by a hashable key.

The engine asks the same questions of the same expressions many times (a chain's member is
a side of two steps; the same entry, sign or sum recurs at every point): each answer is
computed once and kept, at most `size` of them, the oldest dropped first.
"""

from __future__ import annotations

from typing import Callable, Hashable, TypeVar

T = TypeVar("T")
_MISSING = object()  # a kept answer may be None (an unknown sign)


class Memo:
    """Results by key, at most `size` of them (the oldest dropped first)."""

    def __init__(self, size: int):
        self.size, self.values = size, {}

    def get(self, key: Hashable, compute: Callable[..., T], *arguments: object) -> T:
        """The answer kept for `key`, else `compute(*arguments)`, kept (the arguments are
        passed, not closed over: the memo sits on hot paths, where a closure per call costs)."""
        try:
            found = self.values.get(key, _MISSING)
        except TypeError:  # an unhashable key (a mutable matrix in it): computed every time
            return compute(*arguments)
        if found is _MISSING:
            found = compute(*arguments)
            if len(self.values) >= self.size:
                del self.values[next(iter(self.values))]
            self.values[key] = found
        return found
