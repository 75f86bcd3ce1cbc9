"""A content-addressed cache of decisions, like pytest's and ruff's.

An entry's key is a SHA-256 of everything the value depends on:

- for one equation: the compiled equation (`sympy.srepr` of both sides and of the chain's
  case condition; SymPy objects, never text to evaluate), its kind, its scope (symbol
  table, definitions, assumptions), the engine settings;
- for a whole file (`symcheck verify`/`check` of an unchanged file): the file's bytes, the
  bytes of its notation file or of the note a derivation file reads (`note = "path"`),
  their paths as given, and the settings;
- always: the symcheck, SymPy and latex2sympy2 versions and a hash of symcheck's own
  source, so a changed engine never reuses an old verdict.

Values are JSON of the result dataclasses (`Decision` with its evidence, or a whole
`DocumentResult`), decoded field by field against their type hints: a value that does not
fit is a miss, and nothing stored is ever unpickled or evaluated, so a cache directory
shared between CI jobs is not a way to run code. Writes go to a temporary file that
`os.replace` moves into place, so concurrent processes never see half an entry.

`unknown` decisions are not stored: they may depend on how busy the machine was.

This module imports no SymPy at import time: a run whose every file hits the cache never
loads the reader or the engine.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import json
import os
import shutil
import sys
import tempfile
import types
import typing
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from symcheck.model import Decision, Verdict

DEFAULT_DIRECTORY = Path(".symcheck_cache")
FORMAT = "v1"
MARKER = "CACHEDIR.TAG"
_MARKER_TEXT = "Signature: 8a477f597d28d172789f06886806bc55\n# symcheck's cache of decisions (symcheck cache clear)\n"
_PACKAGE = Path(__file__).resolve().parents[1]


class CacheError(Exception):
    """A directory that is not symcheck's cache was about to be cleared."""


# ---------------------------------------------------------------- keys


@functools.lru_cache(maxsize=1)
def fingerprint() -> str:
    """Versions of symcheck, SymPy, latex2sympy2 and Python, and symcheck's own source."""
    digest = hashlib.sha256()
    for package in ("symcheck", "sympy", "latex2sympy2"):
        digest.update(f"{package}={_version(package)};".encode())
    digest.update(f"python={sys.version_info[:2]};".encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def digest(*parts: str | bytes) -> str:
    """SHA-256 of the fingerprint and `parts` (each length-prefixed, so parts cannot run together)."""
    hashed = hashlib.sha256(fingerprint().encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hashed.update(f"{len(data)}:".encode() + data)
    return hashed.hexdigest()


def settings_text(settings: object) -> str:
    return repr(settings)  # a frozen dataclass of numbers: its repr names every field


def equation_key(eq: Any, settings: object) -> str:
    """The key of one compiled equation's decision (see the module docstring)."""
    return digest("equation", eq.kind, _srepr(eq.lhs), _srepr(eq.rhs), _srepr(eq.chain_condition),
                  scope_text(eq.scope), settings_text(settings))


def file_key(kind: str, paths: Sequence[Optional[Path]], settings: object) -> str:
    """The key of a whole file's result: the files' bytes and paths, and the settings."""
    parts = [kind, settings_text(settings)]
    for path in paths:
        parts += [str(path), path.read_bytes()] if path is not None and path.is_file() else ["-", ""]
    return digest(*parts)


@functools.lru_cache(maxsize=8192)
def _srepr(expr: object) -> str:
    """srepr, once per distinct expression (equal SymPy objects have equal sreprs)."""
    if expr is None:
        return "None"
    import sympy

    return sympy.srepr(expr)


def scope_text(scope: Any) -> str:
    """Symbol table, definitions and assumptions as text (srepr: names with assumptions)."""
    parts = [
        _table_text(scope.table),
        repr([_definition_text(d) for d in scope.definitions]),
        repr([_srepr(fact) for fact in scope.assumptions]),
    ]
    return "\n".join(parts)


_TABLE_PARTS = ("sizes", "indices", "index_ranges", "scalars", "bases", "functions", "declarations")
_TABLES: dict[int, tuple[list, str]] = {}


def _table_text(table: Any) -> str:
    """The symbol table as text, printed once per table while its entries stay the same
    objects (SymPy objects and declarations are immutable; the entries kept here stay
    alive, so no id is reused while compared)."""
    entries = [(part, key, value) for part in _TABLE_PARTS for key, value in getattr(table, part).items()]
    known = _TABLES.get(id(table))
    if known is not None and len(known[0]) == len(entries) and all(
            a[0] == b[0] and a[1] is b[1] and a[2] is b[2] for a, b in zip(known[0], entries)):
        return known[1]
    text = "\n".join(
        part + repr(sorted((_srepr(key) if part == "index_ranges" else key,
                            repr(value) if part == "declarations" else _srepr(value))
                           for key, value in getattr(table, part).items()))
        for part in _TABLE_PARTS)
    _TABLES[id(table)] = (entries, text)
    return text


@functools.lru_cache(maxsize=4096)
def _definition_text(definition: Any) -> str:
    return repr((_srepr(definition.target), [_srepr(p) for p in definition.params], _srepr(definition.body)))


# ---------------------------------------------------------------- JSON of dataclasses


def encode(value: object) -> object:
    """A result dataclass as JSON-ready data (enums by value, tuples as lists)."""
    if dataclasses.is_dataclass(value):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): encode(item) for key, item in value.items()}
    return value


_SCALARS: dict[type, Callable[[object], bool]] = {
    str: lambda v: isinstance(v, str),
    bool: lambda v: isinstance(v, bool),
    int: lambda v: isinstance(v, int) and not isinstance(v, bool),
    float: lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    type(None): lambda v: v is None,
}


def decode(kind: Any, data: object) -> Any:
    """`data` as an instance of the type `kind`; ValueError when it does not fit exactly."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        return _decode_union(typing.get_args(kind), data)
    if origin is tuple:
        return _decode_tuple(typing.get_args(kind), data)
    if origin is dict:
        key_type, value_type = typing.get_args(kind)
        _require(isinstance(data, dict))
        return {decode(key_type, key): decode(value_type, value) for key, value in data.items()}
    if dataclasses.is_dataclass(kind):
        return _decode_dataclass(kind, data)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(data)
    _require(kind in _SCALARS and _SCALARS[kind](data))
    return float(data) if kind is float else data


def _require(condition: bool) -> None:
    if not condition:
        raise ValueError("cached value does not fit its type")


def _decode_union(options: tuple, data: object) -> Any:
    for option in options:
        try:
            return decode(option, data)
        except (ValueError, TypeError, KeyError):
            continue
    raise ValueError("cached value fits no alternative")


def _decode_tuple(items: tuple, data: object) -> tuple:
    _require(isinstance(data, list))
    if len(items) == 2 and items[1] is Ellipsis:
        return tuple(decode(items[0], value) for value in data)
    _require(len(items) == len(data))
    return tuple(decode(item, value) for item, value in zip(items, data))


def _decode_dataclass(kind: type, data: object) -> Any:
    _require(isinstance(data, dict))
    hints = typing.get_type_hints(kind)
    fields = {f.name for f in dataclasses.fields(kind)}
    _require(set(data) <= fields)
    return kind(**{name: decode(hints[name], value) for name, value in data.items()})


# ---------------------------------------------------------------- storage


@dataclass(frozen=True)
class DecisionCache:
    """Entries under `directory` (None: caching off). Small and picklable, for workers."""

    directory: Optional[Path] = None

    @property
    def enabled(self) -> bool:
        return self.directory is not None

    def _path(self, section: str, key: str) -> Path:
        assert self.directory is not None
        return self.directory / FORMAT / section / key[:2] / f"{key}.json"

    def load(self, section: str, key: str, kind: type) -> Optional[Any]:
        """The entry as a `kind`, or None: missing, unreadable or malformed entries are misses."""
        if self.directory is None:
            return None
        known = _RECENT.get((self.directory, section, key, kind))
        if known is not None:
            return known
        try:
            stored = json.loads(self._path(section, key).read_text(encoding="utf-8"))
            _require(isinstance(stored, dict) and stored.get("key") == key)
            return _recall(self.directory, section, key, kind, decode(kind, stored["value"]))
        except (OSError, ValueError, TypeError, KeyError, RecursionError):
            return None

    def store(self, section: str, key: str, value: object) -> None:
        """Write atomically (temporary file, then os.replace); a failed write is only a lost entry."""
        if self.directory is None:
            return
        path = self._path(section, key)
        try:
            self._prepare()
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"key": key, "value": encode(value)}, out)
            os.replace(temporary, path)
        except OSError:
            return

    def _prepare(self) -> None:
        """The directory, marked as a cache (CACHEDIR.TAG) and ignored by git."""
        assert self.directory is not None
        if (self.directory / MARKER).is_file():
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / ".gitignore").write_text("# created by symcheck\n*\n", encoding="utf-8")
        (self.directory / MARKER).write_text(_MARKER_TEXT, encoding="utf-8")

    def clear(self) -> bool:
        """Remove the cache directory; False when there was none. Refuses a directory that
        symcheck did not create (no CACHEDIR.TAG), so a mistyped --cache-dir deletes nothing."""
        if self.directory is None or not self.directory.exists():
            return False
        if not (self.directory / MARKER).is_file():
            raise CacheError(f"{self.directory} is not a symcheck cache (no {MARKER}); not removed")
        shutil.rmtree(self.directory)
        _RECENT.clear()
        return True


# Entries this process has read, by (directory, section, key, type): a run that meets an
# equation again (notes repeat steps) does not read and decode it again. The values are
# frozen dataclasses, and a key names its content, so an entry never goes stale.
_RECENT: dict[tuple, Any] = {}
_RECENT_LIMIT = 4096


def _recall(directory: Path, section: str, key: str, kind: type, value: Any) -> Any:
    if len(_RECENT) >= _RECENT_LIMIT:
        _RECENT.clear()
    _RECENT[(directory, section, key, kind)] = value
    return value


NO_CACHE = DecisionCache(None)
_active: list[DecisionCache] = [NO_CACHE]


def active() -> DecisionCache:
    """The cache in use in this process (none unless a command or plugin turned it on)."""
    return _active[-1]


def activate(cache: DecisionCache) -> None:
    _active[-1] = cache


def cached(section: str, key: Callable[[], str], kind: type, compute: Callable[[], Any],
           keep: Callable[[Any], bool] = lambda value: True, cache: Optional[DecisionCache] = None) -> Any:
    """The stored value for the key, else `compute()`, stored when `keep` says so."""
    cache = active() if cache is None else cache
    if not cache.enabled:
        return compute()
    entry_key = key()
    found = cache.load(section, entry_key, kind)
    if found is not None:
        return found
    value = compute()
    if keep(value):
        cache.store(section, entry_key, value)
    return value


def decide(eq: Any, settings: object, decider: Callable[[Any, object], Decision],
           cache: Optional[DecisionCache] = None) -> Decision:
    """`decider(eq, settings)`, or the decision stored for the same equation, scope and settings
    (in `cache`, by default the active one)."""
    return cached("decisions", lambda: equation_key(eq, settings), Decision, lambda: decider(eq, settings),
                  keep=lambda decision: decision.verdict is not Verdict.UNKNOWN, cache=cache)

