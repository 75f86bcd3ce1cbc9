"""`symcheck check` on a real note: seed 004 as a Markdown file with the shipped notation."""

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from symcheck.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SEED_004 = ROOT.parent / "shared" / "seeds" / "004_72ee6677b536daaa.txt"
NOTATION_004 = ROOT / "examples" / "notes" / "004.toml"
DIAGNOSTIC = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning|note): ")


@pytest.fixture(scope="module")
def note(tmp_path_factory) -> Path:
    if not SEED_004.is_file():
        pytest.skip(f"source document not found: {SEED_004}")
    path = tmp_path_factory.mktemp("notes") / "softmax.md"
    shutil.copy(SEED_004, path)
    return path


def check(*args: str):
    return CliRunner().invoke(cli, ["check", *args], catch_exceptions=False)


def severities_by_line(output: str) -> dict[int, str]:
    found = {}
    for line in output.splitlines():
        match = DIAGNOSTIC.match(line)
        if match:
            found[int(match["line"])] = match["severity"]
    return found


def flagged_lines(output: str) -> set[int]:
    """Lines with an error or warning about the math, or a carried error (read math only)."""
    found = set()
    for line in output.splitlines():
        match = DIAGNOSTIC.match(line)
        if match and "cannot read the math" not in line and (match["severity"] != "note" or "carried" in line):
            found.add(int(match["line"]))
    return found


@pytest.fixture(scope="module")
def text_run(note):
    return check(str(note), "--notation", str(NOTATION_004))


def test_quotient_rule_and_garbled_line_are_errors_at_their_lines(text_run):
    assert text_run.exit_code == 1
    errors = {line for line, severity in severities_by_line(text_run.output).items() if severity == "error"}
    assert {44, 65} <= errors


def test_the_errors_of_the_post_are_flagged(text_run):
    """The quotient rule (44), the garbled factoring (65), the definition with e^{a_i} for
    e^{a_j} (24) and the case-index typo S_i(1-S_j) in the case i = j (66)."""
    assert {24, 44, 65, 66} <= flagged_lines(text_run.output)


def test_nothing_true_is_flagged(text_run):
    """Lines 100 (scores a_1, a_2, ..., a_n listed with an ellipsis) and 108 (A = XW before an
    arrow) state the model: definitions and a premise, not claims."""
    assert flagged_lines(text_run.output) <= {24, 44, 65, 66}


def test_definition_typo_is_a_warning_with_its_condition(text_run):
    line_24 = [line for line in text_run.output.splitlines() if ":24:" in line]
    assert line_24 and "warning" in line_24[0] and "i = j" in line_24[0]


def test_positions_point_into_the_align_block(text_run, note):
    (line_65,) = [line for line in text_run.output.splitlines() if DIAGNOSTIC.match(line) and ":65:" in line]
    column = int(DIAGNOSTIC.match(line_65)["col"])
    source_line = note.read_text(encoding="utf-8").splitlines()[64]
    assert source_line[column - 1:].startswith(r"\dfrac {e^{a_i}}")


def test_notation_beside_the_note_is_found(note, tmp_path):
    copy = tmp_path / "post.md"
    shutil.copy(note, copy)
    shutil.copy(NOTATION_004, tmp_path / "post.toml")
    result = check(str(copy))
    assert severities_by_line(result.output) == severities_by_line(
        check(str(note), "--notation", str(NOTATION_004)).output
    )


def test_github_annotations(note):
    result = check(str(note), "--notation", str(NOTATION_004), "--format", "github")
    assert result.exit_code == 1
    assert re.search(r"^::error file=[^,]+softmax\.md,line=44,col=\d+", result.output, re.M)


def test_junit_report(note):
    result = check(str(note), "--notation", str(NOTATION_004), "--format", "junit")
    root = ET.fromstring(result.output)
    failures = root.findall(".//failure")
    assert failures and any(case.get("line") == "65" for case in root.iter("testcase") if case.find("failure") is not None)


def test_json_has_the_verify_schema(note):
    payload = json.loads(check(str(note), "--notation", str(NOTATION_004), "--format", "json").output)
    steps = [step for chain in payload["documents"][0]["chains"] for step in chain["steps"]]
    refuted = [step for step in steps if step["verdict"] == "refuted"]
    assert {step["line"] for step in refuted} >= {65}
    assert all(step["counterexample"] for step in refuted)


def test_strict_makes_unreadable_math_an_error(note):
    result = check(str(note), "--notation", str(NOTATION_004), "--strict")
    assert result.exit_code == 1
    assert "error: cannot read the math" in result.output


def test_clean_note_exits_0(tmp_path):
    path = tmp_path / "clean.md"
    path.write_text("Expanding: $$ (x+1)^2 = x^2 + 2x + 1 $$\n", encoding="utf-8")
    result = check(str(path))
    assert result.exit_code == 0, result.output


def test_wrong_note_exits_1_at_its_position(tmp_path):
    path = tmp_path / "wrong.md"
    path.write_text("intro\n\n$$\n(x+1)^2 = x^2 + x + 1\n$$\n", encoding="utf-8")
    result = check(str(path))
    assert result.exit_code == 1
    assert f"{path}:4:11: error: step is refuted" in result.output


def test_bad_notation_file_exits_2(tmp_path, note):
    bad = tmp_path / "bad.toml"
    bad.write_text("[symbols]\nS = { kind = 'tensor' }\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(note), "--notation", str(bad)])
    assert result.exit_code == 2
    assert str(bad) in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "seed, source, flagged",
    [
        ("000", "000_962aff48c776eb95.txt", set()),  # the control: nothing is wrong
        ("001", "001_d1a3c933ae2c4245.txt", {47, 59, 61, 69}),  # its four errors (61 carries 59's), nothing else
    ],
)
def test_shipped_notation_examples(tmp_path, seed, source, flagged):
    original = ROOT.parent / "shared" / "seeds" / source
    if not original.is_file():
        pytest.skip(f"source document not found: {original}")
    note = tmp_path / f"{seed}.md"
    shutil.copy(original, note)
    result = check(str(note), "--notation", str(ROOT / "examples" / "notes" / f"{seed}.toml"))
    assert flagged_lines(result.output) == flagged, result.output
    assert result.exit_code == (1 if flagged else 0)


def test_a_definition_made_in_the_note_is_checked_against_its_domain(tmp_path):
    """S is declared a probability vector and the note defines it ("let"): S_j = e^{a_i}/sum_k
    e^{a_k} does not sum to 1, and that is found once the note is read."""
    notation = tmp_path / "softmax.toml"
    notation.write_text("[sizes]\nN = {}\n[indices]\ni = { range = [1, 'N'] }\nj = { range = [1, 'N'] }\n"
                        "k = { range = [1, 'N'] }\n[symbols]\na = { kind = 'vector', shape = ['N'] }\n"
                        "S = { kind = 'vector', shape = ['N'], domain = 'probability' }\n", encoding="utf-8")
    note = tmp_path / "softmax.md"
    note.write_text("Let $S_j = {e^{a_i} \\over \\sum_{k=1}^N e^{a_k}}$ be the softmax.\n", encoding="utf-8")
    result = check(str(note))
    assert result.exit_code == 1
    (line_1,) = [line for line in result.output.splitlines() if ":1:" in line]
    assert "error" in line_1 and "sum" in line_1


WRONG_DERIVATION = """\
title = "wrong"
source = "wrong.md"
[symbols]
x = {}
[[chains]]
name = "expand"
[[chains.steps]]
line = 1
latex = '(x+1)^2'
[[chains.steps]]
line = 2
latex = 'x^2 + STEP + 1'
"""


@pytest.mark.parametrize("step, code", [("2x", 0), ("x", 1)])
def test_report_exits_1_on_unexpected_results_like_verify(tmp_path, step, code):
    path = tmp_path / "wrong.toml"
    path.write_text(WRONG_DERIVATION.replace("STEP", step), encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == code, result.output
    assert CliRunner().invoke(cli, ["verify", str(path)]).exit_code == code
