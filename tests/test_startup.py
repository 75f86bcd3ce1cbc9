"""The engine's import runs without cyclic collection, and collection resumes after it."""

import gc

from symcheck.runtime.startup import engine_import


def test_collection_is_paused_inside_and_resumed_after():
    assert gc.isenabled()
    frozen_before = gc.get_freeze_count()
    with engine_import():
        assert not gc.isenabled()
        made = [[] for _ in range(100)]  # noqa: F841 - objects start-up would have made
    assert gc.isenabled()
    assert gc.get_freeze_count() > frozen_before
    gc.unfreeze()


def test_collection_left_off_by_the_caller_stays_off():
    gc.disable()
    try:
        with engine_import():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_collection_resumes_when_the_import_fails():
    try:
        with engine_import():
            raise ImportError("no such module")
    except ImportError:
        pass
    assert gc.isenabled()
    gc.unfreeze()
