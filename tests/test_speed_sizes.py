"""Sizes are a contract: proved-for-sizes covers every size asked for, however slow the machine."""

import pytest

from symcheck.engine import rungs
from symcheck.engine.ladder import decide
from symcheck.engine.settings import Settings
from symcheck.model import Verdict

from .engine_fixtures import softmax_world, sum_without_closed_form


@pytest.fixture(scope="module")
def w():
    return softmax_world()


def test_all_sizes_asked_for_are_covered(w):
    decision = decide(*sum_without_closed_form(w), w.bare, settings=Settings(sizes=(1, 2, 3, 4, 5)))
    assert (decision.verdict, decision.sizes) == (Verdict.PROVED_FOR_SIZES, (1, 2, 3, 4, 5))


def test_running_out_of_time_at_a_size_is_no_claim_for_fewer_sizes(w, monkeypatch):
    """A machine too slow to finish size 4 in time (simulated) gets no proved-for-sizes 1..3."""
    finished = rungs._combination_zero

    def slow_from_size_four(work, sides, sizes_map, chosen, deadline):
        return False if max(sizes_map.values(), default=0) >= 4 else finished(work, sides, sizes_map, chosen, deadline)

    monkeypatch.setattr(rungs, "_combination_zero", slow_from_size_four)
    decision = decide(*sum_without_closed_form(w), w.bare, settings=Settings(sizes=(1, 2, 3, 4, 5)))
    assert decision.verdict is not Verdict.PROVED_FOR_SIZES
    assert decision.sizes in ((), (1, 2, 3, 4, 5))
