"""A name whose definition in the note could not be read is no free name for an order: an
order refuted only at a point giving it a value is undecided, since the definition may bound
it. Before, `Let $m = \\max_k o_k$` (unread) and then `$o_1 - m \\le 0$` was refuted at m = 0.
An equation refuted at a generic value of the name stays refuted (a manipulation carrying the
name along fails whatever it is)."""

from __future__ import annotations

from symcheck.model import Verdict

from .note_fixtures import checked, steps, written_verdicts

UNREAD = "Let $m = \\max_k o_k$ be the largest entry.\n\n"


def test_a_relation_refuted_only_by_a_value_of_the_name_is_undecided(tmp_path):
    [step] = [s for s in steps(checked(tmp_path, UNREAD + "Then $o_1 - m \\le 0$.\n")) if s.line == 3]
    assert step.decision.verdict is Verdict.UNKNOWN
    assert "definition of m at line 1 was not read" in step.decision.reason


def test_an_equation_carrying_the_name_along_is_still_refuted(tmp_path):
    """A factor exp(m) dropped: wrong unless m = 0, refuted at a generic m."""
    found = written_verdicts(tmp_path, UNREAD + "$$\\exp(o_1 - m) \\exp m = \\exp(o_1 - m)$$\n")
    assert found[-1] == ("\\exp(o_1 - m)", Verdict.REFUTED)


def test_a_step_without_the_name_is_still_refuted(tmp_path):
    found = written_verdicts(tmp_path, UNREAD + "$$o_1 + 1 = o_1$$\n")
    assert found[-1] == ("o_1", Verdict.REFUTED)


def test_the_definition_itself_is_reported_unread(tmp_path):
    found = written_verdicts(tmp_path, UNREAD + "$$o_1 + 1 = o_1$$\n")
    assert found[0][1] is Verdict.UNKNOWN and "max" in found[0][0]
