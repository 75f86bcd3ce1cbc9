"""The pytest plugin: derivation files collected as tests, in a temporary project (pytester).

Scenarios run against symcheck's real loader and engine (or, while those cannot be
imported, a small fake backend); one test pins the plugin down on the fake backend alone.
Runs are subprocesses: the plugin is loaded through its entry point as users get it.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
import textwrap

import pytest

pytest_plugins = ["pytester"]


FAKE_BACKEND = r'''
"""Stand-ins for symcheck.load.derivation / symcheck.verify.documents / symcheck.engine.ladder (test only)."""
import dataclasses, os, re, sys, tomllib, types
from pathlib import Path

import sympy
from sympy.parsing.sympy_parser import convert_xor, implicit_multiplication_application, parse_expr, standard_transformations

from symcheck.model.compiled import CompiledChain, Equation
from symcheck.model import Counterexample, Decision, Verdict


class InputError(Exception):
    def __init__(self, path, line, message):
        super().__init__(message)
        self.path, self.line, self.message = path, line, message

    def render(self):
        return f"{self.path}:{self.line}: error: {self.message}" if self.line else f"{self.path}: error: {self.message}"


def _expr(latex):
    return parse_expr(latex, transformations=standard_transformations + (implicit_multiplication_application, convert_xor))


def _line(value):
    if isinstance(value, str) and "-" in value:
        first, last = value.split("-")
        return int(first), int(last)
    return value


def load_derivation(path):
    raw = Path(path).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        raise InputError(str(path), int(match[1]) if match else None, f"invalid TOML: {error}") from None
    source = data["source"]
    chains = []
    for chain in data.get("chains", []):
        steps, equations = chain["steps"], []
        previous = steps[0]
        for step in steps[1:]:
            eq = Equation("step", chain["name"], source, _line(step.get("line")), step["latex"],
                          _expr(previous["latex"]), _expr(step["latex"]), None, previous_latex=previous["latex"])
            equations.append(eq)
            previous = step
        chains.append(CompiledChain(chain["name"], chain.get("condition"), tuple(equations)))
    claims = []
    for claim in data.get("claims", []):
        def build(latex):
            lhs, rhs = latex.split("=")
            return Equation("claim", claim["name"], source, _line(claim.get("line")), latex, _expr(lhs), _expr(rhs), None)
        eq = build(claim["latex"])
        if "erratum" in claim:
            eq = dataclasses.replace(eq, intended=build(claim["erratum"]["intended"]), erratum_note=claim["erratum"]["note"])
        claims.append(eq)
    return types.SimpleNamespace(definitions=[], chains=chains, claims=claims, gradient_checks=[])


load_document = load_derivation


@dataclasses.dataclass(frozen=True)
class Settings:
    step_timeout: float = 10.0
    seed: int = 0


def decide(eq, settings):
    difference = sympy.expand(eq.lhs - eq.rhs)
    if difference == 0:
        return Decision(Verdict.PROVED, "expand", 0.01)
    symbols = sorted(difference.free_symbols, key=str)
    point = {s: 1 for s in symbols}
    return Decision(Verdict.REFUTED, "sample", 0.01, reason="differs at a point",
                    counterexample=Counterexample({str(s): "1" for s in symbols},
                                                  str(eq.lhs.subs(point)), str(eq.rhs.subs(point))))


def holds(eq, decision):
    return decision.verdict.holds


def install():
    for name, attributes in (("load.derivation", ("InputError", "load_derivation", "load_document")),
                             ("verify.documents", ("decide", "holds")), ("engine.settings", ("Settings",))):
        module = types.ModuleType(f"symcheck.{name}")
        for attribute in attributes:
            setattr(module, attribute, globals()[attribute])
        sys.modules[f"symcheck.{name}"] = module
'''

INSTALL_FAKE = "import fake_backend\nfake_backend.install()\n"

ENGINE_STOPS_REFUTING = '''
import dataclasses, importlib
from symcheck.model import Verdict

_verify = importlib.import_module("symcheck.verify.documents")
_decide = _verify.decide


def _always_proved(eq, settings):
    return dataclasses.replace(_decide(eq, settings), verdict=Verdict.PROVED, counterexample=None, reason="")


_verify.decide = _always_proved
'''

HEADER = """\
source = "notes.md"
title = "algebra"

[symbols]
x = {}
"""

PASSING = HEADER + """
[[chains]]
name = "expand"
[[chains.steps]]
line = 4
latex = '(x+1)^2'
[[chains.steps]]
line = 5
latex = '(x+1)(x+1)'
[[chains.steps]]
line = 6
latex = 'x^2 + 2x + 1'

[[claims]]
name = "double"
line = 9
latex = 'x + x = 2x'
"""

FAILING = HEADER + """
[[chains]]
name = "bad square"
[[chains.steps]]
line = 4
latex = '(x+1)^2'
[[chains.steps]]
line = 5
latex = 'x^2 + 1'
"""

ERRATUM = HEADER + """
[[claims]]
name = "triple"
line = 7
latex = 'x + x = 3x'
erratum = { note = "slip: two x, not three", intended = 'x + x = 2x' }
"""

BROKEN = """\
source = "notes.md"

[[claims]]
name = "no separator" "here"
latex = 'x + x = 2x'
"""


@functools.lru_cache(maxsize=1)
def _real_backend_problem() -> str:
    """Why the real loader/engine cannot be used ("" when they can).

    Checked in a subprocess: pytester restores sys.modules after each test, and numpy
    cannot be imported twice in one process.
    """
    code = "import symcheck.verify.documents, symcheck.load.derivation, symcheck.engine.ladder"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return done.stderr.strip().splitlines()[-1] if done.returncode else ""


@pytest.fixture
def project(pytester, monkeypatch):
    """A temporary project using symcheck's real loader and engine.

    While those cannot be imported (they are being written, or are broken), a conftest
    installs the fake backend above in every process instead, so that the plugin's own
    behaviour stays tested.
    """
    if _real_backend_problem():
        monkeypatch.setenv("SYMCHECK_NO_CACHE", "1")  # the fake equations have no scope to key on
        pytester.makepyfile(fake_backend=FAKE_BACKEND)
        pytester.makeconftest(INSTALL_FAKE)
    else:
        pytester.makeconftest("")
    pytester.syspathinsert()
    return pytester


@pytest.fixture
def fake_project(pytester, monkeypatch):
    """A temporary project that always uses the fake backend."""
    monkeypatch.setenv("SYMCHECK_NO_CACHE", "1")  # the fake equations have no scope to key on
    pytester.makepyfile(fake_backend=FAKE_BACKEND)
    pytester.makeconftest(INSTALL_FAKE)
    pytester.syspathinsert()
    return pytester


def run(pytester, *args):
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:randomly", *args)


def test_passing_derivation(project):
    project.makefile(".toml", deriv=PASSING)
    result = run(project, "-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines([
        "*deriv.toml::expand::line 5 PASSED*",
        "*deriv.toml::expand::line 6 PASSED*",
        "*deriv.toml::double::line 9 PASSED*",
    ])


def test_failing_step_has_a_readable_message(project):
    project.makefile(".toml", deriv=FAILING)
    result = run(project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*step does not hold: refuted*",
        "*derivation: *deriv.toml:14",
        "*source:     notes.md:5",
        "*chain:      bad square",
        "*previous:   (x+1)^2",
        "*step:       x^2 + 1",
        "*verdict:    refuted (*",
        "*counterexample: x=*",
        "*lhs = *",
        "*rhs = *",
        "FAILED deriv.toml::bad square::line 5*",
    ])
    assert "Traceback" not in result.stdout.str()
    assert "def runtest" not in result.stdout.str()


def test_erratum_is_a_strict_xfail_with_an_intended_item(project):
    project.makefile(".toml", deriv=ERRATUM)
    result = run(project, "-v", "-rx")
    result.assert_outcomes(passed=1, xfailed=1)
    result.stdout.fnmatch_lines([
        "*deriv.toml::triple::line 7 XFAIL*",
        "*deriv.toml::triple::line 7::intended PASSED*",
    ])


def test_erratum_fails_when_the_engine_no_longer_refutes_it(project):
    project.makefile(".toml", deriv=ERRATUM)
    conftest = project.path.joinpath("conftest.py")
    conftest.write_text(conftest.read_text() + ENGINE_STOPS_REFUTING)
    result = run(project, "-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*deriv.toml::triple::line 7 FAILED*",
        "*[[]XPASS(strict)[]] erratum: slip: two x, not three*",
        "*the engine no longer finds the declared erratum:*",
        "*verdict:    proved*",
    ])


def test_broken_toml_gives_one_clean_failure(project):
    project.makefile(".toml", bad=BROKEN)
    result = run(project)
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert re.search(r"bad\.toml:4: error: invalid TOML", output), output
    failure = output.split("FAILURES")[1].split("short test summary")[0]
    assert "Traceback" not in failure and "tomllib" not in failure and "def " not in failure
    result.stdout.fnmatch_lines(["*_ bad.toml: load _*", "FAILED bad.toml::load*"])


def test_other_toml_files_are_not_collected(project):
    project.makefile(".toml", pyproject="[project]\nname = 'x'\n[tool.symcheck]\nsource = 'no'\n")
    project.makefile(".toml", data='source = "notes.md"\ntitle = "no chains or claims"\n[[items]]\nname = "a"\n')
    project.makefile(".toml", broken_other="this is [ not toml")
    result = run(project)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    result.assert_outcomes()


def test_collection_can_be_switched_off(project):
    project.makefile(".toml", deriv=PASSING)
    project.makeini("[pytest]\nsymcheck_collect = false\n")
    assert run(project).ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert run(project, "-p", "no:symcheck").ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_xdist_gives_the_same_ids_and_outcomes(project):
    project.makefile(".toml", deriv=PASSING, failing=FAILING, erratum=ERRATUM, bad=BROKEN)
    first = run(project, "--collect-only", "-q")
    second = run(project, "--collect-only", "-q")
    ids = [line for line in first.stdout.lines if "::" in line]
    assert ids and ids == [line for line in second.stdout.lines if "::" in line]
    assert "erratum.toml::triple::line 7::intended" in ids
    serial = run(project).parseoutcomes()
    parallel = run(project, "-n", "2").parseoutcomes()
    for outcomes in (serial, parallel):
        for key in ("seconds", "warnings", "warning"):
            outcomes.pop(key, None)
    assert serial == parallel == {"passed": 4, "failed": 2, "xfailed": 1}


def test_fake_backend_outcomes(fake_project):
    """The plugin's behaviour whatever the real engine currently decides."""
    fake_project.makefile(".toml", deriv=PASSING, failing=FAILING, erratum=ERRATUM, bad=BROKEN)
    result = run(fake_project, "-v")
    result.assert_outcomes(passed=4, failed=2, xfailed=1)
    result.stdout.fnmatch_lines(["*counterexample: x=1*", "*lhs = 4*", "*rhs = 2*"])


def test_plugin_import_is_cheap():
    code = textwrap.dedent("""
        import sys
        import symcheck.pytest_plugin
        heavy = sorted(m for m in ("sympy", "symcheck.load.derivation", "symcheck.engine.ladder", "numpy") if m in sys.modules)
        print(heavy)
    """)
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"
