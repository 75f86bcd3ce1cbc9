"""The cyclic garbage collector during start-up.

Importing SymPy, the reader and the engine makes some 10^5 objects that live as long as the
process: collecting while they are made scans them again and again for nothing (~10% of the
import time). The command pauses collection first thing (`pause_collection`), and resumes
it once the engine is imported (`engine_imported`): what exists then is frozen, never
scanned again, so the pages a forked worker shares with its parent stay shared.
"""

from __future__ import annotations

import gc


def pause_collection() -> None:
    gc.disable()


def engine_imported() -> None:
    """Resume collection, if it was paused, after freezing what start-up made."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
