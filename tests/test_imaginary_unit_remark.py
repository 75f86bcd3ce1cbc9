"""An undeclared i read as the imaginary unit is said beside the verdict that rests on it."""

import json

from click.testing import CliRunner

from symcheck.cli import cli


def test_the_imaginary_unit_a_step_rests_on_is_said(tmp_path):
    """(1+i)^2 = 2i holds of the imaginary unit and fails of a name i: the reading is said."""
    note = tmp_path / "note.md"
    note.write_text("$$(1+i)^2 = 2i$$\n", encoding="utf-8")
    (tmp_path / "note.toml").write_text("[symbols]\nx = {}\n", encoding="utf-8")

    def step(notation: str) -> dict:
        (tmp_path / "note.toml").write_text(notation, encoding="utf-8")
        result = CliRunner().invoke(cli, ["check", "-j", "1", "--no-cache", "--format", "json", str(note)])
        return json.loads(result.output)["documents"][0]["chains"][0]["steps"][0]

    imaginary = step("[symbols]\nx = {}\n")
    assert imaginary["verdict"] == "proved"
    assert any("imaginary unit" in remark["message"] for remark in imaginary["remarks"])
    named = step("[symbols]\ni = {}\n")
    assert named["verdict"] == "refuted" and not named["remarks"]
