"""The cache of decisions: keys that see every input, values that are data, misses on damage."""

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import sympy
from click.testing import CliRunner

from symcheck.cli import cli
from symcheck.engine.settings import Settings
from symcheck.model import Counterexample, Decision, DocumentResult, SamplePoint, Verdict
from symcheck.model.compiled import Equation
from symcheck.model.symbols import CompiledDefinition, Scope, SymbolTable
from symcheck.verify import cache
from symcheck.verify.incremental import shard

from .test_load import MINIMAL, write

ROOT = Path(__file__).resolve().parents[1]
X, Y = sympy.symbols("x y", real=True)

DECISION = Decision(
    Verdict.REFUTED, "counterexample", 0.25, "the sides differ", None,
    Counterexample({"x": "1/2", "N": "3"}, "1", "2"), (1, 2),
    (SamplePoint("counterexample", {"x": "1/2"}, "1", "2", "1", 70, False),),
)


def equation(lhs=X + 1, rhs=X + 1, definitions=(), assumptions=()) -> Equation:
    scope = Scope(SymbolTable(scalars={"x": X, "y": Y}), list(definitions), list(assumptions))
    return Equation("step", "chain", "doc.txt", 3, "x+1", lhs, rhs, scope)


class Counting:
    """A decider that counts its calls."""

    def __init__(self, decision: Decision = DECISION):
        self.calls, self.decision = 0, decision

    def __call__(self, eq, settings) -> Decision:
        self.calls += 1
        return self.decision


def test_a_decision_survives_the_round_trip(tmp_path):
    store = cache.DecisionCache(tmp_path)
    store.store("decisions", "ab" * 32, DECISION)
    assert store.load("decisions", "ab" * 32, Decision) == DECISION


def test_a_document_result_survives_the_round_trip(tmp_path):
    from symcheck.model import ChainResult, GradientCheckResult, StepResult

    step = StepResult("step", "c", "doc.txt", (3, 4), "x", DECISION, True)
    result = DocumentResult("d.toml", "doc.txt", "T", (step,), (ChainResult("c", "i = j", (step,)),), (),
                            (GradientCheckResult("g", 3, float("inf"), 0.5, 10, False, "why"),), 1.5)
    store = cache.DecisionCache(tmp_path)
    store.store("documents", "cd" * 32, result)
    assert store.load("documents", "cd" * 32, DocumentResult) == result


@pytest.mark.parametrize("damage", [
    lambda text: text[: len(text) // 2],  # truncated
    lambda text: "not json at all",
    lambda text: text.replace('"refuted"', '"certainly"'),  # no such verdict
    lambda text: text.replace('"seconds": 0.25', '"seconds": "0.25"'),  # wrong type
    lambda text: text.replace('"strategy"', '"__class__"'),  # unknown field
    lambda text: json.dumps({"key": "another", "value": json.loads(text)["value"]}),  # misplaced entry
])
def test_a_damaged_entry_is_a_miss(tmp_path, damage):
    store = cache.DecisionCache(tmp_path)
    key = "ef" * 32
    store.store("decisions", key, DECISION)
    path = next((tmp_path / cache.FORMAT / "decisions").rglob("*.json"))
    path.write_text(damage(path.read_text()))
    assert store.load("decisions", key, Decision) is None
    decider = Counting()
    assert cache.decide(equation(), Settings(), decider, store) == DECISION and decider.calls == 1


def test_a_second_decision_comes_from_the_cache(tmp_path):
    store, decider = cache.DecisionCache(tmp_path), Counting()
    first = cache.decide(equation(), Settings(), decider, store)
    second = cache.decide(equation(), Settings(), decider, store)
    assert first == second == DECISION and decider.calls == 1


def test_unknown_is_not_stored(tmp_path):
    store, decider = cache.DecisionCache(tmp_path), Counting(Decision(Verdict.UNKNOWN, "time limit", 10.0))
    for _ in range(2):
        cache.decide(equation(), Settings(), decider, store)
    assert decider.calls == 2


def test_without_a_directory_nothing_is_stored(tmp_path):
    decider = Counting()
    for _ in range(2):
        cache.decide(equation(), Settings(), decider, cache.NO_CACHE)
    assert decider.calls == 2


@pytest.mark.parametrize("changed", [
    lambda eq: replace(eq, rhs=X + 2),
    lambda eq: replace(eq, kind="claim"),
    lambda eq: replace(eq, chain_condition=sympy.Eq(X, Y)),
    lambda eq: equation(definitions=[CompiledDefinition(Y, (), X**2)]),
    lambda eq: equation(assumptions=[sympy.Gt(X, 0)]),
    lambda eq: replace(eq, scope=Scope(SymbolTable(scalars={"x": sympy.Symbol("x", positive=True)}))),
])
def test_changing_the_equation_or_its_scope_misses(tmp_path, changed):
    store, decider = cache.DecisionCache(tmp_path), Counting()
    cache.decide(equation(), Settings(), decider, store)
    cache.decide(changed(equation()), Settings(), decider, store)
    assert decider.calls == 2


@pytest.mark.parametrize("settings", [Settings(seed=1), Settings(step_timeout=5.0), Settings(sizes=(1, 2, 3))])
def test_changing_a_setting_misses(tmp_path, settings):
    store, decider = cache.DecisionCache(tmp_path), Counting()
    cache.decide(equation(), Settings(), decider, store)
    cache.decide(equation(), settings, decider, store)
    assert decider.calls == 2


def test_the_key_names_the_versions():
    before = cache.equation_key(equation(), Settings())
    cache.fingerprint.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(cache, "_version", lambda package: "0.0.0-other")
            assert cache.equation_key(equation(), Settings()) != before
    finally:
        cache.fingerprint.cache_clear()


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_verify_twice_gives_the_same_output_and_clear_removes_the_cache(tmp_path):
    path, directory = write(tmp_path, MINIMAL), tmp_path / "cache"
    first = run("verify", str(path), "--format", "json", "--cache-dir", str(directory))
    assert (directory / cache.MARKER).is_file() and list((directory / cache.FORMAT / "documents").rglob("*.json"))
    second = run("verify", str(path), "--format", "json", "--cache-dir", str(directory))
    assert first.exit_code == second.exit_code == 0 and first.output == second.output
    assert run("cache", "clear", "--cache-dir", str(directory)).exit_code == 0
    assert not directory.exists()


def test_an_edited_file_is_checked_again(tmp_path):
    path, directory = write(tmp_path, MINIMAL), tmp_path / "cache"
    assert run("verify", str(path), "--cache-dir", str(directory)).exit_code == 0
    path.write_text(MINIMAL.replace("x^2 + 2x + 1", "x^2 + x + 1"))
    assert run("verify", str(path), "--cache-dir", str(directory)).exit_code == 1


def test_no_cache_writes_nothing(tmp_path):
    directory = tmp_path / "cache"
    assert run("verify", str(write(tmp_path, MINIMAL)), "--no-cache", "--cache-dir", str(directory)).exit_code == 0
    assert not directory.exists()


def test_clear_refuses_a_directory_it_did_not_make(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    result = CliRunner().invoke(cli, ["cache", "clear", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 2 and (tmp_path / "precious.txt").exists()


def test_shards_partition_the_files_stably():
    files = [Path(f"notes/n{k}.md") for k in range(40)]
    parts = [shard(files, (k, 3)) for k in (1, 2, 3)]
    assert sorted(sum(parts, []), key=str) == sorted(files, key=str)
    assert all(parts) and sum(map(len, parts)) == len(files)
    assert shard(files, (2, 3)) == parts[1]
    assert shard([p.resolve() for p in files], (2, 3)) == [p.resolve() for p in parts[1]]


def test_shard_option_checks_only_its_part(tmp_path):
    paths = [write(tmp_path, MINIMAL, f"d{k}.toml") for k in range(4)]
    counts = []
    for k in (1, 2):
        output = run("verify", *map(str, paths), "--shard", f"{k}/2", "--format", "json").output
        counts.append(len(json.loads(output)["documents"]))
    assert sum(counts) == 4
    assert run("verify", str(paths[0]), "--shard", "3/2").exit_code == 2


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_verify_and_check_import_no_plotting_or_tex_code(tmp_path):
    code = (
        "import sys\n"
        "import symcheck.cli, symcheck.verify.incremental, symcheck.verify.documents, symcheck.verify.notes\n"
        "import symcheck.printers.results, symcheck.printers.diagnostics\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib' or m.startswith('symcheck.report')))\n"
    )
    done = _python(code, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_fully_cached_verify_does_not_import_sympy(tmp_path):
    path = write(tmp_path, MINIMAL)
    code = (
        "import sys\n"
        "from symcheck.cli import cli\n"
        f"args = ['verify', {str(path)!r}, '--cache-dir', {str(tmp_path / 'cache')!r}]\n"
        "try:\n    cli(args)\nexcept SystemExit as end:\n    assert end.code == 0, end.code\n"
        "print('sympy' in sys.modules)\n"
    )
    assert _python(code, tmp_path).stdout.strip().endswith("True")  # cold: the engine ran
    warm = _python(code, tmp_path)
    assert warm.stdout.strip().endswith("False"), warm.stdout + warm.stderr


def test_editing_the_note_a_derivation_reads_is_checked_again(tmp_path):
    note = tmp_path / "square.md"
    note.write_text("$$ (x+1)^2 = x^2 + 2x + 1 $$\n", encoding="utf-8")
    path = tmp_path / "square.toml"
    path.write_text('note = "square.md"\ntitle = "t"\n[symbols]\nx = {}\n'
                    '[[chains]]\nname = "c"\nlines = "1"\n', encoding="utf-8")
    directory = tmp_path / "cache"
    assert run("verify", str(path), "--cache-dir", str(directory)).exit_code == 0
    note.write_text("$$ (x+1)^2 = x^2 + x + 1 $$\n", encoding="utf-8")
    assert run("verify", str(path), "--cache-dir", str(directory)).exit_code == 1
