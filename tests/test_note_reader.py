"""The note reader reads a note the way a careful reader does, and never passes math it did
not check. Every rule is tried on a small note written for it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import pytest
from click.testing import CliRunner

from symcheck.cli import cli
from symcheck.engine.settings import Settings
from symcheck.model import Verdict
from symcheck.notes.prose import read_prose
from symcheck.verify.notes import check_note

SETTINGS = Settings(step_timeout=30.0)

VECTORS = """
[sizes]
N = {}
[indices]
i = { range = [1, "N"] }
j = { range = [1, "N"] }
k = { range = [1, "N"] }
[symbols]
a = { kind = "vector", shape = ["N"] }
w = { kind = "vector", shape = ["N"] }
S = { kind = "vector", shape = ["N"], domain = "probability" }
J = { kind = "matrix", shape = ["N", "N"] }
t = {}
[[definitions]]
latex = 'S_j = {e^{a_j} \\over \\sum_{k=1}^N e^{a_k}}'
"""


def write(tmp_path: Path, text: str, notation: Optional[str] = VECTORS, name: str = "note.md") -> Path:
    note = tmp_path / name
    note.write_text(text, encoding="utf-8")
    if notation is not None:
        note.with_suffix(".toml").write_text(notation, encoding="utf-8")
    return note


def steps(note: Path) -> list:
    return [step for chain in check_note(note, None, SETTINGS).result.chains for step in chain.steps]


def verdicts_by_line(note: Path) -> dict[int, list[Verdict]]:
    """The verdicts of the steps on each line of a note."""
    found: dict[int, list[Verdict]] = {}
    for step in steps(note):
        found.setdefault(step.line, []).append(step.decision.verdict)
    return found


def by_line(note: Path) -> dict:
    return {step.line: step for step in steps(note)}


def cases(note: Path) -> dict:
    """The case each chain was checked under, by the line of the chain."""
    return {chain.steps[0].line: chain.condition for chain in check_note(note, None, SETTINGS).result.chains}


def run(*args: str):
    return CliRunner().invoke(cli, ["check", *args], catch_exceptions=False)


# ---------------------------------------------------------------- 1. definitions versus claims


@pytest.mark.parametrize("display, verdict", [
    ("u = u + 1", Verdict.REFUTED),
    ("w_k = 2 w_k", Verdict.REFUTED),
    ("t(t-1) = t^2 - t", Verdict.PROVED),
    ("z = z^2", Verdict.REFUTED),
    ("J = J + J", Verdict.REFUTED),
])
def test_a_name_on_its_own_right_side_or_not_a_name_is_a_claim(tmp_path, display, verdict):
    note = write(tmp_path, f"Some math:\n\n$$ {display} $$\n")
    result = check_note(note, None, SETTINGS).result
    assert not result.adopted
    (step,) = [step for chain in result.chains for step in chain.steps]
    assert step.decision.verdict is verdict


def test_a_declared_matrix_written_with_a_bare_equals_is_checked(tmp_path):
    note = write(tmp_path, "The Jacobian:\n\n$$ J = \\mathrm{diag}(S) - S S^\\top $$\n")
    result = check_note(note, None, SETTINGS).result
    assert not result.adopted and len(result.chains) == 1
    assert result.chains[0].steps[0].decision.verdict is Verdict.REFUTED


def test_a_fresh_name_is_a_definition_only_when_the_text_says_so(tmp_path):
    note = write(tmp_path, "Let $q = x^2 + 1$. Then\n\n$$ q - 1 = x^2 $$\n\n$$ r := x + 1 $$\n\n$$ m = x + 1 $$\n")
    result = check_note(note, None, SETTINGS).result
    assert [(a.name, a.line) for a in result.adopted] == [("q", 1), ("r", 5)]
    verdicts = {step.line: step.decision.verdict for chain in result.chains for step in chain.steps}
    assert verdicts == {3: Verdict.PROVED, 7: Verdict.REFUTED}  # m = x + 1 is a claim


def test_a_second_definition_is_checked_against_the_first(tmp_path):
    note = write(tmp_path, "$$ r := x + 1 $$\n\n$$ r := x + 2 $$\n\n$$ r \\coloneqq 1 + x $$\n")
    verdicts = {line: step.decision.verdict for line, step in by_line(note).items()}
    assert verdicts == {3: Verdict.REFUTED, 5: Verdict.PROVED}


def test_a_self_referential_definition_is_refuted_not_adopted(tmp_path):
    note = write(tmp_path, "Let $z = z^2$.\n\n$$ z + 1 = z^2 + 1 $$\n")
    result = check_note(note, None, SETTINGS).result
    assert not result.adopted
    verdicts = [step.decision.verdict for chain in result.chains for step in chain.steps]
    assert verdicts[0] is Verdict.REFUTED and "unfold" not in result.chains[-1].steps[0].decision.reason


def test_adopted_definitions_are_in_the_json_and_in_verbose_text(tmp_path):
    note = write(tmp_path, "where $q = x^2 + 1$\n")
    payload = json.loads(run(str(note), "--format", "json").output)
    assert payload["documents"][0]["adopted"] == [{"name": "q", "line": 1, "col": 8, "latex": "q = x^2 + 1",
                                                     "kind": "definition"}]
    assert f"{note}:1:8: definition adopted: q = x^2 + 1" in run(str(note), "-v").output
    assert "adopted" not in run(str(note)).output


# ---------------------------------------------------------------- 2. case scope


CASES = """\
# Diagonal

When $i = j$:

$$ \\frac{\\partial S_i}{\\partial a_j} = S_i(1-S_i) $$

# Off the diagonal

$$ \\frac{\\partial S_i}{\\partial a_j} = S_i(1-S_i) $$
"""


def test_a_case_ends_at_the_next_heading(tmp_path):
    note = write(tmp_path, CASES)
    verdicts = {line: step.decision.verdict for line, step in by_line(note).items()}
    assert verdicts[5] is Verdict.PROVED
    assert verdicts[9] is not Verdict.PROVED  # meant for all indices: not under the case
    assert cases(note) == {5: "i = j", 9: None}


@pytest.mark.parametrize("closer", ["In general,", "For all indices,"])
def test_prose_closes_a_case(tmp_path, closer):
    text = CASES.replace("# Off the diagonal", closer)
    assert cases(write(tmp_path, text)) == {5: "i = j", 9: None}


def test_the_next_case_replaces_the_one_in_force(tmp_path):
    text = CASES.replace("# Off the diagonal", "If $i \\neq j$:").replace(
        "$$ \\frac{\\partial S_i}{\\partial a_j} = S_i(1-S_i) $$\n", "", 1)
    text = text.replace("S_i(1-S_i) $$\n", "-S_i S_j $$\n")
    (step,) = steps(write(tmp_path, text))
    assert (step.decision.verdict, step.decision.condition) == (Verdict.PROVED, "i != j")


def test_a_case_in_a_display_of_its_own(tmp_path):
    text = CASES.replace("When $i = j$:", "$$ \\text{If } i = j: $$")
    assert by_line(write(tmp_path, text))[5].decision.condition == "i = j"


@pytest.mark.parametrize("hidden", [
    "<!-- when $i = j$: -->", "`when $i = j$:`", "```\nwhen $i = j$:\n```",
])
def test_math_in_comments_and_code_states_no_case(tmp_path, hidden):
    text = f"{hidden}\n\n$$ \\frac{{\\partial S_i}}{{\\partial a_j}} = S_i(1-S_i) $$\n"
    note = write(tmp_path, text)
    assert list(cases(note).values()) == [None]
    (step,) = steps(note)
    assert step.decision.verdict is not Verdict.PROVED


def test_percent_comments_state_no_case_in_latex(tmp_path):
    text = ("\\begin{document}\n% when $i = j$:\n\\[ \\frac{\\partial S_i}{\\partial a_j} = S_i(1-S_i) \\]\n"
            "\\end{document}\n")
    assert list(cases(write(tmp_path, text, name="note.tex")).values()) == [None]


def test_a_stray_equality_is_not_a_case(tmp_path):
    reading = read_prose("We see $a = b$ here.\n\n$$ x = x $$\n", "n.md")
    assert reading.cases == ()


def test_a_value_given_both_ways_is_not_a_case(tmp_path):
    reading = read_prose("This is 1 only when $i = j$, else 0.\n\n$$ x = x $$\n", "n.md")
    assert reading.cases == ()


def test_a_case_in_a_list_item_ends_at_the_next_item(tmp_path):
    reading = read_prose("- Case $i = j$: the diagonal\n\n$$ x = x $$\n\n- In matrix form\n", "n.md")
    (case,) = reading.cases
    assert case.end == (5, 1)


def test_a_trailing_if_is_the_case_of_its_own_chain(tmp_path):
    text = ("$$ \\frac{\\partial S_i}{\\partial a_j} = S_i(1-S_i) \\quad \\text{if } i = j $$\n\n"
            "$$ \\frac{\\partial S_i}{\\partial a_j} = S_i(1-S_i) $$\n")
    note = write(tmp_path, text)
    first, _ = steps(note)
    assert (first.decision.verdict, first.decision.condition) == (Verdict.PROVED, "i = j")
    assert cases(note) == {1: "i = j", 3: None}


# ---------------------------------------------------------------- 3. verdicts under a stated case


def test_a_step_true_in_its_case_is_proved_and_counterexamples_respect_the_case(tmp_path):
    text = "When $i \\neq j$:\n\n$$ \\frac{\\partial S_i}{\\partial a_j} = -S_i S_j = S_i S_j $$\n"
    proved, refuted = steps(write(tmp_path, text))
    assert (proved.decision.verdict, proved.decision.condition) == (Verdict.PROVED, "i != j")
    assert refuted.decision.verdict is Verdict.REFUTED
    point = refuted.decision.counterexample.point
    assert point["i"] != point["j"]


def test_conditional_means_a_condition_the_text_does_not_state(tmp_path):
    text = "The derivative:\n\n$$ \\frac{\\partial S_i}{\\partial a_j} = S_i(1-S_j) $$\n"
    result = run(str(write(tmp_path, text)))
    assert "warning: step holds only if i = j" in result.output


# ---------------------------------------------------------------- 4. the case-index typo


def test_a_conclusion_using_both_identified_indices_is_warned(tmp_path):
    text = "When $i = j$:\n\n$$ \\frac{\\partial S_i}{\\partial a_j} = S_i(1-S_j) $$\n"
    result = run(str(write(tmp_path, text)))
    assert "3:40: warning: holds only because i = j; write S_i(1-S_i)" in result.output
    assert result.exit_code == 0


def test_a_conclusion_in_canonical_form_is_not_warned(tmp_path):
    text = "When $i = j$:\n\n$$ \\frac{\\partial S_i}{\\partial a_j} = S_i(1-S_i) $$\n"
    assert ": warning:" not in run(str(write(tmp_path, text))).output


CASE_CHAIN = """\
title = "case"
source = "case.md"
""" + VECTORS + """
[[chains]]
name = "diagonal"
condition = 'i = j'
[[chains.steps]]
line = 1
latex = '\\frac{\\partial S_i}{\\partial a_j}'
[[chains.steps]]
line = 2
latex = 'S_i(1-S_j)'
"""


def test_verify_warns_of_the_case_index_typo_too(tmp_path):
    path = tmp_path / "case.toml"
    path.write_text(CASE_CHAIN, encoding="utf-8")
    result = CliRunner().invoke(cli, ["verify", str(path), "--format", "json"])
    step = json.loads(result.output)["documents"][0]["chains"][0]["steps"][0]
    assert (step["verdict"], step["condition"]) == ("proved", "i = j")
    assert step["remarks"] == [{"severity": "warning", "message": "holds only because i = j; write S_i(1-S_i)"}]
    assert result.exit_code == 0


# ---------------------------------------------------------------- 5. unreadable math


UNREADABLE = "A chain:\n\n$$ (x+1)^2 = \\foo{x} = x^2 + 2x + 1 = x^2 + 1 $$\n"


def test_an_unreadable_member_splits_the_chain_and_the_rest_is_checked(tmp_path):
    result = run(str(write(tmp_path, UNREADABLE, notation=None)))
    lines = result.output.splitlines()
    assert any(line.startswith(f"{tmp_path / 'note.md'}:3:14: warning: cannot read the math") for line in lines)
    assert "    ^" in "\n".join(lines) or any(line.strip() == "^" for line in lines)
    assert "3:24: " not in result.output  # x^2 + 2x + 1 holds against (x+1)^2
    assert "3:39: error: step is refuted" in result.output and "(compared with 3:24)" in result.output
    assert "1 member not read" in lines[-1]
    assert result.exit_code == 1


def test_the_member_after_an_unreadable_one_says_what_it_was_compared_with(tmp_path):
    text = "A chain:\n\n$$ (x+1)^2 = \\foo{x} = x^2 + x + 1 $$\n"
    result = run(str(write(tmp_path, text, notation=None)))
    assert "(compared with 3:4, the last readable member (not read: 3:14))" in result.output


def test_unread_members_fail_under_strict(tmp_path):
    text = "A chain:\n\n$$ (x+1)^2 = \\foo{x} = x^2 + 2x + 1 $$\n"
    note = write(tmp_path, text, notation=None)
    assert run(str(note)).exit_code == 0
    strict = run(str(note), "--strict")
    assert strict.exit_code == 1 and "error: cannot read the math" in strict.output


# ---------------------------------------------------------------- 6. carried errors


def test_a_carried_error_is_a_note_not_a_second_error(tmp_path):
    text = "Expanding:\n\n$$ (x+1)^2 = x^2 + x + 1 = x \\cdot (x+1) + 1 = (x+1)^2 $$\n"
    result = run(str(write(tmp_path, text, notation=None)))
    assert result.output.count("error:") == 1
    assert "3:28: note: follows from line 3:14 as written; the error there is carried" in result.output
    assert "3:47" not in result.output  # back to what held: compared with 3:4, proved
    payload = json.loads(run(str(tmp_path / "note.md"), "--format", "json").output)
    carried = payload["documents"][0]["chains"][0]["steps"][1]
    assert carried["verdict"] == "refuted" and carried["compared_with"] == "3:4"  # still wrong as written


def test_a_second_independent_error_is_still_an_error(tmp_path):
    text = "Expanding:\n\n$$ (x+1)^2 = x^2 + x + 1 = x^3 $$\n"
    result = run(str(write(tmp_path, text, notation=None)))
    assert result.output.count("error:") == 2
    assert "(compared with 3:4)" in result.output


# ---------------------------------------------------------------- 7. visibility


def test_numeric_steps_are_visible_as_notes(tmp_path, monkeypatch):
    """Numeric agreement is evidence, not proof: check says so (the engine is replaced by
    one that only has numeric evidence, so the test does not depend on what it can prove)."""
    from symcheck.model import Decision, StepResult
    from symcheck.verify import notes

    def numeric(eq, settings, repairs=None, decider=None):
        decision = Decision(Verdict.NUMERIC, "numeric", 0.0, "agrees at 20 points")
        return StepResult(eq.kind, eq.name, eq.source, eq.line, eq.latex, decision, True)

    monkeypatch.setattr(notes, "verify_equation", numeric)
    result = run(str(write(tmp_path, "A step:\n\n$$ x + x = 2x $$\n", notation=None)))
    assert "3:12: note: numeric evidence only: agrees at 20 points (compared with 3:4)" in result.output
    assert result.exit_code == 0 and run(str(tmp_path / "note.md"), "--strict").exit_code == 1
