"""`symcheck init`: a notation file drafted from the note, every guess naming its line."""

import tomllib
from pathlib import Path

from click.testing import CliRunner

from symcheck.cli import cli
from symcheck.notes.draft import draft_notation

NOTE = r"""# A softmax note

Let $W \in \mathbb{R}^{D \times K}$ and $x \in \mathbb{R}^{D}$; the scores are $a = W^\top x$.

$$p_k := \frac{e^{a_k}}{\sum_{j=1}^K e^{a_j}}$$

The label $y$ is a one-hot vector.

$$L := -\sum_{k=1}^K y_k \log p_k$$

$$f(u) = {g(u) \over h(u)} \Rightarrow f'(u) = {g'(u)h(u) - g(u)h'(u) \over h(u)^2}$$
"""


def drafted(text: str = NOTE) -> tuple[dict, str]:
    toml = draft_notation(text, "note.md")
    return tomllib.loads(toml), toml


def test_sizes_indices_and_shapes():
    data, _ = drafted()
    assert set(data["sizes"]) == {"D", "K"}
    assert data["indices"]["j"]["range"] == [1, "K"] and data["indices"]["k"]["range"] == [1, "K"]
    assert data["symbols"]["W"] == {"kind": "matrix", "shape": ["D", "K"]}
    assert data["symbols"]["x"] == {"kind": "vector", "shape": ["D"]}


def test_probability_one_hot_and_functions():
    data, _ = drafted()
    assert data["symbols"]["p"]["domain"] == "probability" and data["symbols"]["p"]["shape"] == ["K"]
    assert data["symbols"]["y"]["domain"] == "one-hot"
    assert {"f", "g", "h"} <= set(data["functions"])


def test_every_guess_names_its_line_and_uncertain_ones_say_so():
    _, toml = drafted()
    declared = [line for line in toml.splitlines() if " = {" in line and not line.startswith("#")]
    assert declared and all("# " in line and "line " in line for line in declared)
    assert "line 3: W in R^(D x K)" in toml
    assert "# guess: line 5: p_k is an exponential over a sum" in toml


def test_definitions_are_listed_with_their_lines_not_declared():
    data, toml = drafted()
    assert "definitions" not in data
    assert r"#   line 9 (:=): L = -\sum_{k=1}^K y_k \log p_k" in toml


def test_a_transposed_lowercase_name_is_a_guessed_vector():
    data, toml = drafted("$$v^\\top v = 1$$\n")
    assert data["symbols"]["v"]["kind"] == "vector" and "# guess: line 1: v is transposed" in toml


def test_init_writes_beside_the_note_without_overwriting_and_check_runs(tmp_path: Path):
    note = tmp_path / "softmax.md"
    note.write_text(NOTE, encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(cli, ["init", str(note)], catch_exceptions=False)
    assert first.exit_code == 0 and (tmp_path / "softmax.toml").is_file()
    (tmp_path / "softmax.toml").write_text("# mine\n")
    again = runner.invoke(cli, ["init", str(note)], catch_exceptions=False)
    assert again.exit_code == 2 and (tmp_path / "softmax.toml").read_text() == "# mine\n"
    forced = runner.invoke(cli, ["init", "--force", str(note)], catch_exceptions=False)
    assert forced.exit_code == 0 and "[sizes]" in (tmp_path / "softmax.toml").read_text()
    checked = runner.invoke(cli, ["check", "-j", "1", "--no-repair", str(note)], catch_exceptions=False)
    assert checked.exit_code == 0, checked.output
