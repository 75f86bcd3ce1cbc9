"""Untrusted input (issue 13): names are data, TeX by allow-list, bounded resources, exit codes.

Every case of the issue has a test here; the fuzzing harness is in test_fuzz.py.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sympy
from click.testing import CliRunner

from symcheck.cli import cli
from symcheck.engine.gradcheck import NumericError, numeric_function
from symcheck.load.derivation import InputError, read_derivation
from symcheck.load.names import name_problem
from symcheck.read.backend import LatexError, parse_latex
from symcheck.report import tex
from symcheck.report.mathsafe import MathRejected, prepare_math

from .test_load import MINIMAL, write

REPO = Path(__file__).resolve().parents[1]


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


def hostile(marker: Path) -> str:
    """A name that runs code creating `marker` if anything ever executes it."""
    return f"__import__('pathlib').Path({str(marker)!r}).touch()"


# ---------------------------------------------------------------- 1. names are data

NAME_POSITIONS = {
    "size": lambda bad: MINIMAL.replace("N = {}", f'N = {{}}\n"{bad}" = {{}}'),
    "size alias": lambda bad: MINIMAL.replace('C = { alias = "N" }', f'C = {{ alias = "{bad}" }}'),
    "index": lambda bad: MINIMAL.replace("[indices]", f'[indices]\n"{bad}" = {{ range = [1, "N"] }}'),
    "index range": lambda bad: MINIMAL.replace('i = { range = [1, "N"] }', f'i = {{ range = [1, "{bad}"] }}'),
    "symbol": lambda bad: MINIMAL.replace("x = {}", f'x = {{}}\n"{bad}" = {{ latex = "z" }}'),
    "symbol shape": lambda bad: MINIMAL.replace('a = { kind = "vector", shape = ["N"] }',
                                                f'a = {{ kind = "vector", shape = ["{bad}"] }}'),
    "function": lambda bad: MINIMAL + f'\n[functions]\n"{bad}" = {{ latex = "g" }}\n',
    "chain sizes": lambda bad: MINIMAL.replace('name = "expand"', f'name = "expand"\nsizes = {{ "{bad}" = 2 }}'),
    "gradient check": lambda bad: MINIMAL + (
        f'\n[[gradient_checks]]\nname = "g"\nloss = "x"\nwrt = "{bad}"\nindex = "i"\ngradient = "1"\nsize = "N"\n'),
}


@pytest.mark.parametrize("position", sorted(NAME_POSITIONS))
def test_hostile_name_in_every_position_of_a_derivation_runs_no_code(tmp_path, position):
    marker = tmp_path / "PWNED"
    path = write(tmp_path, NAME_POSITIONS[position](hostile(marker).replace('"', '\\"')))
    for command in (["verify", str(path)], ["report", str(path), "-o", str(tmp_path / "out")]):
        result = run(*command, env={"PATH": ""})
        assert result.exit_code == 2, (position, result.output)
        assert "Traceback" not in result.output and "internal error" not in result.output
    assert not marker.exists()


@pytest.mark.parametrize("position", ["size", "index", "symbol", "function", "symbol shape"])
def test_hostile_name_in_a_notation_file_runs_no_code(tmp_path, position):
    marker = tmp_path / "PWNED"
    notation = write(tmp_path, NAME_POSITIONS[position](hostile(marker).replace('"', '\\"')), "note.toml")
    note = tmp_path / "note.md"
    note.write_text("$$ (x+1)^2 = x^2 + 2x + 1 $$\n", encoding="utf-8")
    result = run("check", str(note), "--notation", str(notation))
    assert result.exit_code == 2, result.output
    assert not marker.exists()


def test_hostile_text_in_a_note_runs_no_code(tmp_path):
    marker = tmp_path / "PWNED"
    note = tmp_path / "note.md"
    note.write_text(f"$$ {hostile(marker)} = 1 $$\n\n$$ \\text{{{hostile(marker)}}} = x $$\n", encoding="utf-8")
    result = run("check", str(note))
    assert result.exit_code in (0, 1, 2) and "internal error" not in result.output
    assert not marker.exists()


@pytest.mark.parametrize("name, ok", [
    ("x", True), ("ell", True), ("Likelihood", True), ("w_1", True), ("a1b", True),
    ("", False), ("_v0", False), ("a_", False), ("__class__", False), ("1a", False), ("a b", False),
    ("x.y", False), ("ａ", False), ("а", False),  # fullwidth a, Cyrillic a
    ("a" * 33, False), ("\\alpha", False), ("os.system('x')", False),
])
def test_name_grammar(name, ok):
    assert (name_problem(name) is None) == ok


def test_lambdify_sees_only_generated_placeholders():
    v = sympy.Symbol("_v0")
    assert numeric_function([v], v**2 + sympy.sin(v))(2.0) == pytest.approx(4 + sympy.sin(2.0))
    evil = sympy.Symbol("__import__('os').system('true')")
    for expr in (v + evil, sympy.Function("f")(v), sympy.IndexedBase("a")[1] + v):
        with pytest.raises(NumericError):
            numeric_function([v], expr)


# ---------------------------------------------------------------- 2. TeX by allow-list


@pytest.mark.parametrize("latex", [
    r"\UseName{input}{/etc/passwd}", "\uff3e\uff3e5cinput{x}", r"^^5cinput{x}", r"\csname input\endcsname",
    r"\input{secret}", r"\ExplSyntaxOn", r"\immediate\write18{ls}", r"\def\x{\x}\x", r"\catcode`\@=0",
    r"\openin1=x", r"\usepackage{shellesc}", r"\lowercase{\def}", r"\\\csname", r"x^{\expandafter y}",
])
def test_tex_allow_list_rejects_everything_else(latex):
    with pytest.raises(MathRejected):
        prepare_math(latex)


def test_tex_allow_list_typesets_what_symcheck_reads():
    for latex in (r"\frac{\partial L}{\partial s_j} = p_j - y_j", r"\sum_{k=1}^{K} e^{a_k}",
                  r"\mathbf{1}^\top \operatorname{diag}(p)", "α → β"):
        assert prepare_math(latex)


def test_fullwidth_is_normalised_before_the_check():
    assert prepare_math("ｘ＋１") == "x+1"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"


def test_tex_run_kills_its_whole_process_group_at_the_time_limit(tmp_path):
    started = time.monotonic()
    done = tex.run_tex(["sh", "-c", "sleep 60 & echo $! > child; sleep 60"], tmp_path, timeout=1.0)
    assert done.returncode is None and time.monotonic() - started < 10
    child = int((tmp_path / "child").read_text())
    time.sleep(0.2)
    assert not _alive(child)


def test_tex_environment_is_paranoid():
    env = tex.tex_environment()
    assert (env["openin_any"], env["openout_any"], env["shell_escape"]) == ("p", "p", "f")


@pytest.mark.skipif(not tex.shutil.which("latexmk"), reason="needs latexmk")
def test_two_builds_in_one_directory_share_no_build_dir(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    body = "\\documentclass{article}\\begin{document}$x$\\end{document}\n"
    paths = [tmp_path / "a.tex", tmp_path / "b.tex"]
    for path in paths:
        path.write_text(body, encoding="utf-8")
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(tex.compile_tex, paths))
    assert all(result.ok for result in results)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "a.tex", "b.pdf", "b.tex"]


# ---------------------------------------------------------------- 3. resource limits


@pytest.mark.parametrize("latex", [r"(10^{12})!", r"10^{10^9}", r"2^{2^{40}}", r"\prod_{k=1}^{10^{9}} k",
                                   r"\binom{10^{7}}{10^{6}}", "x+" * 20_000 + "x"])
def test_huge_numbers_are_refused_not_evaluated(latex):
    started = time.monotonic()
    with pytest.raises(LatexError):
        parse_latex(latex)
    assert time.monotonic() - started < 5


def test_huge_numbers_in_a_note_are_unreadable_math_not_a_hang(tmp_path):
    note = tmp_path / "big.md"
    note.write_text("$$ (10^{12})! = 1 $$\n\n$$ 10^{10^9} = 2^{2^{40}} $$\n", encoding="utf-8")
    started = time.monotonic()
    result = run("check", str(note), "--strict", "--timeout", "2")
    assert result.exit_code == 1 and "cannot read the math" in result.output
    assert time.monotonic() - started < 20


def test_parse_time_limit_follows_timeout(monkeypatch):
    from symcheck.read import backend

    monkeypatch.setattr(backend, "parse_seconds", lambda: 0.0)
    with pytest.raises(LatexError, match="longer than"):
        parse_latex(r"\frac{a+b+c}{d^{2}+e} + 12345")


def test_coverage_range_is_stored_not_expanded(tmp_path):
    text = MINIMAL + '\n[coverage]\nskipped = { "1-1000000" = "a long range" }\n'
    derivation = read_derivation(write(tmp_path, text))
    assert derivation.coverage.skipped == ((1, 1000000, "a long range"),)
    assert derivation.coverage.reason_for(999_999) == "a long range"


def test_coverage_range_beyond_the_bound_is_bad_input(tmp_path):
    text = MINIMAL + '\n[coverage]\nskipped = { "1-100000000" = "huge" }\n'
    with pytest.raises(InputError, match="within 1-1000000"):
        read_derivation(write(tmp_path, text))


def test_memory_ceiling_turns_exhaustion_into_memory_error():
    code = ("from symcheck.runtime.limits import limit_memory\nlimit_memory(1024**3)\n"
            "try:\n    b = bytearray(4 * 1024**3)\nexcept MemoryError:\n    print('limited')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.stdout.strip() == "limited"


# ---------------------------------------------------------------- 4. exit codes

BAD_DERIVATIONS = {
    "min not an int": MINIMAL.replace("N = {}", 'N = { min = "abc" }'),
    "min too large": MINIMAL.replace("N = {}", "N = { min = 100000000 }"),
    "arity not an int": MINIMAL + '\n[functions]\ng = { arity = "two" }\n',
    "undeclared size in a range": MINIMAL.replace('i = { range = [1, "N"] }', 'i = { range = [1, "M"] }'),
    "float in a range": MINIMAL.replace('i = { range = [1, "N"] }', 'i = { range = [1.5, "N"] }'),
    "undeclared size in a shape": MINIMAL.replace('shape = ["N"] }\np', 'shape = ["M"] }\np'),
    "size alias cycle": MINIMAL.replace("N = {}\nC = { alias = \"N\" }", 'N = { alias = "C" }\nC = { alias = "N" }'),
    "size alias chain": MINIMAL.replace('C = { alias = "N" }', 'C = { alias = "N" }\nD = { alias = "C" }'),
    "line out of range": MINIMAL.replace("line = 5", "line = -5"),
    "line not a range": MINIMAL.replace("line = 5", 'line = "5-x"'),
    "fixed size too large": MINIMAL.replace('name = "expand"', 'name = "expand"\nsizes = { N = 1000000000 }'),
    "fixed size undeclared": MINIMAL.replace('name = "expand"', 'name = "expand"\nsizes = { M = 2 }'),
    "coverage key": MINIMAL + '\n[coverage]\nskipped = { "abc" = "x" }\n',
    "coverage not a table": MINIMAL + '\n[coverage]\nskipped = 3\n',
    "huge number in a step": MINIMAL.replace("'(x+1)^2'", "'10^{10^{9}}'"),
    "gradient sizes": MINIMAL + ('\n[[gradient_checks]]\nname = "g"\nloss = "x"\nwrt = "a"\nindex = "i"\n'
                                 'gradient = "1"\nsize = "N"\nsizes = [1000000000]\n'),
}


@pytest.mark.parametrize("case", sorted(BAD_DERIVATIONS))
def test_bad_derivation_exits_2_with_file_and_message(tmp_path, case):
    path = write(tmp_path, BAD_DERIVATIONS[case])
    result = CliRunner().invoke(cli, ["verify", str(path)])
    assert result.exit_code == 2, (case, result.output)
    assert str(path) in result.output and "error:" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output


@pytest.mark.parametrize("option", [("--timeout", "nan"), ("--timeout", "inf"), ("--timeout", "-1"),
                                    ("--seed", "-1"), ("--seed", "99999999999"), ("--sizes", "1-1000000000"),
                                    ("--sizes", "5-1"), ("--sizes", "0"), ("--jobs", "-1")])
def test_bad_options_exit_2(tmp_path, option):
    result = CliRunner().invoke(cli, ["verify", str(write(tmp_path, MINIMAL)), *option])
    assert result.exit_code == 2, (option, result.output)
    assert "Traceback" not in result.output


def test_non_utf8_note_exits_2_at_its_line(tmp_path):
    note = tmp_path / "bad.md"
    note.write_bytes(b"fine\n$$ x = x $$ \xff\xfe\n")
    result = CliRunner().invoke(cli, ["check", str(note)])
    assert result.exit_code == 2 and f"{note}:2: error: not UTF-8" in result.output


def test_non_utf8_derivation_exits_2(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_bytes(MINIMAL.encode() + b"\n# \xff\n")
    result = CliRunner().invoke(cli, ["verify", str(path)])
    assert result.exit_code == 2 and "not UTF-8" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write into read-only directories")
def test_output_into_a_read_only_directory_exits_2_before_work(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    result = CliRunner().invoke(cli, ["report", str(write(tmp_path, MINIMAL)), "-o", str(locked / "out")])
    assert result.exit_code == 2 and "cannot write reports here" in result.output


def test_output_under_a_file_exits_2_before_work(tmp_path, monkeypatch):
    import symcheck.verify.runs as runs

    monkeypatch.setattr(runs, "verify_paths", lambda *a, **k: pytest.fail("work started"))
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(cli, ["report", str(write(tmp_path, MINIMAL)), "-o", str(blocker / "out")])
    assert result.exit_code == 2 and "cannot write reports here" in result.output


@pytest.mark.parametrize("command", ["verify", "report", "coverage", "check"])
def test_nothing_to_check_is_an_error(tmp_path, command):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(cli, [command, str(empty)])
    assert result.exit_code == 2 and "no " in result.output and f"under {empty}" in result.output


def test_mistyped_path_exits_2(tmp_path):
    result = CliRunner().invoke(cli, ["verify", str(tmp_path / "derivatons")])
    assert result.exit_code == 2


def _children(pid: int) -> list[str]:
    return subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()


def _interruptible() -> None:
    """Ctrl-C as at a terminal: a suite started in the background (`cmd &` in a script) ignores
    SIGINT, and a child inherits that, so the run would not be interrupted at all."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt(jobs: str) -> tuple[int, float, list[str]]:
    """Interrupt a cold run once it is busy: its workers started (they are forked once the
    imports are done, and decide for ~2 s more), or, in one process, 2 s in (it runs ~5 s).
    Cold: a cache a test left in the repository would end the run in half a second."""
    process = subprocess.Popen(
        [sys.executable, "-m", "symcheck", "verify", "derivations/", "-j", jobs, "--no-cache"], cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=_interruptible,
    )
    busy_by = time.monotonic() + 20
    while jobs != "1" and not _children(process.pid) and time.monotonic() < busy_by:
        time.sleep(0.05)
    time.sleep(2.0 if jobs == "1" else 0.3)
    children = _children(process.pid)
    assert process.poll() is None, "the run ended before it could be interrupted"
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    code = process.wait(timeout=30)
    elapsed = time.monotonic() - started
    time.sleep(0.3)
    return code, elapsed, [child for child in children if _alive(int(child))]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_interrupt_exits_130_within_a_second_leaving_no_process(jobs):
    code, elapsed, alive = _interrupt(jobs)
    assert code == 130 and elapsed < 1.0 and alive == []


# ---------------------------------------------------------------- 6. determinism and reports

SMALL = MINIMAL.replace("x = {}", "x = {}\nz = {}")


def _report(paths: list[Path], out: Path, *options: str):
    result = run("report", *map(str, paths), "-o", str(out), *options, env={"PATH": ""})  # no TeX: fast
    assert result.exit_code == 0, result.output
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.suffix in (".tex", ".csv", ".json")}


def test_report_outputs_are_byte_identical_across_runs_and_jobs(tmp_path):
    paths = [write(tmp_path, SMALL, "one.toml"), write(tmp_path, MINIMAL, "two.toml")]
    first = _report(paths, tmp_path / "a", "-j", "1")
    assert first == _report(paths, tmp_path / "b", "-j", "2")
    assert first == _report(paths, tmp_path / "c", "-j", "1")
    assert not any(re.search(rb"\d\\,m?s\b", body) for body in first.values())


def test_timings_only_when_asked(tmp_path):
    path = write(tmp_path, MINIMAL)
    plain = run("verify", str(path), "--format", "json").output
    timed = run("verify", str(path), "--format", "json", "--timings").output
    assert '"seconds": null' in plain and '"seconds": null' not in timed


def test_json_is_byte_identical_across_jobs(tmp_path):
    paths = [str(write(tmp_path, SMALL, "one.toml")), str(write(tmp_path, MINIMAL, "two.toml"))]
    outputs = {run("verify", *paths, "--format", "json", "-j", jobs).output for jobs in ("1", "2", "1")}
    assert len(outputs) == 1


def test_underscore_and_dash_stems_do_not_overwrite_each_other(tmp_path):
    paths = [write(tmp_path, MINIMAL, "a_b.toml"), write(tmp_path, MINIMAL, "a-b.toml")]
    written = _report(paths, tmp_path / "out")
    stems = {name.rsplit(".", 1)[0] for name in written} - {"symcheck-report"}
    assert len(stems) == 2 and len({s.replace("_", "-") for s in stems}) == 2




def test_formulas_shown_verbatim_are_counted_not_silent():
    from symcheck.report.render import MathRenderer

    renderer = MathRenderer()
    named = renderer.with_names({"x": "x"})
    renderer.cell(r"\UseName{x}")
    named.cell(r"x^^5c")
    renderer.cell(r"\frac{1}{2}")
    assert sorted(renderer.fallbacks) == [r"\UseName{x}", r"x^^5c"]


# ---------------------------------------------------------------- positions


def test_identical_math_twice_on_one_line_is_reported_at_each_column(tmp_path):
    note = tmp_path / "twice.md"
    note.write_text("# twice\n\n$$y = 3y$$ and again $$y = 3y$$\n", encoding="utf-8")
    result = run("check", str(note), "--no-repair")
    found = re.findall(r"twice\.md:3:(\d+): (error|note)", result.output)
    # each right-hand member at its own column; the second display restates the first, so
    # its repeated error is the carried note (issue 12), still at its own column
    assert [(int(column), severity) for column, severity in found] == [(7, "error"), (28, "note")], result.output


@pytest.mark.parametrize("opener", ["$$", r"\begin{align}", r"\["])
def test_unclosed_math_is_an_unread_warning_with_its_position(tmp_path, opener):
    note = tmp_path / "open.md"
    note.write_text(f"# open\n\nfine: $$x + x = 2x$$\n\ntext {opener} y = 3 y\nnever closed\n", encoding="utf-8")
    result = run("check", str(note))
    assert result.exit_code == 0, result.output
    assert f"open.md:5:6: warning: cannot read the math: {opener} is never closed" in result.output
    assert "1 member not read" in result.output or "1 members not read" in result.output
    assert run("check", str(note), "--strict").exit_code == 1
