"""pytest plugin: derivation files are test files, every step a test.

Registered as the ``pytest11`` entry point ``symcheck``, so every pytest run in an
environment with symcheck installed loads it: importing this module costs nothing beyond
the standard library, and symcheck's loader and engine are imported only when a
derivation file is actually collected. Disable with ``-p no:symcheck`` or the ini option
``symcheck_collect = false``.

A ``*.toml`` file is collected only when it is a derivation file: a top-level string
``source`` and a ``[[chains]]`` or ``[[claims]]`` array (pyproject.toml and other TOML are
never touched). Items, in file order:

- ``<chain name>::line 64`` for each step (``::conclusion`` for a case chain's conclusion),
  ``<claim name>::line 44`` for each claim, ``definition::line 24`` for each definition
  the verify stage checks, ``<name>::gradient check`` for each gradient check;
- a step with an erratum is expected to fail as written (refuted or conditional): it is a
  strict xfail, so it FAILS as soon as the engine stops finding the error, and it gets a
  sibling ``...::intended`` item that must pass.

A file that cannot be loaded gives one failing item ``load`` whose message is the
loader's ``file:line: error: ...`` text, never a traceback. Item names depend only on the
file's content, so runs with pytest-xdist (``-n auto``) collect identical node ids.
"""

from __future__ import annotations

import importlib
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest

_SOURCE_KEY = re.compile(r"(?m)^[ \t]*source[ \t]*=")
_ARRAY_TABLES = re.compile(r"(?m)^[ \t]*\[\[[ \t]*(chains|claims)[ \t]*\]\]")


# ---------------------------------------------------------------- hooks


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("symcheck", "symcheck derivation files")
    group.addoption(
        "--symcheck-timeout", type=float, default=None, metavar="SECONDS",
        help="seconds allowed per derivation step (default: the engine's)",
    )
    group.addoption("--symcheck-seed", type=int, default=None, help="seed for sampled points")
    group.addoption("--symcheck-cache-dir", default=None, metavar="DIR",
                    help="cache of decisions (default: $SYMCHECK_CACHE_DIR, else .symcheck_cache in the rootdir)")
    group.addoption("--symcheck-no-cache", action="store_true", help="neither read nor write the cache of decisions")
    parser.addini("symcheck_collect", type="bool", default=True,
                  help="collect derivation files (*.toml with source and [[chains]]/[[claims]]) as tests")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Optional[pytest.Collector]:
    if file_path.suffix != ".toml" or not parent.config.getini("symcheck_collect"):
        return None
    if not is_derivation_file(file_path):
        return None
    return DerivationFile.from_parent(parent, path=file_path)


def is_derivation_file(path: Path) -> bool:
    """A top-level string `source` and a `chains` or `claims` array; a TOML file that does
    not parse counts when its text has both (so that it fails loudly as a derivation)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "source" not in raw:
        return False
    import tomllib

    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError:
        return bool(_SOURCE_KEY.search(raw) and _ARRAY_TABLES.search(raw))
    return isinstance(data.get("source"), str) and any(isinstance(data.get(key), list) for key in ("chains", "claims"))


# ---------------------------------------------------------------- failures


class StepFailed(Exception):
    """A step (or intended form, claim, definition) that does not hold as the file says."""

    def __init__(self, decision: Any):
        super().__init__(getattr(getattr(decision, "verdict", None), "value", "failed"))
        self.decision = decision


class ErratumConfirmed(Exception):
    """The engine found the declared erratum: the step fails as written (an xfail)."""


class LoadFailed(Exception):
    """The derivation file could not be loaded; the message is the loader's."""


class GradientCheckFailed(Exception):
    pass


# ---------------------------------------------------------------- collection


def _backend(name: str) -> Any:
    return importlib.import_module(f"symcheck.{name}")


def _line_text(line: Any) -> Optional[str]:
    if isinstance(line, tuple):
        return f"{line[0]}-{line[1]}"
    return None if line is None else str(line)


def _item_name(equation: Any) -> str:
    line = _line_text(equation.line)
    where = f"line {line}" if line else "step"
    if equation.kind == "conclusion":
        return f"{equation.name}::conclusion"
    if equation.kind == "definition":
        return f"definition::{where}"
    return f"{equation.name}::{where}"


class _TomlLines:
    """Best-effort derivation-file line of a step: its LaTeX after its chain's name."""

    def __init__(self, path: Path):
        try:
            self.lines = path.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            self.lines = []

    def find(self, text: str, start: int = 0) -> Optional[int]:
        first = text.strip().splitlines()[0].strip() if text and text.strip() else ""
        if not first:
            return None
        for index in range(start, len(self.lines)):
            if first in self.lines[index]:
                return index
        return None

    def of(self, equation: Any) -> Optional[int]:
        """0-based line, or None."""
        start = 0
        if equation.kind != "definition" and equation.name:
            named = next((i for i, line in enumerate(self.lines)
                          if re.match(r"\s*name\s*=", line) and equation.name in line), None)
            start = named or 0
        if equation.kind == "conclusion":
            return start if start else None
        found = self.find(equation.latex, start)
        return found if found is not None else self.find(equation.latex)


class DerivationFile(pytest.File):
    """A derivation file: loads it once and yields one item per equation."""

    def collect(self) -> Iterator[pytest.Item]:
        try:
            loader = _backend("load.derivation")
        except Exception as error:  # noqa: BLE001 - symcheck itself is broken: say so cleanly
            yield LoadErrorItem.from_parent(
                self, name="load", message=f"{self.path}: error: cannot import symcheck's loader: "
                f"{type(error).__name__}: {error}", line=None,
            )
            return
        load = getattr(loader, "load_document", None) or loader.load_derivation
        try:
            document = load(self.path)
        except loader.InputError as error:
            yield LoadErrorItem.from_parent(self, name="load", message=error.render(), line=getattr(error, "line", None))
            return
        except Exception as error:  # noqa: BLE001 - a bug, but one file must not stop the session
            if os.environ.get("SYMCHECK_DEBUG"):
                raise
            yield LoadErrorItem.from_parent(
                self, name="load", line=None,
                message=f"{self.path}: error: internal error while loading: {type(error).__name__}: {error} "
                        "(set SYMCHECK_DEBUG=1 for a traceback)",
            )
            return
        lines = _TomlLines(self.path)
        names: Counter = Counter()

        def unique(name: str) -> str:
            names[name] += 1
            return name if names[name] == 1 else f"{name} [{names[name]}]"

        for equation in self._equations(document):
            name = unique(_item_name(equation))
            toml_line = lines.of(equation)
            role = "step" if equation.intended is None else "erratum"
            item = EquationItem.from_parent(self, name=name, equation=equation, role=role, toml_line=toml_line)
            if equation.intended is not None:
                item.add_marker(pytest.mark.xfail(
                    strict=True, raises=ErratumConfirmed,
                    reason=f"erratum: {equation.erratum_note or 'declared error'} "
                           "(must be refuted or conditional as written)",
                ))
                yield item
                yield EquationItem.from_parent(
                    self, name=unique(f"{name}::intended"), equation=equation.intended, role="intended",
                    toml_line=lines.find(equation.intended.latex),
                )
            else:
                yield item
        for check in getattr(document, "gradient_checks", ()):
            yield GradientCheckItem.from_parent(
                self, name=unique(f"{check.spec.name}::gradient check"), check=check,
                toml_line=lines.find(check.spec.name),
            )

    @staticmethod
    def _equations(document: Any) -> list:
        """What `symcheck verify` checks, in file order."""
        try:
            worth = getattr(_backend("verify.documents"), "worth_checking", None)
        except Exception:  # noqa: BLE001 - the engine is missing: items will fail with the reason
            worth = None
        definitions = [eq for eq in document.definitions if worth is None or worth(eq, document)]
        found = list(definitions)
        for chain in document.chains:
            found.extend(chain.equations)
        found.extend(document.claims)
        return found


def _settings(config: pytest.Config) -> Any:
    engine = _backend("engine.settings")
    settings = engine.Settings()
    changes = {}
    timeout = config.getoption("symcheck_timeout", None)
    seed = config.getoption("symcheck_seed", None)
    if timeout is not None:
        changes["step_timeout"] = timeout
    if seed is not None:
        changes["seed"] = seed
    if changes:
        import dataclasses

        settings = dataclasses.replace(settings, **changes)
    return settings


def _cache(config: pytest.Config) -> Any:
    """The decision cache: shared by pytest-xdist workers (its writes are atomic)."""
    store = _backend("verify.cache")
    if config.getoption("symcheck_no_cache", False) or os.environ.get("SYMCHECK_NO_CACHE", "") not in ("", "0", "false"):
        return store.NO_CACHE
    directory = config.getoption("symcheck_cache_dir", None) or os.environ.get("SYMCHECK_CACHE_DIR")
    return store.DecisionCache(Path(directory) if directory else config.rootpath / store.DEFAULT_DIRECTORY)


class _SymcheckItem(pytest.Item):
    toml_line: Optional[int] = None

    def reportinfo(self):
        # the domain heads failure reports; it must not be a suffix of the node id, or
        # pytest's terminal would rewrite its dots as "::" (it takes it for a Python name)
        return self.path, self.toml_line, f"{self.path.name}: {self.name}"


class EquationItem(_SymcheckItem):
    """One equation; `role` is "step" (must hold), "erratum" (must fail) or "intended" (must hold)."""

    def __init__(self, *, equation: Any, role: str, toml_line: Optional[int] = None, **kwargs):
        super().__init__(**kwargs)
        self.equation, self.role, self.toml_line = equation, role, toml_line
        self.decision: Any = None

    def runtest(self) -> None:
        verify = _backend("verify.documents")
        decision = _backend("verify.cache").decide(self.equation, _settings(self.config), verify.decide,
                                                   _cache(self.config))
        self.decision = decision
        holds = verify.holds(self.equation, decision)
        if self.role == "erratum":
            if decision.verdict.fails and not holds:
                raise ErratumConfirmed(decision.verdict.value)
            self.add_report_section(
                "call", "symcheck",
                "the engine no longer finds the declared erratum:\n" + self._describe(decision),
            )
            return
        if not holds:
            raise StepFailed(decision)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, StepFailed):
            return self._describe(excinfo.value.decision, headline=True)
        if isinstance(excinfo.value, ErratumConfirmed):
            return f"declared erratum confirmed: {excinfo.value}"
        return super().repr_failure(excinfo, style=style)

    def _describe(self, decision: Any, headline: bool = False) -> str:
        eq = self.equation
        verdict = decision.verdict.value
        rows = []
        if headline:
            what = {"intended": "the intended form of an erratum", "step": eq.kind}.get(self.role, eq.kind)
            rows.append(f"{what} does not hold: {verdict}")
        derivation = f"{self.path}" + (f":{self.toml_line + 1}" if self.toml_line is not None else "")
        rows.append(f"  derivation: {derivation}")
        source_line = _line_text(eq.line)
        rows.append(f"  source:     {eq.source}" + (f":{source_line}" if source_line else ""))
        if eq.name and eq.kind != "definition":
            rows.append(f"  {'chain' if eq.kind in ('step', 'conclusion') else 'claim'}:      {eq.name}")
        if eq.condition_latex:
            rows.append(f"  case:       {eq.condition_latex}")
        if eq.previous_latex:
            rows.append(f"  previous:   {_flat(eq.previous_latex)}")
        rows.append(f"  step:       {_flat(eq.latex)}")
        rows.append(f"  verdict:    {verdict} ({decision.strategy}, {decision.seconds:.2f} s)")
        if decision.reason:
            rows.append(f"  reason:     {decision.reason}")
        if decision.condition:
            rows.append(f"  holds only if: {decision.condition}")
        if decision.counterexample is not None:
            point = ", ".join(f"{k}={v}" for k, v in decision.counterexample.point.items())
            rows.append(f"  counterexample: {point}")
            rows.append(f"                  lhs = {decision.counterexample.lhs}")
            rows.append(f"                  rhs = {decision.counterexample.rhs}")
        if eq.erratum_note:
            rows.append(f"  erratum:    {eq.erratum_note}")
        return "\n".join(rows)


def _flat(text: str) -> str:
    return " ".join(text.split())


class GradientCheckItem(_SymcheckItem):
    def __init__(self, *, check: Any, toml_line: Optional[int] = None, **kwargs):
        super().__init__(**kwargs)
        self.check, self.toml_line = check, toml_line

    def runtest(self) -> None:
        gradcheck = _backend("engine.gradcheck")
        settings = _settings(self.config)
        results = gradcheck.run_gradient_check(self.check, seed=getattr(settings, "seed", 0))
        failed = [r for r in results if not r.passed]
        if failed:
            raise GradientCheckFailed("\n".join(
                f"  size {r.size}: max abs error {r.max_abs_error:.3g}, max rel error {r.max_rel_error:.3g} "
                f"over {r.points} points" for r in failed
            ))

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, GradientCheckFailed):
            return f"gradient check failed: {self.check.spec.name}\n  loss: {self.check.spec.loss}\n" \
                   f"  gradient: {self.check.spec.gradient}\n{excinfo.value}"
        return super().repr_failure(excinfo, style=style)


class LoadErrorItem(_SymcheckItem):
    """Stands for a derivation file that cannot be loaded: fails with the loader's message."""

    def __init__(self, *, message: str, line: Optional[int], **kwargs):
        super().__init__(**kwargs)
        self.message = message
        self.toml_line = line - 1 if isinstance(line, int) and line > 0 else None

    def runtest(self) -> None:
        raise LoadFailed(self.message)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, LoadFailed):
            return self.message
        return super().repr_failure(excinfo, style=style)
