"""Importing the engine without the cyclic garbage collector.

Importing SymPy, the reader and the engine makes some 10^5 objects that live as long as the
process: collecting while they are made scans them again and again for nothing (~10% of the
import time). `engine_import` pauses collection around the import; what exists after it is
frozen (never scanned again, so the pages a forked worker shares with its parent stay
shared) and collection resumes.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def engine_import() -> Iterator[None]:
    """Collection paused inside the block (if it was on), frozen and resumed after it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
