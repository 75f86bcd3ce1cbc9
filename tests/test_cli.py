"""The command line: exit codes, JSON schema, clean errors."""

import json

import pytest
from click.testing import CliRunner

from symcheck.cli import cli

from .test_load import MINIMAL, write

WRONG_STEP = MINIMAL.replace("x^2 + 2x + 1", "x^2 + x + 1")


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_verify_true_chain_exits_0(tmp_path):
    result = run("verify", str(write(tmp_path, MINIMAL)))
    assert result.exit_code == 0, result.output


def test_verify_wrong_step_exits_1_with_counterexample(tmp_path):
    result = run("verify", str(write(tmp_path, WRONG_STEP)), "--format", "json")
    assert result.exit_code == 1
    step = json.loads(result.output)["documents"][0]["chains"][0]["steps"][0]
    assert step["verdict"] == "refuted" and step["expected"] is False
    assert step["counterexample"]["point"]


def test_declared_erratum_is_expected(tmp_path):
    text = WRONG_STEP.replace(
        "line = 6\nlatex = 'x^2 + x + 1'",
        "line = 6\nlatex = 'x^2 + x + 1'\nerratum = { note = \"lost a 2\", intended = 'x^2 + 2x + 1' }",
    )
    result = run("verify", str(write(tmp_path, text)), "--format", "json")
    assert result.exit_code == 0, result.output
    step = json.loads(result.output)["documents"][0]["chains"][0]["steps"][0]
    assert step["erratum"]["verdict"] == "proved" and step["verdict"] == "refuted"


def test_json_schema(tmp_path):
    payload = json.loads(run("verify", str(write(tmp_path, MINIMAL)), "--format", "json").output)
    step = payload["documents"][0]["chains"][0]["steps"][0]
    for key in ("source", "line", "latex", "verdict", "strategy", "seconds", "condition",
                "counterexample", "erratum", "expected"):
        assert key in step
    assert step["source"] == "doc.txt" and step["line"] == 6


@pytest.mark.parametrize(
    "content, needle",
    [
        (MINIMAL.replace("x^2 + 2x + 1", "x^2 + 2x + )"), "^"),
        (MINIMAL.replace("[indices]", "[indices"), "invalid TOML"),
    ],
)
def test_bad_input_exits_2_without_traceback(tmp_path, content, needle):
    result = CliRunner().invoke(cli, ["verify", str(write(tmp_path, content))])
    assert result.exit_code == 2
    assert needle in result.output
    assert "Traceback" not in result.output
    assert str(tmp_path / "doc.toml") in result.output


def test_toml_cut_off_at_the_end_points_at_its_last_line(tmp_path):
    result = CliRunner().invoke(cli, ["verify", str(write(tmp_path, 'source = "doc.txt"\ntitle = [\n'))])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"{tmp_path / 'doc.toml'}:2: error: invalid TOML" in result.output


def test_missing_file_exits_2(tmp_path):
    result = CliRunner().invoke(cli, ["verify", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_bad_sizes_option_exits_2(tmp_path):
    result = CliRunner().invoke(cli, ["verify", str(write(tmp_path, MINIMAL)), "--sizes", "x-y"])
    assert result.exit_code == 2


def test_gradient_check_that_cannot_run_fails_cleanly(tmp_path):
    text = MINIMAL + """
[[gradient_checks]]
name = "needs an undefined function"
loss = '\\sum_{k=1}^N \\phi(a_k)'
wrt = "a"
index = "i"
gradient = 'a_i'
size = "N"
"""
    result = CliRunner().invoke(cli, ["verify", str(write(tmp_path, text)), "--format", "json"])
    assert result.exit_code == 1, result.output
    (check,) = json.loads(result.output)["documents"][0]["gradient_checks"]
    assert check["passed"] is False and check["error"]


def _without_timings(payload: dict) -> dict:
    text = json.dumps(payload, sort_keys=True)
    return json.loads(__import__("re").sub(r'"seconds": [0-9.e-]+', '"seconds": 0', text))


def test_parallel_and_serial_runs_agree(tmp_path):
    write(tmp_path, MINIMAL, "a.toml")
    write(tmp_path, WRONG_STEP, "b.toml")
    serial = json.loads(run("verify", str(tmp_path), "--format", "json", "-j", "1").output)
    parallel = json.loads(run("verify", str(tmp_path), "--format", "json", "-j", "2").output)
    assert _without_timings(serial) == _without_timings(parallel)
    assert [doc["path"] for doc in parallel["documents"]] == sorted(doc["path"] for doc in parallel["documents"])


def test_bad_input_in_a_worker_exits_2(tmp_path):
    write(tmp_path, MINIMAL, "a.toml")
    write(tmp_path, MINIMAL.replace("x^2 + 2x + 1", "x^2 + 2x + )"), "b.toml")
    result = CliRunner().invoke(cli, ["verify", str(tmp_path), "-j", "2"])
    assert result.exit_code == 2
    assert f"{tmp_path / 'b.toml'}:" in result.output and "Traceback" not in result.output


def test_terminal_output_of_a_step_without_line(tmp_path):
    result = run("verify", str(write(tmp_path, MINIMAL.replace("line = 6\n", ""))))
    assert result.exit_code == 0 and "None" not in result.output


@pytest.mark.parametrize("condition", ["i = k", "k = i", "i=k"])
def test_case_condition_matches_however_it_is_spelled(tmp_path, condition):
    text = MINIMAL.replace('name = "expand"', f"name = \"case\"\ncondition = '{condition}'").replace(
        "latex = '(x+1)^2'", "latex = '\\delta_{ik} x'").replace("latex = 'x^2 + 2x + 1'", "latex = 'x'")
    payload = json.loads(run("verify", str(write(tmp_path, text)), "--format", "json").output)
    step = payload["documents"][0]["chains"][0]["steps"][0]
    assert step["verdict"] == "proved" and step["condition"] in ("i = k", "k = i") and step["expected"] is True
